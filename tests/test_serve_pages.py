"""Tests of kg.serve.pages and of what `kg serve` prints and serves besides the endpoint: the
query page (contract prefixes, named queries), the explorer, the requests forwarded to Oxigraph.
Every wait is bounded; no spaCy model needed."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_serve import TIMEOUT, TRIG, port_closed, sparql, update, values

from kg.queries import PREFIXES, list_queries
from kg.serve import prepare_store
from kg.serve.pages import free_port, query_page, start_front
from kg.view import external_references

CONTRACT_PREFIXES = ("ckg", "ckgr", "skos", "nif", "dcterms", "xsd", "geo", "sem", "prov", "owl", "rdfs")


def _page_json(page: str, element_id: str) -> dict:
    m = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert m, element_id
    return json.loads(m.group(1))


def _get(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:  # noqa: S310 - loopback URL we built
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


@pytest.fixture
def graph(tmp_path: Path) -> Path:
    p = tmp_path / "out" / "graph.trig"
    p.parent.mkdir()
    p.write_text(TRIG, encoding="utf-8")
    return p


# --------------------------------------------------------------------- the query page


def test_serve_pages_query_page_declares_the_contract_prefixes_and_the_named_queries():
    page = query_page()
    data = _page_json(page, "q-data")
    declared = dict(data["prefixes"])
    for prefix in CONTRACT_PREFIXES:
        assert declared[prefix] == PREFIXES[prefix]
    named = {q["name"]: q for q in data["queries"]}
    assert sorted(named) == [q.name for q in list_queries()] and len(named) >= 15
    captures = named["territory-captures"]
    assert captures["title"] == "Places that changed hands"
    assert [p["name"] for p in captures["params"]] == ["place", "actor", "since"]
    assert "ckg:TerritoryCapture" in captures["text"]
    assert external_references(page) == [] and "<link" not in page and "<script src" not in page


def test_serve_pages_query_page_escapes_its_data(tmp_path):
    (tmp_path / "evil.rq").write_text("# title: </script><script>alert(1)</script>\nSELECT * WHERE { ?s ?p ?o }\n",
                                      encoding="utf-8")
    page = query_page(tmp_path)
    assert "<script>alert(1)" not in page
    assert _page_json(page, "q-data")["queries"][0]["title"] == "</script><script>alert(1)</script>"


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_serve_pages_query_script_parses(tmp_path):
    source = tmp_path / "query.js"
    source.write_text((Path(__file__).resolve().parents[1] / "kg" / "assets" / "query.js").read_text("utf-8"), "utf-8")
    done = subprocess.run(["node", "--check", str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# ------------------------------------------------------------- the front server


def test_serve_pages_front_serves_pages_and_forwards_the_protocol(graph, tmp_path):
    (graph.parent / "graph.html").write_text("<!DOCTYPE html><p>explorer v1</p>", encoding="utf-8")
    store = prepare_store(graph, tmp_path / "store")
    port = free_port()
    with start_front(store, graph=graph, port=port, timeout=TIMEOUT) as front:
        base = f"http://127.0.0.1:{port}/"
        assert front.addresses() == [
            ("explorer", base + "explorer"),
            ("query page", base),
            ("SPARQL query", base + "query (read-only)"),
            ("Graph Store", base + "store (read-only: GET only; kg push needs --writable)"),
        ]
        status, body, headers = _get(base)
        assert status == 200 and headers["Content-Type"].startswith("text/html") and b'id="q-data"' in body
        assert _get(base + "explorer")[1] == b"<!DOCTYPE html><p>explorer v1</p>"
        (graph.parent / "graph.html").write_text("<!DOCTYPE html><p>explorer v2</p>", encoding="utf-8")
        assert _get(base + "explorer")[1] == b"<!DOCTYPE html><p>explorer v2</p>"  # read at each request
        # the SPARQL protocol through the front: GET and POST queries, a refused update, the store
        labels = values(sparql(base + "query", "SELECT ?l WHERE { ?p <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"), "l")
        assert sorted(labels) == ["Alep", "Homs"]
        req = urllib.request.Request(base + "query", data=b"ASK { ?s ?p ?o }",
                                     headers={"Content-Type": "application/sparql-query",
                                              "Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310
            assert json.load(resp)["boolean"] is True
        assert update(base + "update", "DROP ALL") in (403, 404, 405)
        status, body, _ = _get(base + "store?default")
        assert status == 200 and b"Homs" in body
        assert _get(base + "nowhere")[0] == 404  # Oxigraph's answer, forwarded
    assert port_closed(port) and not front.running


def test_serve_pages_front_writable_takes_updates_and_kg_push(graph, tmp_path):
    from kg.push import push_graphs

    store = prepare_store(graph, tmp_path / "store")
    port = free_port()
    with start_front(store, graph=graph, port=port, read_only=False, timeout=TIMEOUT) as front:
        base = f"http://127.0.0.1:{port}/"
        assert ("SPARQL update", base + "update") in front.addresses()
        assert ("Graph Store", base + "store (kg push URL)") in front.addresses()
        assert update(base + "update", 'INSERT DATA { <urn:x> <http://www.w3.org/2004/02/skos/core#prefLabel> "X" }') in (200, 204)
        other = tmp_path / "other.trig"
        other.write_text(TRIG.replace('"Alep"', '"Alep-bis"'), encoding="utf-8")
        push_graphs(other, base + "store")
        q = "SELECT ?l WHERE { GRAPH ?g { ?p <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }"
        assert "Alep-bis" in values(sparql(base + "query", q), "l")
        # without graph.html beside the graph, the explorer is rendered from the graph at start
        assert b'id="kg-data"' in _get(base + "explorer")[1]


def test_serve_pages_another_host_is_refused_pages_too(graph, tmp_path):
    """The front's Host check (DNS rebinding) guards kg's pages as it guards the endpoint."""
    store = prepare_store(graph, tmp_path / "store")
    port = free_port()
    with start_front(store, graph=graph, port=port, timeout=TIMEOUT):
        assert _get(f"http://127.0.0.1:{port}/")[0] == 200
        for path in ("/", "/explorer", "/query?query=ASK%7B%7D"):
            req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": "evil.example"})
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(req, timeout=TIMEOUT)  # noqa: S310
            assert err.value.code == 403, path


def test_serve_pages_refuses_a_taken_port_and_stops_oxigraph(graph, tmp_path):
    import socket

    from kg.serve import ServeError

    store = prepare_store(graph, tmp_path / "store")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError, match="another --port"):
            start_front(store, graph=graph, port=port, timeout=TIMEOUT)


def test_serve_pages_refuses_a_non_loopback_host(graph, tmp_path):
    from kg.serve import ServeError

    store = prepare_store(graph, tmp_path / "store")
    with pytest.raises(ServeError, match="not loopback"):
        start_front(store, graph=graph, host="0.0.0.0", port=free_port())


def test_serve_pages_cli_prints_every_address(graph, tmp_path):
    port = free_port()
    cmd = [sys.executable, "-m", "kg.cli", "serve", "--graph", str(graph), "--port", str(port), "--writable",
           "--store", str(tmp_path / "store")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 60
        lines: list[str] = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line or line.startswith("Press Ctrl-C"):
                break
            lines.append(line.rstrip("\n"))
        base = f"http://127.0.0.1:{port}/"
        assert lines == [
            f"explorer:       {base}explorer",
            f"query page:     {base}",
            f"SPARQL query:   {base}query",
            f"SPARQL update:  {base}update",
            f"Graph Store:    {base}store (kg push URL)",
        ], "\n".join(lines) + (proc.stderr.read() if proc.poll() is not None else "")
        assert _get(base)[0] == 200 and _get(base + "explorer")[0] == 200
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=TIMEOUT)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0
    assert port_closed(port)


# ------------------------------------------------------------------ in a browser


@pytest.mark.browser
def test_serve_pages_query_page_in_a_browser(graph, tmp_path):
    """Pick a named query, bind a parameter by label, run it: rows, no console error, no other origin."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
    if not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()):
        pytest.skip("chromium and chromium-driver (apt) not installed")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import Select

    query = graph.parent.parent / "queries"
    query.mkdir()
    (query / "labels.rq").write_text(
        "# title: Labels\n# question: Which labels?\n# param: ?place — a place\n"
        "SELECT ?label WHERE { ?place skos:prefLabel ?label } ORDER BY ?label\n", encoding="utf-8")
    store = prepare_store(graph, tmp_path / "store")
    port = free_port()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    front = start_front(store, graph=graph, port=port, timeout=TIMEOUT, queries_folder=query)
    chrome = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    try:
        base = f"http://127.0.0.1:{port}/"
        chrome.get(base)
        text = chrome.find_element("id", "q-text").get_attribute("value")
        assert all(f"PREFIX {p}: <{PREFIXES[p]}>" in text for p in CONTRACT_PREFIXES)
        Select(chrome.find_element("id", "q-named")).select_by_value("labels")
        chrome.find_element("id", "q-param-place").send_keys("homs")  # a label, looked up case-insensitively
        chrome.find_element("id", "q-run").click()
        deadline = time.monotonic() + TIMEOUT
        while not chrome.find_elements("css selector", "#q-table tbody tr") and time.monotonic() < deadline:
            time.sleep(0.1)
        cells = [td.text for td in chrome.find_elements("css selector", "#q-table tbody td")]
        assert cells == ["Homs"]
        assert not chrome.find_element("id", "q-error").is_displayed()
        assert [e for e in chrome.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
        sent = [json.loads(e["message"])["message"] for e in chrome.get_log("performance")]
        urls = [m["params"]["request"]["url"] for m in sent if m["method"] == "Network.requestWillBeSent"
                and not m["params"].get("documentURL", "").startswith("chrome")]  # Chromium's new-tab page
        assert urls and all(u.startswith(base) for u in urls), urls
    finally:
        chrome.quit()
        front.stop()


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_serve_pages_query_csv_download_cannot_run_formulas(tmp_path):
    """The query page's CSV download makes cells safe as kg.store.csv_cell does; numbers stay."""
    source = (Path(__file__).resolve().parents[1] / "kg" / "assets" / "query.js").read_text("utf-8")
    (function,) = re.findall(r"\n  function csvCell\(.*?\n  }\n", source, re.S)
    xsd = "http://www.w3.org/2001/XMLSchema#"
    terms = [{"type": "literal", "value": '=HYPERLINK("http://x")'}, {"type": "literal", "value": "+cmd|calc"},
             {"type": "literal", "value": "-3", "datatype": xsd + "integer"}, {"type": "literal", "value": "-3 morts"},
             {"type": "literal", "value": "@x", "xml:lang": "fr"}, {"type": "uri", "value": "http://x/a"},
             {"type": "literal", "value": "a\u202eb"}, None]
    script = tmp_path / "cells.js"
    script.write_text(f"const XSD = {json.dumps(xsd)};\n{function}\n"
                      f"console.log(JSON.stringify({json.dumps(terms)}.map(csvCell)));\n", "utf-8")
    done = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ['"\'=HYPERLINK(""http://x"")"', "'+cmd|calc", "-3", "'-3 morts", "'@x",
                                       "http://x/a", "a\\u202eb", ""]


def test_serve_pages_explorer_rendered_at_start_keeps_the_best_connected_events(tmp_path, monkeypatch):
    """Without graph.html (a build with --no-html), kg serve rendered every event into the explorer
    at start (16.5 MB at 3,400 articles; half of a start of 104 s, silent): it keeps the best-connected
    events, as a build's page and kg view do, and says so on the page."""
    from conftest import make_graph

    import kg.pipeline.parts as parts
    from kg.serve.pages import _explorer_source

    source = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(source), format="turtle")  # 4 events
    monkeypatch.setattr(parts, "VIEW_EVENTS", 2)
    page = _explorer_source(source).decode("utf-8")
    data = _page_json(page, "kg-data")
    assert len(data["events"]) == 2 and "2 best-connected events of 4" in page
    monkeypatch.setattr(parts, "VIEW_EVENTS", 5000)
    assert len(_page_json(_explorer_source(source).decode("utf-8"), "kg-data")["events"]) == 4
