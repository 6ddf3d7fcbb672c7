"""PNG charts of a built graph: the events timeline and the actor-interaction network.

matplotlib draws through its Agg canvas on a :class:`~matplotlib.figure.Figure`
made here, never through ``pyplot``, so nothing depends on (or changes) the
process-wide backend and no display is needed. PNG metadata that would vary
between matplotlib versions (``Software``) is left out.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path

import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from rdflib import Graph

from kg.analyse import actor_interactions, knowledge_network
from kg.view import PALETTE, spring_positions

__all__ = ["FAMILIES", "period_of", "timeline_counts", "timeline", "network"]

#: Stacking order of the timeline (ACLED families, then casualty reports).
FAMILIES: tuple[str, ...] = (
    "Battle",
    "RemoteViolence",
    "ViolenceAgainstCivilians",
    "StrategicDevelopment",
    "CasualtyReport",
    "Event",
)

_SEED = 42
_FALLBACK = "#bdbdbd"
_PNG_METADATA = {"Software": None}


def period_of(date: str | None, by: str = "month") -> str | None:
    """The bin of an ISO date text: ``YYYY-MM`` by month, ISO ``YYYY-Www`` by week.

    Parameters
    ----------
    date : str or None
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
    by : {"month", "week"}

    Returns
    -------
    str or None
        None when the date is missing or less precise than the bin.

    Examples
    --------
    >>> period_of("2016-02-03", "week"), period_of("2016-02-03"), period_of("2016", "month")
    ('2016-W05', '2016-02', None)
    """
    if by not in ("month", "week"):
        raise ValueError(f"by={by!r}: use month or week")
    if not date:
        return None
    if by == "month":
        return date[:7] if len(date) >= 7 else None
    if len(date) < 10:
        return None
    try:
        year, week, _ = dt.date.fromisoformat(date[:10]).isocalendar()
    except ValueError:
        return None
    return f"{year}-W{week:02d}"


def _periods(first: str, last: str, by: str) -> list[str]:
    """Every bin from ``first`` to ``last`` inclusive, so empty bins show as gaps."""
    out = []
    if by == "month":
        year, month = int(first[:4]), int(first[5:7])
        while f"{year}-{month:02d}" <= last:
            out.append(f"{year}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out
    day = dt.date.fromisocalendar(int(first[:4]), int(first[6:]), 1)
    end = dt.date.fromisocalendar(int(last[:4]), int(last[6:]), 1)
    while day <= end:
        year, week, _ = day.isocalendar()
        out.append(f"{year}-W{week:02d}")
        day += dt.timedelta(days=7)
    return out


def timeline_counts(g: Graph, by: str = "month") -> tuple[list[str], dict[str, list[int]], int]:
    """Events per period and family.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    by : {"month", "week"}

    Returns
    -------
    periods : list of str
        Every bin from the first to the last dated event.
    counts : dict
        Family → one count per period (families with no event left out).
    undated : int
        Events whose ``ckg:date`` (or else ``ckg:startDate``) is missing or too
        coarse for the bins.
    """
    net = knowledge_network(g)
    tally: Counter[tuple[str, str]] = Counter()
    undated = 0
    for _, d in net.nodes(data=True):
        if d["kind"] != "event":
            continue
        period = period_of(d.get("date") or d.get("start"), by)
        if period is None:
            undated += 1
        else:
            tally[(period, d.get("family") or "Event")] += 1
    if not tally:
        return [], {}, undated
    seen = sorted({p for p, _ in tally})
    periods = _periods(seen[0], seen[-1], by)
    families = [f for f in FAMILIES if any(fam == f for _, fam in tally)]
    families += sorted({fam for _, fam in tally} - set(families))
    return periods, {f: [tally[(p, f)] for p in periods] for f in families}, undated


def _save(fig: Figure, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(fig)
    fig.savefig(path, format="png", metadata=_PNG_METADATA)
    return path


def timeline(g: Graph, path: str | os.PathLike[str], *, by: str = "month", title: str | None = None) -> Path:
    """Write a PNG bar chart of events per week or month, stacked by family.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    path : str or os.PathLike
        PNG file to write (folder created).
    by : {"month", "week"}
        Bin size; weeks are ISO weeks and need day-precise dates.
    title : str, optional
        Chart title; by default says how many events were left out as undated.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    periods, counts, undated = timeline_counts(g, by)
    fig = Figure(figsize=(max(6.0, min(24.0, 0.35 * len(periods) + 3)), 4.5), dpi=100)
    ax = fig.add_subplot()
    bottom = [0] * len(periods)
    for family, values in counts.items():
        ax.bar(range(len(periods)), values, bottom=bottom, label=family, color=PALETTE.get(family, _FALLBACK))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    step = max(1, len(periods) // 24)
    ax.set_xticks(range(0, len(periods), step), periods[::step], rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("événements")
    ax.set_xlabel("semaine (ISO)" if by == "week" else "mois")
    total = sum(bottom)
    ax.set_title(
        title
        or f"Événements par {'semaine' if by == 'week' else 'mois'} : {total} datés, {undated} non datés"
    )
    if counts:
        ax.legend(fontsize=8, loc="upper left")
    else:
        ax.text(0.5, 0.5, "aucun événement daté", ha="center", va="center", transform=ax.transAxes)
    fig.tight_layout()
    return _save(fig, path)


def network(g: Graph, path: str | os.PathLike[str], *, labels: int = 40, title: str | None = None) -> Path:
    """Write a PNG of the actor-interaction network (seeded spring layout).

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    path : str or os.PathLike
        PNG file to write (folder created).
    labels : int
        Label only the this many best-connected actors.
    title : str, optional
        Chart title.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Actors without any interaction are left out; node colour is the actor class
    (the view's palette), node area grows with weighted degree, edge width with
    the number of events.
    """
    net = actor_interactions(g)
    net.remove_nodes_from([u for u in list(net) if net.degree(u) == 0])
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(net))
    for u, v, d in sorted(net.edges(data=True), key=lambda e: (e[0], e[1])):
        weight = d["weight"] + (undirected[u][v]["weight"] if undirected.has_edge(u, v) else 0)
        undirected.add_edge(u, v, weight=weight)
    pos = spring_positions(undirected, seed=_SEED)
    fig = Figure(figsize=(9, 7), dpi=100)
    ax = fig.add_subplot()
    ax.set_axis_off()
    if len(undirected):
        segments = [(pos[u], pos[v]) for u, v in undirected.edges()]
        widths = [0.6 + 0.6 * d["weight"] ** 0.5 for _, _, d in undirected.edges(data=True)]
        ax.add_collection(LineCollection(segments, linewidths=widths, colors="#999999", zorder=1))
        nodes = list(undirected)
        degree = dict(undirected.degree(weight="weight"))
        ax.scatter(
            [pos[u][0] for u in nodes],
            [pos[u][1] for u in nodes],
            s=[40 + 30 * degree[u] for u in nodes],
            c=[PALETTE.get(net.nodes[u]["cls"], _FALLBACK) for u in nodes],
            edgecolors="#333333",
            linewidths=0.5,
            zorder=2,
        )
        ranked = sorted(nodes, key=lambda u: (-degree[u], net.nodes[u]["label"], u))[:labels]
        for u in ranked:
            ax.annotate(
                net.nodes[u]["label"],
                pos[u],
                fontsize=8,
                ha="center",
                va="bottom",
                xytext=(0, 6),
                textcoords="offset points",
                zorder=3,
            )
        classes = sorted({net.nodes[u]["cls"] for u in nodes})
        for cls in classes:
            ax.scatter([], [], c=PALETTE.get(cls, _FALLBACK), label=cls, edgecolors="#333333", linewidths=0.5)
        ax.legend(fontsize=8, loc="lower left", frameon=False)
        ax.margins(0.1)
    else:
        ax.text(
            0.5, 0.5, "aucune interaction entre acteurs", ha="center", va="center", transform=ax.transAxes
        )
    ax.set_title(
        title
        or f"Interactions entre acteurs : {len(undirected)} acteurs, "
        f"{sum(d['weight'] for _, _, d in net.edges(data=True))} événements"
    )
    fig.tight_layout()
    return _save(fig, path)
