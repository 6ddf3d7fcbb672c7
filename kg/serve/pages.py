"""The pages ``kg serve`` serves next to the SPARQL endpoint: the explorer and a query page.

kg's front server (:func:`kg.serve.serve`: the Host check, the refusal of federated queries,
the query timeout) answers two paths itself and forwards the rest to Oxigraph:

- ``/`` — the query page: the contract's prefixes declared, the named queries of
  ``queries/`` ready to pick (with fields for their parameters), results as a table;
- ``/explorer`` — the build's ``graph.html`` (the file beside the graph, read at each
  request, so a rebuild shows at once; else a page rendered from the graph at start).

So pages and endpoint share one origin, and the addresses of the SPARQL 1.1 Protocol and
Graph Store Protocol (``/query``, ``/update``, ``/store``) stay where they were.

Example::

    server = start_front(store, graph="exports/graph.trig", port=7878)
    for name, url in server.addresses():
        print(name, url)
    server.stop()
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.serve.server import Server, serve

__all__ = ["free_port", "pages_for", "query_page", "start_front"]

ASSETS = Path(__file__).resolve().parents[1] / "assets"
_HTML = "text/html; charset=utf-8"


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


def _explorer_source(graph: Path | None) -> Path | bytes | None:
    """``graph.html`` beside the graph (in the build folder ``graph`` may be); else a page rendered
    from the graph, of its :data:`kg.pipeline.parts.VIEW_EVENTS` best-connected events as a build's
    page and ``kg view`` hold (every event made a page of 16.5 MB at 3,400 articles); else None."""
    if graph is None:
        return None
    from kg.store.integrity import graph_file

    graph = graph_file(graph, "graph.trig")
    beside = graph.parent / "graph.html"
    if beside.is_file():
        return beside
    from kg.pipeline.parts import VIEW_EVENTS
    from kg.view import cap_events, cap_note, load_view_graph, render_html, view_network

    try:
        net, total = cap_events(view_network(load_view_graph(graph)), VIEW_EVENTS)
    except KgError:
        return None
    note = cap_note(VIEW_EVENTS, total, "'kg view' with filters writes any part.")
    return render_html(net, title=f"kg — {graph.name}", note=note).encode("utf-8")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now (the OS picks it)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET) as s:
        s.bind((host.strip("[]"), 0))
        return s.getsockname()[1]


def pages_for(graph: str | Path | None, queries_folder: str | Path | None = None
              ) -> Callable[[str], tuple[bytes, str] | None]:
    """The pages served for a graph, by path: ``(body, content type)``, or None to forward.
    ``queries_folder`` holds the named queries of the query page (default: ``queries/``)."""
    explorer = _explorer_source(Path(graph) if graph is not None else None)
    query = query_page(queries_folder).encode("utf-8")

    def page(path: str) -> tuple[bytes, str] | None:
        if path in ("/", "/index.html"):
            return query, _HTML
        if path in ("/explorer", "/explorer/", "/graph.html"):
            return _explorer_bytes(explorer), _HTML
        if path == "/favicon.ico":
            return b"", "image/x-icon"
        return None

    return page


def _explorer_bytes(explorer: Path | bytes | None) -> bytes:
    """The explorer page: the file (read now) or the page rendered at start."""
    if isinstance(explorer, Path):
        try:
            return explorer.read_bytes()
        except OSError as exc:
            return f"<!DOCTYPE html><p>{explorer.name}: cannot be read ({exc.strerror})</p>".encode()
    if explorer is None:
        return b"<!DOCTYPE html><p>No explorer page: build the graph with 'kg build' (graph.html).</p>"
    return explorer


def start_front(store_dir: str | Path, *, graph: str | Path | None = None, host: str = "127.0.0.1",
                port: int = 7878, read_only: bool = True, allow_remote: bool = False,
                timeout: float = 30, query_timeout: float | None = None,
                queries_folder: str | Path | None = None) -> Server:
    """Start ``kg serve``: Oxigraph behind kg's front server on ``host:port``, with the pages.

    Parameters
    ----------
    store_dir : str or os.PathLike
        A store made by :func:`kg.serve.prepare_store`.
    graph : str or os.PathLike, optional
        The built graph served; its ``graph.html`` is the explorer.
    host, port : str, int
        Where the pages and the endpoint listen. A host other than loopback is refused
        unless ``allow_remote``.
    read_only : bool
        Oxigraph refuses updates (``/update``, Graph Store writes).
    timeout : float
        Seconds to wait for Oxigraph to answer at start.
    query_timeout : float, optional
        Seconds a query may run (default: :data:`kg.serve.QUERY_TIMEOUT`).
    queries_folder : str or os.PathLike, optional
        The named queries of the query page (default: the repository's ``queries/``).

    Raises
    ------
    ServeError
        When the server cannot start (port taken, Oxigraph missing…).
    """
    extra = {} if query_timeout is None else {"query_timeout": query_timeout}
    return serve(store_dir, host=host, port=port, read_only=read_only, allow_remote=allow_remote,
                 timeout=timeout, pages=pages_for(graph, queries_folder), **extra)
