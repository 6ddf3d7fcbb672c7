"""The Oxigraph side of ``kg serve``: find the ``oxigraph`` binary, load a built graph into a store
folder (:func:`prepare_store`), the temporary folders that hold such a store (:func:`temporary_folder`,
:func:`remove_stale_folders`), and the child-process options that make Oxigraph die with kg.

The ``oxigraph`` PyPI package ships a command-line server, ``oxigraph``, installed next to
the Python interpreter. :func:`prepare_store` copies a build's own store when it agrees with the
build (a RocksDB checkpoint taken read-only: hard links on one file system, instant at any size);
otherwise it loads ``graph.trig`` (or ``graph.ttl``) into an Oxigraph store folder with ``oxigraph
load``, then copies the triples of every named graph into the default graph (``oxigraph update``),
so that the queries of ``queries/`` see all triples once each without ``GRAPH`` clauses while each
article's named graph stays queryable.

Imports only the standard library, :mod:`kg.errors` and :mod:`kg.store.integrity` (never rdflib or
spaCy; pyoxigraph only to take the checkpoint: anything else the ``oxigraph`` program does).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from kg.errors import KgError, NoGraphError

__all__ = ["ServeError", "STORE_MARKER", "TEMP_PREFIX", "OWNER_MARKER", "find_oxigraph", "is_loopback",
           "prepare_store", "child_options", "temporary_folder", "remove_stale_folders"]

#: File that marks a folder as an Oxigraph store made by kg, so it may be emptied and reloaded.
STORE_MARKER = ".kg-oxigraph-store"
#: Name prefix of the temporary folders ``kg serve`` loads a graph into (without ``--store``).
TEMP_PREFIX = "kg-oxigraph-"
#: File in such a folder naming the process that made it: ``kg serve pid=<PID> start=<start> ns=<PID namespace>``.
OWNER_MARKER = ".kg-serve-owner"
_UNION_UPDATE = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_FORMATS = {".trig": "trig", ".ttl": "ttl", ".nt": "nt", ".nq": "nq", ".n3": "n3"}


class ServeError(KgError):
    """The SPARQL server cannot be prepared, started or stopped."""


class _NoGraph(ServeError, NoGraphError):
    """No graph where the command was told to read one: a ServeError and a usage error (exit 2)."""


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


def _build_store(graph_path: str | Path, graph: Path) -> Path | None:
    """The build's own store when ``graph`` is that build's ``graph.trig``/``graph.ttl`` (or its
    folder) and the store agrees with its ``report.json`` and the file was not changed since."""
    from kg.store.integrity import edited_since_build, find_store

    if graph.name not in ("graph.trig", "graph.ttl"):
        return None
    try:
        found = find_store(graph_path)
    except KgError:  # neither the store nor the file agrees with report.json: the load says what it finds
        return None
    return found if found is not None and edited_since_build(graph) is None else None


def prepare_store(graph_path: str | Path, store_dir: str | Path, *, timeout: float | None = None) -> Path:
    """Make a fresh Oxigraph store folder of a built graph (TriG, Turtle, N-Triples, N-Quads; or a
    build folder: its ``graph.trig``, as ``kg push`` reads it).

    When the graph is a build's and its store agrees with it (``report.json``), the store is copied
    as a checkpoint (hard links where it can: seconds for any size; the build's store is opened
    read-only and left untouched); it holds what the build's readers query (the derived facts in
    the default graph and in their own named graph). Otherwise the file is loaded with ``oxigraph
    load``, a child process (the store is closed when it returns), for at most ``timeout`` seconds
    (default: no limit — a large graph takes minutes; Ctrl-C stops it).

    ``store_dir`` must be absent, empty, or a store that this function made before (it holds
    :data:`STORE_MARKER`); such a store is emptied and made again, so it always mirrors the graph.
    """
    from kg.store.integrity import graph_file

    graph = graph_file(graph_path, "graph.trig")
    store = Path(store_dir)
    if not graph.is_file():
        raise _NoGraph(f"{graph}: no such graph; run 'kg build' first or pass --graph FILE")
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
    built = _build_store(graph_path, graph)
    if built is not None and not store.is_symlink():
        _checkpoint(built, store)
        (store / STORE_MARKER).write_text(f"copied from {built.resolve()} ({graph.resolve()})\n", encoding="utf-8")
        return store
    store.mkdir(parents=True, exist_ok=True)
    ox = find_oxigraph()
    _run([ox, "load", "--location", str(store), "--file", str(graph), "--format", fmt], timeout,
         f"{graph}: loading into {store}", f"{graph}: oxigraph load failed")
    if fmt in ("trig", "nq"):
        # the default graph = the union of the named graphs, each triple once (what graph.ttl holds);
        # --union-default-graph would repeat a triple once per article that states it
        _run([ox, "update", "--location", str(store), "--update", _UNION_UPDATE], timeout,
             f"{store}: building the default graph", f"{store}: oxigraph update failed")
    derived = graph.with_name("derived.ttl")
    if derived.is_file() and derived != graph:  # the build's derived facts (kg.rdf.derive), which the named queries use
        _run([ox, "load", "--location", str(store), "--file", str(derived), "--format", "ttl"], timeout,
             f"{derived}: loading into {store}", f"{derived}: oxigraph load failed")
    (store / STORE_MARKER).write_text(f"loaded from {graph.resolve()}\n", encoding="utf-8")
    return store


def _run(cmd: list[str], timeout: float | None, doing: str, failed: str) -> None:
    """Run one ``oxigraph`` step as a child process (it dies with kg), or raise :class:`ServeError`."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, **child_options())
    except subprocess.TimeoutExpired:
        raise ServeError(f"{doing} took more than {timeout:.0f} s") from None
    except OSError as exc:
        raise ServeError(f"cannot run {cmd[0]} ({exc.strerror})") from None
    _check(proc, failed)


def _checkpoint(source: Path, store: Path) -> None:
    """A RocksDB checkpoint of the store ``source`` (opened read-only) as the new folder ``store``."""
    from pyoxigraph import Store

    if store.exists():
        store.rmdir()  # empty here: a checkpoint makes its own folder
    store.parent.mkdir(parents=True, exist_ok=True)
    try:
        Store.read_only(str(source)).backup(str(store))
    except (OSError, RuntimeError, ValueError) as exc:
        raise ServeError(f"{source}: cannot copy the build's store into {store} ({exc})") from None


def _started(pid: int) -> str:
    """When process ``pid`` started, in clock ticks since boot (Linux: ``/proc/PID/stat``, field 22),
    so that a PID used again by another process is told apart; "" where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[19].decode("ascii")
    except (OSError, IndexError, UnicodeDecodeError):
        return ""


def _pid_space() -> str:
    """This process's PID namespace (Linux), so that a PID is judged only where it means the same
    process (containers sharing ``/tmp`` each number their own); "" where that cannot be read."""
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def _alive(pid: int, started: str) -> bool:
    """Whether process ``pid`` runs and is the one that started at ``started`` (when that is known)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        pass
    except OSError:
        return True  # cannot tell: assume alive, keep its folder
    now = _started(pid)
    return not (started and now and now != started)


def temporary_folder(base: str | Path | None = None) -> Path:
    """A new private folder for ``kg serve``'s store (in ``base``, default the system's temporary
    folder), marked as this process's (:data:`OWNER_MARKER`), so that a later ``kg serve`` can tell
    it is stale once this process is gone — killed, it cannot remove it (:func:`remove_stale_folders`)."""
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=base))
    pid = os.getpid()
    owner = f"kg serve pid={pid} start={_started(pid)} ns={_pid_space()}\n"
    (folder / OWNER_MARKER).write_text(owner, encoding="utf-8")
    return folder


def remove_stale_folders(base: str | Path | None = None) -> list[Path]:
    """Remove the folders :func:`temporary_folder` made for ``kg serve`` processes that are gone (a
    ``kg serve`` killed with SIGKILL leaves its copy of the graph behind); return them.

    Only what proves to be kg's is touched: a folder directly in ``base`` (default: the system's
    temporary folder), named :data:`TEMP_PREFIX`…, not a link, owned by this user, holding an
    :data:`OWNER_MARKER` file (not a link) that names a process of this PID namespace which no longer
    runs (or whose PID now belongs to a process started at another time). Anything else — a folder without the marker
    (a ``kg serve`` older than the marker, or one starting right now), a live owner's — stays.
    """
    root = Path(base) if base is not None else Path(tempfile.gettempdir())
    removed = []
    try:
        candidates = [p for p in root.iterdir() if p.name.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    for folder in sorted(candidates):
        try:
            info = folder.lstat()
            marker = (folder / OWNER_MARKER).lstat()
            if not (stat.S_ISDIR(info.st_mode) and stat.S_ISREG(marker.st_mode)):
                continue
            if hasattr(os, "getuid") and (info.st_uid != os.getuid() or marker.st_uid != os.getuid()):
                continue
            words = (folder / OWNER_MARKER).read_text("utf-8").split()
            fields = dict(w.split("=", 1) for w in words[2:])
            pid = int(fields["pid"])
        except (OSError, ValueError, KeyError, UnicodeDecodeError):
            continue
        if words[:2] != ["kg", "serve"] or pid <= 0 or fields.get("ns", "") != _pid_space():
            continue  # not kg's marker, or a process of another PID namespace
        if _alive(pid, fields.get("start", "")):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


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
