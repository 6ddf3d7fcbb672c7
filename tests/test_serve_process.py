"""Tests of the `kg serve` process: a build folder as its graph, the temporary store folders it
leaves when killed (removed by the next start, and only those), and its Oxigraph child dying with
it. Every wait is bounded; no spaCy model needed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_serve import TIMEOUT, TRIG, free_port, port_closed, sparql, values, wait_gone

from kg.serve import STORE_MARKER, prepare_store
from kg.serve.oxigraph import OWNER_MARKER, TEMP_PREFIX, remove_stale_folders, temporary_folder

LINUX = sys.platform.startswith("linux")


def _build_folder(tmp_path: Path) -> Path:
    """A folder laid out as a build's: graph.trig, graph.ttl, graph.html, report.json."""
    folder = tmp_path / "build"
    folder.mkdir()
    (folder / "graph.trig").write_text(TRIG, encoding="utf-8")
    (folder / "graph.ttl").write_text("", encoding="utf-8")  # not what kg serve reads
    (folder / "graph.html").write_text("<!DOCTYPE html><p>the build's explorer</p>", encoding="utf-8")
    (folder / "report.json").write_text("{}", encoding="utf-8")
    return folder


def _start(args: list[str], env: dict[str, str] | None = None) -> tuple[subprocess.Popen, list[str]]:
    """Start `kg serve ARGS`; return it and the lines it printed up to "Press Ctrl-C"."""
    cmd = [sys.executable, "-m", "kg.cli", "serve", *args]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line or line.startswith("Press Ctrl-C"):
            break
        lines.append(line.rstrip("\n"))
    return proc, lines


def _stop(proc: subprocess.Popen, sig: int = signal.SIGINT) -> str:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=TIMEOUT)
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    return err


def test_serve_prepare_store_takes_a_build_folder(tmp_path):
    folder = _build_folder(tmp_path)
    store = prepare_store(folder, tmp_path / "store")
    assert (store / STORE_MARKER).read_text(
        encoding="utf-8"
    ) == f"loaded from {(folder / 'graph.trig').resolve()}\n"


def test_serve_cli_takes_a_build_folder(tmp_path):
    """`kg serve -g DIR` serves the build's graph.trig (each article's named graph) and its explorer,
    as `kg query -g DIR` and `kg push -g DIR` read a build folder."""
    folder = _build_folder(tmp_path)
    port = free_port()
    proc, lines = _start(["-g", str(folder), "--port", str(port), "--store", str(tmp_path / "store")])
    try:
        base = f"http://127.0.0.1:{port}/"
        assert f"SPARQL query:   {base}query (read-only)" in lines, "\n".join(lines) + (
            proc.stderr.read() if proc.poll() is not None else ""
        )
        graphs = values(sparql(base + "query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"), "g")
        assert len(graphs) == 2
        with urllib.request.urlopen(base + "explorer", timeout=TIMEOUT) as resp:  # noqa: S310
            assert resp.read() == b"<!DOCTYPE html><p>the build's explorer</p>"
    finally:
        _stop(proc)
    assert proc.returncode == 0 and port_closed(port)


def _marked(base: Path, name: str, owner: str) -> Path:
    folder = base / name
    (folder / "store").mkdir(parents=True)
    (folder / "store" / "data").write_text("x", encoding="utf-8")
    (folder / OWNER_MARKER).write_text(owner, encoding="utf-8")
    return folder


def _dead_pid() -> int:
    """The PID of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=TIMEOUT)
    return proc.pid


def test_serve_remove_stale_folders_removes_only_kg_serve_copies_of_dead_processes(tmp_path):
    base = tmp_path / "tmp"
    base.mkdir()
    own = temporary_folder(base)  # this process's: alive
    line = (own / OWNER_MARKER).read_text(encoding="utf-8")
    dead = _marked(base, TEMP_PREFIX + "dead", line.replace(f"pid={os.getpid()} ", f"pid={_dead_pid()} "))
    keep = {
        own,
        _marked(base, TEMP_PREFIX + "foreign-marker", "notes of mine\n"),  # not kg's marker
        _marked(
            base, "other-dead", line.replace(f"pid={os.getpid()} ", f"pid={_dead_pid()} ")
        ),  # not kg's name
    }
    unmarked = base / (TEMP_PREFIX + "unmarked")  # a kg serve older than the marker, or one starting
    (unmarked / "store").mkdir(parents=True)
    keep.add(unmarked)
    elsewhere = _marked(tmp_path, "target", line.replace(f"pid={os.getpid()} ", f"pid={_dead_pid()} "))
    (base / (TEMP_PREFIX + "link")).symlink_to(elsewhere, target_is_directory=True)  # a link: never followed
    keep.add(base / (TEMP_PREFIX + "link"))
    linked_marker = base / (TEMP_PREFIX + "linked-marker")
    linked_marker.mkdir()
    (linked_marker / OWNER_MARKER).symlink_to(elsewhere / OWNER_MARKER)
    keep.add(linked_marker)
    other_ns = _marked(base, TEMP_PREFIX + "other-ns", line.rsplit("ns=", 1)[0] + "ns=pid:[1]\n")
    other_ns_dead = other_ns / OWNER_MARKER
    other_ns_dead.write_text(
        other_ns_dead.read_text("utf-8").replace(f"pid={os.getpid()} ", f"pid={_dead_pid()} "),
        encoding="utf-8",
    )
    keep.add(other_ns)
    if LINUX:  # this PID, but a process started at another time: the PID was used again
        reused = _marked(base, TEMP_PREFIX + "reused", line.replace(" start=", " start=1"))
    else:
        reused = None

    removed = remove_stale_folders(base)

    assert sorted(removed) == sorted(p for p in (dead, reused) if p is not None)
    assert not dead.exists() and (reused is None or not reused.exists())
    assert all(p.exists() or p.is_symlink() for p in keep)
    assert (elsewhere / "store" / "data").read_text(encoding="utf-8") == "x"
    assert (base / (TEMP_PREFIX + "link") / OWNER_MARKER).is_file()


@pytest.mark.skipif(not LINUX, reason="PR_SET_PDEATHSIG and /proc are Linux's")
def test_serve_killed_leaves_no_oxigraph_and_its_folder_goes_at_the_next_start(tmp_path):
    """SIGKILL of `kg serve`: its Oxigraph child dies too (PR_SET_PDEATHSIG), and the temporary
    store it could not remove is removed by the next `kg serve` (and that one's own at its stop)."""
    import psutil

    graph = tmp_path / "graph.trig"
    graph.write_text(TRIG, encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp)}
    port = free_port()
    first, lines = _start(["-g", str(graph), "--port", str(port)], env)
    try:
        assert lines, first.stderr.read() if first.poll() is not None else "no output"
        children = [c for c in psutil.Process(first.pid).children(recursive=True) if c.name() == "oxigraph"]
        assert len(children) == 1
        (left,) = [p for p in tmp.iterdir() if p.name.startswith(TEMP_PREFIX)]
    finally:
        _stop(first, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL
    assert wait_gone(children[0].pid)  # the Oxigraph child went with it
    assert left.is_dir()  # a killed kg serve cannot clean up

    second, lines = _start(["-g", str(graph), "--port", str(port)], env)
    try:
        assert lines, second.stderr.read() if second.poll() is not None else "no output"
        assert not left.exists()
        (own,) = [p for p in tmp.iterdir() if p.name.startswith(TEMP_PREFIX)]
        assert f"pid={second.pid} " in (own / OWNER_MARKER).read_text(encoding="utf-8")
    finally:
        _stop(second)
    assert second.returncode == 0 and not own.exists()
