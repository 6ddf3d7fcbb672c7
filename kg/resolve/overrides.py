"""The user's overrides file (``--overrides``): surface forms merged into an entity, or kept apart.

Read and checked by :func:`load_overrides`; pass 1 (:mod:`kg.resolve.mentions`) applies them.

Must not import rdflib, pyoxigraph or spaCy (resolve sits below rdf; ``lint-imports`` checks).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from kg.errors import UsageError
from kg.gazetteer import load_gazetteer, norm
from kg.schema.ids import id_problem

__all__ = ["load_overrides"]

_SHAPE = 'expected JSON {"merge": {"surface form": "entity-id"}, "split": ["surface form"]}'


def load_overrides(path: str | Path | Mapping | None) -> dict:
    """The user's overrides file (``--overrides``), checked: ``{"merge": {form: entity id}, "split": [form]}``.
    A mapping is overrides already read by this function (a build's ``report.json`` keeps them, so
    that ``kg remove`` resolves as the build did).

    Raises :class:`~kg.errors.UsageError` naming the file and the first problem (what ``kg build``
    checks before it parses anything).
    """
    if isinstance(path, Mapping):
        return _checked(dict(path), "the build's overrides (report.json)")
    if not path:
        return {"merge": {}, "split": []}
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{p}: cannot read overrides ({exc}); {_SHAPE}") from None
    return _checked(data, str(p))


def _checked(data: object, p: str) -> dict:
    """``data`` as overrides (normalised forms), or :class:`UsageError` naming ``p`` and the problem."""
    shape = _SHAPE
    if not isinstance(data, dict):
        raise UsageError(f"{p}: overrides must be a JSON object, not {type(data).__name__}; {shape}")
    unknown = sorted(set(data) - {"merge", "split"})
    merge, split = data.get("merge", {}), data.get("split", [])
    if unknown:
        raise UsageError(f"{p}: unknown overrides key {unknown[0]!r}; {shape}")
    if not isinstance(merge, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                              for k, v in merge.items()):
        raise UsageError(f"{p}: \"merge\" must map surface forms to entity ids (strings); {shape}")
    if not isinstance(split, list) or not all(isinstance(s, str) for s in split):
        raise UsageError(f"{p}: \"split\" must be a list of surface forms (strings); {shape}")
    merged: dict[str, str] = {}
    for form, target in merge.items():
        bad = id_problem(target)
        if bad is not None:  # the id is in the entity's IRI: found at the store's load, after parsing
            raise UsageError(
                f'{p}: "merge" sends {form!r} to {target!r}, which cannot be an entity id (it is in the '
                f'entity\'s IRI, and contains {bad}); use a slug such as "tiger-forces"'
            )
        if merged.setdefault(norm(form), target) != target:  # "Homs" and "HOMS" are one form
            raise UsageError(f"{p}: \"merge\" sends the form {form!r} to two entities ({merged[norm(form)]!r} "
                             f"and {target!r}); keep one")
    both = [s for s in split if norm(s) in merged]
    if both:
        raise UsageError(f"{p}: the form {both[0]!r} is both merged (into {merged[norm(both[0])]!r}) and split; "
                         "keep one of the two")
    for form, target in merge.items():
        other = _other_kind(form, target)
        if other is not None:
            raise UsageError(f'{p}: "merge" sends {form!r} ({other[0]} in kg\'s gazetteer) to {target!r}, '
                             f"{other[1]}: a merge joins names of one kind of thing; name an entity of the "
                             "same kind, or a new id")
    return {"merge": merged, "split": [norm(s) for s in split]}


def _other_kind(form: str, target: str) -> tuple[str, str] | None:
    """("a place", "an actor") when ``target`` is a gazetteer entry of one kind and ``form`` names only
    entries of another (``{"Homs": "osdh"}``): merged, the place's mentions would make the
    organisation a place too (a graph SHACL rejects). None when the two may be one kind of thing;
    forms the gazetteer does not know are checked as the mentions come (:mod:`kg.resolve.mentions`)."""
    gaz = load_gazetteer()
    if target not in gaz:
        return None
    kinds = {e.kind for e in gaz.lookup(form)}
    want = gaz[target].kind
    if not kinds or want in kinds:
        return None
    article = {"actor": "an actor", "place": "a place"}
    return " or ".join(sorted(article.get(k, k) for k in kinds)), article.get(want, want)
