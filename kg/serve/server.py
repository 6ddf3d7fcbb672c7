"""The running endpoint: :func:`serve` starts Oxigraph (``serve-read-only``, or ``serve`` when
writable) on a store made by :func:`kg.serve.oxigraph.prepare_store`, behind kg's
:class:`~kg.serve.proxy.Proxy`, and returns a :class:`Server` handle, which restarts Oxigraph when
a query outruns its timeout and stops both.

Oxigraph listens on a random private loopback address (:func:`private_address`); only the proxy
listens where the caller asked. Imports only the standard library and the other modules of
:mod:`kg.serve`.
"""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

from kg.serve.oxigraph import ServeError, child_options, find_oxigraph, is_loopback
from kg.serve.proxy import Proxy

__all__ = ["QUERY_TIMEOUT", "Server", "serve"]

#: seconds a query may run before the endpoint cancels it (``kg serve --timeout``)
QUERY_TIMEOUT = 30.0


class Server:
    """A running endpoint: ``url`` (SPARQL query endpoint), ``update_url``, ``base_url`` (the web
    UI), ``stop()``; ``process`` is the Oxigraph server behind kg's proxy. Also a context manager
    that stops it on exit."""

    def __init__(self, process: subprocess.Popen, host: str, port: int, store_dir: Path, read_only: bool,
                 log: IO[str] | None = None, proxy: Proxy | None = None, timeout: float = QUERY_TIMEOUT,
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
                                            stderr=subprocess.STDOUT, **child_options())
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
        proxy = Proxy((bare, port), (up_host, up_port), names, query_timeout, log)
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
                                **child_options())
    except OSError as exc:
        proxy.server_close()
        log.close()
        raise ServeError(f"cannot run {cmd[0]} ({exc.strerror})") from None
    server = Server(proc, host, port, store, read_only, log, proxy, query_timeout, cmd)
    _wait_ready(server, f"http://{up_host}:{up_port}/", timeout)
    server._start_proxy()
    return server
