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

from test_serve import TIMEOUT, TRIG, free_port, port_closed, sparql, values

from kg.serve import STORE_MARKER, prepare_store

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
