"""Does a build's store (or graph file) belong to the build its ``report.json`` describes?

A build stopped while it published its files can leave a store of another build beside the
exports: :func:`store_digest` is what ``report.json`` names, :func:`store_mismatch` says why a store
disagrees, and :func:`graph_source` / :func:`find_store` tell a reader where to read a built graph
(the store when it agrees, else the graph file when that agrees); :func:`graph_file` is the graph
file a command given a build folder reads; :func:`build_stamp` tells a reader
that keeps what it read (``kg.open``) when the build was rewritten since. Reads files and JSON only:
no rdflib, pyoxigraph or spaCy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from kg.errors import QueryError, UsageError
from kg.store.oxigraph import GRAPH_DIGESTS, STORE_DIR_NAME, STORE_MARKER

__all__ = ["store_digest", "store_mismatch", "graph_source", "find_store", "graph_file", "build_stamp",
           "build_file_folder", "refuse_build_file", "refuse_other_suffix", "report_problem", "BUILD_MARKER",
           "BUILD_FILES", "edited_since_build"]

#: the marker file of a folder kg builds into (:mod:`kg.pipeline.outdir`)
BUILD_MARKER = ".kg-output"
#: the visible exports a build writes (report.json last)
BUILD_FILES = ("graph.ttl", "graph.trig", "events.csv", "entities.csv", "derived.ttl", "graph.html", "report.json")


def store_digest(store_dir: str | Path) -> str | None:
    """SHA-256 of a store's graph digests (:data:`GRAPH_DIGESTS`): what ``report.json`` names as
    ``"store"``. None when the folder is not a store kg wrote."""
    folder = Path(store_dir)
    try:
        if not (folder / STORE_MARKER).is_file():
            return None
        return hashlib.sha256((folder / GRAPH_DIGESTS).read_bytes()).hexdigest()
    except OSError:
        return None


def _report_beside(store_dir: Path) -> dict | None:
    report = store_dir.parent / "report.json"
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def report_problem(folder: str | Path) -> str | None:
    """Why ``folder/report.json`` is there but cannot be read as a build's report (truncated or
    edited), or None (it reads, or there is none)."""
    report = Path(folder) / "report.json"
    if not report.exists() or _report_beside(Path(folder) / STORE_DIR_NAME) is not None:
        return None
    return (f"{report} cannot be read (not a kg build report: truncated or edited), so what is beside it "
            f"cannot be checked against it. Run 'kg build' again into {Path(folder)}")


def store_mismatch(store_dir: str | Path) -> str | None:
    """Why the store ``DIR/store`` does not belong to the build ``DIR/report.json`` describes
    (a build stopped while it published), or None when they agree or there is nothing to compare
    (no report.json, or one written before reports named their store)."""
    folder = Path(store_dir)
    report = _report_beside(folder)
    if report is None or "store" not in report:
        return None
    want, have = report["store"], store_digest(folder)
    if want == have:
        return None
    where = folder.parent / "report.json"
    if want is None:
        return f"{folder}: {where} says its build kept no store; this one is left from another build"
    return (f"{folder} does not match {where} (the store is from another build: a build was stopped while it "
            "published its files)")


def _file_mismatch(path: Path) -> str | None:
    report = _report_beside(path)  # report.json beside the file
    files = report.get("files") if report else None
    if not isinstance(files, dict) or path.name not in files:
        return None
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return None if h.hexdigest() == files[path.name] else f"{path} does not match {path.parent / 'report.json'}"


def edited_since_build(path: Path) -> str | None:
    """Why the readers' answers (from the store) will not show changes made to the build's graph
    file ``path`` after the build: it is newer than ``report.json`` (which a build writes after its
    exports) and no longer has the digest that report names. None when it is the build's."""
    report = path.parent / "report.json"
    try:
        if path.stat().st_mtime_ns <= report.stat().st_mtime_ns:
            return None  # a build's file (stat only: the usual case costs no hashing)
    except OSError:
        return None
    if _file_mismatch(path) is None:
        return None
    return (f"{path} was changed after the build (it does not match {report}); answering from the build's store, "
            f"which does not hold the changes. Run 'kg build' again into {path.parent} to rebuild from the articles")


def graph_source(graph: str | Path, warn: Callable[[str], None] | None = None) -> tuple[str, Path]:
    """Where a reader (``kg query``, ``kg view``, ``kg network``) should read a built graph:
    ``("store", DIR/store)`` when the build's store is there and agrees with ``report.json``, else
    ``("file", graph)``. When the store disagrees, ``warn`` is told and the graph file is used if it
    agrees with ``report.json``; if neither does, :class:`QueryError` says to build again."""
    p = Path(graph)
    if p.is_file() and p.name not in ("graph.ttl", "graph.trig"):
        return "file", p  # a file of its own (a --write-back copy, an export): what the store holds is not it
    folder = p if p.is_dir() else p.parent
    cand = folder / STORE_DIR_NAME if (folder / STORE_DIR_NAME / STORE_MARKER).is_file() else folder
    if not (cand / STORE_MARKER).is_file():
        report = _report_beside(folder / STORE_DIR_NAME)
        if report is None or not report.get("store"):
            return "file", p  # no build kept a store here
        problem = (f"{folder / STORE_DIR_NAME} is missing (deleted, or a link to nothing), though "
                   f"{folder / 'report.json'} names the build's store")
    else:
        problem = store_mismatch(cand)
    if problem is None:
        if warn is not None:
            damaged = report_problem(cand.parent)
            edited = None if damaged is not None else edited_since_build(graph_file(p))
            if damaged is not None:
                warn(damaged + "; answering from its store, unchecked")
            elif edited is not None:
                warn(edited)
        return "store", cand
    p = graph_file(p)  # a build folder: its graph.ttl
    if not p.is_file():
        raise QueryError(f"{problem}; and there is no graph file {p} to read instead. Run 'kg build' again")
    derived = p.with_name("derived.ttl")  # read with it by load_query_graph
    for f in (p, derived) if derived.is_file() else (p,):
        if _file_mismatch(f) is not None:
            raise QueryError(f"{problem}; {f} does not match it either. Run 'kg build' again into {folder}")
    if warn is not None:
        warn(f"{problem}; answering from {p} instead (slower). Run 'kg build' again to repair the store")
    return "file", p


def find_store(graph: str | Path, warn: Callable[[str], None] | None = None) -> Path | None:
    """The store beside a built graph (``exports/graph.ttl`` → ``exports/store``), if there is one
    that agrees with the build's ``report.json`` (see :func:`graph_source`)."""
    kind, path = graph_source(graph, warn)
    return path if kind == "store" else None


def graph_file(path: str | Path, name: str = "graph.ttl") -> Path:
    """The graph file a command given ``path`` (``-g``) reads: ``path`` itself, or for a folder (a
    build's) its ``name`` — ``graph.ttl``, or ``graph.trig`` where each article's named graph is
    needed (``kg push``, ``kg serve``). Whether it exists is the caller's to say.

    >>> graph_file("exports/graph.trig").as_posix()
    'exports/graph.trig'
    """
    p = Path(path)
    return p / name if p.is_dir() else p


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def build_stamp(graph: str | Path) -> tuple:
    """What changes whenever ``kg build`` or ``kg remove`` rewrites the build of ``graph`` (a
    build folder, or its graph file): the identity (inode, time, size) of its ``report.json``, of
    its graph file(s) and of its store's marker file. A build replaces each of them whole
    (``os.replace``; the store is a new folder the ``store`` link is swapped to), so each of its
    steps of publication changes the stamp: two equal stamps mean the same files."""
    p = Path(graph)
    folder = p if p.is_dir() else p.parent
    graphs = (folder / "graph.ttl", folder / "graph.trig") if p.is_dir() else (p,)
    return tuple(_stat(f) for f in (folder / "report.json", folder / STORE_DIR_NAME / STORE_MARKER, *graphs))


def build_file_folder(path: str | Path) -> Path | None:
    """The build folder ``path`` is a published file of — ``report.json``, its ``store`` or a file
    it lists (``graph.ttl``, ``graph.html``, …) — or None. A build's files are changed only by
    ``kg build`` and ``kg remove``: written over by anything else, ``report.json`` would no longer
    describe them, and the build's own explorer or graph would be lost."""
    p = Path(path)
    try:
        folder = p.parent.resolve()
    except OSError:
        return None
    report = _report_beside(folder / p.name)
    files = report.get("files") if report else None
    if not isinstance(files, dict):  # no report.json of a kg build beside it (or one that cannot be read)
        # a folder kg builds into (its marker): the exports' names are kg's, whatever its report.json says
        kgs = (folder / BUILD_MARKER).is_file()
        return folder if kgs and p.name in {*BUILD_FILES, STORE_DIR_NAME} else None
    return folder if p.name in {*files, "report.json", STORE_DIR_NAME} else None


def refuse_build_file(path: str | Path, option: str = "-o") -> None:
    """Raise :class:`UsageError` when ``path`` is a published file of a build (see
    :func:`build_file_folder`): commands that write an output call it before they compute it."""
    folder = build_file_folder(path)
    if folder is not None:
        raise UsageError(f"{path} is a file of the kg build in {folder}; "
                         f"write elsewhere ({option} another file): a build's files are changed only by "
                         "kg build and kg remove")


def refuse_other_suffix(path: str | Path, suffixes: tuple[str, ...], what: str, option: str = "-o") -> None:
    """Raise :class:`UsageError` when ``path`` ends in a suffix other than ``suffixes`` (a file
    without one is taken): ``kg plot -o chart.svg`` would get PNG bytes, ``kg export -f acled -o
    x.xlsx`` CSV — a file whose name says another format than it holds.

    >>> refuse_other_suffix("out/acled.CSV", (".csv",), "a CSV file")
    >>> refuse_other_suffix("out/chart.svg", (".png",), "a PNG image")
    Traceback (most recent call last):
    kg.errors.UsageError: out/chart.svg: kg writes a PNG image here, not a .svg file; name it .png (-o FILE.png)
    """
    suffix = Path(path).suffix.lower()
    if suffix and suffix not in suffixes:
        raise UsageError(f"{path}: kg writes {what} here, not a {suffix} file; name it {suffixes[0]} "
                         f"({option} FILE{suffixes[0]})")
