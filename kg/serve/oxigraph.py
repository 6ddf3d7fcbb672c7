"""The Oxigraph side of ``kg serve``: find the ``oxigraph`` binary, load a built graph into a store
folder (:func:`prepare_store`), and the child-process options that make Oxigraph die with kg.

The ``oxigraph`` PyPI package ships a command-line server, ``oxigraph``, installed next to
the Python interpreter. :func:`prepare_store` loads ``graph.trig`` (or ``graph.ttl``) into an
Oxigraph store folder with ``oxigraph load``, then copies the triples of every named graph
into the default graph (``oxigraph update``), so that the queries of ``queries/`` see all
triples once each without ``GRAPH`` clauses while each article's named graph stays queryable.

Imports only the standard library, :mod:`kg.errors` and :func:`kg.store.integrity.graph_file` (never
rdflib, pyoxigraph or spaCy: the store is made by the ``oxigraph`` program).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from kg.errors import KgError

__all__ = ["ServeError", "STORE_MARKER", "find_oxigraph", "is_loopback", "prepare_store", "child_options"]

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
    """Load a built graph (TriG, Turtle, N-Triples, N-Quads; or a build folder: its ``graph.trig``,
    as ``kg push`` reads it) into a fresh Oxigraph store folder.

    ``store_dir`` must be absent, empty, or a store that this function made before (it holds
    :data:`STORE_MARKER`); such a store is emptied and reloaded, so it always mirrors the
    graph. ``oxigraph load`` runs as a child process, so the store is closed when it returns.
    """
    from kg.store.integrity import graph_file

    graph = graph_file(graph_path, "graph.trig")
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
                              **child_options())
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
                              **child_options())
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


def child_options() -> dict:
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
