"""Built graphs read back into rdflib: :func:`load_graph` (a ``.ttl`` / ``.trig`` / ``.nt`` /
``.nq`` file), :func:`load_query_graph` (plus the derived facts the named queries use) and
:func:`load_network_graph` (what the networks and the view read: from the store when one agrees
with the build, else from the file). No spaCy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import NoGraphError, QueryError
from kg.rdf.emit import bind_prefixes
from kg.store.integrity import find_store, graph_file
from kg.store.oxigraph import read_part

__all__ = ["load_graph", "load_query_graph", "load_network_graph", "read_network_part"]

def _why(exc: Exception) -> str:
    """A parser's complaint in one short line: rdflib's Turtle errors quote the whole text read
    so far (100 kB for a truncated graph); its line and reason are what a reader needs."""
    if hasattr(exc, "lines") and hasattr(exc, "_why"):  # rdflib.plugins.parsers.notation3.BadSyntax
        return f"line {exc.lines + 1}: {exc._why}"
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:300] + " …"


def load_graph(path: str | Path) -> Graph:
    """Read a built graph (Turtle, TriG, N-Triples or N-Quads; or a build folder: its
    ``graph.ttl``) into one rdflib graph."""
    p = graph_file(path)
    if not p.exists():
        raise NoGraphError(f"{p}: no such graph; run 'kg build' first or pass --graph FILE")
    if p.is_file() and p.stat().st_size == 0:
        raise QueryError(f"{p}: empty file (0 bytes), not a built graph; run 'kg build' or pass --graph FILE")
    fmt = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}.get(p.suffix.lower(), "turtle")
    try:
        if fmt in ("trig", "nquads"):
            ds = Dataset()
            ds.parse(p, format=fmt)
            g = Graph()
            for s, pr, o, _ in ds.quads((None, None, None, None)):
                g.add((s, pr, o))
        else:
            g = Graph()
            g.parse(p, format=fmt)
    except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds
        raise QueryError(f"{p}: cannot be parsed as {fmt} ({_why(exc)})") from None
    bind_prefixes(g)
    return g


def load_query_graph(path: str | Path) -> Graph:
    """:func:`load_graph`, plus the build's derived facts (``derived.ttl`` beside it) that the
    named queries use (:mod:`kg.rdf.derive`)."""
    g = load_graph(path)
    graph = graph_file(path)  # a build folder: its graph.ttl, and derived.ttl beside it (not beside the folder)
    derived = graph.with_name("derived.ttl")
    if derived.is_file() and derived != graph:
        try:
            g.parse(derived, format="turtle")
        except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds
            raise QueryError(f"{derived}: cannot be parsed as turtle ({_why(exc)})") from None
    return g


#: the mentions (``nif:Phrase`` nodes, ``…#char=b,e``) left out of what the networks and the view read
NO_MENTIONS = ("FILTER (?p != <https://w3id.org/conflict-kg/ontology#denotedBy>) "
               "MINUS { ?s a <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#Phrase> }")


def _network_part() -> str:
    """The graph without its mentions and without the derived facts (:mod:`kg.rdf.derive`)."""
    from kg.rdf.derive import NOT_DERIVED

    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{\n  ?s ?p ?o\n  {NO_MENTIONS}\n  {NOT_DERIVED}\n}}"


def load_network_graph(graph: str | Path, warn: Callable[[str], None] | None = None) -> Graph:
    """What the networks and the view read of a built graph: everything but the mentions (NIF
    phrases and the ``ckg:denotedBy`` links to them; ``ckg:mentionedIn`` stays) — taken from the Oxigraph store beside
    ``graph`` when there is one that agrees with ``report.json`` (no parsing of the whole graph), else
    parsed from ``graph`` (``warn`` is told why; see :func:`graph_source`). From the store, the graph
    is in rdflib's ``SimpleMemory`` store (:func:`kg.store.read_part`): for reading, not for pyshacl."""
    folder = find_store(graph, warn)
    if folder is None:
        return load_graph(graph)
    return read_network_part(folder)


def read_network_part(store) -> Graph:
    """What :func:`load_network_graph` reads of a build's store (a store folder, or a store open:
    for a reader that reads more of the same store and must not read two builds)."""
    return read_part(store, _network_part())
