"""Networkx projections of a contract graph: actor interactions, actor–place, place co-occurrence.

Node identifiers are IRIs as strings; :func:`projection` picks one by name for the CLI.

Imports rdflib, networkx and kg.namespace/kg.rdf readers only (never spaCy nor the extraction stages).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache, partial

import networkx as nx
from rdflib import Graph
from rdflib.term import Node

from kg.analyse.nodes import (
    actors,
    class_tree,
    date_of,
    event_family,
    events,
    first_value,
    iri_objects,
    label_of,
    most_specific_class,
    node_attrs,
    places,
)
from kg.namespace import CKG, NIF

__all__ = [
    "actor_network",
    "actor_interactions",
    "actor_place_network",
    "place_cooccurrence",
    "PROJECTIONS",
    "projection",
    "as_network",
]


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
    parents = class_tree(g)
    label = cache(partial(label_of, g))  # a place labels many events
    net = nx.MultiDiGraph()
    for actor in actors(g):
        net.add_node(str(actor), **node_attrs(g, actor, "actor", parents))
    for event in events(g):
        agents, targets = iri_objects(g, event, CKG.agent), iri_objects(g, event, CKG.target)
        if not agents or not targets:
            continue
        place = first_value(g.objects(event, CKG.place))
        attrs = {
            "event": str(event),
            "type": most_specific_class(g, event, parents) or "Event",
            "family": event_family(g, event, parents),
            "date": date_of(g, event),
            "place": None if place is None else label(place),
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
    parents = class_tree(g)
    net = nx.Graph()
    for actor in actors(g):
        net.add_node(str(actor), bipartite=0, **node_attrs(g, actor, "actor", parents))
    for place in places(g):
        net.add_node(str(place), bipartite=1, **node_attrs(g, place, "place", parents))
    weights: Counter[tuple[str, str]] = Counter()
    for event in events(g):
        involved = set(iri_objects(g, event, CKG.agent)) | set(iri_objects(g, event, CKG.target))
        for place in iri_objects(g, event, CKG.place):
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
    parents = class_tree(g)
    net = nx.Graph()
    by_article: defaultdict[str, set[str]] = defaultdict(set)
    for place in places(g):
        net.add_node(str(place), **node_attrs(g, place, "place", parents))
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


#: Names of the projections :func:`projection` knows, for the CLI.
PROJECTIONS: tuple[str, ...] = ("interactions", "actor-place", "cooccurrence")


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


def as_network(g: Graph | nx.Graph, name: str) -> nx.Graph:
    return g if isinstance(g, nx.Graph) else projection(g, name)
