"""Serve a built graph over the SPARQL 1.1 Protocol with the Oxigraph server.

The ``oxigraph`` PyPI package ships a command-line server, ``oxigraph``, installed next to
the Python interpreter. :func:`prepare_store` loads ``graph.trig`` (or ``graph.ttl``) into an
Oxigraph store folder with ``oxigraph load``, then copies the triples of every named graph
into the default graph (``oxigraph update``), so that the queries of ``queries/`` see all
triples once each without ``GRAPH`` clauses while each article's named graph stays
queryable. :func:`serve` starts ``oxigraph serve-read-only`` (or ``oxigraph serve`` when
writable) on that folder and returns a :class:`Server` handle.

The server listens on the loopback interface only, unless the caller explicitly allows
another host. Oxigraph itself listens on a private loopback address; what clients reach is a small
proxy of kg's (:class:`_Proxy`, the standard library's ``ThreadingHTTPServer``) in front of it, which

- answers only requests whose ``Host`` header is ``localhost``, an IP address or the ``--host``
  name (a browser page from another site that renamed itself to 127.0.0.1 — DNS rebinding — is
  refused);
- refuses federated queries (``SERVICE``; ``SERVICE`` or ``LOAD`` in updates), which would make the
  server fetch any URL and echo what it got;
- stops a query after ``timeout`` seconds, so an abandoned query does not keep a CPU (and memory)
  busy: Oxigraph is asked to cancel it (``oxigraph serve --timeout-s``), and when it has not
  answered :data:`GRACE` seconds later — Oxigraph 0.5 checks its deadline only at some steps of a
  plan: a sort over a cartesian product runs on, its memory growing — the proxy kills the Oxigraph
  process and starts it again on the same store (queries running at that moment fail with 503).

Oxigraph 0.5 has a (partial) timeout but neither a Host check nor a switch for ``SERVICE``, hence
the proxy.
On Linux the Oxigraph process dies with the process that started it (``PR_SET_PDEATHSIG``), so a
killed ``kg serve`` does not leave it running.

Example::

    store = prepare_store("exports/graph.trig", "exports/oxigraph")
    with serve(store, port=7878) as server:
        print(server.url)   # http://127.0.0.1:7878/query
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO

from kg.errors import KgError
from kg.store.sparql import federated

__all__ = ["ServeError", "Server", "find_oxigraph", "prepare_store", "serve", "is_loopback", "STORE_MARKER",
           "QUERY_TIMEOUT", "host_allowed"]

#: seconds a query may run before the endpoint cancels it (``kg serve --timeout``)
QUERY_TIMEOUT = 30.0
#: largest request body the proxy reads to check it (queries and updates)
MAX_QUERY_BYTES = 16 * 1024 * 1024
#: seconds past the query timeout after which the proxy restarts an Oxigraph that has not stopped
GRACE = 10.0

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
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                              **_child_options())
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
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                              **_child_options())
        except subprocess.TimeoutExpired:
            raise ServeError(f"{store}: building the default graph took more than {timeout:.0f} s") from None
        _check(proc, f"{store}: oxigraph update failed")
    derived = graph.with_name("derived.ttl")
    if derived.is_file() and derived != graph:  # the build's derived facts (kg.rdf.derive), which the named queries use
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


def _child_options() -> dict:
    """Popen options that make a child die with this process (Linux: ``PR_SET_PDEATHSIG``)."""
    if not sys.platform.startswith("linux"):
        return {}
    parent = os.getpid()

    def die_with_parent() -> None:  # runs in the child, between fork and exec
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the call
            os._exit(1)

    return {"preexec_fn": die_with_parent}


def host_allowed(header: str | None, names: set[str] = frozenset()) -> bool:
    """Whether a request's ``Host`` header names this server: ``localhost``, an IP address (an
    address cannot be a rebound DNS name) or one of ``names`` (the ``--host`` given), any port.

    >>> host_allowed("127.0.0.1:7878"), host_allowed("localhost"), host_allowed("[::1]:80")
    (True, True, True)
    >>> host_allowed("evil.example:7878"), host_allowed(None), host_allowed("kg.lan", {"kg.lan"})
    (False, False, True)
    """
    if not header:
        return False
    value = header.strip().lower()
    if value.startswith("["):
        name = value[1:value.find("]")] if "]" in value else value
    else:
        name = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    name = name.rstrip(".")
    if name == "localhost" or name in names:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
        "transfer-encoding", "upgrade", "host", "server", "date", "content-length"}
_CHECKED_TYPES = {"application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update"}


class _Limited:
    """The next ``n`` bytes of a stream, as a file http.client can send."""

    def __init__(self, stream, n: int):
        self.stream, self.left = stream, n

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size < 0 else min(size, self.left)
        data = self.stream.read(size)
        self.left -= len(data)
        return data


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: the response ends when it closes
    server_version = "kg-serve"
    server: _Proxy

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = do_GET  # noqa: N815

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        self.server.note(f"{self.address_string()} {format % args}")

    def _refuse(self, status: int, message: str) -> None:
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _page(self, page: tuple[bytes, str]) -> None:
        body, ctype = page
        self.send_response(200 if body else 204)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        proxy = self.server
        if not host_allowed(self.headers.get("Host"), proxy.names):
            self._refuse(403, f"kg serve: Host {self.headers.get('Host')!r} is not this server; use "
                              f"http://127.0.0.1:{proxy.server_address[1]}/ (a page of another site cannot use it)")
            return
        if self.command in ("GET", "HEAD") and proxy.pages is not None:
            page = proxy.pages(urllib.parse.urlsplit(self.path).path)
            if page is not None:
                self._page(page)
                return
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._refuse(411, "kg serve: send the request body with a Content-Length")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._refuse(400, "kg serve: bad Content-Length")
            return
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body: bytes | _Limited | None = None
        texts: dict[str, list[str]] = {}
        url = urllib.parse.urlsplit(self.path)
        for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items():
            texts.setdefault(k, []).extend(v)
        if length and (ctype in _CHECKED_TYPES or length <= MAX_QUERY_BYTES and not ctype):
            if length > MAX_QUERY_BYTES:
                self._refuse(413, f"kg serve: a query or update over {MAX_QUERY_BYTES} bytes")
                return
            body = self.rfile.read(length)
            text = body.decode("utf-8", "replace")
            if ctype == "application/x-www-form-urlencoded":
                for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items():
                    texts.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-update":
                texts.setdefault("update", []).append(text)
            else:
                texts.setdefault("query", []).append(text)
        elif length:
            body = _Limited(self.rfile, length)
        if any(federated(q) for q in texts.get("query", [])) or \
                any(federated(u, update=True) for u in texts.get("update", [])):
            self._refuse(403, "kg serve: federated queries (SERVICE, and LOAD in updates) are refused: they would "
                              "make this server send requests to other servers")
            return
        self._forward(body, length)

    def _forward(self, body, length: int) -> None:
        proxy = self.server
        generation = proxy.generation()
        conn = http.client.HTTPConnection(proxy.upstream[0], proxy.upstream[1], timeout=proxy.timeout + GRACE)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        if length:
            headers["Content-Length"] = str(length)
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            self.send_response(resp.status, resp.reason)
            for k, v in resp.getheaders():
                if k.lower() not in _HOP:
                    self.send_header(k, v)
            if resp.getheader("Content-Length"):
                self.send_header("Content-Length", resp.getheader("Content-Length"))
            self.end_headers()
            while chunk := resp.read(1 << 16):
                self.wfile.write(chunk)
        except TimeoutError:
            proxy.stuck(generation)
            self._refuse(503, f"kg serve: the query ran over {proxy.timeout:g} s and was stopped (the Oxigraph "
                              "server was restarted); narrow it, or start kg serve with a larger --timeout")
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            try:
                self._refuse(502, f"kg serve: the Oxigraph server did not answer ({exc})")
            except OSError:
                pass  # the client went away
        finally:
            conn.close()


class _Proxy(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address: tuple[str, int], upstream: tuple[str, int], names: set[str], timeout: float,
                 log: IO[str] | None):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.upstream, self.names, self.timeout, self._log = upstream, names, timeout, log
        self.pages: Callable[[str], tuple[bytes, str] | None] | None = None  # kg's own pages, by path
        self._log_lock = threading.Lock()
        self.server_handle: Server | None = None
        super().__init__(address, _ProxyHandler)

    def generation(self) -> int:
        """How many times the Oxigraph server has been restarted (to restart it once per stuck query)."""
        return self.server_handle.restarts if self.server_handle is not None else 0

    def stuck(self, generation: int) -> None:
        """A query outran the timeout and its grace: restart Oxigraph, unless already done since."""
        if self.server_handle is not None:
            self.note(f"query over {self.timeout:g} s: restarting the Oxigraph server")
            self.server_handle.restart(generation)

    def note(self, line: str) -> None:
        if self._log is not None:
            with self._log_lock:
                try:
                    self._log.write(line + "\n")
                except ValueError:  # closed
                    pass


class Server:
    """A running endpoint: ``url`` (SPARQL query endpoint), ``update_url``, ``base_url`` (the web
    UI), ``stop()``; ``process`` is the Oxigraph server behind kg's proxy. Also a context manager
    that stops it on exit."""

    def __init__(self, process: subprocess.Popen, host: str, port: int, store_dir: Path, read_only: bool,
                 log: IO[str] | None = None, proxy: _Proxy | None = None, timeout: float = QUERY_TIMEOUT,
                 cmd: list[str] | None = None):
        self.process = process
        self._log = log
        self.proxy = proxy
        self._thread: threading.Thread | None = None
        self._cmd = cmd
        self._restart_lock = threading.Condition()
        self._restart_wanted = False
        self._restarting = False
        self._stopping = False
        self._supervisor: threading.Thread | None = None
        self.restarts = 0
        if proxy is not None:
            proxy.server_handle = self
        self.host = host
        self.port = port
        self.store_dir = store_dir
        self.read_only = read_only
        self.timeout = timeout
        h = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
        self.base_url = f"http://{h}:{port}/"
        self.url = self.base_url + "query"
        self.update_url = self.base_url + "update"

    def addresses(self) -> list[tuple[str, str]]:
        """``(what, URL)`` of everything served, in the order ``kg serve`` prints them."""
        out = []
        if self.proxy is not None and self.proxy.pages is not None:
            out += [("explorer", self.base_url + "explorer"), ("query page", self.base_url)]
        else:
            out.append(("web UI", self.base_url))
        out.append(("SPARQL query", self.url + (" (read-only)" if self.read_only else "")))
        if not self.read_only:
            out.append(("SPARQL update", self.update_url))
        store = "(kg push URL)" if not self.read_only else "(read-only: GET only; kg push needs --writable)"
        out.append(("Graph Store", f"{self.base_url}store {store}"))
        return out

    def _start_proxy(self) -> None:
        if self.proxy is not None:
            self._thread = threading.Thread(target=self.proxy.serve_forever, kwargs={"poll_interval": 0.2},
                                            name="kg-serve-proxy", daemon=True)
            self._thread.start()
            # restarts happen in a thread that lives as long as the server: on Linux a child is
            # signalled when the *thread* that started it ends (PR_SET_PDEATHSIG)
            self._supervisor = threading.Thread(target=self._supervise, name="kg-serve-supervisor", daemon=True)
            self._supervisor.start()

    def _supervise(self) -> None:
        with self._restart_lock:
            while not self._stopping:
                if self._restart_wanted:
                    try:
                        self._restart_now()
                    except ServeError as exc:
                        if self.proxy is not None:
                            self.proxy.note(f"restart failed: {exc}")
                    finally:
                        self._restart_wanted = False
                        self._restart_lock.notify_all()
                self._restart_lock.wait(0.5)

    @property
    def running(self) -> bool:
        alive = self._restarting or self.process.poll() is None
        return alive and (self._thread is None or self._thread.is_alive())

    def restart(self, generation: int | None = None, timeout: float = 90) -> None:
        """Kill the Oxigraph process and start it again on the same store and address (what the
        proxy does when a query does not stop), and wait until it answers; ``generation`` (the
        :attr:`restarts` count seen) avoids a second restart for the same event."""
        with self._restart_lock:
            if self._stopping or self._cmd is None or (generation is not None and generation != self.restarts):
                return
            if self._supervisor is None:
                self._restart_now()
                return
            self._restart_wanted = True
            self._restart_lock.notify_all()
            self._restart_lock.wait_for(lambda: not self._restart_wanted or self._stopping, timeout)

    def _restart_now(self) -> None:
        self._restarting = True
        try:
            self.process.kill()
            self.process.wait(timeout=30)
            self.process = subprocess.Popen(self._cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                            stderr=subprocess.STDOUT, **_child_options())
            self.restarts += 1
            if self.proxy is not None:
                _wait_ready(self, f"http://{self.proxy.upstream[0]}:{self.proxy.upstream[1]}/", 60, stop=False)
        finally:
            self._restarting = False

    def stop(self, timeout: float = 5) -> int | None:
        """Stop the proxy and the server (terminate, then kill after ``timeout`` s); return its exit code."""
        with self._restart_lock:
            self._stopping = True
            self._restart_lock.notify_all()
        if self.proxy is not None:
            if self._thread is not None and self._thread.is_alive():
                self.proxy.shutdown()
            self.proxy.server_close()
            self.proxy = None
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


def _wait_ready(server: Server, upstream: str, timeout: float, stop: bool = True) -> None:
    deadline = time.monotonic() + timeout
    probe = upstream + "query?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            lines = server.log().strip().splitlines()
            if stop:
                server.stop()
            raise ServeError(f"oxigraph stopped at start (exit {server.process.returncode})"
                             + (f": {lines[-1]}" if lines else ""))
        try:
            with urllib.request.urlopen(probe, timeout=2) as resp:  # noqa: S310 - loopback URL we built
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.1)
    if stop:
        server.stop()
    raise ServeError(f"oxigraph did not answer on {upstream} within {timeout:.0f} s")


def _private_address() -> tuple[str, int]:
    """A loopback address and free port for Oxigraph: a random 127.x.y.z on Linux (where the whole
    127/8 block is the loopback), so a page that guesses ports on 127.0.0.1 does not find it."""
    candidates = []
    if sys.platform.startswith("linux"):
        rng = random.SystemRandom()
        candidates.append(f"127.{rng.randrange(1, 255)}.{rng.randrange(1, 255)}.{rng.randrange(2, 255)}")
    candidates.append("127.0.0.1")
    for addr in candidates:
        try:
            with socket.socket() as sock:
                sock.bind((addr, 0))
                return addr, sock.getsockname()[1]
        except OSError:
            continue
    raise ServeError("no free loopback port for the Oxigraph server")


def serve(store_dir: str | Path, host: str = "127.0.0.1", port: int = 7878, read_only: bool = True, *,
          allow_remote: bool = False, union_default_graph: bool = False, timeout: float = 30,
          query_timeout: float = QUERY_TIMEOUT,
          pages: Callable[[str], tuple[bytes, str] | None] | None = None) -> Server:
    """Start Oxigraph (``serve-read-only``, or ``serve`` when not ``read_only``) on a store made by
    :func:`prepare_store`, behind kg's proxy on ``host:port``; wait until it answers and return its
    :class:`Server` handle.

    A ``host`` other than loopback is refused unless ``allow_remote`` is true. Queries are cancelled
    after ``query_timeout`` seconds; ``timeout`` bounds the wait for the server to start.
    ``union_default_graph`` adds ``--union-default-graph`` (not needed for stores made by
    :func:`prepare_store`, whose default graph already holds every triple). ``pages`` maps a path to
    a page kg serves itself (``(body, content type)``, or None to forward the request: see
    :func:`kg.serve.pages.pages_for`).
    """
    store = Path(store_dir)
    if not is_loopback(host) and not allow_remote:
        raise ServeError(f"host {host!r} is not loopback; the graph would be reachable from other "
                         "machines. Pass --host explicitly to allow it")
    if not store.is_dir():
        raise ServeError(f"{store}: no such store; prepare it first (kg serve does)")
    if not 0 < port < 65536:
        raise ServeError(f"port {port}: expected 1-65535")
    if query_timeout <= 0:
        raise ServeError(f"query timeout {query_timeout}: expected a number of seconds > 0")
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # a file, not a pipe: it never fills
    bare = host.strip("[]")
    # Host names a request may use besides localhost and IP addresses: on another interface, the
    # --host name and this machine's own names (a rebinding page needs a name its attacker controls)
    names = set() if is_loopback(bare) else {bare.lower(), socket.gethostname().lower(), socket.getfqdn().lower()}
    try:  # the public side first: a port in use is said plainly, before anything starts
        up_host, up_port = _private_address()
        proxy = _Proxy((bare, port), (up_host, up_port), names, query_timeout, log)
        proxy.pages = pages
    except OSError as exc:
        log.close()
        if exc.errno in (98, 48, 10048):  # EADDRINUSE (Linux, macOS, Windows)
            raise ServeError(f"port {port} on {host} is already in use; pass another --port "
                             "(or stop what uses it)") from None
        raise ServeError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    cmd = [find_oxigraph(), "serve-read-only" if read_only else "serve", "--location", str(store),
           "--bind", f"{up_host}:{up_port}", "--timeout-s", str(max(1, round(query_timeout)))]
    if union_default_graph:
        cmd.append("--union-default-graph")
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                **_child_options())
    except OSError as exc:
        proxy.server_close()
        log.close()
        raise ServeError(f"cannot run {cmd[0]} ({exc.strerror})") from None
    server = Server(proc, host, port, store, read_only, log, proxy, query_timeout, cmd)
    _wait_ready(server, f"http://{up_host}:{up_port}/", timeout)
    server._start_proxy()
    return server
