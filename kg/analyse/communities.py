"""Louvain communities of a projection, seeded and ordered so runs repeat exactly.

Imports rdflib, networkx and kg.namespace/kg.rdf readers only (never spaCy nor the extraction stages).
"""

from __future__ import annotations

import networkx as nx
from rdflib import Graph

from kg.analyse.projections import as_network

__all__ = [
    "SEED",
    "communities",
]


#: Seed of every randomised algorithm (Louvain), so runs repeat exactly.
SEED = 42


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
    net = as_network(g, projection_name)
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
