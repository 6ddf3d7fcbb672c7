"""Centrality: deterministic weighted PageRank, top nodes and actors, ``ckg:pageRank`` in RDF.

PageRank is computed in pure Python by power iteration so scores are the same on every machine.

Imports rdflib, networkx and kg.namespace/kg.rdf readers only (never spaCy nor the extraction stages).
"""

from __future__ import annotations

from decimal import Decimal

import networkx as nx
from rdflib import Graph, Literal, URIRef

from kg.analyse.projections import actor_interactions
from kg.namespace import CKG, XSD

__all__ = [
    "top_nodes",
    "top_actors",
    "add_measures",
]


_CENTRALITIES = ("degree", "betweenness", "pagerank")


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
