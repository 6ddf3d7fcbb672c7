"""Tests of kg.serve and `kg serve`: the built graph over the SPARQL 1.1 Protocol (Oxigraph),
read-only and on loopback by default. Every wait is bounded."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from helpers import seed_build
from typer.testing import CliRunner

from kg.cli import app
from kg.queries import load_query
from kg.serve import STORE_MARKER, ServeError, find_oxigraph, is_loopback, prepare_store, serve

SKOS = "http://www.w3.org/2004/02/skos/core#"
CKG = "https://w3id.org/conflict-kg/ontology#"
TIMEOUT = 30

TRIG = f"""@prefix skos: <{SKOS}> .
@prefix ckg: <{CKG}> .
@prefix ckgr: <https://w3id.org/conflict-kg/id/> .
ckgr:graph\\/a1 {{ ckgr:place\\/homs a ckg:Place ; skos:prefLabel "Homs"@fr . }}
ckgr:graph\\/a2 {{ ckgr:place\\/homs a ckg:Place ; skos:prefLabel "Homs"@fr .
                  ckgr:place\\/alep a ckg:Place ; skos:prefLabel "Alep"@fr . }}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sparql(url: str, query: str) -> dict:
    req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        return json.load(resp)


def update(url: str, text: str) -> int:
    req = urllib.request.Request(url, data=urllib.parse.urlencode({"update": text}).encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def values(result: dict, var: str) -> list[str]:
    return [b[var]["value"] for b in result["results"]["bindings"] if var in b]


def port_closed(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) != 0


def wait_gone(pid: int, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie child of ours counts as gone once reaped
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            return True
        time.sleep(0.1)
    return False


# ---------------------------------------------------------------- no model needed

def test_serve_finds_the_oxigraph_binary():
    path = find_oxigraph()
    assert Path(path).is_file()
    out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=TIMEOUT, check=True)
    assert out.stdout.startswith("oxigraph ")


def test_serve_finds_the_binary_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KG_OXIGRAPH", str(tmp_path / "nope"))
    with pytest.raises(ServeError, match="KG_OXIGRAPH"):
        find_oxigraph()


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                                ("[::1]", True), ("127.0.0.2", True), ("0.0.0.0", False),
                                                ("192.168.1.10", False), ("example.org", False)])
def test_serve_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_serve_refuses_a_non_loopback_host(tmp_path):
    store = prepare_store(_trig(tmp_path), tmp_path / "store")
    with pytest.raises(ServeError, match="not loopback"):
        serve(store, host="0.0.0.0", port=free_port())


def test_serve_prepare_store_refuses_a_foreign_folder(tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ServeError, match="not empty"):
        prepare_store(_trig(tmp_path), foreign)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_serve_prepare_store_missing_graph(tmp_path):
    with pytest.raises(ServeError, match="no such graph"):
        prepare_store(tmp_path / "graph.trig", tmp_path / "store")


def _trig(tmp_path: Path) -> Path:
    p = tmp_path / "graph.trig"
    p.write_text(TRIG, encoding="utf-8")
    return p


def test_serve_default_graph_is_the_union_of_named_graphs_once(tmp_path):
    store = prepare_store(_trig(tmp_path), tmp_path / "store")
    assert (store / STORE_MARKER).is_file()
    prepare_store(_trig(tmp_path), store)  # a store made by kg is reloaded, not refused
    with serve(store, port=free_port(), timeout=TIMEOUT) as server:
        labels = values(sparql(server.url, f"SELECT ?l WHERE {{ ?p <{SKOS}prefLabel> ?l }}"), "l")
        assert sorted(labels) == ["Alep", "Homs"]  # Homs is in two named graphs, listed once
        graphs = values(sparql(server.url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"), "g")
        assert sorted(graphs) == ["https://w3id.org/conflict-kg/id/graph/a1",
                                  "https://w3id.org/conflict-kg/id/graph/a2"]
    assert not server.running


def test_serve_writable_accepts_updates(tmp_path):
    store = prepare_store(_trig(tmp_path), tmp_path / "store")
    with serve(store, port=free_port(), read_only=False, timeout=TIMEOUT) as server:
        assert update(server.update_url, f'INSERT DATA {{ <urn:x> <{SKOS}prefLabel> "X" }}') in (200, 204)
        assert "X" in values(sparql(server.url, f"SELECT ?l WHERE {{ ?p <{SKOS}prefLabel> ?l }}"), "l")


def test_serve_help_ends_with_an_example():
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "kg serve" in result.output


# ---------------------------------------------------------------- on the seeds graph (model)

@pytest.fixture(scope="session")
def seeds_dir():
    return seed_build()  # built once per test session, shared with the other test files


@pytest.mark.model
def test_serve_prepare_store_copies_the_build_store_that_agrees(seeds_dir, tmp_path, monkeypatch):
    """kg serve loaded the build's graph.trig into a new store at every start (57 s at 3,400 articles),
    each step under a fixed 300 s limit that a build of some 15,000 articles would pass: the build's
    own store, when it agrees with report.json, is copied as a read-only checkpoint instead."""
    import os

    from pyoxigraph import Store

    import kg.serve.oxigraph as ox

    source = (seeds_dir / "store").resolve()
    before = {f: os.stat(source / f).st_mtime_ns for f in os.listdir(source)}
    monkeypatch.setattr(ox.subprocess, "run", lambda *a, **k: pytest.fail("oxigraph load was run"))
    for given in (seeds_dir, seeds_dir / "graph.trig"):
        store = prepare_store(given, tmp_path / given.name)
        assert (store / STORE_MARKER).is_file()
        copy, build = Store.read_only(str(store)), Store.read_only(str(source))
        for q in ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",  # the default graph: every triple, the derived facts
                  "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"):
            assert next(iter(copy.query(q)))["n"] == next(iter(build.query(q)))["n"]
        del copy, build
    assert {f: os.stat(source / f).st_mtime_ns for f in os.listdir(source)} == before  # left untouched


@pytest.mark.model
def test_serve_prepare_store_loads_a_graph_file_changed_since_the_build(seeds_dir, tmp_path):
    import shutil

    from pyoxigraph import Store

    build = tmp_path / "build"
    shutil.copytree(seeds_dir, build, symlinks=True)
    trig = build / "graph.trig"
    trig.write_text(trig.read_text(encoding="utf-8") + "\n<urn:g> { <urn:s> <urn:p> <urn:o> }\n", encoding="utf-8")
    store = prepare_store(build, tmp_path / "store")  # what the file says now, not the build's store
    assert bool(Store.read_only(str(store)).query("ASK { <urn:s> <urn:p> <urn:o> }"))


@pytest.mark.model
def test_serve_seeds_answers_queries_and_refuses_updates(seeds_dir, tmp_path):
    store = prepare_store(seeds_dir / "graph.trig", tmp_path / "store")
    port = free_port()
    server = serve(store, port=port, timeout=TIMEOUT)
    try:
        assert server.url == f"http://127.0.0.1:{port}/query"
        # a known fact of the seeds: a TerritoryCapture at Homs whose agent is "Rebelles"
        q = f"""PREFIX ckg: <{CKG}> PREFIX skos: <{SKOS}>
                SELECT ?agent WHERE {{ ?e a ckg:TerritoryCapture ; ckg:place/skos:prefLabel "Homs"@fr ;
                                          ckg:agent/skos:prefLabel ?agent }}"""
        assert "Rebelles" in values(sparql(server.url, q), "agent")
        # the named queries of queries/ run on the server unchanged
        rows = sparql(server.url, load_query("territory-captures"))["results"]["bindings"]
        assert any(r.get("placeLabel", {}).get("value") == "Homs" and r.get("takenBy", {}).get("value") == "Rebelles"
                   for r in rows)
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        before = values(sparql(server.url, count), "n")
        assert int(before[0]) > 1000
        # read-only: SPARQL UPDATE is refused and changes nothing
        status = update(server.update_url, "DROP ALL")
        assert status in (403, 404, 405), status
        assert values(sparql(server.url, count), "n") == before
        # the web UI answers
        with urllib.request.urlopen(server.base_url, timeout=TIMEOUT) as resp:
            assert resp.status == 200
    finally:
        server.stop(timeout=TIMEOUT)
    assert not server.running
    assert wait_gone(server.process.pid)
    assert port_closed(port)


@pytest.mark.model
def test_serve_cli_runs_until_interrupted(seeds_dir, tmp_path):
    port = free_port()
    cmd = [sys.executable, "-m", "kg.cli", "serve", "--graph", str(seeds_dir / "graph.trig"), "--port", str(port),
           "--store", str(tmp_path / "store")]
    # started as a script's background job is: with SIGINT ignored (kg serve must still stop on it)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        out = "".join(lines)
        assert f"http://127.0.0.1:{port}/query" in out, out + proc.stderr.read() if proc.poll() is not None else out
        assert f"http://127.0.0.1:{port}/" in out
        assert values(sparql(f"http://127.0.0.1:{port}/query", "SELECT (1 AS ?one) {}"), "one") == ["1"]
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=TIMEOUT)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0
    assert port_closed(port)  # the oxigraph child went with it
