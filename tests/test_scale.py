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
    from kg.incremental import article_key
    from kg.ingest import article_from_text

    a = article_from_text("a", " date 2024-11 Les rebelles ont pris Alep.")
    assert article_key(a) == article_key(article_from_text("b", " date 2024-11 Les rebelles ont pris Alep."))
    assert article_key(a) != article_key(article_from_text("a", " date 2024-12 Les rebelles ont pris Alep."))
    assert article_key(a) != article_key(article_from_text("a", " date 2024-11 Les rebelles ont pris Homs."))


def test_scale_remove_without_incremental_build_says_what_to_do(tmp_path):
    result = CliRunner().invoke(app, ["remove", "x", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "kg build --incremental" in result.output


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
def test_scale_jobs_2_build_is_byte_identical(tmp_path):
    src = _corpus(tmp_path)
    _build(src, tmp_path / "one", jobs=1)
    _build(src, tmp_path / "two", jobs=2)
    _assert_same_exports(tmp_path / "one", tmp_path / "two")


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
    assert (out / ".kg-cache" / "manifest.pkl").is_file()
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
    assert result.exit_code == 1 and "no article 'nope'" in result.output


@pytest.mark.model
def test_scale_store_answers_like_the_turtle_and_exports_stream(tmp_path):
    from kg.queries import load_query
    from kg.store import dump_store, format_result, load_graph, open_store, query_store, run_query

    out = tmp_path / "out"
    _build([SEEDS], out, store=True)
    for name in EXPORTS:  # the store changes no export
        assert (out / name).read_bytes() == (seed_build() / name).read_bytes(), name
    g = load_graph(out / "graph.ttl")
    store = open_store(out / "store")
    n = query_store(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(list(n)[0][0]) == len(g)
    assert len(list(store.named_graphs())) == 6
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
    assert len([c for c in ds.graphs() if len(c)]) == 6
    _build([SEEDS / "004_8ee35a8ee1100a8c.txt"], out, store=True)  # the store is replaced
    assert int(list(query_store(out / "store", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[0][0]) == len(
        Graph().parse(out / "graph.ttl"))
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
