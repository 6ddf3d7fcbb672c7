"""Finding nodes by name, shortest chains of interactions between actors, ego networks.

Imports rdflib, networkx and kg.namespace/kg.rdf readers only (never spaCy nor the extraction stages).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from rdflib import Graph, URIRef

from kg.analyse.nodes import local_name
from kg.analyse.projections import actor_network, as_network
from kg.errors import KgError
from kg.gazetteer import norm
from kg.namespace import SKOS

__all__ = [
    "NodeNotFound",
    "NoPath",
    "EventRef",
    "Hop",
    "PathResult",
    "find_node",
    "shortest_path",
    "ego",
]


class NodeNotFound(KgError):
    """A node name matches no node (or several) of the network."""


class NoPath(KgError):
    """Two actors are not connected in the interaction network."""


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
        lambda u, d: norm(local_name(u)) == wanted,
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
    net = as_network(g, projection_name)
    center = find_node(net, node, g if isinstance(g, Graph) else None)
    return nx.ego_graph(net, center, radius=depth, undirected=True)
