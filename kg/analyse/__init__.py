"""Networkx projections and measures of a built conflict graph.

Every function reads an :class:`rdflib.Graph` shaped as ``docs/CONTRACT.md`` describes
(actors, places, events, articles, mentions) and returns plain networkx objects whose
node identifiers are the IRIs as strings, so the results sort, serialise and compare
the same way on every machine.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import KgError
from kg.gazetteer import norm
from kg.namespace import CKG, NIF, RDF, RDFS, SKOS, XSD
from kg.rdf.counts import count_graph

__all__ = [
    "ACTOR_CLASSES",
    "PLACE_CLASSES",
    "EVENT_FAMILIES",
    "most_specific_class",
    "event_family",
    "label_of",
    "actors",
    "places",
    "events",
    "actor_network",
    "actor_interactions",
    "actor_place_network",
    "place_cooccurrence",
    "knowledge_network",
    "summary",
    "top_actors",
    "PROJECTIONS",
    "NodeNotFound",
    "NoPath",
    "EventRef",
    "Hop",
    "PathResult",
    "projection",
    "find_node",
    "top_nodes",
    "network_stats",
    "communities",
    "shortest_path",
    "ego",
    "export_network",
    "add_measures",
]

#: Most specific actor classes of the contract (all directly under ``ckg:Actor``).
ACTOR_CLASSES: tuple[URIRef, ...] = (
    CKG.StateForce,
    CKG.RebelGroup,
    CKG.JihadistGroup,
    CKG.Militia,
    CKG.ForeignState,
    CKG.Civilians,
    CKG.GovernmentBody,
    CKG.Organization,
    CKG.MediaOutlet,
    CKG.Person,
)

#: Most specific place classes of the contract (all directly under ``ckg:Place``).
PLACE_CLASSES: tuple[URIRef, ...] = (
    CKG.Country,
    CKG.Region,
    CKG.City,
    CKG.Neighbourhood,
    CKG.Site,
)

#: Event families (ACLED event types) and their types; ``ckg:CasualtyReport`` is its
#: own family, directly under ``ckg:Event``.
EVENT_FAMILIES: dict[URIRef, tuple[URIRef, ...]] = {
    CKG.Battle: (CKG.Offensive, CKG.ArmedClash, CKG.TerritoryCapture),
    CKG.RemoteViolence: (CKG.Airstrike, CKG.Shelling, CKG.Bombing, CKG.ChemicalAttack),
    CKG.ViolenceAgainstCivilians: (CKG.AttackOnCivilians, CKG.Abduction),
    CKG.StrategicDevelopment: (
        CKG.Siege,
        CKG.Withdrawal,
        CKG.Reinforcement,
        CKG.PrisonerRelease,
        CKG.Ceasefire,
        CKG.Evacuation,
    ),
    CKG.CasualtyReport: (),
}

_PARENT: dict[URIRef, URIRef] = {
    **{cls: CKG.Actor for cls in ACTOR_CLASSES},
    **{cls: CKG.Place for cls in PLACE_CLASSES},
    **{family: CKG.Event for family in EVENT_FAMILIES},
    **{t: family for family, types in EVENT_FAMILIES.items() for t in types},
}

_QUALIFIER_TEXT: dict[URIRef, str] = {
    CKG.Exactly: "",
    CKG.AtLeast: "au moins ",
    CKG.MoreThan: "plus de ",
    CKG.Approximately: "environ ",
}

_ROLES: tuple[tuple[URIRef, str], ...] = (
    (CKG.agent, "agent"),
    (CKG.target, "target"),
    (CKG.reportedBy, "reportedBy"),
    (CKG.disputedBy, "disputedBy"),
)

_CENTRALITIES = ("degree", "betweenness", "pagerank")


# --------------------------------------------------------------------------- helpers


def _local(iri: Node) -> str:
    """Local name of an IRI (after ``#`` or the last ``/``)."""
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _parents(g: Graph) -> dict[URIRef, URIRef]:
    """The contract's class tree, extended by any ``rdfs:subClassOf`` in ``g``."""
    parents = dict(_PARENT)
    for sub, sup in g.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub not in parents:
            parents[sub] = sup
    return parents


def _ancestors(cls: URIRef, parents: dict[URIRef, URIRef]) -> list[URIRef]:
    """``cls`` followed by its superclasses, nearest first (cycles cut)."""
    chain = [cls]
    while chain[-1] in parents and parents[chain[-1]] not in chain:
        chain.append(parents[chain[-1]])
    return chain


def _root(cls: URIRef, parents: dict[URIRef, URIRef]) -> URIRef:
    return _ancestors(cls, parents)[-1]


def _kind_of(node: Node, g: Graph, parents: dict[URIRef, URIRef]) -> str | None:
    """``"actor"``, ``"place"``, ``"event"`` or None, from the node's types."""
    roots = {_root(t, parents) for t in g.objects(node, RDF.type) if isinstance(t, URIRef)}
    for root, kind in ((CKG.Event, "event"), (CKG.Actor, "actor"), (CKG.Place, "place")):
        if root in roots:
            return kind
    return None


def _first(values: Iterable[Node]) -> Node | None:
    """Smallest value in a deterministic order, or None."""
    return min(values, key=lambda v: (str(v), repr(v)), default=None)


def _date(g: Graph, event: Node) -> str | None:
    value = _first(g.objects(event, CKG.date))
    return None if value is None else str(value)


def _number(value: Node | None) -> float | None:
    """A literal's numeric value, or None when absent or not a number."""
    try:
        return None if value is None else float(value.toPython())
    except (TypeError, ValueError):
        return None


def _sorted_nodes(nodes: Iterable[Node]) -> list[Node]:
    return sorted(set(nodes), key=str)


# ------------------------------------------------------------------- node accessors


def most_specific_class(g: Graph, node: Node, parents: dict | None = None) -> str | None:
    """Local name of the most specific contract class of ``node``.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    node : rdflib.term.Node
        An actor, place or event.
    parents : dict, optional
        Class tree (subclass → superclass); the contract's tree by default.

    Returns
    -------
    str or None
        The deepest known class among the node's ``rdf:type`` values (ties broken
        by IRI), or None when the node has no known type. ``ckg:Civilians`` used as
        a node (the casualty group) is its own class.

    Examples
    --------
    >>> from rdflib import Graph
    >>> from kg.namespace import CKG, CKGR, RDF
    >>> g = Graph()
    >>> _ = g.add((CKGR["event/1"], RDF.type, CKG.Event))
    >>> _ = g.add((CKGR["event/1"], RDF.type, CKG.Airstrike))
    >>> most_specific_class(g, CKGR["event/1"])
    'Airstrike'
    """
    parents = _parents(g) if parents is None else parents
    if node == CKG.Civilians:
        return "Civilians"
    known = set(parents) | set(parents.values())
    types = [t for t in g.objects(node, RDF.type) if isinstance(t, URIRef) and t in known]
    if not types:
        return None
    best = max(types, key=lambda t: (len(_ancestors(t, parents)), str(t)))
    return _local(best)


def event_family(g: Graph, event: Node, parents: dict | None = None) -> str | None:
    """Local name of the event's family (``Battle``, ``RemoteViolence``, …).

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    event : rdflib.term.Node
        An event.
    parents : dict, optional
        Class tree; the contract's tree by default.

    Returns
    -------
    str or None
        The class just under ``ckg:Event`` on the path of the most specific type
        (``CasualtyReport`` for casualty reports), ``"Event"`` for a bare event,
        None for a node that is not an event.
    """
    parents = _parents(g) if parents is None else parents
    families = set()
    for t in g.objects(event, RDF.type):
        if not isinstance(t, URIRef):
            continue
        chain = _ancestors(t, parents)
        if chain[-1] != CKG.Event:
            continue
        families.add(_local(chain[-2]) if len(chain) > 1 else "Event")
    specific = sorted(families - {"Event"})
    return specific[0] if specific else ("Event" if families else None)


def label_of(g: Graph, node: Node) -> str:
    """Display label: ``skos:prefLabel`` (French first), ``rdfs:label``, local name.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    node : rdflib.term.Node
        Any resource.

    Returns
    -------
    str
        The label; ``ckg:Civilians`` without a label in ``g`` reads ``"civils"``.
    """
    for prop in (SKOS.prefLabel, RDFS.label):
        labels = [v for v in g.objects(node, prop) if isinstance(v, Literal)]
        if labels:
            best = min(labels, key=lambda v: (v.language != "fr", v.language or "", str(v)))
            return str(best)
    if node == CKG.Civilians:
        return "civils"
    return _local(node)


def _typed(g: Graph, kind: str, parents: dict[URIRef, URIRef]) -> list[Node]:
    subjects = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}
    return sorted((s for s in subjects if _kind_of(s, g, parents) == kind), key=str)


def actors(g: Graph) -> list[Node]:
    """Actors of ``g``: typed actors plus every agent, target, source, denier or group.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    list of rdflib.term.Node
        Sorted by IRI.
    """
    parents = _parents(g)
    found = set(_typed(g, "actor", parents))
    for prop in (CKG.agent, CKG.target, CKG.reportedBy, CKG.disputedBy, CKG.affiliatedWith):
        found.update(o for o in g.objects(None, prop) if isinstance(o, URIRef))
    return _sorted_nodes(found)


def places(g: Graph) -> list[Node]:
    """Places of ``g``: typed places plus every object of ``ckg:place``/``ckg:locatedIn``.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    list of rdflib.term.Node
        Sorted by IRI.
    """
    parents = _parents(g)
    found = set(_typed(g, "place", parents))
    found.update(o for o in g.objects(None, CKG.place) if isinstance(o, URIRef))
    for s, o in g.subject_objects(CKG.locatedIn):
        found.update(n for n in (s, o) if isinstance(n, URIRef))
    return _sorted_nodes(found)


def events(g: Graph) -> list[Node]:
    """Events of ``g`` (any subject typed ``ckg:Event`` or a subclass), sorted by IRI.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    list of rdflib.term.Node
    """
    return _typed(g, "event", _parents(g))


def _node_attrs(g: Graph, node: Node, kind: str, parents: dict) -> dict:
    default = {"actor": "Actor", "place": "Place", "event": "Event"}[kind]
    return {
        "label": label_of(g, node),
        "cls": most_specific_class(g, node, parents) or default,
        "kind": kind,
    }


def _objects(g: Graph, s: Node, p: URIRef) -> list[Node]:
    return _sorted_nodes(o for o in g.objects(s, p) if isinstance(o, URIRef))


# ------------------------------------------------------------------------ projections


def actor_network(g: Graph) -> nx.MultiDiGraph:
    """Actors linked agent → target, one edge per event and (agent, target) pair.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes are actor IRIs (str) with ``label``, ``cls``, ``kind``. Edges are keyed
        by the event IRI and carry ``event``, ``type`` (most specific event type),
        ``family``, ``date`` (ISO text at the stated precision, or None) and ``place``
        (label, or None). Events without a target add no edge; an actor that is both
        agent and target of the same event adds no self-loop.
    """
    parents = _parents(g)
    net = nx.MultiDiGraph()
    for actor in actors(g):
        net.add_node(str(actor), **_node_attrs(g, actor, "actor", parents))
    for event in events(g):
        agents, targets = _objects(g, event, CKG.agent), _objects(g, event, CKG.target)
        if not agents or not targets:
            continue
        place = _first(g.objects(event, CKG.place))
        attrs = {
            "event": str(event),
            "type": most_specific_class(g, event, parents) or "Event",
            "family": event_family(g, event, parents),
            "date": _date(g, event),
            "place": None if place is None else label_of(g, place),
        }
        for agent in agents:
            for target in targets:
                if agent != target:
                    net.add_edge(str(agent), str(target), key=str(event), **attrs)
    return net


def actor_interactions(g: Graph) -> nx.DiGraph:
    """:func:`actor_network` with parallel edges collapsed.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    networkx.DiGraph
        Same nodes; one edge agent → target with ``weight`` (number of events),
        ``types`` (sorted distinct event types) and ``events`` (sorted event IRIs).
    """
    multi = actor_network(g)
    net = nx.DiGraph()
    net.add_nodes_from(multi.nodes(data=True))
    for u, v, data in sorted(multi.edges(data=True), key=lambda e: (e[0], e[1], e[2]["event"])):
        if net.has_edge(u, v):
            edge = net[u][v]
            edge["weight"] += 1
            edge["types"] = sorted(set(edge["types"]) | {data["type"]})
            edge["events"].append(data["event"])
        else:
            net.add_edge(u, v, weight=1, types=[data["type"]], events=[data["event"]])
    return net


def actor_place_network(g: Graph) -> nx.Graph:
    """Bipartite actor–place graph weighted by shared events.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    networkx.Graph
        Nodes are every actor (``bipartite=0``) and place (``bipartite=1``) with
        ``label``, ``cls``, ``kind``; an edge's ``weight`` is the number of events
        whose ``ckg:place`` is the place and whose agent or target is the actor.
    """
    parents = _parents(g)
    net = nx.Graph()
    for actor in actors(g):
        net.add_node(str(actor), bipartite=0, **_node_attrs(g, actor, "actor", parents))
    for place in places(g):
        net.add_node(str(place), bipartite=1, **_node_attrs(g, place, "place", parents))
    weights: Counter[tuple[str, str]] = Counter()
    for event in events(g):
        involved = set(_objects(g, event, CKG.agent)) | set(_objects(g, event, CKG.target))
        for place in _objects(g, event, CKG.place):
            for actor in involved:
                weights[(str(actor), str(place))] += 1
    for (actor, place), weight in sorted(weights.items()):
        net.add_edge(actor, place, weight=weight)
    return net


def _articles_of(g: Graph, node: Node) -> set[Node]:
    """Articles a resource is mentioned in, by ``ckg:mentionedIn`` or its mentions."""
    found = set(g.objects(node, CKG.mentionedIn))
    for mention in g.objects(node, CKG.denotedBy):
        found.update(g.objects(mention, NIF.referenceContext))
    return found


def place_cooccurrence(g: Graph) -> nx.Graph:
    """Places mentioned together in the same article.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    networkx.Graph
        Nodes are every place (``label``, ``cls``, ``kind``); an edge's ``weight`` is
        the number of articles mentioning both places, ``articles`` their sorted IRIs.
    """
    parents = _parents(g)
    net = nx.Graph()
    by_article: defaultdict[str, set[str]] = defaultdict(set)
    for place in places(g):
        net.add_node(str(place), **_node_attrs(g, place, "place", parents))
        for article in _articles_of(g, place):
            by_article[str(article)].add(str(place))
    for article in sorted(by_article):
        members = sorted(by_article[article])
        for i, u in enumerate(members):
            for v in members[i + 1 :]:
                if net.has_edge(u, v):
                    net[u][v]["weight"] += 1
                    net[u][v]["articles"].append(article)
                else:
                    net.add_edge(u, v, weight=1, articles=[article])
    return net


def _fatalities_text(g: Graph, event: Node) -> str | None:
    """``"au moins 12 civils; 3 Armée syrienne"`` from the event's CasualtyCounts."""
    parts = []
    for count_node in sorted(g.objects(event, CKG.fatalities), key=str):
        count = _first(g.objects(count_node, CKG.count))
        if count is None:
            continue
        qualifier = _first(g.objects(count_node, CKG.countQualifier))
        text = _QUALIFIER_TEXT.get(qualifier, "") + str(count)
        group = _first(g.objects(count_node, CKG.casualtyGroup))
        parts.append(text if group is None else f"{text} {label_of(g, group)}")
    return "; ".join(sorted(parts)) or None


def _event_label(g: Graph, event: Node, cls: str, place: str | None, date: str | None) -> str:
    explicit = [v for p in (SKOS.prefLabel, RDFS.label) for v in g.objects(event, p)]
    if explicit:
        return label_of(g, event)
    return " · ".join(part for part in (cls, place, date) if part)


def _event_attrs(g: Graph, event: Node, parents: dict) -> dict:
    cls = most_specific_class(g, event, parents) or "Event"
    place = _first(g.objects(event, CKG.place))
    place_label = None if place is None else label_of(g, place)
    date = _date(g, event)
    evidence = _first(g.objects(event, CKG.evidence))
    confidence = _first(g.objects(event, CKG.confidence))

    def labels(prop: URIRef) -> list[str]:
        return sorted(label_of(g, o) for o in g.objects(event, prop))

    return {
        "label": _event_label(g, event, cls, place_label, date),
        "cls": cls,
        "kind": "event",
        "family": event_family(g, event, parents) or "Event",
        "date": date,
        "start": None if (v := _first(g.objects(event, CKG.startDate))) is None else str(v),
        "end": None if (v := _first(g.objects(event, CKG.endDate))) is None else str(v),
        "place": place_label,
        "agents": labels(CKG.agent),
        "targets": labels(CKG.target),
        "sources": labels(CKG.reportedBy),
        "evidence": None if evidence is None else str(evidence),
        "confidence": _number(confidence),
        "fatalities": _fatalities_text(g, event),
    }


def knowledge_network(g: Graph) -> nx.MultiDiGraph:
    """The graph as a network of actors, places and events, for the view.

    Articles, mention nodes and ``ckg:CasualtyCount`` nodes are left out (their
    content is folded into event attributes).

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes (IRIs as str) carry ``label``, ``cls``, ``kind`` (``"actor"``,
        ``"place"``, ``"event"``); events also ``family``, ``date``, ``start``,
        ``end``, ``place`` (label), ``agents``, ``targets``, ``sources`` (labels),
        ``evidence`` (first sentence), ``confidence`` and ``fatalities`` (text).
        Edges carry ``label`` (the role, also the edge key): event → actor
        ``agent``/``target``/``reportedBy``/``disputedBy``, event → place ``place``,
        place → place ``locatedIn``, person → group ``affiliatedWith``.
    """
    parents = _parents(g)
    net = nx.MultiDiGraph()
    for actor in actors(g):
        net.add_node(str(actor), **_node_attrs(g, actor, "actor", parents))
    for place in places(g):
        if str(place) not in net:
            net.add_node(str(place), **_node_attrs(g, place, "place", parents))
    for event in events(g):
        net.add_node(str(event), **_event_attrs(g, event, parents))

    def link(s: Node, o: Node, role: str) -> None:
        if str(s) in net and str(o) in net:
            net.add_edge(str(s), str(o), key=role, label=role)

    for event in events(g):
        for prop, role in _ROLES:
            for actor in _objects(g, event, prop):
                link(event, actor, role)
        for place in _objects(g, event, CKG.place):
            link(event, place, "place")
    for prop, role in ((CKG.locatedIn, "locatedIn"), (CKG.affiliatedWith, "affiliatedWith")):
        for s, o in sorted(g.subject_objects(prop), key=lambda so: (str(so[0]), str(so[1]))):
            link(s, o, role)
    return net


# --------------------------------------------------------------------------- measures


def summary(g: Graph) -> dict:
    """Counts and shape of the graph.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.

    Returns
    -------
    dict
        ``triples``, ``articles``, ``actors``, ``places``, ``events`` (counts, as
        :func:`kg.rdf.counts.count_graph` makes them: the same figures as the build's);
        ``actor_classes``, ``place_classes``, ``event_types``, ``event_families``
        (class local name → count, sorted by name); ``nodes``, ``edges``,
        ``density`` and ``connected_components`` (weakly connected) and
        ``largest_component`` of :func:`knowledge_network`; ``interactions``, the
        number of distinct agent → target pairs.
    """
    net = knowledge_network(g)

    def count(kind: str, attr: str) -> dict[str, int]:
        values = Counter(d[attr] for _, d in net.nodes(data=True) if d["kind"] == kind)
        return dict(sorted(values.items()))

    counted = count_graph(g)  # the one definition of the counts (kg.rdf.counts, #13)
    components = list(nx.weakly_connected_components(net)) if len(net) else []
    return {
        "triples": counted.triples,
        "articles": counted.articles,
        "actors": counted.actors,
        "places": counted.places,
        "events": counted.events,
        "actor_classes": count("actor", "cls"),
        "place_classes": count("place", "cls"),
        "event_types": count("event", "cls"),
        "event_families": count("event", "family"),
        "nodes": net.number_of_nodes(),
        "edges": net.number_of_edges(),
        "density": nx.density(nx.DiGraph(net)),
        "connected_components": len(components),
        "largest_component": max((len(c) for c in components), default=0),
        "interactions": actor_interactions(g).number_of_edges(),
    }


def _pagerank(net: nx.DiGraph, alpha: float = 0.85, tol: float = 1.0e-10) -> dict[str, float]:
    """Weighted PageRank by power iteration (pure Python, the same on every machine)."""
    nodes = sorted(net)
    if not nodes:
        return {}
    n = len(nodes)
    out_weight = {u: sum(d["weight"] for _, _, d in net.out_edges(u, data=True)) for u in nodes}
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(1000):
        dangling = sum(rank[u] for u in nodes if not out_weight[u])
        new = dict.fromkeys(nodes, (1.0 - alpha) / n + alpha * dangling / n)
        for u in nodes:
            for _, v, d in sorted(net.out_edges(u, data=True), key=lambda e: e[1]):
                new[v] += alpha * rank[u] * d["weight"] / out_weight[u]
        done = sum(abs(new[u] - rank[u]) for u in nodes) < n * tol
        rank = new
        if done:
            break
    return rank


def top_actors(g: Graph, by: str = "degree", n: int = 10) -> list[tuple[str, float]]:
    """The most central actors of :func:`actor_interactions`.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    by : {"degree", "betweenness", "pagerank"}
        ``degree``: weighted degree (number of agent → target interactions the
        actor takes part in, either side); ``betweenness``: betweenness centrality
        of the undirected, unweighted view; ``pagerank``: weighted PageRank
        (damping 0.85) along agent → target edges.
    n : int
        How many actors to return.

    Returns
    -------
    list of (str, float)
        ``(label, score)`` by score descending, then label, then IRI.

    Raises
    ------
    ValueError
        When ``by`` is not one of the three measures.
    """
    if by not in _CENTRALITIES:
        raise ValueError(f"top_actors: by={by!r}; use one of {', '.join(_CENTRALITIES)}")
    net = actor_interactions(g)
    return [(net.nodes[u]["label"], score) for u, score in top_nodes(net, by=by, n=n)]


# ------------------------------------------------------------------ network analyses


class NodeNotFound(KgError):
    """A node name matches no node (or several) of the network."""


class NoPath(KgError):
    """Two actors are not connected in the interaction network."""


#: Names of the projections :func:`projection` knows, for the CLI.
PROJECTIONS: tuple[str, ...] = ("interactions", "actor-place", "cooccurrence")

#: Seed of every randomised algorithm (Louvain), so runs repeat exactly.
SEED = 42


@dataclass(frozen=True)
class EventRef:
    """One event along an edge of an interaction path."""

    event: str
    type: str
    date: str | None
    place: str | None
    agent: str
    target: str


@dataclass(frozen=True)
class Hop:
    """One step of a path: two adjacent actors and the events linking them."""

    source: str
    target: str
    events: tuple[EventRef, ...]


@dataclass(frozen=True)
class PathResult:
    """A shortest path: its nodes (IRIs), their labels and the events of each hop."""

    nodes: tuple[str, ...]
    labels: tuple[str, ...]
    hops: tuple[Hop, ...]


def projection(g: Graph, name: str = "interactions") -> nx.Graph:
    """One of the named projections of ``g``.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    name : {"interactions", "actor-place", "cooccurrence"}
        :func:`actor_interactions`, :func:`actor_place_network` or
        :func:`place_cooccurrence`.

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        Every edge has a ``weight``; every node ``label``, ``cls`` and ``kind``.

    Raises
    ------
    ValueError
        For an unknown name.
    """
    builders = {
        "interactions": actor_interactions,
        "actor-place": actor_place_network,
        "cooccurrence": place_cooccurrence,
    }
    if name not in builders:
        raise ValueError(f"projection {name!r}: use one of {', '.join(PROJECTIONS)}")
    return builders[name](g)


def find_node(net: nx.Graph, name: str, g: Graph | None = None) -> str:
    """The node of ``net`` that ``name`` designates.

    Parameters
    ----------
    net : networkx.Graph
        A network whose nodes are IRIs with a ``label`` attribute.
    name : str
        An IRI, a local name (``syrian-army``) or a label; labels compare after
        :func:`kg.gazetteer.norm` (case, accents, hyphens, leading article).
    g : rdflib.Graph, optional
        When given, ``skos:altLabel`` values are accepted too.

    Returns
    -------
    str
        The node's IRI.

    Raises
    ------
    NodeNotFound
        When no node, or more than one, matches.

    Examples
    --------
    >>> net = nx.Graph()
    >>> net.add_node("https://w3id.org/conflict-kg/id/actor/isis", label="État islamique")
    >>> find_node(net, "etat islamique")
    'https://w3id.org/conflict-kg/id/actor/isis'
    """
    if name in net:
        return name
    wanted = norm(name)
    for match in (
        lambda u, d: norm(d.get("label", "")) == wanted,
        lambda u, d: norm(_local(u)) == wanted,
        lambda u, d: (
            g is not None and any(norm(str(a)) == wanted for a in g.objects(URIRef(u), SKOS.altLabel))
        ),
    ):
        found = sorted(u for u, d in net.nodes(data=True) if match(u, d))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise NodeNotFound(f"{name!r} is ambiguous: {', '.join(found[:5])}; pass the IRI")
    raise NodeNotFound(f"no node named {name!r}; give a label as printed by 'kg network --top' or an IRI")


def top_nodes(net: nx.Graph, by: str = "degree", n: int = 10) -> list[tuple[str, float]]:
    """The ``n`` most central nodes of any projection.

    Parameters
    ----------
    net : networkx.Graph or networkx.DiGraph
        A projection (edges weighted by ``weight``).
    by : {"degree", "betweenness", "pagerank"}
        Weighted degree; betweenness of the undirected, unweighted view; weighted
        PageRank (directed graphs along their edges, undirected both ways).
    n : int
        How many nodes to return.

    Returns
    -------
    list of (str, float)
        ``(node IRI, score)`` by score descending, then label, then IRI.

    Raises
    ------
    ValueError
        When ``by`` is not one of the three measures.
    """
    if by not in _CENTRALITIES:
        raise ValueError(f"by={by!r}; use one of {', '.join(_CENTRALITIES)}")
    if by == "degree":
        scores = {u: float(d) for u, d in net.degree(weight="weight")}
    elif by == "betweenness":
        scores = nx.betweenness_centrality(net.to_undirected()) if len(net) else {}
    else:
        scores = _pagerank(net if net.is_directed() else net.to_directed())
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], net.nodes[kv[0]].get("label", ""), kv[0]))
    return ranked[:n]


def network_stats(net: nx.Graph) -> dict:
    """Shape of a projection.

    Parameters
    ----------
    net : networkx.Graph or networkx.DiGraph

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``weight`` (sum of edge weights), ``density``,
        ``components`` (weakly connected), ``largest_component``, ``isolates`` and
        ``mean_degree`` (unweighted).
    """
    undirected = net.to_undirected(as_view=True)
    parts = list(nx.connected_components(undirected)) if len(net) else []
    return {
        "nodes": net.number_of_nodes(),
        "edges": net.number_of_edges(),
        "weight": sum(d.get("weight", 1) for _, _, d in net.edges(data=True)),
        "density": nx.density(net),
        "components": len(parts),
        "largest_component": max((len(p) for p in parts), default=0),
        "isolates": nx.number_of_isolates(net),
        "mean_degree": (2 * undirected.number_of_edges() / len(net)) if len(net) else 0.0,
    }


def _as_network(g: Graph | nx.Graph, name: str) -> nx.Graph:
    return g if isinstance(g, nx.Graph) else projection(g, name)


def communities(
    g: Graph | nx.Graph, projection_name: str = "interactions", seed: int = SEED
) -> list[list[str]]:
    """Louvain communities of a projection, in a deterministic order.

    Parameters
    ----------
    g : rdflib.Graph or networkx.Graph
        A contract graph (projected with ``projection_name``) or a projection.
    projection_name : str
        See :func:`projection`; ignored when ``g`` is already a network.
    seed : int
        Seed of :func:`networkx.community.louvain_communities`.

    Returns
    -------
    list of list of str
        Node IRIs; each community sorted by label then IRI, communities by size
        (largest first) then by their first label. Edges count by ``weight`` on the
        undirected view; isolated nodes are communities of one.
    """
    net = _as_network(g, projection_name)
    if not len(net):
        return []
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(net))
    for u, v, d in sorted(net.edges(data=True), key=lambda e: (e[0], e[1])):
        w = d.get("weight", 1)
        if undirected.has_edge(u, v):
            undirected[u][v]["weight"] += w
        else:
            undirected.add_edge(u, v, weight=w)
    found = nx.community.louvain_communities(undirected, weight="weight", seed=seed)

    def key(u: str) -> tuple[str, str]:
        return (net.nodes[u].get("label", ""), u)

    ordered = [sorted(c, key=key) for c in found]
    return sorted(ordered, key=lambda c: (-len(c), key(c[0])))


def shortest_path(g: Graph, a: str, b: str) -> PathResult:
    """The shortest chain of interactions between two actors.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    a, b : str
        Actors, by label, local name or IRI (see :func:`find_node`).

    Returns
    -------
    PathResult
        Nodes and labels from ``a`` to ``b`` over the undirected view of
        :func:`actor_interactions` (fewest hops; ties resolved by sorted node
        order), and for each hop every event between the two actors, either way,
        sorted by date then IRI.

    Raises
    ------
    NodeNotFound
        When a name designates no actor.
    NoPath
        When the two actors are not connected.
    """
    multi = actor_network(g)
    source, target = find_node(multi, a, g), find_node(multi, b, g)
    simple = nx.Graph()
    simple.add_nodes_from(sorted(multi))
    simple.add_edges_from(sorted((u, v) for u, v in multi.edges()))
    try:
        nodes = nx.shortest_path(simple, source, target)
    except nx.NetworkXNoPath:
        la, lb = multi.nodes[source]["label"], multi.nodes[target]["label"]
        raise NoPath(f"no chain of interactions links {la!r} and {lb!r}") from None
    hops = []
    for u, v in zip(nodes, nodes[1:], strict=False):
        refs = [
            EventRef(d["event"], d["type"], d["date"], d["place"], x, y)
            for x, y in ((u, v), (v, u))
            if multi.has_edge(x, y)
            for d in multi[x][y].values()
        ]
        refs.sort(key=lambda r: (r.date or "9999", r.event, r.agent))
        hops.append(Hop(u, v, tuple(refs)))
    labels = tuple(multi.nodes[u]["label"] for u in nodes)
    return PathResult(tuple(nodes), labels, tuple(hops))


def ego(g: Graph | nx.Graph, node: str, depth: int = 1, projection_name: str = "interactions") -> nx.Graph:
    """The neighbourhood of ``node`` up to ``depth`` hops (edges either way).

    Parameters
    ----------
    g : rdflib.Graph or networkx.Graph
        A contract graph (projected with ``projection_name``) or a network.
    node : str
        Label, local name or IRI.
    depth : int
        Radius in hops.

    Returns
    -------
    networkx.Graph
        The induced subgraph, same class and attributes as the projection.

    Raises
    ------
    NodeNotFound
        When ``node`` designates no node.
    """
    net = _as_network(g, projection_name)
    center = find_node(net, node, g if isinstance(g, Graph) else None)
    return nx.ego_graph(net, center, radius=depth, undirected=True)


def _flat(value: object) -> object:
    """A GraphML/GEXF-friendly attribute value (lists joined, None as "")."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(
            str(v) for v in (sorted(value, key=str) if isinstance(value, set | frozenset) else value)
        )
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def export_network(net: nx.Graph, path: str | os.PathLike[str]) -> Path:
    """Write a network as GraphML or GEXF, chosen by the file suffix.

    Parameters
    ----------
    net : networkx.Graph
        Any projection or :func:`knowledge_network`; list attributes are joined
        with ``"; "`` and missing values written as ``""`` so both writers take them.
    path : str or os.PathLike
        ``*.graphml`` or ``*.gexf``; the folder is created if needed.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        For another suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".graphml", ".gexf"):
        raise ValueError(f"{path}: export to .graphml or .gexf")
    flat = net.__class__()
    flat.graph.update({k: _flat(v) for k, v in net.graph.items()})
    flat.add_nodes_from((u, {k: _flat(v) for k, v in d.items()}) for u, d in net.nodes(data=True))
    if net.is_multigraph():
        flat.add_edges_from(
            (u, v, k, {a: _flat(x) for a, x in d.items()}) for u, v, k, d in net.edges(keys=True, data=True)
        )
    else:
        flat.add_edges_from((u, v, {a: _flat(x) for a, x in d.items()}) for u, v, d in net.edges(data=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".graphml":
        nx.write_graphml(flat, path)
    else:
        nx.write_gexf(flat, path)
    return path


def add_measures(g: Graph, digits: int = 6) -> Graph:
    """A copy of ``g`` with each actor's PageRank as ``ckg:pageRank``.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract (left unchanged).
    digits : int
        Decimal places kept, so the Turtle is the same on every machine.

    Returns
    -------
    rdflib.Graph
        Every triple of ``g`` (previous ``ckg:pageRank`` values replaced) plus one
        ``ckg:pageRank`` ``xsd:decimal`` per actor, from the weighted PageRank of
        :func:`actor_interactions`; prefixes of ``g`` kept.
    """
    out = Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns, override=True)
    for triple in g:
        if triple[1] != CKG.pageRank:
            out.add(triple)
    for actor, score in sorted(_pagerank(actor_interactions(g)).items()):
        value = Decimal(str(round(score, digits))).quantize(Decimal(1).scaleb(-digits))
        out.add((URIRef(actor), CKG.pageRank, Literal(value, datatype=XSD.decimal)))
    return out
