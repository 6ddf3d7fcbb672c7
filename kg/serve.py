"""Serve a built graph over the SPARQL 1.1 Protocol with the Oxigraph server.

The ``oxigraph`` PyPI package ships a command-line server, ``oxigraph``, installed next to
the Python interpreter. :func:`prepare_store` loads ``graph.trig`` (or ``graph.ttl``) into an
Oxigraph store folder with ``oxigraph load``, then copies the triples of every named graph
into the default graph (``oxigraph update``), so that the queries of ``queries/`` see all
triples once each without ``GRAPH`` clauses while each article's named graph stays
queryable. :func:`serve` starts ``oxigraph serve-read-only`` (or ``oxigraph serve`` when
writable) on that folder and returns a :class:`Server` handle.

The server listens on the loopback interface only, unless the caller explicitly allows
another host.

Example::

    store = prepare_store("exports/graph.trig", "exports/oxigraph")
    with serve(store, port=7878) as server:
        print(server.url)   # http://127.0.0.1:7878/query
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from kg.errors import KgError

__all__ = ["ServeError", "Server", "find_oxigraph", "prepare_store", "serve", "is_loopback", "STORE_MARKER"]

#: File that marks a folder as an Oxigraph store made by kg, so it may be emptied and reloaded.
STORE_MARKER = ".kg-oxigraph-store"
_UNION_UPDATE = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_FORMATS = {".trig": "trig", ".ttl": "ttl", ".nt": "nt", ".nq": "nq", ".n3": "n3"}


class ServeError(KgError):
    """The SPARQL server cannot be prepared, started or stopped."""


def find_oxigraph() -> str:
    """The path of the ``oxigraph`` binary: ``$KG_OXIGRAPH``, else beside the running Python
    (the virtual environment's ``bin/``), else on ``PATH``."""
    env = os.environ.get("KG_OXIGRAPH")
    if env:
        if Path(env).is_file():
            return env
        raise ServeError(f"KG_OXIGRAPH={env}: no such file")
    exe = "oxigraph.exe" if sys.platform == "win32" else "oxigraph"
    beside = Path(sys.executable).parent / exe
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ServeError("the oxigraph server is not installed; run 'pip install oxigraph' "
                     "(or set KG_OXIGRAPH to its path)")


def is_loopback(host: str) -> bool:
    """Whether ``host`` names the loopback interface (``127.0.0.1``, ``::1``, ``localhost``)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def prepare_store(graph_path: str | Path, store_dir: str | Path, *, timeout: float = 300) -> Path:
    """Load a built graph (TriG, Turtle, N-Triples, N-Quads) into a fresh Oxigraph store folder.

    ``store_dir`` must be absent, empty, or a store that this function made before (it holds
    :data:`STORE_MARKER`); such a store is emptied and reloaded, so it always mirrors the
    graph. ``oxigraph load`` runs as a child process, so the store is closed when it returns.
    """
    graph = Path(graph_path)
    store = Path(store_dir)
    if not graph.is_file():
        raise ServeError(f"{graph}: no such graph; run 'kg build' first or pass --graph FILE")
    fmt = _FORMATS.get(graph.suffix.lower())
    if fmt is None:
        raise ServeError(f"{graph}: unknown RDF format; expected one of {', '.join(sorted(_FORMATS))}")
    if store.exists():
        if not store.is_dir():
            raise ServeError(f"{store}: exists and is not a folder; pass another --store")
        if any(store.iterdir()):
            if not (store / STORE_MARKER).is_file():
                raise ServeError(f"{store}: folder is not empty and was not made by 'kg serve'; "
                                 "pass an empty or new --store folder")
            shutil.rmtree(store)
    store.mkdir(parents=True, exist_ok=True)
    cmd = [find_oxigraph(), "load", "--location", str(store), "--file", str(graph), "--format", fmt]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise ServeError(f"{graph}: loading into {store} took more than {timeout:.0f} s") from None
    except OSError as exc:
        raise ServeError(f"cannot run {cmd[0]} ({exc.strerror})") from None
    _check(proc, f"{graph}: oxigraph load failed")
    if fmt in ("trig", "nq"):
        # the default graph = the union of the named graphs, each triple once (what graph.ttl holds);
        # --union-default-graph would repeat a triple once per article that states it
        cmd = [find_oxigraph(), "update", "--location", str(store), "--update", _UNION_UPDATE]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ServeError(f"{store}: building the default graph took more than {timeout:.0f} s") from None
        _check(proc, f"{store}: oxigraph update failed")
    derived = graph.with_name("derived.ttl")
    if derived.is_file() and derived != graph:  # the build's derived facts (kg.derive), which the named queries use
        cmd = [find_oxigraph(), "load", "--location", str(store), "--file", str(derived), "--format", "ttl"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ServeError(f"{derived}: loading into {store} took more than {timeout:.0f} s") from None
        _check(proc, f"{derived}: oxigraph load failed")
    (store / STORE_MARKER).write_text(f"loaded from {graph.resolve()}\n", encoding="utf-8")
    return store


def _check(proc: subprocess.CompletedProcess, what: str) -> None:
    if proc.returncode != 0:
        msg = (proc.stderr or proc.stdout).strip().splitlines()
        raise ServeError(f"{what}: {msg[-1] if msg else f'exit {proc.returncode}'}")


class Server:
    """A running Oxigraph server: ``url`` (SPARQL query endpoint), ``update_url``, ``base_url``
    (the web UI), ``stop()``. Also a context manager that stops it on exit."""

    def __init__(self, process: subprocess.Popen, host: str, port: int, store_dir: Path, read_only: bool,
                 log: IO[str] | None = None):
        self.process = process
        self._log = log
        self.host = host
        self.port = port
        self.store_dir = store_dir
        self.read_only = read_only
        h = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
        self.base_url = f"http://{h}:{port}/"
        self.url = self.base_url + "query"
        self.update_url = self.base_url + "update"

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 5) -> int | None:
        """Stop the server (terminate, then kill after ``timeout`` s); return its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self._log is not None and not self._log.closed:
            self._log.close()
        return self.process.returncode

    def log(self) -> str:
        """What the server has printed so far."""
        if self._log is None or self._log.closed:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Server({self.url!r}, pid={self.process.pid}, running={self.running})"


def _wait_ready(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    probe = server.url + "?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            lines = server.log().strip().splitlines()
            raise ServeError(f"oxigraph stopped at start (exit {server.process.returncode})"
                             + (f": {lines[-1]}" if lines else ""))
        try:
            with urllib.request.urlopen(probe, timeout=2) as resp:  # noqa: S310 - loopback URL we built
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.1)
    server.stop()
    raise ServeError(f"oxigraph did not answer on {server.base_url} within {timeout:.0f} s")


def serve(store_dir: str | Path, host: str = "127.0.0.1", port: int = 7878, read_only: bool = True, *,
          allow_remote: bool = False, union_default_graph: bool = False, timeout: float = 30) -> Server:
    """Start ``oxigraph serve-read-only`` (or ``serve`` when not ``read_only``) on a store made by
    :func:`prepare_store`, wait until it answers, and return its :class:`Server` handle.

    A ``host`` other than loopback is refused unless ``allow_remote`` is true.
    ``union_default_graph`` adds ``--union-default-graph`` (not needed for stores made by
    :func:`prepare_store`, whose default graph already holds every triple).
    """
    store = Path(store_dir)
    if not is_loopback(host) and not allow_remote:
        raise ServeError(f"host {host!r} is not loopback; the graph would be reachable from other "
                         "machines. Pass --host explicitly to allow it")
    if not store.is_dir():
        raise ServeError(f"{store}: no such store; prepare it first (kg serve does)")
    if not 0 < port < 65536:
        raise ServeError(f"port {port}: expected 1-65535")
    bind_host = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
    cmd = [find_oxigraph(), "serve-read-only" if read_only else "serve", "--location", str(store),
           "--bind", f"{bind_host}:{port}"]
    if union_default_graph:
        cmd.append("--union-default-graph")
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # a file, not a pipe: it never fills
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    except OSError as exc:
        log.close()
        raise ServeError(f"cannot run {cmd[0]} ({exc.strerror})") from None
    server = Server(proc, host, port, store, read_only, log)
    _wait_ready(server, timeout)
    return server
