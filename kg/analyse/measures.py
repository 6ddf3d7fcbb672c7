"""Counts and shape: :func:`summary` of a contract graph, :func:`network_stats` of a projection.

Imports rdflib, networkx and kg.namespace/kg.rdf readers only (never spaCy nor the extraction stages).
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
from rdflib import Graph

from kg.analyse.knowledge import knowledge_network
from kg.analyse.projections import actor_interactions
from kg.rdf.counts import Counts, count_graph

__all__ = [
    "summary",
    "network_stats",
]


def summary(g: Graph, counts: Counts | None = None) -> dict:
    """Counts and shape of the graph.

    Parameters
    ----------
    g : rdflib.Graph
        A graph following the contract.
    counts : Counts, optional
        The counts to report, when ``g`` is only a part of the graph (the networks' part of a
        build's store: :func:`kg.store.counts.count_store` gives the whole build's). Counted
        on ``g`` by default.

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

    counted = counts or count_graph(g)  # the one definition of the counts (kg.rdf.counts, #13)
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
