"""SHACL of a whole graph a chunk at a time (``kg validate``): the same report as pyshacl gives for the
whole graph, in memory that does not grow with the graph beyond a small index of it.

pyshacl checks a graph held in rdflib: 1.5 GB and 202 s at 3,400 articles (1.08M triples), linear in
size. :func:`validate_chunks` reads the graph three times as a stream of statements instead
(``pyoxigraph.parse``: a build's ``graph.trig`` or ``graph.ttl``) and checks it in chunks of
:data:`CHUNK_GRAPHS` named graphs (articles) or :data:`CHUNK_TRIPLES` statements:

1. *index*: which subjects are described in more than one piece of the stream (the entities, an
   event several articles tell, or anything an edit put elsewhere: "split" subjects), the types of
   every node, and for the shapes' inverse paths (``ckg:locatedIn``, ``ckg:affiliatedWith``) a few
   subjects pointing at each node; the subjects and types as 16-byte digests in numpy arrays;
2. *witnesses*: for each split subject, its first :attr:`ChunkNeeds.cap` distinct values of each
   property a shape counts (``sh:minCount``, ``sh:maxCount``, also inside ``sh:or``), and all its
   values of a property a shape compares (``sh:lessThan``);
3. *chunks*: each chunk's statements, the witnesses of its split subjects, the subjects pointing at
   them, and the types of every node it names, checked by pyshacl; of its results, only those whose
   focus node is a subject of the chunk's own statements are kept, and a result found in several
   chunks (an actor's counts, an alias several articles give) is reported once.

Why the union of the chunks' results is the whole graph's. Every focus node (a node typed with a
target class) is the subject of its ``rdf:type`` statement, so of some chunk's statements. A chunk
holds, for each subject of its statements: all its types; of each property the shapes count, all its
values (its one piece holds them all) or, for a split subject, ``cap`` of them, which decide every
count of the shapes (``min(count, cap)`` decides ``count < minCount`` and ``count > maxCount``); all
the values a comparison reads; enough subjects on each inverse path; and the types (and the
``rdfs:subClassOf`` statements) of every value, which is all that the checks of one value
(``sh:class``, ``ckgsh:ActorValue``, a datatype) read. So each result whose focus is one of its
subjects is a result of the whole graph; a count's or an ``sh:or``'s result is found in every chunk
where its focus is a subject, a value's in the chunk of its statement. A chunk is a part of the
whole graph, so it has no focus node the whole graph has not. :func:`chunk_needs` checks that the shapes ask no more than this (it refuses, e.g.,
``sh:closed``, ``sh:targetNode`` or a property path a chunk cannot follow); a file with blank nodes
is not chunked (a parse names them anew each time).

Terms are read by pyoxigraph, as RDF 1.1 defines them, where rdflib keeps two differences: a
language tag is read in small letters (``"x"@FR`` is ``"x"@fr``), and ``"x"^^xsd:string`` is the
literal ``"x"``. kg writes neither; a file that does could get a report that differs in them.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.errors import KgError
from kg.progress import Progress
from kg.rdf.counts import Counts, kind_of_class
from kg.rdf.emit import bind_prefixes
from kg.rdf.ontology import SHACL_OPTIONS

__all__ = ["CHUNK_GRAPHS", "CHUNK_TRIPLES", "ShaclResult", "ShaclReport", "ChunkNeeds", "ChunkedReport",
           "NotChunkable", "shacl_report", "chunk_needs", "validate_chunks"]

#: a chunk holds at most this many named graphs (a build's articles: its ``graph.trig``) …
CHUNK_GRAPHS = 200
#: … and about this many statements (a graph larger than this, or a file without named graphs such
#: as ``graph.ttl``, is cut between two subjects): ~200 articles of a build, 100-150 MB in pyshacl
CHUNK_TRIPLES = 60_000

_SH = str(SH)
_RDF_TYPE, _SUBCLASS = str(RDF.type), str(RDFS.subClassOf)
_XSD_STRING = str(XSD.string)
_ALLOWED_SEVERITY = SH.Info  # what pyshacl is told to allow (allow_infos): a graph with only these conforms


class NotChunkable(KgError):
    """The graph or the shapes cannot be checked a chunk at a time with the same verdicts (blank nodes,
    a construct :func:`chunk_needs` refuses, a file pyoxigraph cannot read): check it whole."""


# ------------------------------------------------------------------ results
@dataclass(frozen=True)
class ShaclResult:
    """One result of a SHACL report: its focus node, path, constraint component, severity and value
    (N-Triples-like text; ``""`` when there is none) and pyshacl's text for it."""

    focus: str
    path: str
    component: str
    severity: str
    value: str
    text: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """(focus node, path, constraint component, severity): what two reports are compared by."""
        return self.focus, self.path, self.component, self.severity


@dataclass(frozen=True)
class ShaclReport:
    """Whether a graph conforms, and its results (distinct, in the order pyshacl prints them)."""

    conforms: bool
    results: tuple[ShaclResult, ...] = ()

    @property
    def text(self) -> str:
        """The report as pyshacl writes it ("Validation Report", "Conforms: …", "Results (N):", …)."""
        head = f"Validation Report\nConforms: {self.conforms}\n"
        if not self.results:
            return head
        return head + f"Results ({len(self.results)}):\n" + "".join(r.text for r in self.results)

    def keys(self) -> set[tuple[str, str, str, str]]:
        return {r.key for r in self.results}


def _term_text(node) -> str:
    return "" if node is None else node.n3()


def _pyshacl_results(graph: Graph, shapes: Graph) -> list[ShaclResult]:
    """pyshacl's results on ``graph`` with the options of :func:`kg.rdf.ontology.validate`, each with its
    text (pyshacl's ``Validator`` keeps them until it writes its report: it is asked for them there)."""
    from pyshacl.rdfutil import stringify_node

    try:  # pyshacl >= 0.30 wraps the data graph; earlier, its Validator took the rdflib graph itself
        from pyshacl.graph_abstraction import DataGraph

        data = DataGraph.from_rdflib(graph)
    except ImportError:
        data = graph

    found: list = []

    class Keep(pyshacl.Validator):
        def create_validation_report(self, sg, conforms, results):  # the report is not needed
            found.extend(results)
            return None, ""

    Keep(data, shacl_graph=shapes, ont_graph=None, options={**SHACL_OPTIONS, "inplace": True}).run()
    out = []
    for text, _node, triples in found:
        said = {p: (o[1] if isinstance(o, tuple) else o) for _r, p, o in triples}
        path = said.get(SH.resultPath)
        out.append(ShaclResult(
            focus=_term_text(said.get(SH.focusNode)),
            path=stringify_node(shapes, path) if isinstance(path, BNode) else _term_text(path),
            component=_term_text(said.get(SH.sourceConstraintComponent)),
            severity=_term_text(said.get(SH.resultSeverity)), value=_term_text(said.get(SH.value)), text=text))
    return out


def _report(results: Iterable[ShaclResult]) -> ShaclReport:
    distinct = {r.text: r for r in results}
    conforms = all(r.severity == _ALLOWED_SEVERITY.n3() for r in distinct.values())
    return ShaclReport(conforms, tuple(distinct[t] for t in sorted(distinct)))


def shacl_report(graph: Graph, shapes: Graph | None = None) -> ShaclReport:
    """The SHACL report of a whole graph (``ontology/shapes.ttl`` by default), as pyshacl makes it with
    the options of :func:`kg.rdf.ontology.validate`; a result pyshacl finds twice is listed once."""
    from kg.rdf.ontology import load_shapes

    return _report(_pyshacl_results(graph, shapes if shapes is not None else load_shapes()))


# ------------------------------------------------------------------ what a chunk must hold
@dataclass(frozen=True)
class ChunkNeeds:
    """What the shapes read of a focus node beyond its own statements and the types of its values:
    the properties they count (up to ``cap`` values decide every count), those whose values they
    compare (all values), and the inverse paths they count."""

    counted: frozenset[str]
    compared: frozenset[str]
    inverse: frozenset[str]
    cap: int

    @property
    def witnessed(self) -> frozenset[str]:
        return self.counted | self.compared


#: constraints on a node's own term (its IRI or literal): nothing else is read
_TERM = {"datatype", "nodeKind", "minLength", "maxLength", "pattern", "flags", "languageIn", "in", "hasValue",
         "minInclusive", "maxInclusive", "minExclusive", "maxExclusive"}
#: what shapes may say that constrains nothing
_META = {"message", "severity", "name", "description", "order", "group", "deactivated", "defaultValue"}
_LOGIC = {"and", "or", "xone", "not", "node"}
_COUNT = {"minCount", "maxCount"}
_PAIR = {"lessThan", "lessThanOrEquals", "equals", "disjoint"}
_QUALIFIED = {"qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint"}
_TARGETS = {"targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target"}


class _Needs:
    """Walks the shapes from their targets (see :func:`chunk_needs`)."""

    def __init__(self, shapes: Graph):
        self.g = shapes
        self.counted: set[str] = set()
        self.compared: set[str] = set()
        self.inverse: set[str] = set()
        self.cap = 1
        self.seen: set = set()

    def refuse(self, shape, why: str):
        raise NotChunkable(f"shape {shape.n3(self.g.namespace_manager)}: {why}")

    def params(self, shape) -> dict[str, list]:
        out: dict[str, list] = {}
        for p, o in self.g.predicate_objects(shape):
            if p in (RDF.type, RDFS.comment, RDFS.label):
                continue
            if not str(p).startswith(_SH):
                self.refuse(shape, f"{p.n3(self.g.namespace_manager)} is not a SHACL term chunks are checked with")
            out.setdefault(str(p)[len(_SH):], []).append(o)
        return out

    def members(self, name: str, values: list) -> list:
        if name in ("not", "node"):
            return values
        return [m for v in values for m in Collection(self.g, v)]

    def count(self, values: dict) -> None:
        for name in _COUNT & values.keys():
            for v in values[name]:
                self.cap = max(self.cap, int(v) + (1 if name == "maxCount" else 0))

    def focus(self, shape) -> None:
        """A shape on a focus node: every property of it may be read, through the witnesses."""
        if ("focus", shape) in self.seen:
            return
        self.seen.add(("focus", shape))
        ps = self.params(shape)
        if "path" in ps:
            return self.focus_property(shape, ps)
        for name, values in ps.items():
            if name in _TERM or name in _META or name in _TARGETS or name == "class":
                continue
            if name in _LOGIC:
                for m in self.members(name, values):
                    self.focus(m)
            elif name == "property":
                for m in values:
                    self.focus(m)
            else:
                self.refuse(shape, f"sh:{name} on a focus node (a chunk holds its statements, not all of its graph)")

    def focus_property(self, shape, ps: dict) -> None:
        path = ps["path"][0]
        inverse = self.g.value(path, SH.inversePath) if isinstance(path, BNode) else None
        if isinstance(inverse, URIRef):
            extra = ps.keys() - _COUNT - _META - _TARGETS - {"path"}
            if extra:
                self.refuse(shape, f"sh:{sorted(extra)[0]} on an inverse path (only counts of it are witnessed)")
            self.inverse.add(str(inverse))
            self.count(ps)
            return
        if not isinstance(path, URIRef):
            self.refuse(shape, "a property path other than a property or its inverse")
        p = str(path)
        for name, values in ps.items():
            if name in _TERM or name in _META or name in _TARGETS or name in ("path", "class"):
                continue
            if name in _COUNT:
                self.counted.add(p)
                self.count({name: values})
            elif name in _PAIR:
                if not all(isinstance(v, URIRef) for v in values):
                    self.refuse(shape, f"sh:{name} of something else than a property")
                self.compared.update([p, *map(str, values)])
            elif name in _QUALIFIED or name == "uniqueLang":
                self.compared.add(p)  # all values: which of them conform is not known from a few
                if name == "qualifiedValueShape":
                    for m in values:
                        self.value(m)
            elif name in _LOGIC:
                for m in self.members(name, values):
                    self.value(m)
            else:
                self.refuse(shape, f"sh:{name} on the values of a property")

    def value(self, shape) -> None:
        """A shape on a value node: only its term and its types are known in a chunk."""
        if ("value", shape) in self.seen:
            return
        self.seen.add(("value", shape))
        for name, values in self.params(shape).items():
            if name in _TERM or name in _META or name == "class":
                continue
            if name in _LOGIC:
                for m in self.members(name, values):
                    self.value(m)
            elif name == "property":
                for m in values:
                    self.value_types(m)
            else:
                self.refuse(shape, f"sh:{name} on a value node (a chunk knows its types, no more of it)")

    def value_types(self, shape) -> None:
        """A property shape on a value node: its path must be rdf:type (optionally zero-or-one)."""
        ps = self.params(shape)
        path = ps.get("path", [None])[0]
        if isinstance(path, BNode) and self.g.value(path, SH.zeroOrOnePath) is not None:
            path = self.g.value(path, SH.zeroOrOnePath)
        if path != RDF.type:
            self.refuse(shape, "a value shape reads a property other than rdf:type")
        for name, values in ps.items():
            if name in _TERM or name in _META or name in _COUNT or name in _QUALIFIED or name == "path":
                if name == "qualifiedValueShape":
                    for m in values:
                        self.term(m)
                continue
            if name in _LOGIC:
                for m in self.members(name, values):
                    self.term(m)
            else:
                self.refuse(shape, f"sh:{name} on the types of a value node")

    def term(self, shape) -> None:
        for name, values in self.params(shape).items():
            if name in _TERM or name in _META:
                continue
            if name in _LOGIC:
                for m in self.members(name, values):
                    self.term(m)
            else:
                self.refuse(shape, f"sh:{name} on a class (a chunk does not hold the types of a type)")


def chunk_needs(shapes: Graph) -> ChunkNeeds:
    """What a chunk must hold of the whole graph for its SHACL verdicts to be the whole graph's (see
    the module's text); :class:`NotChunkable` when the shapes read what a chunk cannot hold (a target
    other than ``sh:targetClass``, ``sh:closed``, SPARQL, a path other than a property or its inverse,
    a value shape that reads more than the value's types).

    >>> from kg.rdf.ontology import load_shapes
    >>> needs = chunk_needs(load_shapes())
    >>> needs.cap, "http://www.w3.org/2004/02/skos/core#prefLabel" in needs.counted
    (2, True)
    """
    walk = _Needs(shapes)
    if any(True for _ in shapes.subjects(RDF.type, RDFS.Class)) or any(
            True for _ in shapes.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class"))):
        raise NotChunkable("the shapes graph declares classes (implicit targets)")
    for name in _TARGETS - {"targetClass"}:
        for s in shapes.subjects(SH[name], None):
            walk.refuse(s, f"sh:{name} (chunks find focus nodes by their class)")
    for shape in sorted(set(shapes.subjects(SH.targetClass, None)), key=str):
        walk.focus(shape)
    return ChunkNeeds(frozenset(walk.counted - walk.compared), frozenset(walk.compared), frozenset(walk.inverse),
                      walk.cap)


# ------------------------------------------------------------------ the stream of statements
def _digest(iri: str) -> bytes:
    """16 bytes for an IRI (BLAKE2b: collisions are out of reach); the last byte is never 0, which numpy
    would drop from an ``S16`` value."""
    return hashlib.blake2b(iri.encode("utf-8"), digest_size=15).digest() + b"\x01"


def _pieces(quads: Iterable, limit: int) -> Iterator[list]:
    """The statements in pieces: a new one at each named graph, and between two subjects once a piece
    holds ``limit`` statements. The same stream gives the same pieces, on each of the three reads."""
    piece: list = []
    graph = subject = None
    for q in quads:
        g, s = q.graph_name, q.subject
        if piece and (g != graph or (len(piece) >= limit and s != subject)):
            yield piece
            piece = []
        piece.append(q)
        graph, subject = g, s
    if piece:
        yield piece


def _chunk_bounds(sizes: list[int], graphs: int, triples: int) -> list[int]:
    """The index of the first piece of each chunk: at most ``graphs`` pieces, and no more than
    ``triples`` statements unless one piece alone holds more.

    >>> _chunk_bounds([5, 5, 5, 20, 1], graphs=2, triples=12)
    [0, 2, 3, 4]
    """
    starts, n, count = [], 0, 0
    for i, size in enumerate(sizes):
        if not starts or count == graphs or n + size > triples:
            starts.append(i)
            n, count = 0, 0
        n += size
        count += 1
    return starts


def _rdflib_term(t):
    """The rdflib term of a pyoxigraph term (an IRI or a literal), as rdflib's parser makes it."""
    from pyoxigraph import NamedNode

    if type(t) is NamedNode:
        return URIRef(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    dt = t.datatype.value
    return Literal(t.value) if dt == _XSD_STRING else Literal(t.value, datatype=URIRef(dt))


class _Terms(dict):
    """pyoxigraph term -> rdflib term, each converted once (a chunk's IRIs, offsets and dates repeat)."""

    def __missing__(self, t):
        hit = self[t] = _rdflib_term(t)
        return hit


class _Index:
    """What the first two reads learn of the whole graph (see the module's text)."""

    def __init__(self, needs: ChunkNeeds, limit: int):
        self.needs, self.limit = needs, limit
        self.sizes: list[int] = []  # statements per piece
        self._subjects = bytearray()  # a digest per (piece, subject)
        self._typed = bytearray()  # a digest per (piece, typed node, type) …
        self._type_ids = array("i")  # … and the type's number
        self.types: list = []  # number -> rdflib term
        self._type_number: dict = {}
        self.inverse: dict[tuple[str, str], list[str]] = {}  # (inverse path, node) -> up to cap subjects
        self.subclass: list[tuple] = []  # rdfs:subClassOf statements (sh:class reads them)
        self.split: set[bytes] = set()
        self.witnesses: dict[str, dict[str, dict]] = {}  # split subject -> property -> values
        self.keys = np.empty(0, dtype="S16")
        self.key_types = np.empty(0, dtype=np.int32)

    def read(self, quads: Iterable) -> None:
        """The first read: subjects per piece, types, inverse paths, subclasses."""
        from pyoxigraph import Literal as OxLiteral
        from pyoxigraph import NamedNode

        inverse, cap = self.needs.inverse, self.needs.cap
        for piece in _pieces(quads, self.limit):
            self.sizes.append(len(piece))
            subjects: set[str] = set()
            typed: set = set()
            for q in piece:
                s, p, o = q.subject, q.predicate.value, q.object
                if type(s) is not NamedNode or not isinstance(o, (NamedNode, OxLiteral)):
                    raise NotChunkable("a blank node or a quoted triple (a parse names them anew)")
                subjects.add(s.value)
                if p == _RDF_TYPE:
                    typed.add((s.value, o))
                elif p in inverse and type(o) is NamedNode:
                    seen = self.inverse.setdefault((p, o.value), [])
                    if len(seen) < cap and s.value not in seen:
                        seen.append(s.value)
                elif p == _SUBCLASS:
                    self.subclass.append((_rdflib_term(s), RDFS.subClassOf, _rdflib_term(o)))
            for s in subjects:
                self._subjects += _digest(s)
            for s, t in typed:
                n = self._type_number.get(t)
                if n is None:
                    n = self._type_number[t] = len(self.types)
                    self.types.append(_rdflib_term(t))
                self._typed += _digest(s)
                self._type_ids.append(n)
        keys, counts = np.unique(np.frombuffer(bytes(self._subjects), dtype="S16"), return_counts=True)
        self.split = set(keys[counts > 1].tolist())
        self._subjects = bytearray()
        typed_keys = np.frombuffer(bytes(self._typed), dtype="S16")
        order = np.argsort(typed_keys, kind="stable")
        self.keys, self.key_types = typed_keys[order], np.frombuffer(self._type_ids, dtype=np.int32)[order]
        self._typed, self._type_ids = bytearray(), array("i")

    def read_witnesses(self, quads: Iterable) -> None:
        """The second read: the values of the split subjects that a chunk holding them needs."""
        wanted, compared, cap = self.needs.witnessed, self.needs.compared, self.needs.cap
        if not self.split or not wanted:
            return
        last, inside = None, False
        for q in quads:
            s = q.subject.value
            if s != last:
                last, inside = s, _digest(s) in self.split
            if not inside:
                continue
            p = q.predicate.value
            if p not in wanted:
                continue
            values = self.witnesses.setdefault(s, {}).setdefault(p, {})
            if len(values) < cap or p in compared:
                values[q.object] = None

    def types_of(self, nodes: list[str]) -> Iterator[tuple[str, object]]:
        """(node, type) for every type of each node (IRIs)."""
        if not nodes or not len(self.keys):
            return
        wanted = np.frombuffer(b"".join(_digest(n) for n in nodes), dtype="S16")
        lo = np.searchsorted(self.keys, wanted, "left")
        hi = np.searchsorted(self.keys, wanted, "right")
        for i in np.nonzero(hi > lo)[0]:
            for n in self.key_types[lo[i]:hi[i]]:
                yield nodes[i], self.types[n]

    def counts(self, statements: int) -> Counts:
        """Distinct articles, actors, places and events (by their types); ``triples``: statements read."""
        kinds: dict[str, set[int]] = {}
        for n, t in enumerate(self.types):
            kind = kind_of_class(str(t)) if isinstance(t, URIRef) else None
            if kind is not None:
                kinds.setdefault(kind, set()).add(n)
        found = {kind: int(np.unique(self.keys[np.isin(self.key_types, list(ns))]).size) for kind, ns in kinds.items()}
        return Counts(triples=statements, **found)

    def chunk(self, pieces: list[list]) -> tuple[Graph, set[str]]:
        """A chunk's graph (see the module's text) and the subjects of its own statements (``<iri>``)."""
        from pyoxigraph import NamedNode

        terms = _Terms()
        triples: list[tuple] = []
        subjects: set[str] = set()
        objects: set[str] = set()  # the IRIs among the values: their types are added
        for piece in pieces:
            for q in piece:
                s, o = q.subject, q.object
                subjects.add(s.value)
                if type(o) is NamedNode:
                    objects.add(o.value)
                triples.append((terms[s], terms[q.predicate], terms[o]))
        for s in subjects:
            node = URIRef(s)
            for p, values in self.witnesses.get(s, {}).items():
                prop = URIRef(p)
                for v in values:
                    if type(v) is NamedNode:
                        objects.add(v.value)
                    triples.append((node, prop, terms[v]))
            for p in self.needs.inverse:
                prop = URIRef(p)
                triples.extend((URIRef(x), prop, node) for x in self.inverse.get((p, s), ()))
        triples.extend((URIRef(n), RDF.type, t) for n, t in self.types_of(sorted(subjects | objects)))
        triples.extend(self.subclass)
        g = Graph()
        bind_prefixes(g)
        g.addN((s, p, o, g) for s, p, o in dict.fromkeys(triples))  # once each: rdflib's add is the cost here
        return g, {f"<{s}>" for s in subjects}


@dataclass(frozen=True)
class ChunkedReport:
    """:func:`validate_chunks`' answer: the report, the counts of the graph (``triples``: the statements
    read) and how many chunks were checked."""

    report: ShaclReport
    counts: Counts
    chunks: int


def validate_chunks(read: Callable[[], Iterable], *, shapes: Graph | None = None, graphs: int = CHUNK_GRAPHS,
                    triples: int = CHUNK_TRIPLES, progress: Progress | None = None) -> ChunkedReport:
    """The SHACL report of a whole graph, checked a chunk at a time (see the module's text).

    Parameters
    ----------
    read : callable
        Returns a new iterator of the graph's statements (pyoxigraph quads, e.g. ``pyoxigraph.parse``
        of a file) each time it is called: it is called three times.
    shapes : rdflib.Graph, optional
        The SHACL shapes (``ontology/shapes.ttl`` by default).
    graphs, triples : int
        A chunk's size: at most ``graphs`` named graphs and about ``triples`` statements.
    progress : kg.progress.Progress, optional
        Told the stages ``read`` (the index) and ``SHACL`` (one step per chunk).

    Raises
    ------
    NotChunkable
        The shapes read what a chunk cannot hold (:func:`chunk_needs`), or the graph has blank nodes.
    """
    from kg.rdf.ontology import load_shapes

    shapes = shapes if shapes is not None else load_shapes()
    needs = chunk_needs(shapes)
    rep = progress or Progress()
    index = _Index(needs, triples)
    with rep.stage("read"):
        index.read(read())
        index.read_witnesses(read())
    starts = _chunk_bounds(index.sizes, graphs, triples)
    found: dict[str, ShaclResult] = {}  # text -> result: a result several chunks find is kept once
    total, done = sum(index.sizes), 0
    with rep.stage("SHACL", total=len(starts), unit="chunk") as checking:
        pieces = _pieces(read(), triples)
        for c, start in enumerate(starts):
            end = starts[c + 1] if c + 1 < len(starts) else len(index.sizes)
            graph, own = index.chunk([next(pieces) for _ in range(end - start)])
            found.update((r.text, r) for r in _pyshacl_results(graph, shapes) if r.focus in own)
            del graph
            done += sum(index.sizes[start:end])
            checking.advance(1, f"{done:,}/{total:,} triples")
    return ChunkedReport(_report(found.values()), index.counts(total), len(starts))
