"""A self-contained pyvis page of the knowledge network.

The page works offline: vis-network's JavaScript and CSS, shipped inside the pyvis
package, are inlined (``cdn_resources="in_line"``) and the Bootstrap CDN links of
pyvis's template are removed. Every piece of text that reaches HTML (tooltips,
title, legend) goes through :func:`html.escape`; node and edge data are embedded as
JSON by Jinja's ``tojson``, which also escapes ``<``, ``>``, ``&`` and ``'``.
"""

from __future__ import annotations

import html
import math
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
from pyvis.network import Network
from rdflib import Graph

from kg.analyse import find_node, knowledge_network
from kg.errors import KgError

__all__ = [
    "PALETTE",
    "SHAPES",
    "FilterError",
    "filter_network",
    "spring_positions",
    "STATIC_LAYOUT_NODES",
    "write_html",
    "render_html",
    "external_references",
]

#: Node colour by class local name (actors, places) or event family.
PALETTE: dict[str, str] = {
    # actors
    "StateForce": "#d62728",
    "ForeignState": "#8c564b",
    "RebelGroup": "#2ca02c",
    "JihadistGroup": "#393b79",
    "Militia": "#bcbd22",
    "Civilians": "#17becf",
    "GovernmentBody": "#e377c2",
    "Organization": "#9467bd",
    "MediaOutlet": "#7f7f7f",
    "Person": "#ff9896",
    "Actor": "#c7c7c7",
    # places
    "Country": "#08519c",
    "Region": "#3182bd",
    "City": "#6baed6",
    "Neighbourhood": "#9ecae1",
    "Site": "#c6dbef",
    "Place": "#deebf7",
    # event families
    "Battle": "#e6550d",
    "RemoteViolence": "#fd8d3c",
    "ViolenceAgainstCivilians": "#a50f15",
    "StrategicDevelopment": "#31a354",
    "CasualtyReport": "#636363",
    "Event": "#bdbdbd",
}

#: Node shape by kind; places of large extent (country, region) are squares.
SHAPES: dict[str, str] = {
    "actor": "dot",
    "place": "triangle",
    "place:large": "square",
    "event": "diamond",
}

_LARGE_PLACES = frozenset({"Country", "Region"})
_KIND_TITLES = (("actor", "Acteurs"), ("place", "Lieux"), ("event", "Événements"))
_FALLBACK_COLOUR = "#bdbdbd"
_RANDOM_SEED = 42
_STABILIZATION_ITERATIONS = 300
#: Above this many nodes the page gets positions computed here and no physics.
STATIC_LAYOUT_NODES = 1500
_SKELETON_MAX = 2000  # dense Fruchterman-Reingold above this would be too slow

_EXTERNAL = re.compile(
    r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE,
)
_EXTERNAL_LINK = re.compile(r"""<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//[^>]*>""", re.IGNORECASE)
_EXTERNAL_SCRIPT = re.compile(
    r"""<script\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//[^>]*>\s*</script\s*>""",
    re.IGNORECASE,
)
_COMMENTED_LINKS = re.compile(r"<!--\s*<link.*?-->", re.DOTALL)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>\s*")
_SOURCE_MAP = re.compile(r"//# sourceMappingURL=[^\s<]*")
_NETWORK_NEW = "network = new vis.Network(container, data, options);"

# Turns the escaped-HTML tooltips into elements (vis-network shows string titles as
# plain text), then freezes the layout once stabilised so large graphs stay usable.
_BEFORE_NETWORK = """var kgTips = [];
                  nodes.forEach(function (n) {
                    if (typeof n.title === "string") {
                      var tip = document.createElement("div");
                      tip.className = "kg-tip";
                      tip.innerHTML = n.title;
                      kgTips.push({id: n.id, title: tip});
                    }
                  });
                  nodes.update(kgTips);
                  """
_AFTER_NETWORK = (
    "\n                  "
    'network.once("stabilizationIterationsDone", () => network.setOptions({physics: false}));'
    "\n                  "
    "if (network.physics.options.enabled) {"
    ' network.once("stabilizationIterationsDone", () => { window.kgReady = true; });'
    ' } else { network.once("afterDrawing", () => { window.kgReady = true; }); }'
)

_CSS = """<style>
  body { margin: 0; font-family: system-ui, sans-serif; }
  .kg-header { padding: 6px 12px; border-bottom: 1px solid #ddd; }
  .kg-header h1 { font-size: 1.2em; margin: 0 0 4px 0; }
  .kg-header p { margin: 0 0 4px 0; color: #555; font-size: 0.9em; }
  .kg-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.85em; }
  .kg-legend b { margin-right: 4px; }
  .kg-legend span { display: inline-flex; align-items: center; gap: 4px; }
  .kg-swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #888; }
  .kg-tip { max-width: 420px; white-space: normal; font-size: 12px; }
  .vis-tooltip { white-space: normal !important; }
</style>
"""


# --------------------------------------------------------------------------- filters


class FilterError(KgError, ValueError):
    """A view filter cannot be applied (bad date, unknown node)."""


_DATE_BOUND = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_EVENT_ROLES = frozenset({"agent", "target", "reportedBy", "disputedBy"})


def _check_bound(name: str, value: str | None) -> str | None:
    if value is not None and not _DATE_BOUND.match(value):
        raise FilterError(f"--{name} {value!r}: give a date as YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def _in_range(data: dict, since: str | None, until: str | None) -> bool:
    """True when the event's date or start date lies in [since, until] at their precision."""
    for value in (data.get("date"), data.get("start")):
        if not value:
            continue
        if since is not None and value[: len(since)] < since:
            continue
        if until is not None and value[: len(until)] > until:
            continue
        return True
    return False


def _find(net: nx.MultiDiGraph, name: str, kind: str) -> str:
    sub = net.subgraph(u for u, d in net.nodes(data=True) if d["kind"] == kind)
    try:
        return find_node(sub, name)
    except KgError as exc:
        raise FilterError(f"{kind}: {exc}") from None


def _within(net: nx.MultiDiGraph, place: str) -> set[str]:
    """``place`` and every place located in it, through ``locatedIn`` edges."""
    inside = {place}
    frontier = [place]
    while frontier:
        outer = frontier.pop()
        for inner, _, key in net.in_edges(outer, keys=True):
            if key == "locatedIn" and inner not in inside:
                inside.add(inner)
                frontier.append(inner)
    return inside


def _ancestors(net: nx.MultiDiGraph, places: set[str]) -> set[str]:
    found, frontier = set(places), list(places)
    while frontier:
        for _, outer, key in net.out_edges(frontier.pop(), keys=True):
            if key == "locatedIn" and outer not in found:
                found.add(outer)
                frontier.append(outer)
    return found


def filter_network(
    net: nx.MultiDiGraph,
    *,
    since: str | None = None,
    until: str | None = None,
    types: Iterable[str] = (),
    actor: str | None = None,
    place: str | None = None,
    ego: str | None = None,
    depth: int = 2,
    top: int | None = None,
) -> nx.MultiDiGraph:
    """A sub-network of :func:`kg.analyse.knowledge_network` for the view.

    Event filters (``since``, ``until``, ``types``, ``actor``, ``place``) combine with
    AND; when one is given, the result keeps the events that pass, the actors and
    places they link to, and the places those are located in. Then ``ego`` keeps
    the neighbourhood of one node, then ``top`` the best-connected nodes.

    Parameters
    ----------
    net : networkx.MultiDiGraph
        A knowledge network (left unchanged).
    since, until : str, optional
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: an event passes when its ``date``
        or its ``start`` date, cut to the bound's length, is ``>= since`` and
        ``<= until`` (string comparison at the bound's precision). Undated events
        fail a date filter.
    types : iterable of str
        Event type or family local names (``Airstrike``, ``Battle``), compared
        without regard to case; an event passes when it matches any.
    actor : str, optional
        Label, local name or IRI of an actor; events where it has any role pass.
    place : str, optional
        Label, local name or IRI of a place; events in it or in a place located in
        it (``locatedIn``, transitively) pass.
    ego : str, optional
        Label, local name or IRI of any node: keep the nodes within ``depth`` hops
        of it, edges taken either way (actor → event → actor is 2 hops).
    depth : int
        Radius for ``ego``.
    top : int, optional
        Keep the ``top`` nodes of highest degree (ties by label, then IRI) and the
        edges among them.

    Returns
    -------
    networkx.MultiDiGraph
        A new network with the same attributes.

    Raises
    ------
    FilterError
        For a malformed date or a name that designates no node.
    """
    since, until = _check_bound("since", since), _check_bound("until", until)
    wanted_types = {t.casefold() for t in types}
    kept = set(net)
    if since or until or wanted_types or actor or place:
        selected = {u for u, d in net.nodes(data=True) if d["kind"] == "event"}
        if since or until:
            selected = {u for u in selected if _in_range(net.nodes[u], since, until)}
        if wanted_types:
            selected = {
                u
                for u in selected
                if {net.nodes[u]["cls"].casefold(), str(net.nodes[u].get("family")).casefold()} & wanted_types
            }
        if actor:
            who = _find(net, actor, "actor")
            selected &= {e for e, _, k in net.in_edges(who, keys=True) if k in _EVENT_ROLES}
        if place:
            where = _within(net, _find(net, place, "place"))
            selected &= {e for w in where for e, _, k in net.in_edges(w, keys=True) if k == "place"}
        linked = {v for e in selected for v in net.successors(e)}
        places = {u for u in linked if net.nodes[u]["kind"] == "place"}
        kept = selected | linked | _ancestors(net, places)
    current = net.subgraph(kept)
    if ego:
        try:
            center = find_node(current, ego)
        except KgError as exc:
            raise FilterError(f"ego: {exc}") from None
        current = current.subgraph(nx.ego_graph(current, center, radius=depth, undirected=True))
    if top is not None:
        ranked = sorted(current, key=lambda u: (-current.degree(u), current.nodes[u]["label"], u))
        current = current.subgraph(ranked[: max(top, 0)])
    return current.copy()


# ---------------------------------------------------------------------- node display


_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _visible(text: object) -> str:
    """``text`` with bidirectional overrides (U+202A-U+202E, U+2066-U+2069), which would show the
    text in another order, written as visible ``\\u202e`` escapes."""
    return _BIDI.sub(lambda m: f"\\u{ord(m.group(0)):04x}", str(text))


def _escape(text: object) -> str:
    """HTML-escape ``text`` (bidi overrides made visible); also hides ``href`` from pyvis's
    link-popup detection."""
    return html.escape(_visible(text), quote=True).replace("href", "hr&#101;f")


def _colour(data: dict) -> str:
    key = data.get("family") if data["kind"] == "event" else data["cls"]
    return PALETTE.get(key, _FALLBACK_COLOUR)


def _shape(data: dict) -> str:
    if data["kind"] == "place" and data["cls"] in _LARGE_PLACES:
        return SHAPES["place:large"]
    return SHAPES.get(data["kind"], "dot")


def _size(degree: int) -> float:
    return round(min(48.0, 8.0 + 4.0 * math.sqrt(degree)), 2)


def _line(name: str, value: object) -> str:
    if value is None or value == [] or value == "":
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return f"<br><b>{_escape(name)} :</b> {_escape(value)}"


def _span(start: str | None, end: str | None) -> str | None:
    if not start and not end:
        return None
    return f"{start or '?'} – {end or '?'}"


def _event_dates(net: nx.MultiDiGraph, node: str) -> str | None:
    """Number of events around an actor or place and their date range."""
    linked = {u for u, _ in net.in_edges(node) if net.nodes[u]["kind"] == "event"}
    if not linked:
        return None
    dates = sorted(d for u in linked if (d := net.nodes[u].get("date")))
    text = f"{len(linked)}"
    if dates:
        text += f" ({dates[0]} – {dates[-1]})" if dates[0] != dates[-1] else f" ({dates[0]})"
    return text


def _tooltip(net: nx.MultiDiGraph, node: str) -> str:
    """Tooltip HTML for a node; every value is escaped."""
    data = net.nodes[node]
    head = f"<b>{_escape(data['label'])}</b><br><i>{_escape(data['cls'])}</i>"
    if data["kind"] != "event":
        parents = sorted(net.nodes[v]["label"] for _, v, k in net.out_edges(node, keys=True) if k != "place")
        role = "Dans" if data["kind"] == "place" else "Affiliation"
        return head + _line(role, parents) + _line("Événements", _event_dates(net, node))
    confidence = data.get("confidence")
    evidence = data.get("evidence")
    return (
        head
        + _line("Famille", data.get("family"))
        + _line("Date", data.get("date"))
        + _line("Période", _span(data.get("start"), data.get("end")))
        + _line("Lieu", data.get("place"))
        + _line("Agents", data.get("agents"))
        + _line("Cibles", data.get("targets"))
        + _line("Sources", data.get("sources"))
        + _line("Bilan", data.get("fatalities"))
        + _line("Confiance", None if confidence is None else f"{confidence:.2f}")
        + ("" if not evidence else f"<br><i>« {_escape(evidence)} »</i>")
    )


# -------------------------------------------------------------------------- the page


def spring_positions(
    net: nx.Graph, *, seed: int = _RANDOM_SEED, iterations: int = 50, scale: float = 1.0
) -> dict:
    """Force-directed positions with a fixed seed: :func:`networkx.spring_layout`.

    networkx switches to a scipy solver at 500 nodes; scipy is not a dependency
    of kg, so without it larger graphs get the same dense Fruchterman-Reingold
    written here with numpy (quadratic memory: keep it to a few thousand nodes).
    """
    try:
        if len(net) >= 500:
            import scipy  # noqa: F401
        return nx.spring_layout(net, seed=seed, iterations=iterations, scale=scale)
    except ImportError:
        return _dense_spring(net, seed=seed, iterations=iterations, scale=scale)


def _dense_spring(net: nx.Graph, *, seed: int, iterations: int, scale: float) -> dict:
    """Fruchterman-Reingold on a dense numpy adjacency (networkx's dense variant)."""
    import numpy as np

    nodes = list(net)
    n = len(nodes)
    if n == 0:
        return {}
    index = {u: i for i, u in enumerate(nodes)}
    adjacency = np.zeros((n, n), dtype=np.float32)
    for u, v, d in net.edges(data=True):
        w = float(d.get("weight", 1))
        adjacency[index[u], index[v]] = adjacency[index[v], index[u]] = w
    pos = np.random.RandomState(seed).rand(n, 2).astype(np.float32)
    k = math.sqrt(1.0 / n)
    t = 0.1
    dt = t / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.sqrt((delta**2).sum(axis=-1)), 0.01)
        force = k * k / distance**2 - adjacency * distance / k
        move = (delta * force[:, :, None]).sum(axis=1)
        length = np.maximum(np.sqrt((move**2).sum(axis=1)), 0.01)
        pos += move * (t / length)[:, None]
        t -= dt
    pos -= pos.mean(axis=0)
    span = float(np.abs(pos).max()) or 1.0
    pos *= scale / span
    return {u: (float(x), float(y)) for u, (x, y) in zip(nodes, pos, strict=True)}


def _static_positions(net: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Deterministic positions (pixels) for a large network, computed without physics.

    Actors and places (the skeleton, a few hundred nodes in practice) get a seeded
    Fruchterman-Reingold layout of the graph that links them through shared events,
    ``locatedIn`` and ``affiliatedWith``; each event then sits at the centre of the
    nodes it links to, nudged by a seeded jitter so that events sharing all their
    links stay apart. The cost is linear in the number of events, where a force
    layout of the whole network would be quadratic (networkx) or take a minute in
    the browser (vis-network at 5,000 nodes on two cores).
    """
    import random

    rng = random.Random(_RANDOM_SEED)
    skeleton = nx.Graph()
    skeleton.add_nodes_from(sorted(u for u, d in net.nodes(data=True) if d["kind"] != "event"))
    for u, v in sorted((u, v) for u, v in net.edges() if u in skeleton and v in skeleton):
        skeleton.add_edge(u, v, weight=skeleton.get_edge_data(u, v, {"weight": 0})["weight"] + 1)
    for event in sorted(u for u in net if u not in skeleton):
        linked = sorted(v for v in net.successors(event) if v in skeleton)
        for i, u in enumerate(linked):
            for v in linked[i + 1 :]:
                skeleton.add_edge(u, v, weight=skeleton.get_edge_data(u, v, {"weight": 0})["weight"] + 1)
    scale = 40.0 * math.sqrt(max(len(net), 1))
    if 0 < len(skeleton) <= _SKELETON_MAX:
        raw = spring_positions(skeleton, iterations=60, scale=scale)
        pos = {u: (float(x), float(y)) for u, (x, y) in raw.items()}
    else:
        pos = {u: (rng.uniform(-scale, scale), rng.uniform(-scale, scale)) for u in skeleton}
    spread = scale / max(4.0, math.sqrt(len(skeleton) or 1))
    for event in sorted(u for u in net if u not in skeleton):
        anchors = [
            pos[v] for v in sorted(set(net.predecessors(event)) | set(net.successors(event))) if v in pos
        ]
        if anchors:
            cx = sum(x for x, _ in anchors) / len(anchors)
            cy = sum(y for _, y in anchors) / len(anchors)
        else:
            cx, cy = rng.uniform(-scale, scale), rng.uniform(-scale, scale)
        angle, radius = rng.uniform(0, 2 * math.pi), spread * math.sqrt(rng.random())
        pos[event] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return {u: (round(x, 1), round(y, 1)) for u, (x, y) in pos.items()}


def _options(n_nodes: int) -> dict:
    if n_nodes > STATIC_LAYOUT_NODES:
        return {
            "layout": {"randomSeed": _RANDOM_SEED, "improvedLayout": False},
            "physics": {"enabled": False},
            "interaction": {
                "hover": True,
                "tooltipDelay": 150,
                "hideEdgesOnDrag": True,
                "hideEdgesOnZoom": True,
            },
            "nodes": {"font": {"size": 12}, "borderWidth": 1},
            "edges": {
                "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
                "color": {"color": "#c8c8c8", "highlight": "#444444", "inherit": False},
                "font": {"size": 8, "align": "middle", "color": "#666666"},
                "smooth": False,
                "width": 0.5,
            },
        }
    return {
        "layout": {"randomSeed": _RANDOM_SEED, "improvedLayout": n_nodes <= 150},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -6000,
                "centralGravity": 0.3,
                "springLength": 110,
                "springConstant": 0.04,
                "damping": 0.12,
                "avoidOverlap": 0.1,
            },
            "stabilization": {
                "enabled": True,
                "iterations": _STABILIZATION_ITERATIONS,
                "updateInterval": 25,
                "fit": True,
            },
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True},
        "nodes": {"font": {"size": 12}, "borderWidth": 1},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
            "color": {"color": "#b0b0b0", "highlight": "#444444", "inherit": False},
            "font": {"size": 8, "align": "middle", "color": "#666666"},
            "smooth": False,
            "width": 1,
        },
    }


def _network(net: nx.MultiDiGraph) -> Network:
    """A pyvis network of ``net`` with sorted nodes and edges."""
    page = Network(height="85vh", width="100%", directed=True, cdn_resources="in_line")
    static = net.number_of_nodes() > STATIC_LAYOUT_NODES
    positions = _static_positions(net) if static else {}
    for node in sorted(net):
        data = net.nodes[node]
        where = {"x": positions[node][0], "y": positions[node][1], "physics": False} if static else {}
        page.add_node(
            node,
            label=_visible(data["label"]),
            shape=_shape(data),
            color=_colour(data),
            size=_size(net.degree(node)),
            title=_tooltip(net, node),
            kind=data["kind"],
            cls=data["cls"],
            **where,
        )
    for index, (u, v, key) in enumerate(sorted(net.edges(keys=True))):
        page.add_edge(u, v, id=f"e{index}", label=key, title=key)
    page.options = _options(net.number_of_nodes())
    return page


def _legend(net: nx.MultiDiGraph) -> str:
    """Legend HTML: one swatch per class (event family) present, grouped by kind."""
    groups = []
    for kind, title in _KIND_TITLES:
        keys = sorted(
            {
                (d.get("family") if kind == "event" else d["cls"]) or d["cls"]
                for _, d in net.nodes(data=True)
                if d["kind"] == kind
            }
        )
        if not keys:
            continue
        items = "".join(
            f'<span><i class="kg-swatch" style="background:{PALETTE.get(k, _FALLBACK_COLOUR)}">'
            f"</i>{_escape(k)}</span>"
            for k in keys
        )
        groups.append(f"<span><b>{_escape(title)} ({_escape(SHAPES[kind])})</b></span>{items}")
    return "".join(groups) or "<span>(graphe vide)</span>"


def _header(net: nx.MultiDiGraph, title: str) -> str:
    counts = f"{net.number_of_nodes()} nœuds · {net.number_of_edges()} liens"
    return (
        f'<header class="kg-header"><h1>{_escape(title)}</h1><p>{_escape(counts)}</p>'
        f'<div class="kg-legend">{_legend(net)}</div></header>\n'
    )


def _make_offline(page: str) -> str:
    """Drop every external script/stylesheet reference left by pyvis's template."""
    page = _EXTERNAL_SCRIPT.sub("", page)
    page = _EXTERNAL_LINK.sub("", page)
    page = _COMMENTED_LINKS.sub("", page)
    page = _SOURCE_MAP.sub("", page)
    return page


def external_references(page: str) -> list[str]:
    """``src=``/``href=`` attributes of ``page`` that point to another host.

    Parameters
    ----------
    page : str
        HTML text.

    Returns
    -------
    list of str
        The offending snippets (empty for an offline page).

    Examples
    --------
    >>> external_references('<script src="https://cdn.example/x.js"></script>')
    ['src="https://']
    >>> external_references('<script>var a = 1;</script>')
    []
    """
    return [m.group(0) for m in _EXTERNAL.finditer(page)]


def render_html(g: Graph | nx.MultiDiGraph, *, title: str = "kg") -> str:
    """The offline HTML page of ``knowledge_network(g)``.

    Parameters
    ----------
    g : rdflib.Graph or networkx.MultiDiGraph
        A graph following the contract (may be empty), or a knowledge network
        already built (and perhaps cut by :func:`filter_network`).
    title : str
        Page title and heading (escaped).

    Returns
    -------
    str
        A self-contained page: nodes coloured by class (events by family), shaped
        by kind, sized by degree; edges labelled by role; tooltips with label,
        class, dates, sources, toll and evidence; a legend. Physics (barnesHut)
        stops after at most 300 stabilisation iterations.

    Raises
    ------
    RuntimeError
        If an external reference survives (a pyvis template this module does not
        know).
    """
    net = g if isinstance(g, nx.MultiDiGraph) else knowledge_network(g)
    page = _network(net).generate_html(name="kg.html")
    page = _make_offline(page)
    page = _EMPTY_HEADING.sub("", page)
    page = page.replace(_NETWORK_NEW, _BEFORE_NETWORK + _NETWORK_NEW + _AFTER_NETWORK, 1)
    page = page.replace("<html>", '<!DOCTYPE html>\n<html lang="fr">', 1)
    page = page.replace(
        '<meta charset="utf-8">',
        f'<meta charset="utf-8">\n        <title>{_escape(title)}</title>\n{_CSS}',
        1,
    )
    page = page.replace("<body>", "<body>\n" + _header(net, title), 1)
    leftovers = external_references(page)
    if leftovers:
        raise RuntimeError(f"view: external references left in the page: {leftovers[:3]}")
    if _NETWORK_NEW not in page:
        raise RuntimeError("view: pyvis template changed; cannot find the network creation")
    return page


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_html(g: Graph | nx.MultiDiGraph, path: str | os.PathLike[str], *, title: str = "kg") -> Path:
    """Write the offline HTML view of ``g`` to ``path`` atomically.

    Parameters
    ----------
    g : rdflib.Graph or networkx.MultiDiGraph
        A graph following the contract (may be empty), or a knowledge network
        (see :func:`filter_network`).
    path : str or os.PathLike
        Output file; its folder is created if needed. Nothing else is written
        next to it.
    title : str
        Page title and heading.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    _write_atomic(path, render_html(g, title=title))
    return path
