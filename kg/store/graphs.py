"""Built graphs read back into rdflib: :func:`load_graph` (a ``.ttl`` / ``.trig`` / ``.nt`` /
``.nq`` file), :func:`load_query_graph` (plus the derived facts the named queries use) and
:func:`load_network_graph` (what the networks and the view read: from the store when one agrees
with the build, else from the file). No spaCy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import NoGraphError, QueryError
from kg.progress import Progress
from kg.rdf.emit import bind_prefixes
from kg.store.integrity import find_store, graph_file
from kg.store.oxigraph import read_part

__all__ = ["load_graph", "load_query_graph", "load_network_graph", "read_network_part", "validate_graph"]

def _why(exc: Exception) -> str:
    """A parser's complaint in one short line: rdflib's Turtle errors quote the whole text read
    so far (100 kB for a truncated graph); its line and reason are what a reader needs."""
    if hasattr(exc, "lines") and hasattr(exc, "_why"):  # rdflib.plugins.parsers.notation3.BadSyntax
        return f"line {exc.lines + 1}: {exc._why}"
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:300] + " …"


def _graph_path(path: str | Path) -> tuple[Path, str]:
    """The graph file a reader given ``path`` reads (a build folder: its ``graph.ttl``) and its format;
    :class:`NoGraphError` when there is none, :class:`QueryError` when it is empty."""
    p = graph_file(path)
    if not p.exists():
        raise NoGraphError(f"{p}: no such graph; run 'kg build' first or pass --graph FILE")
    if p.is_file() and p.stat().st_size == 0:
        raise QueryError(f"{p}: empty file (0 bytes), not a built graph; run 'kg build' or pass --graph FILE")
    return p, {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}.get(p.suffix.lower(), "turtle")


def load_graph(path: str | Path) -> Graph:
    """Read a built graph (Turtle, TriG, N-Triples or N-Quads; or a build folder: its
    ``graph.ttl``) into one rdflib graph."""
    p, fmt = _graph_path(path)
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


_OX_FORMATS = {"turtle": "TURTLE", "trig": "TRIG", "nt": "N_TRIPLES", "nquads": "N_QUADS"}


def _statements(fh, p: Path, fmt: str) -> Iterator:
    """The statements of the graph file ``p`` open as ``fh``, from its start, as pyoxigraph reads them,
    streamed (relative IRIs against the file, as rdflib reads them); :class:`NotChunkable` when
    pyoxigraph cannot read it (rdflib may)."""
    from pyoxigraph import RdfFormat, parse

    from kg.rdf.shacl import NotChunkable

    fh.seek(0)
    try:
        yield from parse(fh, format=getattr(RdfFormat, _OX_FORMATS[fmt]), base_iri=p.resolve().as_uri())
    except (SyntaxError, ValueError, OSError) as exc:
        raise NotChunkable(f"{p}: {exc}") from None


def validate_graph(path: str | Path, progress: Progress | None = None, *, graphs: int | None = None,
                   triples: int | None = None):
    """The SHACL report of a built graph file (or a build folder's ``graph.ttl``), every node checked,
    and its counts: a :class:`kg.rdf.shacl.ChunkedReport`.

    The file is read three times and checked in chunks (:func:`kg.rdf.shacl.validate_chunks`: the
    same report as the whole graph's, in memory that does not grow with it); a graph chunks cannot
    check with the same verdicts (blank nodes, a file only rdflib reads) is read whole into rdflib and
    checked at once, as before. ``graphs`` / ``triples``: a chunk's size (tests).
    """
    from kg.rdf.counts import count_graph
    from kg.rdf.shacl import (
        CHUNK_GRAPHS,
        CHUNK_TRIPLES,
        ChunkedReport,
        NotChunkable,
        shacl_report,
        validate_chunks,
    )

    p, fmt = _graph_path(path)
    rep = progress or Progress()
    try:
        # one open file read three times: a build that replaces it meanwhile does not mix two graphs
        with open(p, "rb") as fh:
            return validate_chunks(lambda: _statements(fh, p, fmt), progress=rep, graphs=graphs or CHUNK_GRAPHS,
                                   triples=triples or CHUNK_TRIPLES)
    except (NotChunkable, OSError):  # OSError: load_graph says what it says of a file it cannot open
        pass
    with rep.stage("read"):
        g = load_graph(p)
    with rep.stage("SHACL"):
        report = shacl_report(g)
    return ChunkedReport(report, count_graph(g), 1)
