"""The evaluation as a plain-text table (``kg evaluate``'s output).

Imports only the result types.
"""

from __future__ import annotations

from kg.evaluate.results import Counts, Evaluation

__all__ = ["format_table"]


def _prf(c: Counts) -> str:
    return f"{c.precision:5.2f} {c.recall:5.2f} {c.f1:5.2f}"


def format_table(ev: Evaluation, verbose: bool = False) -> str:
    """The evaluation as a plain-text table; the last line is :meth:`Evaluation.summary`.

    Parameters
    ----------
    ev : Evaluation
        What :func:`evaluate` returned.
    verbose : bool
        Also list, per article, missed and extra entities and events and wrong roles.
    """
    width = max([len(a.article) for a in ev.articles] + [len("overall")])
    cols = f"{'P':>5} {'R':>5} {'F1':>5}"
    head = f"{'article':<{width}}  {cols}   {cols}   {cols}"
    lines = [
        f"{'':<{width}}  {'entities':<17}   {'events':<17}   {'event families':<17}",
        head,
        "-" * len(head),
    ]

    def row(name: str, ents: Counts, evs: Counts, fams: Counts, note: str = "") -> str:
        return f"{name:<{width}}  {_prf(ents)}   {_prf(evs)}   {_prf(fams)}{note}"

    for a in ev.articles:
        lines.append(
            row(a.article, a.entities, a.events, a.families, "" if a.found else "  (article not in graph)")
        )
        if verbose:
            lines += [
                f"    missed entities: {list(a.missed_entities)}",
                f"    extra entities:  {[list(x) for x in a.extra_entities]}",
                f"    missed events:   {list(a.missed_events)}",
                f"    extra events:    {list(a.extra_events)}",
                f"    wrong roles:     {list(a.role_misses)}",
            ]
    lines += ["-" * len(head), row("overall", ev.entities, ev.events, ev.families), ""]
    lines.append(
        "roles (share right): "
        + (
            ", ".join(
                f"{k} {v.right}/{v.of} ({v.share:.2f})" for k, v in ev.roles.items() if v.share is not None
            )
            or "none"
        )
    )
    if ev.event_types:
        tw = max(len(t) for t in ev.event_types)
        lines += ["", f"{'event type':<{tw}}   P     R    F1    tp  fp  fn"]
        lines += [f"{t:<{tw}}  {_prf(c)}  {c.tp:3d} {c.fp:3d} {c.fn:3d}" for t, c in ev.event_types.items()]
    lines += [
        "",
        f"cross-article entity consistency: {ev.consistency.right}/{ev.consistency.of}; "
        f"mention offsets valid: {ev.mention_offsets.right}/{ev.mention_offsets.of}; "
        f"entity class right: {ev.entity_class.right}/{ev.entity_class.of}",
        ev.summary(),
    ]
    return "\n".join(lines)
