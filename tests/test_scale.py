"""Issue #6: parallel, incremental and Dask builds equal a plain build; the Oxigraph store;
``kg push`` to a live Oxigraph server; the synthetic scale corpus."""

from __future__ import annotations

import json
import shutil
import socket
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from helpers import REPO, SEEDS, seed_build, seed_resolution
from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from typer.testing import CliRunner

from kg.cli import app

EXPORTS = ("graph.ttl", "graph.trig", "events.csv")
sys.path.insert(0, str(REPO / "benchmarks"))


def _assert_same_exports(a: Path, b: Path) -> None:
    ga, gb = Graph().parse(a / "graph.ttl"), Graph().parse(b / "graph.ttl")
    if not isomorphic(ga, gb):
        _both, first, second = graph_diff(to_isomorphic(ga), to_isomorphic(gb))
        pytest.fail("graphs differ\nonly in first:\n" + "\n".join(sorted(map(str, first)))[:3000]
                    + "\nonly in second:\n" + "\n".join(sorted(map(str, second)))[:3000])
    for name in EXPORTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def _corpus(tmp: Path) -> Path:
    """The seeds plus two changed copies (7 articles)."""
    src = tmp / "corpus"
    src.mkdir()
    for f in sorted(SEEDS.glob("*.txt")):
        shutil.copy(f, src / f.name)
    for f in sorted(SEEDS.glob("*.txt"))[:2]:
        text = f.read_text(encoding="utf-8")
        (src / f"{f.stem}_v2.txt").write_text(text.replace("Homs", "Hama") + "\nLes combats se poursuivent.\n",
                                             encoding="utf-8")
    return src


def _build(src, out: Path, **kw):
    from kg.pipeline import build

    return build([src] if not isinstance(src, list) else src, out, html=False, validate=False, progress=None, **kw)


# ------------------------------------------------------------------------------ no model
def test_scale_make_corpus_is_deterministic_and_labelled(tmp_path):
    from make_corpus import make_corpus

    a = make_corpus(6, 3, tmp_path / "a")
    b = make_corpus(6, 3, tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert all("SYNTH" in p.name for p in a)
    manifest = json.loads((tmp_path / "a" / "MANIFEST.SYNTHETIC.json").read_text())
    assert manifest["SYNTHETIC"] is True and manifest["files"] == [p.name for p in a]
    assert a[0].read_text(encoding="utf-8").startswith(" date ")
    assert make_corpus(6, 4, tmp_path / "c")[0].read_bytes() != a[0].read_bytes()


def test_scale_cache_key_depends_on_content_not_name():
    from kg.ingest import article_from_text
    from kg.pipeline.incremental import article_key

    a = article_from_text("a", " date 2024-11 Les rebelles ont pris Alep.")
    assert article_key(a) == article_key(article_from_text("b", " date 2024-11 Les rebelles ont pris Alep."))
    assert article_key(a) != article_key(article_from_text("a", " date 2024-12 Les rebelles ont pris Alep."))
    assert article_key(a) != article_key(article_from_text("a", " date 2024-11 Les rebelles ont pris Homs."))


def test_scale_remove_without_a_build_says_what_to_do(tmp_path):
    result = CliRunner().invoke(app, ["remove", "x", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert f"run 'kg build -o {tmp_path}' first" in result.output


@pytest.mark.parametrize("marker", [None, "{}"])
def test_scale_remove_from_a_folder_not_kgs_suggests_what_kg_remove_takes(tmp_path, marker):
    (tmp_path / "mine.txt").write_text("mine\n", encoding="utf-8")
    if marker is not None:
        (tmp_path / ".kg-output").write_text(marker, encoding="utf-8")  # not a kg marker
    result = CliRunner().invoke(app, ["remove", "x", "-o", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"kg: error: {tmp_path}: ") and len(result.output.splitlines()) == 1
    assert "--force to" not in result.output and "no --force" in result.output  # kg remove has none
    assert "output folder of a kg build" in result.output and "-o" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["mine.txt"] + [".kg-output"] * (marker is not None))


@pytest.mark.model
def test_scale_remove_an_unknown_id_is_a_usage_error_with_close_ids(tmp_path):
    out = tmp_path / "o"
    shutil.copytree(seed_build(), out, symlinks=True)
    before = (out / "report.json").read_bytes()
    for typed, suggested in [("004_8ee35a8ee1100a8d", "did you mean '004_8ee35a8ee1100a8c'?"),
                             ("004", "did you mean '004_8ee35a8ee1100a8c'?"),
                             ("nonexistent", "its articles: 000_cc92559fac18ee98, 001_cba15eb8f773454e")]:
        result = CliRunner().invoke(app, ["remove", typed, "-o", str(out), "-q"])
        assert result.exit_code == 2, result.output
        assert result.output.startswith(f"kg: error: {out}: no article {typed!r} in the last build")
        assert suggested in result.output and len(result.output.splitlines()) == 1
    assert (out / "report.json").read_bytes() == before


@pytest.mark.model
def test_scale_remove_of_every_article_is_a_usage_error(tmp_path):
    """A removal kg refuses by design (it would leave an empty build) is the user's request to
    change, like an unknown id: exit 2, found before anything is parsed, the build untouched."""
    out = tmp_path / "o"
    shutil.copytree(seed_build(), out, symlinks=True)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    ids = [p.stem for p in sorted(SEEDS.glob("*.txt"))]
    result = CliRunner().invoke(app, ["remove", *ids, "-o", str(out), "-q"])
    assert result.exit_code == 2, result.output
    assert "would leave no article; delete the folder instead" in result.output
    assert len(result.output.splitlines()) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


# ------------------------------------------------------------------------------ model
@pytest.mark.model
def test_scale_parallel_extraction_equals_sequential():
    """Worker processes give the same extractions as one process, whatever the batch size."""
    from kg.ingest import ingest
    from kg.pipeline import extract_articles

    arts = ingest([SEEDS]).articles
    reference = sorted(seed_resolution().extractions, key=lambda x: x.article.id)
    parallel = extract_articles(arts, progress=None, jobs=2, batch_size=2)
    assert sorted(parallel, key=lambda x: x.article.id) == reference


@pytest.mark.model
@pytest.mark.slow
def test_scale_jobs_2_build_is_byte_identical(tmp_path, monkeypatch):
    """--jobs 1, --jobs 2 and the default (--jobs auto), in batches of 2: the same bytes."""
    import kg.pipeline.extraction
    from kg.pipeline import build

    monkeypatch.setattr(kg.pipeline.extraction, "BATCH_SIZE", 2)  # 4 batches: the workers share them
    src = _corpus(tmp_path)
    _build(src, tmp_path / "one", jobs=1)
    _build(src, tmp_path / "two", jobs=2)
    _assert_same_exports(tmp_path / "one", tmp_path / "two")
    assert build.__kwdefaults__["jobs"] == "auto"
    _build(src, tmp_path / "auto")
    _assert_same_exports(tmp_path / "one", tmp_path / "auto")
    for name in ("entities.csv",):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "auto" / name).read_bytes()


@pytest.mark.model
@pytest.mark.slow
def test_scale_incremental_build_equals_full_build(tmp_path):
    src = _corpus(tmp_path)
    out = tmp_path / "out"
    parsed: list[str] = []

    def progress(_i, _n, name):
        parsed.append(name)

    from kg.pipeline import build

    build([src], out, html=False, validate=False, progress=progress, cache=True)
    assert len(parsed) == 7
    assert len(list((out / ".kg-cache").glob("*/*/*.json"))) == 7 and (out / ".kg-articles.jsonl").is_file()
    # one article changed, one added, one deleted
    changed = src / "003_751435ab0718061d.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nDes obus sont tombés sur Alep.\n", encoding="utf-8")
    shutil.copy(src / "000_cc92559fac18ee98.txt", src / "new_article.txt")
    (src / "new_article.txt").write_text((src / "new_article.txt").read_text(encoding="utf-8") + "\nFin.\n",
                                         encoding="utf-8")
    (src / "001_cba15eb8f773454e_v2.txt").unlink()
    parsed.clear()
    build([src], out, html=False, validate=False, progress=progress, cache=True)
    assert sorted(parsed) == ["003_751435ab0718061d", "new_article"]
    _build(src, tmp_path / "full")
    _assert_same_exports(out, tmp_path / "full")
    # nothing changed: nothing parsed, same bytes
    parsed.clear()
    build([src], out, html=False, validate=False, progress=progress, cache=True)
    assert parsed == []
    _assert_same_exports(out, tmp_path / "full")

    # kg remove: equals a full build without the article, nothing parsed
    result = CliRunner().invoke(app, ["remove", "new_article", "-o", str(out), "--no-html", "--no-validate", "-q"])
    assert result.exit_code == 0, result.output
    (src / "new_article.txt").unlink()
    _build(src, tmp_path / "without")
    _assert_same_exports(out, tmp_path / "without")
    result = CliRunner().invoke(app, ["remove", "nope", "-o", str(out)])
    assert result.exit_code == 2 and "no article 'nope'" in result.output  # an unknown name: a usage error


@pytest.mark.model
def test_scale_store_answers_like_the_turtle_and_exports_stream(tmp_path):
    from kg.queries import load_query
    from kg.store import (
        dump_store,
        format_result,
        load_graph,
        load_query_graph,
        open_store,
        query_store,
        run_query,
    )

    out = tmp_path / "out"
    _build([SEEDS], out, store=True)
    for name in EXPORTS:  # the store changes no export
        assert (out / name).read_bytes() == (seed_build() / name).read_bytes(), name
    g = load_graph(out / "graph.ttl")
    store = open_store(out / "store")
    n = query_store(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(list(n)[0][0]) == len(g) + len(Graph().parse(out / "derived.ttl"))
    g = load_query_graph(out / "graph.ttl")  # with the derived facts, as kg query reads a graph file
    assert len(list(store.named_graphs())) == 7  # 5 articles, the entities, the derived facts
    for qname in ("territory-captures", "events-in-place", "articles"):
        text = load_query(qname)
        assert format_result(query_store(store, text), "csv") == format_result(run_query(g, text), "csv")
    from rdflib import URIRef

    homs = {"place": URIRef("https://w3id.org/conflict-kg/id/place/homs")}
    text = load_query("territory-captures")
    assert format_result(query_store(store, text, homs), "csv") == format_result(run_query(g, text, homs), "csv")
    dump_store(store, tmp_path / "x.ttl")
    dump_store(store, tmp_path / "x.trig", "trig")
    del store
    # Oxigraph 0.5 stores xsd:nonNegativeInteger (nif:beginIndex/endIndex) as xsd:integer, same value
    from rdflib import Literal
    from rdflib.namespace import XSD

    norm = Graph()
    for s, p, o in g:
        norm.add((s, p, Literal(str(o), datatype=XSD.integer)
                  if isinstance(o, Literal) and o.datatype == XSD.nonNegativeInteger else o))
    assert isomorphic(Graph().parse(tmp_path / "x.ttl"), norm)
    ds = Dataset()
    ds.parse(tmp_path / "x.trig", format="trig")
    assert len([c for c in ds.graphs() if len(c)]) == 7  # 5 articles, the entities, the derived facts
    _build([SEEDS / "004_8ee35a8ee1100a8c.txt"], out, store=True)  # the store is replaced
    assert int(list(query_store(out / "store", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[0][0]) == len(
        Graph().parse(out / "graph.ttl")) + len(Graph().parse(out / "derived.ttl"))
    assert not [p for p in out.iterdir() if p.name.startswith(".build-") or "-old-" in p.name]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_count(url: str, query: str) -> int:
    req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        data = json.loads(resp.read())
    return int(data["results"]["bindings"][0]["n"]["value"])


@pytest.mark.model
def test_scale_push_to_a_live_oxigraph_server(tmp_path):
    from kg.push import PushError, push_graphs
    from kg.serve import serve

    store = tmp_path / "server-store"
    store.mkdir()
    trig = seed_build() / "graph.trig"
    ds = Dataset()
    ds.parse(trig, format="trig")
    expected = sum(len(c) for c in ds.graphs() if len(c))
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    with serve(store, port=_free_port(), read_only=False, timeout=30) as server:
        gsp = server.base_url + "store"
        result = push_graphs(trig, gsp)
        assert result.graphs == 6 and result.triples == expected
        assert _server_count(server.url, count) == expected
        again = CliRunner().invoke(app, ["push", gsp, "-g", str(trig)])  # PUT replaces: no duplicates
        assert again.exit_code == 0, again.output
        assert "pushed 6 graph(s)" in again.output
        assert _server_count(server.url, count) == expected
        assert _server_count(server.url, graphs) == 6
        # a smaller build pushed over it replaces that article's graph only
        small = tmp_path / "small"
        _build([SEEDS / "004_8ee35a8ee1100a8c.txt"], small)
        push_graphs(small / "graph.trig", gsp)
        assert _server_count(server.url, graphs) == 6
    with pytest.raises(PushError, match="cannot connect"):
        push_graphs(trig, f"http://127.0.0.1:{_free_port()}/store", timeout=5)


@pytest.mark.model
@pytest.mark.slow
def test_scale_dask_local_cluster_build_equals_single_process(tmp_path):
    distributed = pytest.importorskip("distributed")
    from kg.ingest import ingest
    from kg.pipeline import extract_articles

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        arts = ingest([SEEDS]).articles
        got = extract_articles(arts, progress=None, dask=client, batch_size=2)
        assert sorted(got, key=lambda x: x.article.id) == sorted(seed_resolution().extractions,
                                                                  key=lambda x: x.article.id)
        _build([SEEDS], tmp_path / "dask", dask=client)
    _assert_same_exports(tmp_path / "dask", seed_build())


@pytest.mark.model
def test_scale_store_is_the_default_and_kg_query_reads_it(tmp_path):
    """The default build keeps OUT/store (a link swapped atomically); kg query answers from it
    even when graph.ttl is gone; --no-store removes a store that would no longer match."""
    import os

    from kg.pipeline.outdir import OutputFolder
    from kg.store import STORE_PREFIX, count_triples

    out = tmp_path / "out"
    with OutputFolder(out) as folder:  # left by a killed build (its journal says so)
        folder.reserve(STORE_PREFIX).mkdir()
    report = _build([SEEDS], out)
    assert (out / "store").is_symlink() and (out / "store" / ".kg-store").is_file()
    homes = [p.name for p in out.iterdir() if p.name.startswith(STORE_PREFIX)]
    assert homes == [os.readlink(out / "store")]  # the stale one is gone
    assert count_triples(out / "store") == report.triples  # the derived facts beside the graph are not counted
    derived = len(Graph().parse(out / "derived.ttl"))  # but a query sees them: the store holds them too
    assert report.triples == len(Graph().parse(out / "graph.ttl"))
    (out / "graph.ttl").unlink()
    result = CliRunner().invoke(app, ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-g",
                                      str(out / "graph.ttl"), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["n", str(report.triples + derived)]
    result = CliRunner().invoke(app, ["query", "territory-captures", "-g", str(out / "graph.ttl"),
                                      "-p", "place=Homs", "-f", "csv"])
    assert result.exit_code == 0 and "homs" in result.output.lower(), result.output
    _build([SEEDS / "004_8ee35a8ee1100a8c.txt"], out)  # a second build: one store home, the new one
    assert len([p for p in out.iterdir() if p.name.startswith(STORE_PREFIX)]) == 1
    _build([SEEDS / "004_8ee35a8ee1100a8c.txt"], out, store=False)
    assert not (out / "store").exists() and not [p for p in out.iterdir() if p.name.startswith(STORE_PREFIX)]


@pytest.mark.model
def test_scale_streamed_exports_equal_the_emitted_dataset(tmp_path):
    """graph.ttl / graph.trig, written one article at a time, hold exactly emit()'s dataset,
    events several articles tell included (their triples once in graph.ttl)."""
    from kg.rdf.emit import emit, union_graph
    from kg.resolve import resolve

    src = tmp_path / "src"
    src.mkdir()
    text = (" date 2016-12-22\nLes forces du régime ont repris le contrôle total d'Alep jeudi, selon l'Observatoire "
            "syrien des droits de l'homme.\n")
    (src / "a.txt").write_text(text, encoding="utf-8")
    (src / "b.txt").write_text(text.replace("jeudi", "jeudi soir"), encoding="utf-8")
    shutil.copy(SEEDS / "003_751435ab0718061d.txt", src)
    out = tmp_path / "out"
    report = _build([src], out)
    from kg.ingest import ingest
    from kg.pipeline import extract_articles

    ds = emit(resolve(extract_articles(ingest([src]).articles, progress=None)))
    g = Graph().parse(out / "graph.ttl")
    assert isomorphic(g, union_graph(ds)) and len(g) == report.triples
    trig = Dataset()
    trig.parse(out / "graph.trig", format="trig")
    want = {str(c.identifier): c for c in ds.graphs() if len(c)}
    got = {str(c.identifier): c for c in trig.graphs() if len(c)}
    assert want.keys() == got.keys()
    assert all(isomorphic(want[k], got[k]) for k in want)
    told_twice = [e for e in set(g.subjects()) if "/event/" in str(e) and "/toll/" not in str(e)
                  and sum(1 for k in want if (e, None, None) in want[k]) > 1]
    assert told_twice, "the two dispatches should tell one event"


@pytest.mark.model
def test_scale_shacl_checks_a_spread_sample_and_the_view_is_capped(tmp_path, monkeypatch):
    import kg.pipeline as pipeline
    import kg.pipeline.parts as parts

    monkeypatch.setattr(parts, "VALIDATE_ARTICLES", 2)
    monkeypatch.setattr(parts, "VIEW_EVENTS", 5)
    report = pipeline.build([SEEDS], tmp_path / "out", progress=None)
    assert report.conforms is True and report.validated_articles == 2 and report.articles == 5
    assert "2 of 5 article graphs checked" in report.summary()
    assert json.loads((tmp_path / "out" / "report.json").read_text())["shacl_checked_articles"] == 2
    assert report.events > 5
    assert any("graph.html holds the 5 best-attested event(s) of " + str(report.events) in str(w) for w in report.warnings), (
        report.warnings
    )
    import re

    page = (tmp_path / "out" / "graph.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert len(data["events"]) == 5 and f"5 best-attested events of {report.events}" in data["note"]
    # the part kept for the page has the events' evidence: trigger offsets with their words, and aliases
    assert all(e["mentions"] and all(m[3] for m in e["mentions"]) for e in data["events"])
    assert any(e.get("aliases") for e in data["entities"])
    # a sample finds a violation in an article it checks
    from kg.rdf.ontology import validate

    g = parts.closure_graph([("<https://w3id.org/conflict-kg/id/article/x>",
                                  "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
                                  "<https://w3id.org/conflict-kg/ontology#Article>")], [])
    assert validate(g)[0] is False  # an article without dcterms:identifier


def _store_quads(folder: Path) -> set[str]:
    """The store's quads as N-Quads lines (the default graph included)."""
    from kg.store import open_store

    st = open_store(folder)
    try:
        return {str(q) for q in st}
    finally:
        del st


@pytest.mark.model
def test_scale_store_updated_graph_by_graph_equals_a_fresh_one(tmp_path, monkeypatch):
    """A build over a previous store changes only the graphs that differ (no bulk load); the
    store then holds exactly what a fresh build's store holds: added, changed, removed articles."""
    import kg.pipeline as pipeline
    import kg.pipeline.stages as stages

    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    out = tmp_path / "out"
    pipeline.build([src], out, html=False, validate=False, progress=None)
    loads = []
    real_load = stages.load_store
    monkeypatch.setattr(stages, "load_store", lambda *a, **k: loads.append(a) or real_load(*a, **k))
    (src / "002_324a022aab4702df.txt").unlink()  # removed
    changed = src / "003_751435ab0718061d.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nDes obus sont tombés sur Alep, selon l'OSDH.\n",
                       encoding="utf-8")
    (src / "new.txt").write_text(" date 2016-12-22\nLes forces du régime ont repris Alep jeudi.\n", encoding="utf-8")
    pipeline.build([src], out, html=False, validate=False, progress=None)
    assert loads == []  # updated in place of a bulk load
    pipeline.build([src], tmp_path / "fresh", html=False, validate=False, progress=None)
    assert len(loads) == 1  # the fresh one was bulk-loaded
    assert _store_quads(out / "store") == _store_quads(tmp_path / "fresh" / "store")
    _assert_same_exports(out, tmp_path / "fresh")


@pytest.mark.model
def test_scale_store_loaded_in_pieces_equals_one_load(tmp_path, monkeypatch):
    """The bulk loader gets the exports in pieces cut between blocks (bounded memory): same store."""
    import kg.store.oxigraph as store

    monkeypatch.setattr(store, "LOAD_CHUNK_LINES", 50)
    pieces = list(store._pieces(seed_build() / "graph.trig", 50))
    assert len(pieces) == 6 and all(p.startswith(b"@prefix") for p in pieces)  # one per graph block
    store.load_store(tmp_path / "s", named=seed_build() / "graph.trig", default=seed_build() / "graph.ttl",
                     derived=seed_build() / "derived.ttl")
    assert _store_quads(tmp_path / "s") == _store_quads(seed_build() / "store")


@pytest.mark.model
def test_scale_derived_facts_are_loaded_in_pieces_too(tmp_path):
    """derived.ttl has no blank line: it is cut before each new subject once a piece is full (it was
    one piece, which Oxigraph's bulk loader held in memory at once), and the pieces parse to the
    same triples as the file."""
    from rdflib import Graph

    import kg.store.oxigraph as store

    derived = seed_build() / "derived.ttl"
    assert derived.read_text(encoding="utf-8").count("\n\n") == 1  # only after the header
    pieces = list(store._pieces(derived, 40))
    assert len(pieces) > 3 and all(p.startswith(b"@prefix") for p in pieces)
    whole = Graph().parse(derived, format="turtle")
    union = Graph()
    for piece in pieces:
        part = Graph().parse(data=piece.decode("utf-8"), format="turtle")
        assert len(part) > 0
        union += part
    assert set(union) == set(whole)


@pytest.mark.model
def test_scale_networks_and_view_read_the_store_without_mentions(tmp_path):
    """kg view / kg network read the store's non-mention part: same network as from graph.ttl."""
    import networkx as nx

    from kg.analyse import knowledge_network, projection
    from kg.namespace import CKG, NIF, RDF
    from kg.store import load_graph, load_network_graph

    out = seed_build()
    part = load_network_graph(out / "graph.ttl")
    full = load_graph(out / "graph.ttl")
    assert len(part) < len(full) / 2  # the mentions are most of the graph
    # exactly graph.ttl (which holds no derived fact) without the mentions and the links to them
    mentions = set(full.subjects(RDF.type, NIF.Phrase))
    assert mentions and all("#char=" in str(m) for m in mentions)
    assert set(part) == {(s, p, o) for s, p, o in full if p != CKG.denotedBy and s not in mentions}
    a, b = knowledge_network(part), knowledge_network(full)
    assert nx.utils.graphs_equal(a, b) and dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert nx.utils.graphs_equal(projection(part, "interactions"), projection(full, "interactions"))
    result = CliRunner().invoke(app, ["view", "-g", str(out / "graph.ttl"), "-o", str(tmp_path / "v.html")])
    assert result.exit_code == 0 and f"({a.number_of_nodes()} nodes" in result.output, result.output


@pytest.mark.model
def test_scale_spilled_build_equals_the_build_in_memory(tmp_path, monkeypatch):
    """Beyond SPILL_ARTICLES the records go to a spool file, streamed through resolution and
    emission: the same bytes; the spool folder is gone afterwards."""
    import kg.pipeline.extraction as extraction

    reference = seed_build()  # built in memory (before the patch)
    monkeypatch.setattr(extraction, "SPILL_ARTICLES", 2)
    spools: list[Path] = []
    real = extraction.SpoolWriter
    monkeypatch.setattr(extraction, "SpoolWriter", lambda path: spools.append(path) or real(path))
    out = tmp_path / "out"
    report = _build([SEEDS], out)
    assert len(spools) == 1 and spools[0].parent.parent == out and spools[0].parent.name.startswith(".build-")
    assert not spools[0].parent.exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".build-")]
    for name in (*EXPORTS, "entities.csv", "report.json"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert report.articles == 5
    _build([SEEDS], tmp_path / "held", spill=False)
    assert len(spools) == 1  # spill=False keeps them in memory whatever the size


def test_scale_shacl_sample_borrows_the_mention_of_an_entity_named_outside_it():
    """A build checks a sample of its article graphs; an entity they reach is often named only in
    an article outside it (a shared event's place, an agency, a site's town). The sample then had
    no ckg:mentionedIn for it, and a build of 1,001 synthetic articles said its graph does not
    conform where `kg validate` (every article) said it does: one article naming it is borrowed."""
    import kg.pipeline.parts as parts
    from kg.rdf.emit import triples_graph
    from kg.rdf.ontology import validate

    ck, base = "https://w3id.org/conflict-kg/ontology#", "https://w3id.org/conflict-kg/id/"
    a = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    ident, by = "<http://purl.org/dc/terms/identifier>", f"<{ck}publishedBy>"
    nif = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
    nni = "^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>"
    a1, a2, afp, sana = (f"<{base}{x}>" for x in ("article/a1", "article/a2", "actor/afp", "actor/sana"))
    phrase = f"<{base}article/a2#char=0,3>"
    sampled = [(a1, a, f"<{ck}Article>"), (a1, ident, '"a1"'), (a1, by, afp)]
    other = [(a2, a, f"<{ck}Article>"), (a2, ident, '"a2"'), (afp, f"<{ck}mentionedIn>", a2),
             (afp, f"<{ck}denotedBy>", phrase), (phrase, a, f"<{nif}Phrase>"), (phrase, f"<{nif}beginIndex>", f'"0"{nni}'),
             (phrase, f"<{nif}endIndex>", f'"3"{nni}'), (phrase, f"<{nif}anchorOf>", '"AFP"'),
             (phrase, f"<{nif}referenceContext>", a2)]
    entities = [(x, a, f"<{ck}MediaOutlet>") for x in (afp, sana)] + [
        (afp, "<http://www.w3.org/2004/02/skos/core#prefLabel>", '"AFP"@fr'),
        (sana, "<http://www.w3.org/2004/02/skos/core#prefLabel>", '"SANA"@fr')]
    named = [t for t in entities if t[0] != sana]
    assert validate(triples_graph(sampled + other + named))[0] is True  # the whole graph conforms
    assert validate(parts.closure_graph(sampled, named))[0] is False  # the sample alone did not
    mentions: dict = {}
    for graph in (sampled, other):
        parts.record_mentions(mentions, graph)
    assert set(mentions) == {afp}
    assert validate(parts.shacl_graph(sampled, entities, mentions))[0] is True
    # an entity that no article names is still reported
    unnamed = [*sampled, (a1, by, sana)]
    assert validate(parts.shacl_graph(unnamed, entities, mentions))[0] is False


# ------------------------------------------------------------------ the store loads beside SHACL and the view
def _store_build(tmp_path: Path, monkeypatch, *, load, validate=None):
    """A build of the seeds into ``tmp_path/out`` over a previous one made without a store (so this one
    bulk-loads its store), parsing nothing again (a cache), with ``load`` in place of
    :func:`kg.store.load_store` and ``validate`` (if given) in place of the SHACL step."""
    import kg.pipeline as pipeline
    import kg.pipeline.stages as stages

    out, cache = tmp_path / "out", tmp_path / "cache"
    pipeline.build([SEEDS], out, progress=None, store=False, cache=cache)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    monkeypatch.setattr(stages, "load_store", load)
    if validate is not None:
        monkeypatch.setattr(stages, "_validate", validate)
    return out, before, lambda: pipeline.build([SEEDS], out, progress=None, cache=cache)


@pytest.mark.model
def test_scale_store_loads_while_shacl_checks_and_the_view_is_drawn(tmp_path, monkeypatch):
    """The store's bulk load (Rust, without Python's lock) runs in a thread beside the SHACL check and
    the view: here the load waits for the SHACL step to have started, which a build that loads the
    store first never lets happen. The store and the exports are those of a build without the wait."""
    import threading

    import kg.pipeline.stages as stages

    real_load, real_validate = stages.load_store, stages._validate
    checking, seen = threading.Event(), []

    def load(*a, **k):
        seen.append(checking.wait(timeout=20))  # True only if SHACL started while the load was under way
        return real_load(*a, **k)

    def validate(*a, **k):
        checking.set()
        return real_validate(*a, **k)

    out, _before, build = _store_build(tmp_path, monkeypatch, load=load, validate=validate)
    report = build()
    assert seen == [True]
    assert report.conforms is True
    fresh = tmp_path / "fresh"
    import kg.pipeline as pipeline

    monkeypatch.setattr(stages, "load_store", real_load)
    pipeline.build([SEEDS], fresh, progress=None, cache=tmp_path / "cache")
    assert _store_quads(out / "store") == _store_quads(fresh / "store")
    _assert_same_exports(out, fresh)
    assert json.loads((out / "report.json").read_text())["store"] == json.loads((fresh / "report.json").read_text())["store"]


@pytest.mark.model
def test_scale_store_load_is_stopped_and_waited_for_when_the_build_is_interrupted(tmp_path, monkeypatch):
    """Ctrl-C during the SHACL step while the store loads: the load is asked to stop before its next
    piece and waited for, so the staging folder is removed only once nothing writes in it; the
    previous exports are kept whole."""
    import threading

    started, ended = threading.Event(), threading.Event()

    def load(store_dir, *, stop, **_k):
        Path(store_dir).mkdir(parents=True)
        started.set()
        while not stop():  # a load between two pieces, until asked to stop
            threading.Event().wait(0.01)
        (Path(store_dir) / "late").write_text("still writing")  # what a load not waited for would leave
        ended.set()
        raise InterruptedError(f"{store_dir}: store load stopped")

    def validate(*_a, **_k):
        assert started.wait(timeout=20)
        raise KeyboardInterrupt

    out, before, build = _store_build(tmp_path, monkeypatch, load=load, validate=validate)
    with pytest.raises(KeyboardInterrupt):
        build()
    assert ended.is_set()  # waited for before build() returned
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p.name for p in out.iterdir() if p.name.startswith(".build-")]  # the stage, removed after the load


@pytest.mark.model
def test_scale_store_load_failing_in_its_thread_fails_the_build_and_keeps_the_exports(tmp_path, monkeypatch):
    """An error of the load in its thread reaches the build as it did when the load ran in line: a
    BuildError naming the folder, the previous exports kept, nothing staged left."""
    import errno

    from kg.errors import BuildError

    def load(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    out, before, build = _store_build(tmp_path, monkeypatch, load=load)
    with pytest.raises(BuildError, match="cannot write the exports .No space left on device.; previous exports kept"):
        build()
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p.name for p in out.iterdir() if p.name.startswith((".build-", ".store-"))]


@pytest.mark.model
def test_scale_load_store_asked_to_stop_leaves_no_store(tmp_path):
    """load_store stops before its next piece when ``stop`` says so, and leaves no store marker: the
    folder cannot be taken for a whole store."""
    from kg.store import STORE_MARKER, load_store

    asked = []

    def stop():
        asked.append(1)
        return len(asked) > 1  # after the first piece

    with pytest.raises(InterruptedError):
        load_store(tmp_path / "s", named=seed_build() / "graph.trig", default=seed_build() / "graph.ttl",
                   derived=seed_build() / "derived.ttl", stop=stop)
    assert len(asked) == 2 and not (tmp_path / "s" / STORE_MARKER).exists()
