"""The explorer: ``graph.html``, one offline page to search, filter and read the graph.

The page is rendered by pyvis (its ``Network`` object carries the vis-network options and
its Jinja environment inlines the vis-network library shipped inside the pyvis package)
from the template ``kg/assets/explorer.html``; the explorer's own script and style
(``kg/assets/explorer.js``, ``explorer.css``) and the data are inlined too, so the file
makes no request anywhere. The data is the knowledge network of :func:`view_network`
(actors, places, events with their evidence and mentions) as plain JSON, embedded in a
``<script type="application/json">`` element with ``<``, ``>`` and ``&`` escaped; the
script writes every piece of text into the page with ``textContent``, never as HTML.

In the page: a search box over labels and aliases (``skos:prefLabel``, ``skos:altLabel``),
facets (event type and family, actor, place with every place located in it, dates), a
timeline to brush, a map of the places with coordinates over country outlines
(``kg/data/levant_outline.json``, Natural Earth), an evidence panel (the sentence with the
mention highlighted, the article id, the character offsets, the sources) and the network.
Up to :data:`DETAIL_EVENTS` selected events the network shows every event; beyond, a
summary (the most active actors, events grouped by place and month) that expands on demand.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, URIRef

from kg.analyse import find_node, knowledge_network
from kg.errors import KgError
from kg.namespace import CKG, DCTERMS, GEO, NIF, SKOS

__all__ = [
    "STYLES",
    "PALETTE",
    "SHAPES",
    "GROUP_SHAPE",
    "DETAIL_EVENTS",
    "SUMMARY_ACTORS",
    "SUMMARY_GROUPS",
    "Style",
    "FilterError",
    "filter_network",
    "view_network",
    "load_view_graph",
    "explorer_data",
    "spring_positions",
    "STATIC_LAYOUT_NODES",
    "write_html",
    "render_html",
    "external_references",
]

ASSETS = Path(__file__).resolve().parents[1] / "assets"
OUTLINE = Path(__file__).resolve().parents[1] / "data" / "levant_outline.json"


@dataclass(frozen=True)
class Style:
    """How the page draws one class: its kind, fill colour and vis-network shape."""

    kind: str
    colour: str
    shape: str


#: Colour and shape of every class (actors and places by most specific class, events by
#: family). Colours come from Kelly's colours of maximum contrast, places in blues; any two
#: of one kind are at least 20 apart in CIELAB (ΔE*76), any two at least 14 (tests check).
#: Shapes: actors are dots, events diamonds; places show their extent.
STYLES: dict[str, Style] = {
    # actors
    "StateForce": Style("actor", "#be0032", "dot"),
    "ForeignState": Style("actor", "#8a5a2b", "dot"),
    "RebelGroup": Style("actor", "#008856", "dot"),
    "JihadistGroup": Style("actor", "#222222", "dot"),
    "Militia": Style("actor", "#8db600", "dot"),
    "Civilians": Style("actor", "#f99379", "dot"),
    "GovernmentBody": Style("actor", "#e68fac", "dot"),
    "Organization": Style("actor", "#875692", "dot"),
    "MediaOutlet": Style("actor", "#c2b280", "dot"),
    "Person": Style("actor", "#f3c300", "dot"),
    "Actor": Style("actor", "#848482", "dot"),
    # places
    "Country": Style("place", "#0067a5", "square"),
    "Region": Style("place", "#4fa3d9", "square"),
    "City": Style("place", "#1d3f8f", "triangle"),
    "Neighbourhood": Style("place", "#9fd3f5", "triangleDown"),
    "Site": Style("place", "#00a3a3", "star"),
    "Place": Style("place", "#7d8fa3", "triangle"),
    # event families
    "Battle": Style("event", "#e25822", "diamond"),
    "RemoteViolence": Style("event", "#f6a600", "diamond"),
    "ViolenceAgainstCivilians": Style("event", "#7a1020", "diamond"),
    "StrategicDevelopment": Style("event", "#4c7a34", "diamond"),
    "CasualtyReport": Style("event", "#5b5b5b", "diamond"),
    "Event": Style("event", "#c8c8c8", "diamond"),
}
#: Fill colour by class (events: by family), for the page and the plots.
PALETTE: dict[str, str] = {name: style.colour for name, style in STYLES.items()}
#: vis-network shape by class.
SHAPES: dict[str, str] = {name: style.shape for name, style in STYLES.items()}
#: Shape of a summary node that stands for the events of one place in one month.
GROUP_SHAPE = "hexagon"
_FALLBACK = {"actor": "Actor", "place": "Place", "event": "Event"}

#: The page draws every selected event up to this many; beyond, the summary.
DETAIL_EVENTS = 150
#: The "détail" view mode draws every selected event up to this many (never a hairball of thousands).
DETAIL_MAX_EVENTS = 1000
#: The summary's sizes: most active actors, largest place-month groups, groups labelled.
SUMMARY_ACTORS, SUMMARY_GROUPS, SUMMARY_LABELS = 15, 30, 12
#: Above this many drawn nodes the page uses the positions computed here and no physics.
STATIC_LAYOUT_NODES = 350

_RANDOM_SEED = 42
_SKELETON_MAX = 2000  # dense Fruchterman-Reingold above this would be too slow
_VIS = "lib/vis-9.1.2"

_EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
_SOURCE_MAP = re.compile(r"//# sourceMappingURL=[^\s<]*")
_MENTION = re.compile(r"/article/([^/#]+)#char=(\d+),(\d+)$")


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


def _keep_events(net: nx.MultiDiGraph, selected: set[str]) -> set[str]:
    """``selected`` events, the actors and places they link to, and the places those lie in."""
    linked = {v for e in selected for v in net.successors(e)}
    places = {u for u in linked if net.nodes[u]["kind"] == "place"}
    return selected | linked | _ancestors(net, places)


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
    the neighbourhood of one node, then ``top`` the best-connected events.

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
        Label, alias, local name or IRI of an actor; events where it has any role pass.
    place : str, optional
        Label, alias, local name or IRI of a place; events in it or in a place located
        in it (``locatedIn``, transitively) pass.
    ego : str, optional
        Label, local name or IRI of any node: keep the nodes within ``depth`` hops
        of it, edges taken either way (actor → event → actor is 2 hops).
    depth : int
        Radius for ``ego``.
    top : int, optional
        Keep the ``top`` events with the most links (sources, participants, place;
        ties by date, latest first, then IRI), the actors and places they link to and
        the places those lie in. Without events, the ``top`` nodes of highest degree.

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
        kept = _keep_events(net, selected)
    current = net.subgraph(kept)
    if ego:
        try:
            center = find_node(current, ego)
        except KgError as exc:
            raise FilterError(f"ego: {exc}") from None
        current = current.subgraph(nx.ego_graph(current, center, radius=depth, undirected=True))
    if top is not None:
        events = [u for u, d in current.nodes(data=True) if d["kind"] == "event"]
        if events:
            ranked = sorted(events)
            ranked.sort(key=lambda u: current.nodes[u].get("date") or "", reverse=True)  # stable: latest first
            ranked.sort(key=lambda u: -current.out_degree(u))
            current = current.subgraph(_keep_events(current, set(ranked[: max(top, 0)])))
        else:
            ranked = sorted(current, key=lambda u: (-current.degree(u), current.nodes[u]["label"], u))
            current = current.subgraph(ranked[: max(top, 0)])
    return current.copy()



# -------------------------------------------------------------------- the view's data


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _visible(text: object) -> str:
    """``text`` with bidirectional overrides (U+202A-U+202E, U+2066-U+2069), which would show the
    text in another order, written as visible ``\\u202e`` escapes."""
    return _BIDI.sub(lambda m: f"\\u{ord(m.group(0)):04x}", str(text))


def _escape(text: object) -> str:
    """HTML-escape ``text`` (bidi overrides made visible); also hides ``href`` from pyvis's
    link-popup detection."""
    return html.escape(_visible(text), quote=True).replace("href", "hr&#101;f")


def _first_number(g: Graph, node: URIRef, prop: URIRef) -> float | None:
    for value in sorted(g.objects(node, prop), key=str):
        try:
            return float(value.toPython()) if isinstance(value, Literal) else None
        except (TypeError, ValueError):
            return None
    return None


def _article_id(g: Graph, article: URIRef) -> str:
    ident = min((str(v) for v in g.objects(article, DCTERMS.identifier)), default=None)
    return ident if ident is not None else _local(str(article))


def view_network(g: Graph) -> nx.MultiDiGraph:
    """:func:`kg.analyse.knowledge_network` with what the explorer shows besides.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract; read with :func:`load_view_graph` it holds
        the events' mentions but not the entities'.

    Returns
    -------
    networkx.MultiDiGraph
        The knowledge network; actors and places also carry ``aliases`` (their
        ``skos:altLabel`` values other than the label, sorted), places ``lat`` and
        ``long`` (``geo:lat``/``geo:long``, or None), events ``sentences`` (every
        ``ckg:evidence``, sorted), ``mentions`` (one ``(article id, begin, end,
        anchor)`` per ``ckg:denotedBy`` mention, anchor None when the graph lacks
        ``nif:anchorOf``), ``articles`` (ids of the ``ckg:mentionedIn`` articles) and
        ``disputed`` (labels of ``ckg:disputedBy``).
    """
    net = knowledge_network(g)
    for node, data in net.nodes(data=True):
        iri = URIRef(node)
        if data["kind"] != "event":
            label = data["label"]
            data["aliases"] = sorted({str(a) for a in g.objects(iri, SKOS.altLabel)} - {label})
            if data["kind"] == "place":
                data["lat"] = _first_number(g, iri, GEO.lat)
                data["long"] = _first_number(g, iri, GEO.long)
            continue
        data["sentences"] = sorted({str(s) for s in g.objects(iri, CKG.evidence)})
        mentions = []
        for m in g.objects(iri, CKG.denotedBy):
            found = _MENTION.search(str(m))
            if found is None:
                continue
            begin = _first_number(g, m, NIF.beginIndex)
            end = _first_number(g, m, NIF.endIndex)
            anchor = min((str(a) for a in g.objects(m, NIF.anchorOf)), default=None)
            article = min((_article_id(g, a) for a in g.objects(m, NIF.referenceContext)), default=found.group(1))
            mentions.append(
                (
                    article,
                    int(begin) if begin is not None else int(found.group(2)),
                    int(end) if end is not None else int(found.group(3)),
                    anchor,
                )
            )
        data["mentions"] = sorted(mentions, key=lambda m: (m[0], m[1], m[2]))
        data["articles"] = sorted({_article_id(g, a) for a in g.objects(iri, CKG.mentionedIn)})
        data["disputed"] = sorted(net.nodes[v]["label"] for _, v, k in net.out_edges(node, keys=True) if k == "disputedBy")
    return net


_VIEW_PART = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
CONSTRUCT { ?s ?p ?o } WHERE {
  { ?s ?p ?o FILTER (?p != ckg:denotedBy && !CONTAINS(STR(?s), "#char=")) %s }
  UNION { ?s a ckg:Event ; ckg:denotedBy ?o . BIND (ckg:denotedBy AS ?p) }
  UNION { ?e a ckg:Event ; ckg:denotedBy ?s . ?s nif:anchorOf ?o . BIND (nif:anchorOf AS ?p) }
}"""


def load_view_graph(graph: str | os.PathLike[str], warn=None) -> Graph:
    """What the explorer reads of a built graph: everything but the entities' mentions.

    Parameters
    ----------
    graph : str or os.PathLike
        ``graph.ttl`` or ``graph.trig`` of a build. When the build's Oxigraph store
        is beside it, the part is queried from the store (no parsing); else the file
        is parsed whole.
    warn : callable, optional
        Told why the store is not used when it disagrees with ``report.json``.

    Returns
    -------
    rdflib.Graph
    """
    from kg.rdf.derive import NOT_DERIVED
    from kg.store import find_store, load_graph, query_store

    folder = find_store(graph, warn)
    if folder is None:
        return load_graph(graph)
    return query_store(folder, _VIEW_PART % NOT_DERIVED).graph


def _style_of(data: dict) -> str:
    """The key of :data:`STYLES` a node is drawn with."""
    key = data.get("family") if data["kind"] == "event" else data["cls"]
    style = STYLES.get(key)
    return key if style is not None and style.kind == data["kind"] else _FALLBACK[data["kind"]]


def _compact(record: dict) -> dict:
    """``record`` without None, empty lists and empty strings (a smaller page)."""
    return {k: v for k, v in record.items() if v is not None and v != [] and v != ""}


def explorer_data(net: nx.MultiDiGraph, *, title: str = "kg", note: str | None = None) -> dict:
    """The explorer's data: plain JSON-ready lists, deterministic.

    Parameters
    ----------
    net : networkx.MultiDiGraph
        A network from :func:`view_network` (attributes it lacks, such as those of
        a bare :func:`kg.analyse.knowledge_network`, are left out).
    title : str
        Page title.
    note : str, optional
        A line the page shows under the title (what the page leaves out).

    Returns
    -------
    dict
        ``title``, ``note``; ``entities`` (actors then places, sorted by IRI: ``id``,
        ``label``, ``kind``, ``cls``, ``style``, ``aliases``, ``in`` and ``aff``
        — indices of the places it lies in and the groups it belongs to —, ``lat``,
        ``long``, ``x``, ``y``); ``events`` (sorted by IRI: ``id``, ``label``,
        ``cls``, ``fam``, ``date``, ``start``, ``end``, ``place``, ``agents``,
        ``targets``, ``sources``, ``disputed`` — entity indices —, ``tolls``,
        ``conf``, ``sentences``, ``mentions``, ``articles``, ``x``, ``y``);
        ``styles`` (:data:`STYLES`); ``limits`` (the page's thresholds); ``outline``
        (the map's country outlines).
    """
    nodes = sorted(net)
    entities = [u for u in nodes if net.nodes[u]["kind"] != "event"]
    entities.sort(key=lambda u: (net.nodes[u]["kind"] != "actor", u))
    index = {u: i for i, u in enumerate(entities)}
    positions = _static_positions(net) if len(net) else {}

    def targets_of(node: str, *roles: str) -> list[int]:
        return sorted(index[v] for _, v, k in net.out_edges(node, keys=True) if k in roles and v in index)

    out_entities = []
    for u in entities:
        d = net.nodes[u]
        x, y = positions.get(u, (0.0, 0.0))
        out_entities.append(
            _compact(
                {
                    "id": u,
                    "label": d["label"],
                    "kind": d["kind"],
                    "cls": d["cls"],
                    "style": _style_of(d),
                    "aliases": d.get("aliases", []),
                    "in": targets_of(u, "locatedIn"),
                    "aff": targets_of(u, "affiliatedWith"),
                    "lat": d.get("lat"),
                    "long": d.get("long"),
                    "x": x,
                    "y": y,
                }
            )
        )
    out_events = []
    for u in nodes:
        d = net.nodes[u]
        if d["kind"] != "event":
            continue
        places = targets_of(u, "place")
        x, y = positions.get(u, (0.0, 0.0))
        out_events.append(
            _compact(
                {
                    "id": u,
                    "label": d["label"],
                    "cls": d["cls"],
                    "fam": _style_of(d),
                    "date": d.get("date"),
                    "start": d.get("start"),
                    "end": d.get("end"),
                    "place": places[0] if places else None,
                    "agents": targets_of(u, "agent"),
                    "targets": targets_of(u, "target"),
                    "sources": targets_of(u, "reportedBy"),
                    "disputed": targets_of(u, "disputedBy"),
                    "tolls": d.get("fatalities"),
                    "conf": d.get("confidence"),
                    "sentences": d.get("sentences") or ([d["evidence"]] if d.get("evidence") else []),
                    "mentions": [list(m) for m in d.get("mentions", [])],
                    "articles": d.get("articles", []),
                    "x": x,
                    "y": y,
                }
            )
        )
    return {
        "title": title,
        "note": note,
        "entities": out_entities,
        "events": out_events,
        "styles": {k: {"kind": s.kind, "colour": s.colour, "shape": s.shape} for k, s in STYLES.items()},
        "group": {"shape": GROUP_SHAPE},
        "limits": {
            "detail": DETAIL_EVENTS,
            "detailMax": DETAIL_MAX_EVENTS,
            "actors": SUMMARY_ACTORS,
            "groups": SUMMARY_GROUPS,
            "labels": SUMMARY_LABELS,
            "static": STATIC_LAYOUT_NODES,
        },
        "outline": _outline(),
    }


@lru_cache(maxsize=1)
def _outline() -> dict:
    return json.loads(OUTLINE.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------- layout


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
        # move_i = sum_j (p_i - p_j) f_ij = p_i * sum_j f_ij - (F @ p)_i, without n x n x 2 temporaries
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        distance = np.maximum(np.sqrt(dx * dx + dy * dy), 0.01)
        force = k * k / (distance * distance) - adjacency * distance / k
        move = pos * force.sum(axis=1)[:, None] - force @ pos
        length = np.maximum(np.sqrt((move**2).sum(axis=1)), 0.01)
        pos += move * (t / length)[:, None]
        t -= dt
    pos -= pos.mean(axis=0)
    span = float(np.abs(pos).max()) or 1.0
    pos *= scale / span
    return {u: (float(x), float(y)) for u, (x, y) in zip(nodes, pos, strict=True)}


def _static_positions(net: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Deterministic positions (pixels) for every node, computed without physics.

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


def _options() -> dict:
    """vis-network options; the explorer script turns physics on for small drawings only."""
    return {
        "autoResize": True,
        "layout": {"randomSeed": _RANDOM_SEED, "improvedLayout": False},
        "physics": {
            "enabled": False,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -140,
                "centralGravity": 0.05,
                "springLength": 90,
                "springConstant": 0.06,
                "damping": 0.5,
                "avoidOverlap": 1.0,
            },
            "stabilization": {"enabled": False},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": True,
            "multiselect": False,
            "keyboard": False,
        },
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 13, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"enabled": False}},
            "widthConstraint": {"maximum": 170},  # long names wrap instead of running over their neighbours
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
            "color": {"color": "#b8b8b8", "highlight": "#333333", "hover": "#555555", "inherit": False},
            "font": {"size": 9, "align": "middle", "color": "#666666", "strokeWidth": 2},
            "smooth": False,
            "width": 1,
        },
    }


# -------------------------------------------------------------------------- the page


def _json_for_script(data: object) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&`` escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # bidirectional overrides would show a label in another order: the page shows them as "\u202e"
    text = _BIDI.sub(lambda m: f"\\\\u{ord(m.group(0)):04x}", text)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _network():
    """The pyvis network: its options and its Jinja environment (our template first, then
    pyvis's own templates, where the vis-network library lives)."""
    from jinja2 import Environment, FileSystemLoader
    from pyvis.network import Network

    page = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    page.options = _options()
    page.templateEnv = Environment(loader=FileSystemLoader([str(ASSETS), page.template_dir]), autoescape=False)
    page.path = "explorer.html"
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


def render_html(g: Graph | nx.MultiDiGraph, *, title: str = "kg", note: str | None = None) -> str:
    """The explorer page of ``g``.

    Parameters
    ----------
    g : rdflib.Graph or networkx.MultiDiGraph
        A graph following the contract (may be empty), or a network from
        :func:`view_network` (perhaps cut by :func:`filter_network`).
    title : str
        Page title and heading.
    note : str, optional
        A line under the title, e.g. what a build left out of the page.

    Returns
    -------
    str
        One self-contained HTML page (see the module's docstring).

    Raises
    ------
    RuntimeError
        If an external reference slipped into the page.
    """
    net = g if isinstance(g, nx.MultiDiGraph) else view_network(g)
    page = _network()
    page.templateEnv.globals.update(
        kg_title=html.escape(title, quote=True),
        kg_note=html.escape(note or "", quote=True),
        kg_data=_json_for_script(explorer_data(net, title=title, note=note)),
        kg_css=_asset("explorer.css"),
        kg_js=_asset("explorer.js"),
        kg_vis=_VIS,
    )
    text = _SOURCE_MAP.sub("", page.generate_html(name="graph.html"))
    leftovers = external_references(text)
    if leftovers:
        raise RuntimeError(f"view: external references in the page: {leftovers[:3]}")
    return text


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder (:func:`kg.store.atomic_write`)."""
    from kg.store.atomic import atomic_write

    with atomic_write(path, "wb", encoding=None, fsync=False, permissions=0o644) as out:
        out.write(text.encode("utf-8"))


def write_html(
    g: Graph | nx.MultiDiGraph, path: str | os.PathLike[str], *, title: str = "kg", note: str | None = None
) -> Path:
    """Write the explorer page of ``g`` to ``path`` atomically.

    Parameters
    ----------
    g : rdflib.Graph or networkx.MultiDiGraph
        A graph following the contract (may be empty), or a network from
        :func:`view_network` (see :func:`filter_network`).
    path : str or os.PathLike
        Output file; its folder is created if needed. Nothing else is written
        next to it.
    title : str
        Page title and heading.
    note : str, optional
        A line under the title.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    _write_atomic(path, render_html(g, title=title, note=note))
    return path
