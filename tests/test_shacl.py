"""kg validate checks a graph a chunk at a time (kg.rdf.shacl): the union of the chunks' reports is
the whole graph's report — the same focus nodes, paths, constraint components, severities, the same
verdict and the same text — whatever the chunks' size, including violations on nodes whose statements
are split across chunks (#14).

Before, kg validate read the whole graph into rdflib: 1.5 GB and 202 s at 3,400 articles, linear.
Small chunks (1-3 named graphs, a few statements) are used here so that every boundary is crossed.
"""

from __future__ import annotations

import random

import pytest
from conftest import ALEPPO, E1, E2, SYRIA, make_graph
from helpers import SEEDS, SHARED
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD
from typer.testing import CliRunner

import kg.rdf.shacl as shacl
from kg.cli import app
from kg.namespace import CKG, CKGR, NIF
from kg.rdf.ontology import load_shapes
from kg.rdf.shacl import NotChunkable, chunk_needs, shacl_report
from kg.store import load_graph, validate_graph

SH_ = "http://www.w3.org/ns/shacl#"


def _key(focus, path, component: str) -> tuple[str, str, str, str]:
    return (focus.n3(), path.n3() if path is not None else "", f"<{SH_}{component}ConstraintComponent>",
            f"<{SH_}Violation>")


def _write_nquads(graphs: dict[str, list], path) -> None:
    """The graphs as N-Quads, each graph's statements together (as graph.trig holds them)."""
    with open(path, "w", encoding="utf-8") as fh:
        for g, triples in graphs.items():
            fh.writelines(f"{s.n3()} {p.n3()} {o.n3()} <{g}> .\n" for s, p, o in triples)


def _read_graphs(trig) -> dict[str, list]:
    ds = Dataset()
    ds.parse(trig, format="trig")
    graphs: dict[str, list] = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        graphs.setdefault(str(g), []).append((s, p, o))
    return {g: sorted(graphs[g]) for g in sorted(graphs)}


def _same_as_whole(path, **size):
    """The chunked report of ``path`` and the whole graph's, checked equal; the chunked one."""
    chunked = validate_graph(path, **size)
    whole = shacl_report(load_graph(path))
    assert chunked.report.conforms == whole.conforms
    assert chunked.report.keys() == whole.keys(), (sorted(chunked.report.keys() - whole.keys())[:5],
                                                   sorted(whole.keys() - chunked.report.keys())[:5])
    assert chunked.report.text == whole.text
    return chunked


# ------------------------------------------------------------------ the shapes
def test_shacl_chunk_needs_of_the_shipped_shapes():
    """What ontology/shapes.ttl reads beyond a node's own statements and its values' types: the
    properties it counts (two values decide a count), the offsets it compares, the inverse paths
    of its sh:or."""
    needs = chunk_needs(load_shapes())
    assert needs.cap == 2
    assert {str(p) for p in (SKOS.prefLabel, CKG.mentionedIn, CKG.denotedBy, CKG.confidence, CKG.evidence,
                             DCTERMS.identifier, NIF.anchorOf, NIF.referenceContext, CKG.count)} <= needs.counted
    assert needs.compared == {str(NIF.beginIndex), str(NIF.endIndex)}
    assert needs.inverse == {str(CKG.locatedIn), str(CKG.affiliatedWith)}
    assert not needs.counted & {str(SKOS.altLabel), str(CKG.agent), str(CKG.place)}  # values checked one by one


_PREFIXES = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"


@pytest.mark.parametrize("shape, why", [
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .", "sh:closed"),
    ("ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .", "sh:targetNode"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .",
     "property path"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:class ex:D ] .",
     "inverse path"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:V ] .\n"
     "ex:V a sh:NodeShape ; sh:property [ sh:path ex:label ; sh:minCount 1 ] .", "other than rdf:type"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select \"SELECT $this WHERE {}\" ] .", "sh:sparql"),
])
def test_shacl_chunk_needs_refuses_what_a_chunk_cannot_hold(shape, why):
    """A shape that reads more of the graph than a chunk holds is refused, with the reason: kg
    validate then checks the whole graph at once, never a chunked report that could differ."""
    with pytest.raises(NotChunkable, match=why):
        chunk_needs(Graph().parse(data=_PREFIXES + shape, format="turtle"))


# ------------------------------------------------------------------ any split of a graph
def _small_graph_with_violations() -> Graph:
    """conftest's hand-built graph, plus statements that break or satisfy shapes across nodes."""
    g = make_graph()
    g.add((ALEPPO, SKOS.prefLabel, Literal("Halab", lang="fr")))  # two labels: maxCount
    g.add((E1, CKG.confidence, Literal("0.25", datatype=XSD.decimal)))  # a second confidence
    g.add((E2, CKG.confidence, Literal("high")))  # a wrong datatype
    g.add((CKGR["place/idlib"], RDF.type, CKG.City))  # a place in Syria, named by nothing
    g.add((CKGR["place/idlib"], SKOS.prefLabel, Literal("Idleb", lang="fr")))
    g.add((CKGR["place/idlib"], CKG.locatedIn, SYRIA))
    return g


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), parts=st.integers(1, 6), graphs=st.integers(1, 3), size=st.sampled_from([3, 20, 1000]))
def test_shacl_chunks_equal_the_whole_graph_however_it_is_split(tmp_path_factory, seed, parts, graphs, size):
    """The statements of a graph dealt at random into named graphs (a node's statements, even its
    type, end up in different chunks), checked in chunks of 1-3 graphs or 3-1,000 statements."""
    rng = random.Random(seed)
    triples = sorted(_small_graph_with_violations())
    dealt: dict[str, list] = {}
    for t in triples:
        dealt.setdefault(f"urn:part:{rng.randrange(parts)}", []).append(t)
    path = tmp_path_factory.mktemp("split") / "g.nq"
    _write_nquads(dealt, path)
    chunked = _same_as_whole(path, graphs=graphs, triples=size)
    assert not chunked.report.conforms
    assert len(chunked.report.results) >= 9


def test_shacl_a_graph_with_blank_nodes_is_checked_whole(tmp_path):
    """A parse names blank nodes anew each time: a graph with some is checked at once, as before."""
    path = tmp_path / "g.ttl"
    text = make_graph().serialize(format="turtle") + "\n<https://w3id.org/conflict-kg/id/article/a1> <urn:by> [] .\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NotChunkable):
        shacl.validate_chunks(lambda: _parse(path))
    checked = validate_graph(path)
    assert checked.chunks == 1 and checked.report == shacl_report(load_graph(path))


def _parse(path):
    from pyoxigraph import RdfFormat, parse

    return parse(path=str(path), format=RdfFormat.TURTLE)


# ------------------------------------------------------------------ a build, and violations put in it
def _inject(graphs: dict[str, list]) -> dict[str, set]:
    """Violations (and conforming statements a chunk sees only with what the index brings) put in a
    build's graphs; the keys of the results the whole graph then has, by kind."""
    articles = [g for g in graphs if not g.endswith("/entities")]
    entities = next(g for g in graphs if g.endswith("/entities"))
    first, last = articles[0], articles[-1]
    events = [s for s, p, o in graphs[first] if p == RDF.type and o == CKG.Event]
    e1, e2 = events[0], events[1]
    # an actor that articles in different chunks name
    named = {}
    for g in articles:
        for s, p, _o in graphs[g]:
            if p == CKG.mentionedIn and "/actor/" in s:
                named.setdefault(s, set()).add(g)
    actor = next(a for a in sorted(named) if first in named[a] and last in named[a])
    phrase = next(s for s, p, _o in graphs[first] if p == NIF.beginIndex)
    town = next(s for s, p, o in graphs[entities] if p == RDF.type and o == CKG.City)
    ghost, inside, orphan = CKGR["article/ghost"], CKGR["place/inside"], CKGR["place/orphan"]
    # an event without confidence
    graphs[first] = [t for t in graphs[first] if not (t[0] == e1 and t[1] == CKG.confidence)]
    # a wrong datatype: an offset as xsd:integer
    graphs[first] = [(s, p, Literal(str(o), datatype=XSD.integer)) if (s, p) == (phrase, NIF.beginIndex)
                     else (s, p, o) for s, p, o in graphs[first]]
    # (the entities' graph comes last: the first article's graph is in another chunk)
    graphs[last] += [
        (e2, CKG.confidence, Literal("0.3", datatype=XSD.decimal)),  # split: a second confidence
        (phrase, NIF.endIndex, Literal("0", datatype=XSD.nonNegativeInteger)),  # split: an end before the start
        (actor, CKG.mentionedIn, ghost),  # conforms: the article is described in the first graph only
    ]
    graphs[first] += [
        (actor, SKOS.prefLabel, Literal("Autre nom", lang="fr")),  # the shared actor: two labels
        (ghost, RDF.type, CKG.Article), (ghost, DCTERMS.identifier, Literal("ghost")),
        (town, CKG.locatedIn, inside),  # conforms: a place named by nothing that contains a town
    ]
    graphs[entities] += [(inside, RDF.type, CKG.Region), (inside, SKOS.prefLabel, Literal("Dedans", lang="fr")),
                         (orphan, RDF.type, CKG.Region), (orphan, SKOS.prefLabel, Literal("Orphelin", lang="fr"))]
    return {
        "no confidence": {_key(e1, CKG.confidence, "MinCount")},
        "wrong datatype": {_key(phrase, NIF.beginIndex, "Datatype")},
        "shared actor, two labels": {_key(actor, SKOS.prefLabel, "MaxCount")},
        "split event, two confidences": {_key(e2, CKG.confidence, "MaxCount")},
        "split phrase": {_key(phrase, NIF.endIndex, "MaxCount"), _key(phrase, NIF.beginIndex, "LessThan")},
        "orphan place": {_key(orphan, None, "Or")},
    }


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    from helpers import seed_build

    graphs = _read_graphs(seed_build() / "graph.trig")
    expected = _inject(graphs)
    path = tmp_path_factory.mktemp("injected") / "graph.nq"
    _write_nquads(graphs, path)
    return path, expected


@pytest.mark.model
def test_shacl_chunks_of_a_build_with_violations_equal_the_whole_graph(injected):
    """The seeds' graph with violations put in (an event without confidence, a wrong datatype, a
    second label on an actor that articles in different chunks name, a node whose statements are in
    the first and the last chunk), checked 2 article graphs at a time: the whole graph's report, each
    violation found, the shared actor's once; and no violation where a chunk alone lacks what makes
    a node conform (an article typed in another chunk, a place whose only tie is in another)."""
    path, expected = injected
    chunked = _same_as_whole(path, graphs=2)
    assert chunked.chunks == 3  # 5 articles and the entities, 2 graphs at a time
    keys = chunked.report.keys()
    for kind, want in expected.items():
        assert want <= keys, kind
    assert len(keys) == sum(len(v) for v in expected.values())
    actor_label = next(iter(expected["shared actor, two labels"]))
    assert [r.key for r in chunked.report.results].count(actor_label) == 1


@pytest.mark.model
@pytest.mark.parametrize("part", ["witnesses", "types", "inverse", "own subjects"])
def test_shacl_each_part_of_a_chunk_is_needed(injected, monkeypatch, part):
    """Each thing a chunk takes from the index changes the report when it is left out: the test
    above crosses every chunk boundary the design handles."""
    path, _expected = injected
    whole = shacl_report(load_graph(path))
    if part == "witnesses":
        monkeypatch.setattr(shacl._Index, "read_witnesses", lambda self, quads: None)
    elif part == "types":
        monkeypatch.setattr(shacl._Index, "types_of", lambda self, nodes: iter(()))
    elif part == "inverse":
        read = shacl._Index.read

        def no_inverse(self, quads):
            read(self, quads)
            self.inverse.clear()

        monkeypatch.setattr(shacl._Index, "read", no_inverse)
    else:
        chunk = shacl._Index.chunk

        def every_subject(self, pieces):
            g, _own = chunk(self, pieces)
            return g, {s.n3() for s in g.subjects()}

        monkeypatch.setattr(shacl._Index, "chunk", every_subject)
    assert validate_graph(path, graphs=2).report.keys() != whole.keys()


@pytest.mark.model
def test_shacl_kg_validate_prints_the_whole_graphs_report_a_chunk_at_a_time(injected, monkeypatch):
    """kg validate of the graph with violations: exit 1 and the whole graph's report, found in
    chunks that its progress counts (one step per chunk)."""
    from kg.progress import Progress

    path, _expected = injected
    stages = []

    class Recorder(Progress):
        def stage(self, name, total=None, unit="item", done=0):
            stages.append((name, total, unit))
            return super().stage(name, total, unit, done)

    monkeypatch.setattr(shacl, "CHUNK_GRAPHS", 2)
    monkeypatch.setattr("kg.progress.terminal_progress", lambda *a, **k: Recorder())
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert result.stdout == shacl_report(load_graph(path)).text + "\n"
    assert stages == [("read", None, "item"), ("SHACL", 3, "chunk")]


@pytest.mark.model
def test_shacl_chunks_of_the_seeds_equal_the_whole_graph():
    from helpers import seed_build

    for name, size in (("graph.trig", {"graphs": 2}), ("graph.ttl", {"triples": 300})):
        checked = _same_as_whole(seed_build() / name, **size)
        assert checked.report.conforms and checked.chunks > 2, name
    assert validate_graph(seed_build()).counts.articles == 5


def _build(inputs, out):
    from kg.pipeline import build

    build(inputs, out, html=False, validate=False, progress=None)
    return out


@pytest.mark.model
@pytest.mark.skipif(not (SHARED / "dev2").is_dir(), reason="no ../shared/dev2")
def test_shacl_chunks_of_dev2_equal_the_whole_graph(tmp_path):
    out = _build([SHARED / "dev2"], tmp_path / "dev2")
    for name, size in (("graph.trig", {"graphs": 3}), ("graph.ttl", {"triples": 1000})):
        assert _same_as_whole(out / name, **size).chunks > 5, name
    graphs = _read_graphs(out / "graph.trig")
    _inject(graphs)
    _write_nquads(graphs, tmp_path / "injected.nq")
    assert not _same_as_whole(tmp_path / "injected.nq", graphs=3).report.conforms


@pytest.mark.model
@pytest.mark.slow
def test_shacl_chunks_of_200_synthetic_articles_equal_the_whole_graph(tmp_path):
    """200 synthetic articles (benchmarks/make_corpus.py), 5 article graphs or 5,000 statements a chunk."""
    import sys

    sys.path.insert(0, str(SEEDS.parent / "benchmarks"))
    from make_corpus import make_corpus

    make_corpus(200, 1, tmp_path / "corpus")
    out = _build([tmp_path / "corpus"], tmp_path / "out")
    assert _same_as_whole(out / "graph.trig", graphs=5).chunks > 40
    assert _same_as_whole(out / "graph.ttl", triples=5000).chunks > 10
