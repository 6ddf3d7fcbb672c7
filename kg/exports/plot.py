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
from kg.store.atomic import atomic_write
from kg.store.integrity import refuse_other_suffix
from kg.view import PALETTE, spring_positions

__all__ = ["FAMILIES", "PERIODS", "AUTO_MAX_BARS", "period_of", "auto_period", "timeline_counts", "timeline",
           "network", "network_layout"]

#: Stacking order of the timeline (ACLED families, then casualty reports).
FAMILIES: tuple[str, ...] = (
    "Battle",
    "RemoteViolence",
    "ViolenceAgainstCivilians",
    "StrategicDevelopment",
    "CasualtyReport",
    "Event",
)

#: the bins of a timeline, finest first
PERIODS: tuple[str, ...] = ("week", "month", "quarter", "year")
#: ``by="auto"`` takes the finest bins that give at most this many bars
AUTO_MAX_BARS = 40
_SEED = 42
_FALLBACK = "#bdbdbd"
_PNG_METADATA = {"Software": None}


def period_of(date: str | None, by: str = "month") -> str | None:
    """The bin of an ISO date text: ISO ``YYYY-Www`` by week, ``YYYY-MM`` by month, ``YYYY-Qn`` by
    quarter, ``YYYY`` by year.

    Parameters
    ----------
    date : str or None
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
    by : {"week", "month", "quarter", "year"}

    Returns
    -------
    str or None
        None when the date is missing or less precise than the bin.

    Examples
    --------
    >>> period_of("2016-02-03", "week"), period_of("2016-02-03"), period_of("2016", "month")
    ('2016-W05', '2016-02', None)
    >>> period_of("2016-05", "quarter"), period_of("2016", "year")
    ('2016-Q2', '2016')
    """
    if by not in PERIODS:
        raise ValueError(f"by={by!r}: use one of {', '.join(PERIODS)}")
    if not date:
        return None
    if by == "year":
        return date[:4] if len(date) >= 4 else None
    if by == "quarter":
        return f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}" if len(date) >= 7 else None
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
    if by == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    if by == "quarter":
        year, q = int(first[:4]), int(first[6])
        while f"{year}-Q{q}" <= last:
            out.append(f"{year}-Q{q}")
            year, q = (year + 1, 1) if q == 4 else (year, q + 1)
        return out
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


def _event_dates(g: Graph) -> list[tuple[str | None, str]]:
    """(date or start date, family) of every event."""
    net = knowledge_network(g)
    return [(d.get("date") or d.get("start"), d.get("family") or "Event")
            for _, d in net.nodes(data=True) if d["kind"] == "event"]


def auto_period(dates: list[str | None], max_bars: int = AUTO_MAX_BARS) -> str:
    """The finest bins (week, month, quarter, year) that show the dated events in at most
    ``max_bars`` bars from the first to the last; weeks only when most dates give the day.

    >>> auto_period(["2016-02-03", "2016-03-01"]), auto_period(["2012-03", "2024-12"])
    ('week', 'year')
    >>> auto_period(["2016-01", "2017-06"]), auto_period([])
    ('month', 'month')
    """
    dated = sorted(d for d in dates if d)
    if not dated:
        return "month"
    for by in PERIODS:
        if by == "week" and sum(len(d) >= 10 for d in dated) * 2 < len(dated):
            continue
        bins = [p for d in dated if (p := period_of(d, by))]
        if bins and len(_periods(min(bins), max(bins), by)) <= max_bars:
            return by
    return "year"


def timeline_counts(g: Graph, by: str = "month") -> tuple[list[str], dict[str, list[int]], int]:
    """Events per period and family.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    by : {"week", "month", "quarter", "year", "auto"}
        ``auto``: :func:`auto_period` of the events' dates.

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
    return _counts(_event_dates(g), by)[1:]


def _counts(events: list[tuple[str | None, str]], by: str) -> tuple[str, list[str], dict[str, list[int]], int]:
    if by == "auto":
        by = auto_period([d for d, _ in events])
    tally: Counter[tuple[str, str]] = Counter()
    undated = 0
    for date, family in events:
        period = period_of(date, by)
        if period is None:
            undated += 1
        else:
            tally[(period, family)] += 1
    if not tally:
        return by, [], {}, undated
    seen = sorted({p for p, _ in tally})
    periods = _periods(seen[0], seen[-1], by)
    families = [f for f in FAMILIES if any(fam == f for _, fam in tally)]
    families += sorted({fam for _, fam in tally} - set(families))
    return by, periods, {f: [tally[(p, f)] for p in periods] for f in families}, undated


def _save(fig: Figure, path: str | os.PathLike[str]) -> Path:
    """Write ``fig`` as a PNG (:func:`kg.store.atomic_write`: an unwritable path is an OutputError)."""
    path = Path(path)
    refuse_other_suffix(path, (".png",), "a PNG image")  # PNG bytes in chart.svg would be a lie
    FigureCanvasAgg(fig)
    with atomic_write(path, "wb", encoding=None) as fh:
        fig.savefig(fh, format="png", metadata=_PNG_METADATA)
    return path


_PERIOD_WORDS = {"week": ("semaine", "semaine (ISO)"), "month": ("mois", "mois"),
                 "quarter": ("trimestre", "trimestre"), "year": ("année", "année")}


def timeline(g: Graph, path: str | os.PathLike[str], *, by: str = "auto", title: str | None = None) -> Path:
    """Write a PNG bar chart of events per period, stacked by family.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    path : str or os.PathLike
        PNG file to write (folder created).
    by : {"auto", "week", "month", "quarter", "year"}
        Bin size; weeks are ISO weeks and need day-precise dates. ``auto`` (the default) takes
        the finest bins that fit the dated events in at most :data:`AUTO_MAX_BARS` bars, so a
        corpus spread over twelve years gets years, not 150 mostly empty months.
    title : str, optional
        Chart title; by default says how many events are shown and how many are left out.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    The y axis has whole numbers only (events are counted); the events whose date is missing or
    too coarse for the bins are counted in the title and in a note under the chart.
    """
    from matplotlib.ticker import MaxNLocator

    by, periods, counts, undated = _counts(_event_dates(g), by)
    fig = Figure(figsize=(max(6.0, min(24.0, 0.35 * len(periods) + 3)), 4.8), dpi=100)
    ax = fig.add_subplot()
    bottom = [0] * len(periods)
    for family, values in counts.items():
        ax.bar(range(len(periods)), values, bottom=bottom, label=family, color=PALETTE.get(family, _FALLBACK))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    step = max(1, len(periods) // 24)
    ax.set_xticks(range(0, len(periods), step), periods[::step], rotation=60 if by != "year" else 0,
                  ha="right" if by != "year" else "center", fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("événements")
    word, axis = _PERIOD_WORDS[by]
    ax.set_xlabel(axis)
    total = sum(bottom)
    ax.set_title(title or f"Événements par {word} : {total} datés, {undated} non datés (non montrés)")
    if undated:
        precision = {"week": "au jour", "month": "au mois", "quarter": "au mois", "year": "à l'année"}[by]
        fig.text(0.01, 0.01, f"{undated} événement(s) sans date {precision} près ne figurent pas sur ce graphique.",
                 fontsize=8, color="#555555", ha="left", va="bottom")
    if counts:
        ax.legend(fontsize=8, loc="upper left")
    else:
        ax.text(0.5, 0.5, "aucun événement daté", ha="center", va="center", transform=ax.transAxes)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return _save(fig, path)


def network_layout(net: nx.Graph, *, seed: int = _SEED, gap: float = 0.02,
                   iterations: int = 500) -> dict[str, tuple[float, float, float]]:
    """Positions and radii of the actors' circles, none overlapping: ``{node: (x, y, r)}``.

    A seeded spring layout scaled to [-1, 1] places the nodes; a circle's area grows with the
    node's weighted degree (radius 0.04 to 0.14); then circles closer than the sum of their radii
    plus ``gap`` are pushed apart along the line between their centres, pair by pair in a fixed
    order, until none overlaps (or ``iterations`` passes). Deterministic.

    >>> net = nx.complete_graph(["a", "b", "c", "d", "e", "f"])
    >>> pos = network_layout(net)
    >>> import itertools, math
    >>> all(math.dist(pos[u][:2], pos[v][:2]) >= pos[u][2] + pos[v][2] for u, v in itertools.combinations(pos, 2))
    True
    """
    import math

    nodes = sorted(net)
    if not nodes:
        return {}
    raw = spring_positions(net, seed=seed, scale=1.0) if len(nodes) > 1 else {nodes[0]: (0.0, 0.0)}
    degree = dict(net.degree(weight="weight"))
    top = max(max(degree.values()), 1)
    pos = {u: [float(raw[u][0]), float(raw[u][1]), 0.04 + 0.10 * math.sqrt(degree[u] / top)] for u in nodes}
    for _ in range(iterations):
        moved = False
        for i, u in enumerate(nodes):
            for v in nodes[i + 1:]:
                pu, pv = pos[u], pos[v]
                dx, dy = pv[0] - pu[0], pv[1] - pu[1]
                dist = math.hypot(dx, dy)
                need = pu[2] + pv[2] + gap
                if dist >= need:
                    continue
                if dist < 1e-9:  # same point: split along a fixed direction
                    dx, dy, dist = 1.0, 0.0, 1.0
                push = (need - dist) / 2 + 1e-6
                pu[0] -= dx / dist * push
                pu[1] -= dy / dist * push
                pv[0] += dx / dist * push
                pv[1] += dy / dist * push
                moved = True
        if not moved:
            break
    return {u: (p[0], p[1], p[2]) for u, p in pos.items()}


def _undirected(net: nx.DiGraph) -> nx.Graph:
    """The actors' interactions without direction, the weights of both directions summed."""
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(net))
    for u, v, d in sorted(net.edges(data=True), key=lambda e: (e[0], e[1])):
        weight = d["weight"] + (undirected[u][v]["weight"] if undirected.has_edge(u, v) else 0)
        undirected.add_edge(u, v, weight=weight)
    return undirected


def _draw_network(ax, net: nx.DiGraph, undirected: nx.Graph, layout: dict, labels: int) -> None:
    """Edges, circles, the labels of the ``labels`` best-connected actors and a legend of classes."""
    from matplotlib.patches import Circle

    segments = [(layout[u][:2], layout[v][:2]) for u, v in undirected.edges()]
    widths = [0.6 + 0.6 * d["weight"] ** 0.5 for _, _, d in undirected.edges(data=True)]
    ax.add_collection(LineCollection(segments, linewidths=widths, colors="#999999", zorder=1))
    nodes = list(undirected)
    degree = dict(undirected.degree(weight="weight"))
    for u in nodes:
        x, y, r = layout[u]
        ax.add_patch(Circle((x, y), r, facecolor=PALETTE.get(net.nodes[u]["cls"], _FALLBACK),
                            edgecolor="#333333", linewidth=0.5, zorder=2))
    ranked = sorted(nodes, key=lambda u: (-degree[u], net.nodes[u]["label"], u))[:labels]
    for u in ranked:
        x, y, r = layout[u]
        ax.annotate(net.nodes[u]["label"], (x, y + r), fontsize=8, ha="center", va="bottom",
                    xytext=(0, 2), textcoords="offset points", zorder=3)
    classes = sorted({net.nodes[u]["cls"] for u in nodes})
    for cls in classes:
        ax.scatter([], [], c=PALETTE.get(cls, _FALLBACK), label=cls, edgecolors="#333333", linewidths=0.5)
    ax.legend(fontsize=8, loc="lower left", frameon=False)
    xs = [p[0] - p[2] for p in layout.values()] + [p[0] + p[2] for p in layout.values()]
    ys = [p[1] - p[2] for p in layout.values()] + [p[1] + p[2] + 0.12 for p in layout.values()]
    ax.set_xlim(min(xs) - 0.1, max(xs) + 0.1)
    ax.set_ylim(min(ys) - 0.1, max(ys) + 0.1)


def network(g: Graph, path: str | os.PathLike[str], *, labels: int = 40, title: str | None = None) -> Path:
    """Write a PNG of the actor-interaction network (seeded spring layout, circles that never overlap).

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
    Actors without any interaction are left out; node colour is the actor class (the view's
    palette), a circle's area grows with the weighted degree, edge width with the number of
    events; circles are drawn in data units on equal axes (:func:`network_layout`), so they keep
    apart at any size of figure.
    """
    net = actor_interactions(g)
    net.remove_nodes_from([u for u in list(net) if net.degree(u) == 0])
    undirected = _undirected(net)
    layout = network_layout(undirected)
    fig = Figure(figsize=(9, 7), dpi=100)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_aspect("equal")
    if len(undirected):
        _draw_network(ax, net, undirected, layout, labels)
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
