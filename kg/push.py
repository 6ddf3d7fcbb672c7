"""Push a build's named graphs to a SPARQL 1.1 Graph Store Protocol endpoint.

One HTTP ``PUT URL?graph=<IRI>`` per named graph of ``graph.trig`` (each article's
``ckgr:graph/<id>`` and ``ckgr:graph/entities``), with the graph as N-Triples. ``PUT``
replaces the graph on the server, so pushing again after a rebuild replaces each article's
graph and leaves the others alone. The TriG file is streamed (Oxigraph's parser), one graph in
memory at a time.

Example (Oxigraph: ``oxigraph serve --location DIR`` answers the protocol on ``/store``)::

    push_graphs("exports/graph.trig", "http://127.0.0.1:7878/store")
"""

from __future__ import annotations

import base64
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError, NoGraphError, UsageError

__all__ = ["PushError", "PushResult", "push_graphs", "check_url"]


class PushError(KgError):
    """A graph could not be uploaded."""


class _NoGraph(PushError, NoGraphError):
    """No graph where the command was told to read one: a PushError and a usage error (exit 2)."""


@dataclass(frozen=True)
class PushResult:
    graphs: int
    triples: int
    seconds: float


def _send(url: str, method: str, body: bytes, headers: dict[str, str], timeout: float) -> None:
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - the user's endpoint
            resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace").strip()
        raise PushError(f"{method} {url}: HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PushError(f"{method} {url}: cannot connect ({reason}); is the server running?") from None


#: files of triples only: no named graph to push
_TRIPLE_FORMATS = (".ttl", ".nt", ".n3")
_NO_NAMED_GRAPHS = ("no named graph ({why}); kg push uploads the named graphs of a build's graph.trig: "
                    "pass -g OUT/graph.trig or the build folder OUT")


def check_url(url: str) -> None:
    """Raise :class:`UsageError` when ``url`` is not an http(s) URL with a host (and a valid port)."""
    example = "expected an http(s):// Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store"
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"{url}: {example}")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in 0-65535
    except ValueError as exc:
        raise UsageError(f"{url}: not a valid URL ({exc}); {example}") from None
    if not parts.hostname:
        raise UsageError(f"{url}: no host; {example}")


def push_graphs(trig: str | Path, url: str, *, user: str | None = None, password: str | None = None,
                timeout: float = 60) -> PushResult:
    """PUT every named graph of ``trig`` (a TriG file, or a build folder: its ``graph.trig``) to the
    Graph Store Protocol endpoint ``url``.

    Raises :class:`UsageError` for a malformed ``url`` (before any request) and for a file with no
    named graph (a ``.ttl``: before any request), :class:`PushError` when a graph cannot be sent."""
    from pyoxigraph import DefaultGraph, RdfFormat, Triple, parse, serialize

    from kg.store.integrity import graph_file

    path = graph_file(trig, "graph.trig")  # a build folder: its graph.trig
    if not path.is_file():
        raise _NoGraph(f"{path}: no such graph; run 'kg build' first or pass --graph FILE.trig")
    check_url(url)
    if path.suffix.lower() in _TRIPLE_FORMATS:
        raise UsageError(f"{path}: " + _NO_NAMED_GRAPHS.format(why="a file of triples holds only a default graph"))
    headers = {"Content-Type": "application/n-triples"}
    if user:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    sep = "&" if "?" in url else "?"
    t0 = time.perf_counter()
    sent: set[str] = set()
    n_graphs = n_triples = 0
    current: str | None = None
    triples: list = []

    def flush() -> None:
        nonlocal n_graphs, n_triples
        if current is None:
            return
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        target = f"{url}{sep}graph={urllib.parse.quote(current, safe='')}"
        # a graph met again later in the file is added to (POST), not replaced
        _send(target, "POST" if current in sent else "PUT", body, headers, timeout)
        if current not in sent:
            n_graphs += 1
        sent.add(current)
        n_triples += len(triples)

    try:
        for q in parse(path=str(path), format=RdfFormat.TRIG):
            if isinstance(q.graph_name, DefaultGraph):
                continue  # kg's TriG has none; the named graphs are what is pushed
            name = q.graph_name.value
            if name != current:
                flush()
                current, triples = name, []
            triples.append(Triple(q.subject, q.predicate, q.object))
        flush()
    except SyntaxError as exc:
        raise PushError(f"{path}: not valid TriG ({exc})") from None
    if not sent:  # nothing was sent: a file of triples only (a Turtle file named .trig), or no triple at all
        raise UsageError(f"{path}: " + _NO_NAMED_GRAPHS.format(why="its triples, if any, are all in the default graph"))
    return PushResult(n_graphs, n_triples, time.perf_counter() - t0)
