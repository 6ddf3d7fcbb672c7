"""The knowledge network: actors, places and events with their roles, for the view.

Articles, mentions and casualty counts are folded into event attributes.

Imports rdflib, networkx and kg.namespace/kg.rdf readers only (never spaCy nor the extraction stages).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial

import networkx as nx
from rdflib import Graph, URIRef
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
    number_of,
    places,
)
from kg.namespace import CKG, RDFS, SKOS

__all__ = [
    "knowledge_network",
]


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


def _fatalities_text(g: Graph, event: Node, label: Callable[[Node], str]) -> str | None:
    """``"au moins 12 civils; 3 Armée syrienne"`` from the event's CasualtyCounts."""
    parts = []
    for count_node in sorted(g.objects(event, CKG.fatalities), key=str):
        count = first_value(g.objects(count_node, CKG.count))
        if count is None:
            continue
        qualifier = first_value(g.objects(count_node, CKG.countQualifier))
        text = _QUALIFIER_TEXT.get(qualifier, "") + str(count)
        group = first_value(g.objects(count_node, CKG.casualtyGroup))
        parts.append(text if group is None else f"{text} {label(group)}")
    return "; ".join(sorted(parts)) or None


def _event_label(g: Graph, event: Node, cls: str, place: str | None, date: str | None) -> str:
    if any(True for p in (SKOS.prefLabel, RDFS.label) for _ in g.objects(event, p)):
        return label_of(g, event)
    return " · ".join(part for part in (cls, place, date) if part)


def _event_attrs(g: Graph, event: Node, parents: dict, label: Callable[[Node], str]) -> dict:
    cls = most_specific_class(g, event, parents) or "Event"
    place = first_value(g.objects(event, CKG.place))
    place_label = None if place is None else label(place)
    date = date_of(g, event)
    evidence = first_value(g.objects(event, CKG.evidence))
    confidence = first_value(g.objects(event, CKG.confidence))

    def labels(prop: URIRef) -> list[str]:
        return sorted(label(o) for o in g.objects(event, prop))

    return {
        "label": _event_label(g, event, cls, place_label, date),
        "cls": cls,
        "kind": "event",
        "family": event_family(g, event, parents) or "Event",
        "date": date,
        "start": None if (v := first_value(g.objects(event, CKG.startDate))) is None else str(v),
        "end": None if (v := first_value(g.objects(event, CKG.endDate))) is None else str(v),
        "place": place_label,
        "agents": labels(CKG.agent),
        "targets": labels(CKG.target),
        "sources": labels(CKG.reportedBy),
        "evidence": None if evidence is None else str(evidence),
        "confidence": number_of(confidence),
        "fatalities": _fatalities_text(g, event, label),
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
    parents = class_tree(g)
    label = cache(partial(label_of, g))  # the same actors and places label thousands of events
    net = nx.MultiDiGraph()
    for actor in actors(g):
        net.add_node(str(actor), **node_attrs(g, actor, "actor", parents))
    for place in places(g):
        if str(place) not in net:
            net.add_node(str(place), **node_attrs(g, place, "place", parents))
    the_events = events(g)
    for event in the_events:
        net.add_node(str(event), **_event_attrs(g, event, parents, label))

    def link(s: Node, o: Node, role: str) -> None:
        if str(s) in net and str(o) in net:
            net.add_edge(str(s), str(o), key=role, label=role)

    for event in the_events:
        for prop, role in _ROLES:
            for actor in iri_objects(g, event, prop):
                link(event, actor, role)
        for place in iri_objects(g, event, CKG.place):
            link(event, place, "place")
    for prop, role in ((CKG.locatedIn, "locatedIn"), (CKG.affiliatedWith, "affiliatedWith")):
        for s, o in sorted(g.subject_objects(prop), key=lambda so: (str(so[0]), str(so[1]))):
            link(s, o, role)
    return net
