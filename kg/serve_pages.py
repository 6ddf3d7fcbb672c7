"""The pages ``kg serve`` serves next to the SPARQL endpoint: the explorer and a query page.

A small HTTP server (standard library, one thread per request) stands in front of the
Oxigraph server that :func:`kg.serve.serve` starts on a loopback port of its own. It answers

- ``/`` — the query page: the contract's prefixes declared, the named queries of
  ``queries/`` ready to pick (with fields for their parameters), results as a table;
- ``/explorer`` — the build's ``graph.html`` (the file beside the graph, read at each
  request, so a rebuild shows at once; else a page rendered from the graph at start);

and forwards every other request (``/query``, ``/update``, ``/store``…) to Oxigraph as it
came (method, path, query string, body, headers but the hop-by-hop ones), so pages and
endpoint share one origin and the addresses of the SPARQL 1.1 Protocol and Graph Store
Protocol stay where they were. An optional ``check`` callable sees each request first and
may refuse it (a place for a Host check).

Example::

    front = start_front(store, graph="exports/graph.trig", port=7878)
    for name, url in front.addresses():
        print(name, url)
    front.stop()
"""

from __future__ import annotations

import http.client
import http.server
import json
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.serve import ServeError, Server, is_loopback, serve

__all__ = ["Front", "PagesServer", "query_page", "start_front", "free_port", "FORWARD_TIMEOUT"]

ASSETS = Path(__file__).resolve().parent / "assets"
#: Seconds the front waits for Oxigraph's answer (long queries are Oxigraph's to time out).
FORWARD_TIMEOUT = 3600.0
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
     "transfer-encoding", "upgrade", "host", "content-length"}
)
_CHUNK = 1 << 16


def _escape_json(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def query_page(queries_folder: str | Path | None = None) -> str:
    """The query page: the contract's prefixes and the named queries, inlined in one file.

    Parameters
    ----------
    queries_folder : str or os.PathLike, optional
        Folder of ``.rq`` files (default: the repository's ``queries/``).

    Returns
    -------
    str
        The HTML page; it sends its queries to ``query`` on the same origin.
    """
    from kg.queries import PREFIXES, list_queries

    queries = [
        {
            "name": q.name,
            "title": q.title,
            "question": q.description,
            "params": [{"name": p.name, "description": p.description} for p in q.params],
            "text": q.path.read_text(encoding="utf-8"),
        }
        for q in list_queries(queries_folder)
    ]
    data = {"prefixes": [[p, iri] for p, iri in PREFIXES.items()], "queries": queries}
    page = (ASSETS / "query.html").read_text(encoding="utf-8")
    page = page.replace("/*KG-QUERY-CSS*/", (ASSETS / "query.css").read_text(encoding="utf-8"), 1)
    page = page.replace("/*KG-QUERY-DATA*/", _escape_json(data), 1)
    return page.replace("/*KG-QUERY-JS*/", (ASSETS / "query.js").read_text(encoding="utf-8"), 1)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET) as s:
        s.bind((host.strip("[]"), 0))
        return s.getsockname()[1]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: PagesServer
    server_version = "kg-serve"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass  # quiet: the CLI prints the addresses; Oxigraph has its own log

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _page(self) -> bool:
        path = self.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            self._send(200, self.server.query_page, "text/html; charset=utf-8")
        elif path in ("/explorer", "/explorer/", "/graph.html"):
            self._send(200, self.server.explorer(), "text/html; charset=utf-8")
        elif path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
        else:
            return False
        return True

    def _handle(self) -> None:
        refusal = self.server.check(self) if self.server.check is not None else None
        if refusal is not None:
            self._send(refusal[0], refusal[1].encode("utf-8"), "text/plain; charset=utf-8")
            return
        if self.command in ("GET", "HEAD") and self._page():
            return
        self._forward()

    def _forward(self) -> None:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._send(411, b"send a Content-Length (chunked requests are not forwarded)\n", "text/plain")
            return
        body = self.rfile.read(int(length)) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        upstream = http.client.HTTPConnection(self.server.upstream_host, self.server.upstream_port,
                                              timeout=FORWARD_TIMEOUT)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in _HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                while chunk := answer.read(_CHUNK):
                    self.wfile.write(chunk)
        except (OSError, http.client.HTTPException) as exc:
            try:
                self._send(502, f"the SPARQL server did not answer ({exc})\n".encode(), "text/plain; charset=utf-8")
            except OSError:
                pass
        finally:
            upstream.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle


class PagesServer(http.server.ThreadingHTTPServer):
    """The front server: pages here, everything else forwarded to ``upstream`` (a base URL)."""

    daemon_threads = True

    def __init__(self, host: str, port: int, upstream: str, *, explorer: Path | bytes | None,
                 pages_query: str | None = None,
                 check: Callable[[http.server.BaseHTTPRequestHandler], tuple[int, str] | None] | None = None):
        from urllib.parse import urlsplit

        self.address_family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
        split = urlsplit(upstream)
        self.upstream_host, self.upstream_port = split.hostname, split.port or 80
        self._explorer = explorer
        self.query_page = (pages_query if pages_query is not None else query_page()).encode("utf-8")
        self.check = check
        super().__init__((host.strip("[]"), port), _Handler)

    def explorer(self) -> bytes:
        """The explorer page: the file (read now) or the page rendered at start."""
        if isinstance(self._explorer, Path):
            try:
                return self._explorer.read_bytes()
            except OSError as exc:
                return f"<!DOCTYPE html><p>{self._explorer.name}: cannot be read ({exc.strerror})</p>".encode()
        if self._explorer is None:
            return b"<!DOCTYPE html><p>No explorer page: build the graph with 'kg build' (graph.html).</p>"
        return self._explorer


class Front:
    """What ``kg serve`` runs: the Oxigraph server and the pages in front of it."""

    def __init__(self, backend: Server, pages: PagesServer, host: str, port: int):
        self.backend = backend
        self.pages = pages
        self.thread = threading.Thread(target=pages.serve_forever, name="kg-serve-pages", daemon=True)
        h = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
        self.base_url = f"http://{h}:{port}/"
        self.read_only = backend.read_only

    @property
    def running(self) -> bool:
        return self.backend.running and self.thread.is_alive()

    def addresses(self) -> list[tuple[str, str]]:
        """``(what, URL)`` of everything served, in the order ``kg serve`` prints them."""
        out = [
            ("explorer", self.base_url + "explorer"),
            ("query page", self.base_url),
            ("SPARQL query", self.base_url + "query" + (" (read-only)" if self.read_only else "")),
        ]
        if not self.read_only:
            out.append(("SPARQL update", self.base_url + "update"))
        store = "(kg push URL)" if not self.read_only else "(read-only: GET only; kg push needs --writable)"
        out.append(("Graph Store", f"{self.base_url}store {store}"))
        return out

    def stop(self, timeout: float = 5) -> None:
        """Stop the pages, then Oxigraph."""
        try:
            self.pages.shutdown()
            self.pages.server_close()
        finally:
            self.backend.stop(timeout)

    def __enter__(self) -> Front:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _explorer_source(graph: Path | None) -> Path | bytes | None:
    """``graph.html`` beside the graph; else a page rendered from the graph; else None."""
    if graph is None:
        return None
    beside = graph.parent / "graph.html"
    if beside.is_file():
        return beside
    from kg.view import load_view_graph, render_html, view_network

    try:
        return render_html(view_network(load_view_graph(graph)), title=f"kg — {graph.name}").encode("utf-8")
    except KgError:
        return None


def start_front(store_dir: str | Path, *, graph: str | Path | None = None, host: str = "127.0.0.1",
                port: int = 7878, read_only: bool = True, allow_remote: bool = False,
                check: Callable[[http.server.BaseHTTPRequestHandler], tuple[int, str] | None] | None = None,
                timeout: float = 30) -> Front:
    """Start Oxigraph on a free loopback port and the pages in front of it on ``host:port``.

    Parameters
    ----------
    store_dir : str or os.PathLike
        A store made by :func:`kg.serve.prepare_store`.
    graph : str or os.PathLike, optional
        The built graph served; its ``graph.html`` is the explorer.
    host, port : str, int
        Where the pages and the forwarded endpoint listen. A host other than loopback
        is refused unless ``allow_remote``.
    read_only : bool
        Oxigraph refuses updates (``/update``, Graph Store writes).
    check : callable, optional
        Called with each request handler before anything else; returns ``None`` to let
        the request through or ``(status, message)`` to refuse it.
    timeout : float
        Seconds to wait for Oxigraph to answer at start.

    Returns
    -------
    Front

    Raises
    ------
    ServeError
        When a server cannot start (port taken, Oxigraph missing…).
    """
    if not is_loopback(host) and not allow_remote:
        raise ServeError(f"host {host!r} is not loopback; the graph would be reachable from other "
                         "machines. Pass --host explicitly to allow it")
    if not 0 < port < 65536:
        raise ServeError(f"port {port}: expected 1-65535")
    explorer = _explorer_source(Path(graph) if graph is not None else None)
    backend = None
    for attempt in range(3):  # the free port may be taken between free_port() and oxigraph's bind
        try:
            backend = serve(store_dir, host="127.0.0.1", port=free_port(), read_only=read_only, timeout=timeout)
            break
        except ServeError:
            if attempt == 2:
                raise
    assert backend is not None
    try:
        pages = PagesServer(host, port, backend.base_url, explorer=explorer, check=check)
    except OSError as exc:
        backend.stop()
        raise ServeError(f"cannot listen on {host}:{port} ({exc.strerror}); is another server running there? "
                         "Pass another --port") from None
    front = Front(backend, pages, host, port)
    front.thread.start()
    return front
