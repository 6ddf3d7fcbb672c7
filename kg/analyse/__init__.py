"""Networkx projections and measures of a built conflict graph.

Every function reads an :class:`rdflib.Graph` shaped as ``docs/CONTRACT.md`` describes
(actors, places, events, articles, mentions) and returns plain networkx objects whose
node identifiers are the IRIs as strings, so the results sort, serialise and compare
the same way on every machine.

Submodules: :mod:`~kg.analyse.nodes` (classes, labels, typed node lists),
:mod:`~kg.analyse.projections` (actor and place networks), :mod:`~kg.analyse.knowledge`
(the network the view draws), :mod:`~kg.analyse.measures` (counts and shape),
:mod:`~kg.analyse.rank` (centralities, PageRank), :mod:`~kg.analyse.paths` (nodes by
name, shortest paths, ego networks), :mod:`~kg.analyse.communities` (Louvain) and
:mod:`~kg.analyse.export` (GraphML/GEXF). analyse reads the graph only: it imports
schema, rdf and store readers, never spaCy nor the extraction stages.
"""

from __future__ import annotations

from kg.analyse.communities import SEED, communities
from kg.analyse.export import export_network
from kg.analyse.knowledge import knowledge_network
from kg.analyse.measures import network_stats, summary
from kg.analyse.nodes import (
    ACTOR_CLASSES,
    EVENT_FAMILIES,
    PLACE_CLASSES,
    actors,
    event_family,
    events,
    label_of,
    most_specific_class,
    places,
)
from kg.analyse.paths import EventRef, Hop, NodeNotFound, NoPath, PathResult, ego, find_node, shortest_path
from kg.analyse.projections import (
    PROJECTIONS,
    actor_interactions,
    actor_network,
    actor_place_network,
    place_cooccurrence,
    projection,
)
from kg.analyse.rank import add_measures, top_actors, top_nodes

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
    "SEED",
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
