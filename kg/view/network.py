"""The view's network: what the explorer reads of a graph and the network it draws from.

:func:`load_view_graph` reads the part of a build the page needs (from the store when it is
there); :func:`view_network` is :func:`kg.analyse.knowledge_network` plus aliases, coordinates,
evidence sentences and mentions. Imports rdflib, :mod:`kg.analyse`, :mod:`kg.namespace` and the
store's readers (inside :func:`load_view_graph`); never spaCy, the extraction or the pipeline.
"""

from __future__ import annotations

import os
import re

import networkx as nx
from rdflib import Graph, Literal, URIRef

from kg.analyse import knowledge_network
from kg.namespace import CKG, DCTERMS, GEO, NIF, SKOS

__all__ = ["view_network", "load_view_graph"]

_MENTION = re.compile(r"/article/([^/#]+)#char=(\d+),(\d+)$")


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


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


def _mentions(g: Graph, event: URIRef) -> list[tuple[str, int, int, str | None]]:
    """``(article id, begin, end, anchor)`` of every ``ckg:denotedBy`` mention of ``event``, sorted."""
    mentions = []
    for m in g.objects(event, CKG.denotedBy):
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
    return sorted(mentions, key=lambda m: (m[0], m[1], m[2]))


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
        data["mentions"] = _mentions(g, iri)
        data["articles"] = sorted({_article_id(g, a) for a in g.objects(iri, CKG.mentionedIn)})
        data["disputed"] = sorted(net.nodes[v]["label"] for _, v, k in net.out_edges(node, keys=True) if k == "disputedBy")
    return net


_VIEW_PART = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
CONSTRUCT { ?s ?p ?o } WHERE {
  { ?s ?p ?o %s }
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
    from kg.store import find_store, load_graph, read_part
    from kg.store.graphs import NO_MENTIONS

    folder = find_store(graph, warn)
    if folder is None:
        return load_graph(graph)
    return read_part(folder, _VIEW_PART % f"{NO_MENTIONS} {NOT_DERIVED}")

