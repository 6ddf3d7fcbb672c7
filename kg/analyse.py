"""Networkx projections and measures of a built conflict graph.

Every function reads an :class:`rdflib.Graph` shaped as ``docs/CONTRACT.md`` describes
(actors, places, events, articles, mentions) and returns plain networkx objects whose
node identifiers are the IRIs as strings, so the results sort, serialise and compare
the same way on every machine.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespace import CKG, NIF, RDF, RDFS, SKOS

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
        ``triples``, ``articles``, ``actors``, ``places``, ``events`` (counts);
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

    kinds = Counter(d["kind"] for _, d in net.nodes(data=True))
    components = list(nx.weakly_connected_components(net)) if len(net) else []
    return {
        "triples": len(g),
        "articles": len(set(g.subjects(RDF.type, CKG.Article))),
        "actors": kinds["actor"],
        "places": kinds["place"],
        "events": kinds["event"],
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
    if by == "degree":
        scores = {u: float(d) for u, d in net.degree(weight="weight")}
    elif by == "betweenness":
        scores = nx.betweenness_centrality(net.to_undirected()) if len(net) else {}
    else:
        scores = _pagerank(net)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], net.nodes[kv[0]]["label"], kv[0]))
    return [(net.nodes[u]["label"], score) for u, score in ranked[:n]]
