"""Tests of kg's proxy before Oxigraph (kg.serve.proxy): an answer cut short never looks complete,
HEAD answers as GET does, and nothing names Oxigraph's private address. Every wait is bounded;
no spaCy model needed."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_serve import TIMEOUT, TRIG, free_port

from kg.serve import prepare_store, serve
from kg.serve.proxy import Proxy

CANCELLED = b"The SPARQL operation has been cancelled"  # how Oxigraph 0.5 ends an answer it cancelled
JSON_PARTS = [b'{"head":{"vars":["s"]},"results":{"bindings":[', b'{"s":{"type":"uri","value":"urn:a"}},']
CSV_PARTS = [b"s\r\n", b"urn:a\r\n", b"urn:b\r\n"]


class _Upstream(BaseHTTPRequestHandler):
    """A stand-in for Oxigraph that streams ``server.parts`` as chunks, then the last chunk unless
    ``server.end`` is false (a connection that breaks)."""

    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Type", self.server.ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for part in self.server.parts:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        if self.server.end:
            self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        pass


@pytest.fixture
def front():
    """A proxy before a fake upstream; yields ``(proxy URL, upstream server)``."""
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    upstream.daemon_threads = True
    proxy = Proxy(("127.0.0.1", 0), upstream.server_address, set(), 5.0, None)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (upstream, proxy)]
    for t in threads:
        t.start()
    try:
        yield f"http://127.0.0.1:{proxy.server_address[1]}/query?query=SELECT", upstream
    finally:
        for s in (proxy, upstream):
            s.shutdown()
            s.server_close()


def _raw_get(url: str) -> bytes:
    """Everything the server sends for a GET, until it closes the connection."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT) as sock:
        sock.sendall(f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(1 << 16):
            data += chunk
    return data


@pytest.mark.parametrize(
    ("ctype", "parts"),
    [
        ("application/sparql-results+json", [*JSON_PARTS, CANCELLED]),
        ("text/csv", [*CSV_PARTS, CANCELLED]),
        ("text/csv", [*CSV_PARTS, CANCELLED[:15], CANCELLED[15:]]),  # the message over two reads
    ],
)
def test_serve_proxy_answer_cancelled_mid_stream_is_an_incomplete_transfer(front, ctype, parts):
    """Oxigraph ends an answer it cancelled after streaming began with its message and a normal end:
    the client must see a broken transfer (no last chunk), never the message as data."""
    url, upstream = front
    upstream.ctype, upstream.parts, upstream.end = ctype, parts, True
    with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:  # noqa: S310 - loopback URL we built
        assert resp.status == 200
        with pytest.raises(http.client.IncompleteRead) as err:
            resp.read()
    assert CANCELLED not in err.value.partial
    raw = _raw_get(url)
    assert b"Transfer-Encoding: chunked" in raw and not raw.endswith(b"0\r\n\r\n") and CANCELLED not in raw


def test_serve_proxy_answer_whose_upstream_breaks_is_an_incomplete_transfer(front):
    url, upstream = front
    upstream.ctype, upstream.parts, upstream.end = "text/csv", CSV_PARTS, False
    with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:  # noqa: S310
        with pytest.raises(http.client.IncompleteRead) as err:
            resp.read()
    assert err.value.partial == b"".join(CSV_PARTS)[: len(err.value.partial)]


@pytest.mark.parametrize(
    ("ctype", "parts"), [("application/sparql-results+json", [*JSON_PARTS, b"]}}"]), ("text/csv", CSV_PARTS)]
)
def test_serve_proxy_complete_streamed_answer_passes_whole(front, ctype, parts):
    url, upstream = front
    upstream.ctype, upstream.parts, upstream.end = ctype, parts, True
    with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:  # noqa: S310
        assert resp.read() == b"".join(parts)
        assert resp.headers["Content-Type"] == ctype


def _graph_of(tmp_path, n: int):
    """A TriG graph of ``n`` triples in one named graph (a cartesian product of it is n² rows)."""
    lines = [f"<urn:s{i}> <urn:p> <urn:o{i % 7}> ." for i in range(n)]
    p = tmp_path / "big.trig"
    p.write_text("<urn:g> {\n" + "\n".join(lines) + "\n}\n", encoding="utf-8")
    return p


def test_serve_proxy_query_cancelled_by_oxigraph_after_streaming_began(tmp_path):
    """The real thing: a cartesian product (9M rows) cancelled by Oxigraph's 1 s timeout while its
    rows stream; the client gets rows, then an incomplete read (never a 200 that parses)."""
    store = prepare_store(_graph_of(tmp_path, 3000), tmp_path / "store")
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    with serve(store, port=free_port(), timeout=TIMEOUT, query_timeout=1) as server:
        for accept in ("text/csv", "application/sparql-results+json"):
            req = urllib.request.Request(
                server.url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept}
            )
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310
                assert resp.status == 200
                with pytest.raises(http.client.IncompleteRead) as err:
                    resp.read()
            assert len(err.value.partial) > 1000 and CANCELLED not in err.value.partial[-200:], accept
        # a query that ends in time still arrives whole, chunked
        req = urllib.request.Request(
            server.url + "?query=" + urllib.parse.quote("SELECT * { ?s ?p ?o }"),
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310
            assert len(json.load(resp)["results"]["bindings"]) == 3000
            assert resp.headers["Transfer-Encoding"] == "chunked"


@pytest.fixture
def small(tmp_path):
    graph = tmp_path / "graph.trig"
    graph.write_text(TRIG, encoding="utf-8")
    store = prepare_store(graph, tmp_path / "store")
    with serve(store, port=free_port(), timeout=TIMEOUT) as server:
        yield server


def _fetch(url: str, method: str = "GET", accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, method=method, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.parametrize("path", ["query?query=ASK%7B%7D", "query", "store?default", "nowhere"])
def test_serve_proxy_head_answers_as_get_without_a_body(small, path):
    accept = "application/n-triples" if path == "query" else None
    status, headers, body = _fetch(small.base_url + path, "GET", accept)
    head_status, head_headers, head_body = _fetch(small.base_url + path, "HEAD", accept)
    assert (head_status, head_headers.get("Content-Type")) == (status, headers.get("Content-Type"))
    assert head_body == b""
    if path.startswith("query?"):
        assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}


def test_serve_proxy_never_names_oxigraphs_private_address(small):
    """The service description's sd:endpoint and a query's base IRI are built from the request's
    URL: they must name the address clients use, not Oxigraph's private one."""
    private = "{}:{}".format(*small.proxy.upstream)
    public = small.base_url.rstrip("/")
    seen = []
    for accept in ("application/n-triples", "text/turtle", "application/rdf+xml", "application/ld+json"):
        status, headers, body = _fetch(small.url, accept=accept)
        assert status == 200, accept
        seen.append((headers, body))
    assert f"<{small.url}>".encode() in seen[0][1]  # sd:endpoint, absolute in N-Triples
    query = urllib.parse.urlencode({"query": "SELECT ?x WHERE { BIND(<x> AS ?x) }"})
    status, headers, body = _fetch(f"{small.url}?{query}", accept="text/csv")
    assert body.split() == [b"x", f"{public}/x".encode()]
    seen.append((headers, body))
    for path in ("", "store?default", "nowhere", "query?query=nonsense"):
        seen.append(_fetch(small.base_url + path)[1:])
    for headers, body in seen:
        assert private not in json.dumps(headers) and private.encode() not in body


def test_serve_proxy_answer_without_a_body_has_no_chunks(tmp_path):
    """Oxigraph answers an update 204 No Content: passed on with no body and no chunked framing."""
    graph = tmp_path / "graph.trig"
    graph.write_text(TRIG, encoding="utf-8")
    store = prepare_store(graph, tmp_path / "store")
    with serve(store, port=free_port(), read_only=False, timeout=TIMEOUT) as server:
        body = urllib.parse.urlencode({"update": 'INSERT DATA { <urn:x> <urn:p> "X" }'}).encode()
        with socket.create_connection((server.host, server.port), timeout=TIMEOUT) as sock:
            sock.sendall(
                b"POST /update HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            raw = b""
            while chunk := sock.recv(1 << 16):
                raw += chunk
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 204 ") and b"transfer-encoding" not in head.lower() and rest == b""
