"""The Oxigraph store of a build (``pyoxigraph``, on disk): bulk-load it from the exports
(:func:`load_store`), update it graph by graph (:func:`update_store`), open it read-only, run
SPARQL on it with rdflib-shaped answers (:func:`query_store`), and stream it out (:func:`dump_store`).

A store's named graphs are the articles' graphs of ``graph.trig``; its default graph holds every
triple once (``graph.ttl``), so queries need no ``GRAPH`` clause. pyoxigraph is imported inside the
functions (a reader that never opens a store does not load it). No spaCy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from rdflib import Graph
from rdflib.query import Result

from kg.errors import QueryError
from kg.namespace import PREFIXES
from kg.rdf.emit import bind_prefixes
from kg.store.atomic import atomic_write
from kg.store.sparql import check_federation, syntax_error_at, with_values
from kg.store.turtle import TURTLE_PREFIXES

__all__ = ["STORE_DIR_NAME", "STORE_MARKER", "STORE_PREFIX", "LOAD_CHUNK_LINES", "GRAPH_DIGESTS",
           "load_store", "update_store", "store_digests", "save_digests", "count_triples", "open_store",
           "query_store", "read_part", "store_label_graph", "dump_store"]

#: the on-disk Oxigraph store of a build: ``OUT/store`` (``kg build --store``)
STORE_DIR_NAME = "store"
#: the file that marks a folder as a store kg wrote
STORE_MARKER = ".kg-store"
_RDF_FORMATS = {"turtle": "TURTLE", "ttl": "TURTLE", "trig": "TRIG", "nt": "N_TRIPLES",
                "ntriples": "N_TRIPLES", "nq": "N_QUADS", "nquads": "N_QUADS"}


#: lines of Turtle / TriG given to Oxigraph's bulk loader at a time: its memory grows with the
#: size of what it is given (~1.7 GB for 6M quads at once, ~0.45 GB in pieces of 250k lines)
LOAD_CHUNK_LINES = 250_000


def _pieces(path: Path, lines: int) -> Iterator[bytes]:
    """A file written by :class:`GraphWriter` or :func:`kg.store.turtle.write_turtle`, in pieces of
    about ``lines`` lines, each preceded by the file's ``@prefix`` header and cut between two
    top-level blocks: at a blank line, or before a line that starts in the first column after one
    that ends a statement (``" .``). The writers indent every line inside a block or a named graph
    and escape newlines in literals, so such a line always begins a new subject or graph.

    ``derived.ttl`` has no blank lines: cut only at them, it was one piece, and Oxigraph's bulk
    loader held all of it in memory at once (0.79 GB for the 773,000 lines of 20,000 articles).
    """
    with open(path, "rb") as fh:
        header: list[bytes] = []
        for line in fh:
            header.append(line)
            if not line.strip():
                break
        head = b"".join(header)
        buf: list[bytes] = []
        for line in fh:
            if len(buf) >= lines:
                if not line.strip():
                    buf.append(line)
                    yield head + b"".join(buf)
                    buf = []
                    continue
                if line[:1] not in b" \t}" and buf[-1].rstrip().endswith(b" ."):
                    yield head + b"".join(buf)
                    buf = []
            buf.append(line)
        if buf:
            yield head + b"".join(buf)


def load_store(store_dir: str | Path, *, named: str | Path | Iterable[bytes], default: str | Path,
               derived: str | Path | None = None, stop: Callable[[], bool] | None = None) -> Path:
    """Bulk-load a build into a new Oxigraph store folder: the named graphs of ``named`` (the
    build's ``graph.trig``: one graph per article, plus the entities graph) and, as the default
    graph, the triples of ``default`` (its ``graph.ttl``: every triple once), so that queries need
    no ``GRAPH`` clause and count each triple once. Both files are those :class:`GraphWriter`
    writes; they are loaded in pieces of :data:`LOAD_CHUNK_LINES` lines so memory stays bounded.

    The store is then compacted (``Store.optimize``: RocksDB merges the files the bulk loads
    wrote), which costs ~5 s at 1M triples and makes the named queries 10-50 % faster there
    (benchmarks/RESULTS.md).

    ``named`` may also be the pieces of TriG themselves (each with its ``@prefix`` lines), read as
    they come: a build hands its store the blocks :class:`GraphWriter` writes while it writes them
    (:mod:`kg.pipeline.stages`), so the named graphs load while the graph is emitted.

    ``stop`` is asked before each piece and before the compaction: when it answers True the load
    ends with :class:`InterruptedError` and the folder is left unmarked (no store of kg's), for
    the caller to remove. A build loads its store in a thread beside other work
    (:mod:`kg.pipeline.stages`) and stops it this way when the build is interrupted.
    """
    from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store

    def pieces(source: str | Path | Iterable[bytes]) -> Iterator[bytes]:
        for piece in _pieces(Path(source), LOAD_CHUNK_LINES) if isinstance(source, (str, Path)) else source:
            if stop is not None and stop():
                raise InterruptedError(f"{folder}: store load stopped")
            yield piece

    folder = Path(store_dir)
    if folder.exists() and any(folder.iterdir()):
        raise QueryError(f"{folder}: not empty; load_store makes a new store")
    folder.mkdir(parents=True, exist_ok=True)
    store = Store(str(folder))
    try:
        for piece in pieces(named):
            store.bulk_load(piece, format=RdfFormat.TRIG)
        for piece in pieces(default):
            store.bulk_load(piece, format=RdfFormat.TURTLE, to_graph=DefaultGraph())
        if derived is not None:  # the derived facts: their own named graph, and the default graph
            from kg.rdf.derive import DERIVED_GRAPH

            for to in (NamedNode(str(DERIVED_GRAPH)), DefaultGraph()):
                for piece in pieces(derived):
                    store.bulk_load(piece, format=RdfFormat.TURTLE, to_graph=to)
        store.flush()
        if stop is not None and stop():
            raise InterruptedError(f"{folder}: store load stopped")
        store.optimize()  # compacted: queries read fewer files
    finally:
        del store  # closes the store (releases its lock) before it is moved
    (folder / STORE_MARKER).write_text("Oxigraph store written by kg build\n", encoding="utf-8")
    return folder


#: in a store folder: the digest of each named graph it holds (see :func:`graph_digest`)
GRAPH_DIGESTS = "graphs.json"


def store_digests(store_dir: str | Path) -> dict[str, str]:
    """The graph digests saved with a store kg wrote ({} when there are none)."""
    path = Path(store_dir) / GRAPH_DIGESTS
    if not (Path(store_dir) / STORE_MARKER).is_file() or not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_digests(store_dir: str | Path, digests: dict[str, str]) -> None:
    with atomic_write(Path(store_dir) / GRAPH_DIGESTS) as fh:
        json.dump(digests, fh, sort_keys=True)


def update_store(previous: str | Path, store_dir: str | Path, changed: dict[str, list[tuple[str, str, str]]],
                 removed: list[str]) -> Path:
    """A new store folder: a copy of ``previous`` (RocksDB checkpoint: hard links, no copy of the
    data) with the named graphs ``changed`` replaced (or added) and ``removed`` dropped; the
    default graph keeps every triple some named graph still holds, and only those.

    What an incremental build does instead of loading the whole graph again.
    """
    from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store

    folder = Path(store_dir)
    Store.read_only(str(previous)).backup(str(folder))
    st = Store(str(folder))
    try:
        added, gone = set(), set()
        for name in sorted(set(changed) | set(removed)):
            g = NamedNode(name)
            old = {(q.subject, q.predicate, q.object) for q in st.quads_for_pattern(None, None, None, g)}
            if old:
                st.remove_graph(g)
            ts = changed.get(name, [])
            if ts:
                st.load(input="".join(f"{a} {b} {c} <{name}> .\n" for a, b, c in ts), format=RdfFormat.N_QUADS)
            new = {(q.subject, q.predicate, q.object) for q in st.quads_for_pattern(None, None, None, g)}
            added |= new - old
            gone |= old - new
        default = DefaultGraph()
        st.extend(Quad(s, p, o, default) for s, p, o in sorted(added, key=str))
        for s, p, o in sorted(gone - added, key=str):
            if not any(not isinstance(q.graph_name, DefaultGraph) for q in st.quads_for_pattern(s, p, o, None)):
                st.remove(Quad(s, p, o, default))
        st.flush()  # not compacted: a few small files over a compacted copy (optimize rewrites all)
    finally:
        del st
    (folder / STORE_MARKER).write_text("Oxigraph store written by kg build\n", encoding="utf-8")
    return folder


def count_triples(store) -> int:
    """The number of distinct triples of the graph a store holds: its default graph but the
    derived facts (:mod:`kg.rdf.derive`, no triple of which is in ``graph.ttl``), so the count
    of ``graph.ttl``."""
    from pyoxigraph import Store

    from kg.rdf.derive import DERIVED_GRAPH

    st = store if isinstance(store, Store) else open_store(store)
    row = next(iter(st.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    derived = next(iter(st.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }}")))
    return int(row["n"].value) - int(derived["n"].value)


def has_iri(source, iri: str) -> bool:
    """Whether a triple of ``source`` (a pyoxigraph store or an rdflib graph) has ``iri`` as its
    subject or object: two index look-ups, no name read (``kg query -p actor=<IRI>`` checks that
    the IRI is in the graph before answering 0 rows)."""
    from pyoxigraph import NamedNode, Store
    from rdflib import URIRef

    if isinstance(source, Store):
        try:
            node = NamedNode(iri)
        except ValueError:  # not an IRI Oxigraph takes: no triple can have it
            return False
        return any(True for _ in source.quads_for_pattern(node, None, None)) or any(
            True for _ in source.quads_for_pattern(None, None, node))
    ref = URIRef(iri)
    return (ref, None, None) in source or (None, None, ref) in source


#: where the stores live: ``OUT/store`` is a symbolic link to ``OUT/.store-<pid>-<n>`` (see kg.pipeline.outdir)
STORE_PREFIX = ".store-"


def open_store(store_dir: str | Path):
    """Open a store written by kg, read-only (several processes may read it at once)."""
    from pyoxigraph import Store

    folder = Path(store_dir)
    if not (folder / STORE_MARKER).is_file():
        raise QueryError(f"{folder}: no kg store here; build one with 'kg build --store -o DIR'")
    try:
        return Store.read_only(str(folder))
    except OSError as exc:
        raise QueryError(f"{folder}: cannot open the store ({exc})") from None


def _to_ox(term):
    from pyoxigraph import BlankNode, NamedNode
    from pyoxigraph import Literal as OxLiteral
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return NamedNode(str(term))
    if isinstance(term, BNode):
        return BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return OxLiteral(str(term), language=term.language)
        if term.datatype:
            return OxLiteral(str(term), datatype=NamedNode(str(term.datatype)))
        return OxLiteral(str(term))
    raise QueryError(f"cannot bind {term!r}: not an IRI, blank node or literal")


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@lru_cache(maxsize=1)
def _rdflib_makers() -> dict:
    """Oxigraph term class -> the rdflib term of one (imported once, not per term: results can hold
    hundreds of thousands of terms)."""
    from pyoxigraph import BlankNode, Literal, NamedNode
    from rdflib import BNode, URIRef
    from rdflib import Literal as RLiteral

    datatypes: dict[str, URIRef] = {}

    def literal(term):
        if term.language:
            return RLiteral(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return RLiteral(term.value)
        iri = datatypes.get(dt) or datatypes.setdefault(dt, URIRef(dt))
        return RLiteral(term.value, datatype=iri)

    return {NamedNode: lambda t: URIRef(t.value), BlankNode: lambda t: BNode(t.value), Literal: literal}


def _to_rdflib(term):
    if term is None:
        return None
    return _rdflib_makers()[type(term)](term)


def query_store(store, sparql: str, bindings: dict | None = None, *, allow_service: bool = False) -> Result:
    """Run SPARQL on an Oxigraph store (a folder written by kg, or an open ``pyoxigraph.Store``).

    ``bindings`` maps variable names (``"place"`` or ``Variable("place")``) to rdflib terms, as
    :func:`kg.queries.bind_params` makes them. They join the query first, as rdflib's
    ``initBindings`` do: :func:`kg.store.sparql.with_values` puts a ``VALUES`` block of them at the start
    of the outer group it finds with a SPARQL lexer, each term written by Oxigraph's serializer —
    no value can change what the query does — and the query's ``#+ ?name: pattern`` lines of the
    bound names become patterns, so the join starts from the values. A query with ``SERVICE`` is refused unless
    ``allow_service``. The answer is an rdflib :class:`~rdflib.query.Result`, so
    :func:`format_result` prints it as it prints rdflib's; it is read here, so an error while
    evaluating it is a :class:`QueryError` too.
    """
    subs = {str(k): _to_ox(v) for k, v in (bindings or {}).items()}
    text = with_values(sparql, list(subs), [str(v) for v in subs.values()]) if subs else sparql
    check_federation(text, allow=allow_service)  # the text that runs: the query and its turned-on patterns
    return _read_answer(store, text, _ox_result, written=sparql)


def _read_answer(store, text: str, read: Callable, written: str | None = None):
    """``read`` of the answer of ``text`` on ``store`` (a folder or an open store), kg's prefixes
    known as rdflib graphs know them; the answer is evaluated as it is read, so an error then is a
    :class:`QueryError` too. A syntax error says where it is in ``written`` (the query as its author
    wrote it, before the parameters joined it): :func:`kg.store.sparql.syntax_error_at`."""
    from pyoxigraph import Store

    st = store if isinstance(store, Store) else open_store(store)
    try:
        return read(st.query(text, prefixes=PREFIXES))
    except SyntaxError as exc:
        where = syntax_error_at(written if written is not None else text, list(PREFIXES))
        if where is None:
            raise QueryError(f"SPARQL error: {exc}") from None
        said = str(exc).splitlines()[0] if str(exc) else ""  # its first line: the rest lists character classes
        raise QueryError(f"SPARQL error at {where} (Oxigraph: {said[:100]}{' …' if len(said) > 100 else ''})") from None
    except (ValueError, OSError, RuntimeError) as exc:
        raise QueryError(f"SPARQL error: {exc}") from None


def _term_converter() -> Callable:
    """Oxigraph term → rdflib term, each distinct term converted once (labels, classes, subjects and
    properties repeat on most rows)."""
    terms: dict = {}

    def term(t):
        r = terms.get(t)
        if r is None:
            r = terms[t] = _to_rdflib(t)
        return r

    return term


def _ox_result(answer) -> Result:
    """An Oxigraph answer read into an rdflib :class:`~rdflib.query.Result`."""
    from pyoxigraph import QueryBoolean, QuerySolutions
    from rdflib import Graph as RGraph
    from rdflib import Variable

    if isinstance(answer, QueryBoolean):
        res = Result("ASK")
        res.askAnswer = bool(answer)
        return res
    if isinstance(answer, QuerySolutions):
        names = [v.value for v in answer.variables]
        res = Result("SELECT")
        res.vars = [Variable(n) for n in names]
        rows = []
        keys = list(enumerate(res.vars))
        term = _term_converter()
        for sol in answer:
            rows.append({var: term(t) for i, var in keys if (t := sol[i]) is not None})
        res.bindings = rows
        return res
    res = Result("CONSTRUCT")
    res.graph = _filled(RGraph(), answer)
    return res


def _filled(g: Graph, triples) -> Graph:
    """``g`` with Oxigraph's ``triples`` added and kg's prefixes bound."""
    bind_prefixes(g)
    term = _term_converter()
    add = g.add
    for t in triples:
        add((term(t.subject), term(t.predicate), term(t.object)))
    return g


def read_part(store, construct: str) -> Graph:
    """The triples a ``CONSTRUCT`` query makes of a store, as an rdflib graph for reading: in
    rdflib's ``SimpleMemory`` store, which fills and answers look-ups 2-2.5x faster than its
    default store (what the networks and the view read: 356,000 triples of a 3,400-article
    build). That store has no named graphs: pass the graph to pyshacl as
    :func:`kg.store.load_graph` reads it, not this one.

    Parameters
    ----------
    store : str, pathlib.Path or pyoxigraph.Store
        A store folder written by kg, or an open store.
    construct : str
        A SPARQL ``CONSTRUCT`` query (kg's prefixes are known to it).
    """
    from rdflib.plugins.stores.memory import SimpleMemory

    check_federation(construct)
    return _read_answer(store, construct, lambda answer: _filled(Graph(store=SimpleMemory()), answer))


def store_label_graph(store) -> Graph:
    """The ``skos:prefLabel`` / ``skos:altLabel`` triples of a store, as a small rdflib graph:
    what :func:`kg.queries.bind_params` needs to turn a label into the entity it names."""
    from pyoxigraph import DefaultGraph, NamedNode, Store

    st = store if isinstance(store, Store) else open_store(store)
    g = Graph()
    bind_prefixes(g)
    for prop in ("prefLabel", "altLabel"):
        p = NamedNode(f"http://www.w3.org/2004/02/skos/core#{prop}")
        for q in st.quads_for_pattern(None, p, None, DefaultGraph()):
            g.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return g


def dump_store(store, dest: str | Path, fmt: str = "turtle") -> Path:
    """Stream a store to a file without loading it in memory: ``turtle`` / ``nt`` (the default
    graph: every triple once) or ``trig`` / ``nquads`` (the named graphs, one per article)."""
    from pyoxigraph import DefaultGraph, RdfFormat, Store

    key = _RDF_FORMATS.get(fmt.lower())
    if key is None:
        raise QueryError(f"unknown export format {fmt!r}; expected one of {', '.join(sorted(_RDF_FORMATS))}")
    st = store if isinstance(store, Store) else open_store(store)
    rdf_format = getattr(RdfFormat, key)
    dest = Path(dest)
    prefixes = {p: ns for p, ns in TURTLE_PREFIXES if p != "rdf"}
    with atomic_write(dest, "wb", encoding=None) as fh:
        if key in ("TURTLE", "N_TRIPLES"):
            kw = {"prefixes": prefixes} if key == "TURTLE" else {}
            st.dump(fh, format=rdf_format, from_graph=DefaultGraph(), **kw)
        else:  # the named graphs only, sorted (the default graph repeats their union)
            from pyoxigraph import serialize

            named = sorted(st.named_graphs(), key=lambda n: n.value)
            quads = (q for g in named for q in st.quads_for_pattern(None, None, None, g))
            serialize(quads, fh, format=rdf_format, **({"prefixes": prefixes} if key == "TRIG" else {}))
    return dest
