"""Robustness of ``kg build`` (issue #7): bad inputs, exit codes, report.json, atomic exports.

The bad-input corpus of ``tests/data/bad_inputs/`` is defined by :data:`CASES` below (how each
file is made and what kg must say about it); ``python tests/test_robustness.py`` rewrites the
files and ``test_corpus_files_up_to_date`` checks they match. Inputs that cannot live in git
(broken link, folder named .txt, FIFO, a file over 5 MB, a name collision) are made per test.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.store import EXPORTERS, STORE_DIR_NAME

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
CORPUS = REPO / "tests" / "data" / "bad_inputs"
EXPORT_FILES = tuple(f for f, _ in EXPORTERS.values()) + ("graph.html", "report.json")
EXPORTS = EXPORT_FILES + (STORE_DIR_NAME,)
DATA_EXPORTS = {f for f, _ in EXPORTERS.values()}

_FR_1 = ("L'aviation syrienne a mené samedi des raids aériens sur la ville de Douma, dans la Ghouta "
         "orientale, tuant au moins douze civils, selon l'Observatoire syrien des droits de l'homme.\n")
_FR_2 = ("Les rebelles ont repris jeudi le contrôle du village de Khan Touman, au sud d'Alep, après "
         "de violents combats contre les forces du régime, a indiqué l'OSDH.\n")
_FR_3 = ("Des obus de mortier sont tombés lundi sur le quartier de Bab Touma à Damas, faisant trois "
         "morts, selon l'agence officielle Sana.\n")
_FR_4 = ("L'Etat islamique a enlevé mardi une vingtaine de civils dans la province de Deir Ezzor, "
         "dans l'est de la Syrie, a rapporté l'OSDH.\n")
_FR_5 = ("Un cessez-le-feu est entré en vigueur dimanche à Homs, où les derniers combattants rebelles "
         "ont commencé à évacuer la vieille ville assiégée depuis deux ans.\n")
_FR_6 = ("Au moins quarante combattants ont été tués dans des affrontements entre l'armée et les "
         "jihadistes près de Palmyre, a affirmé l'Observatoire.\n")
_FR_7 = ("Un attentat à la voiture piégée a fait cinq morts vendredi à Idleb, dans le nord-ouest "
         "de la Syrie, selon des sources locales.\n")
_EN = ("Syrian government forces pushed on Saturday into the last rebel-held districts of the city, "
       "according to a monitoring group, which said that at least twelve people were killed in "
       "the fighting and that the army was preparing a new offensive against the opposition "
       "fighters who have held the area for years.\n")
_HTML = ("<!DOCTYPE html>\n<html lang=\"fr\"><head><title>Syrie</title></head>\n<body><p>Les rebelles "
         "ont pris Alep.</p><p>Les combats continuent.</p></body></html>\n")


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    status: str  # "rejected", "warned", "ok" or "ignored"
    code: str  # reason code in report.json ("" for ok / ignored)
    why: str  # one line for tests/data/README.md


CASES: tuple[Case, ...] = (
    Case("empty.txt", b"", "rejected", "empty", "zero bytes"),
    Case("whitespace.txt", b"  \n\t\r\n   \n", "rejected", "empty", "spaces, tabs and line ends only"),
    Case("bom_only.txt", b"\xef\xbb\xbf\n", "rejected", "empty", "a UTF-8 byte-order mark and a newline"),
    Case("header_only.txt", b" date 2024-12\n\n", "rejected", "header_only", "a date header and no text"),
    Case("png_renamed.txt", _png(), "rejected", "binary", "a 1x1 PNG image renamed .txt (NUL bytes)"),
    Case("controls.txt", bytes(range(1, 9)) * 4 + b"\x0e\x0f\x10 Alep", "rejected", "binary",
         "control characters but no NUL byte"),
    Case("page.txt", _HTML.encode(), "rejected", "html", "an HTML page saved as .txt (rejected, not stripped)"),
    Case("bad name.txt", _FR_1.encode(), "rejected", "bad_name",
         "a space in the file name, which would be in the article IRI"),
    Case("utf16_bom.txt", _FR_2.encode("utf-16"), "warned", "encoding", "UTF-16 with a byte-order mark"),
    Case("latin1.txt", (" date 2016-05-03 " + _FR_3).encode("cp1252"), "warned", "encoding",
         "Windows-1252 / Latin-1 text with a date header"),
    Case("stray_byte.txt", _FR_4.encode().replace(b"vingtaine", b"vingt\xffaine"), "warned", "encoding",
         "UTF-8 with one invalid byte (kept as UTF-8, the byte becomes U+FFFD)"),
    Case("bad_month.txt", (" date 2024-13 " + _FR_5).encode(), "warned", "bad_date",
         "date header with month 13: date unknown, article kept"),
    Case("bad_date_word.txt", (" date hier\n" + _FR_6).encode(), "warned", "bad_date",
         "date header 'hier': date unknown, article kept"),
    Case("english.txt", _EN.encode(), "warned", "not_french", "an English dispatch: warned, still built"),
    Case("dup_a.txt", _FR_7.encode(), "ok", "", "first of two identical articles: built once"),
    Case("dup_b.txt", _FR_7.encode(), "warned", "duplicate",
         "same text as dup_a.txt: recorded as dcterms:alternative of dup_a"),
    Case("crlf.txt", (" date 2015-03\r\n" + _FR_1 + "\r\n" + _FR_2).replace("\n", "\r\n").encode(), "ok", "",
         "Windows line ends (offsets refer to the text read with universal newlines)"),
    Case("mixed_newlines.txt", (_FR_3.rstrip() + "\r" + _FR_5.rstrip() + "\r\n" + _FR_6).encode(), "ok", "",
         "\\r, \\r\\n and \\n line ends in one file"),
    Case("utf8_bom.txt", b"\xef\xbb\xbf date 2017-06-12 " + _FR_4.encode(), "ok", "",
         "UTF-8 with a byte-order mark before the header"),
    Case("notes.md", b"# notes\nnot an article\n", "ignored", "", "not .txt: listed under 'ignored'"),
    Case("image.png", _png(), "ignored", "", "not .txt: listed under 'ignored'"),
    Case(".hidden.txt", b"\x00\x01 resource fork", "hidden", "", "hidden file: skipped silently"),
)


def write_corpus(folder: Path = CORPUS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        (folder / case.name).write_bytes(case.data)


def _extra_inputs(tmp: Path) -> tuple[list[Path], dict[str, tuple[str, str]]]:
    """Bad inputs that cannot be committed; returns the folders and {file name: (status, code)}."""
    a, b = tmp / "extra_a", tmp / "extra_b"
    a.mkdir()
    b.mkdir()
    expected = {}
    (a / "broken_link.txt").symlink_to(tmp / "nowhere.txt")
    expected["broken_link.txt"] = ("rejected", "broken_link")
    (a / "folder.txt").mkdir()
    expected["folder.txt"] = ("rejected", "not_a_file")
    if hasattr(os, "mkfifo"):
        os.mkfifo(a / "fifo.txt")
        expected["fifo.txt"] = ("rejected", "not_a_file")
    with open(a / "huge.txt", "wb") as fh:  # one byte over the default --max-bytes
        fh.write(b"a" * 5_000_001)
    expected["huge.txt"] = ("rejected", "too_large")
    (a / "collide.txt").write_bytes((" date 2019-02-01 " + _FR_2).encode())
    (b / "collide.txt").write_bytes(_FR_6.encode())  # same id as extra_a/collide.txt: second is rejected
    expected["collide.txt"] = ("rejected", "duplicate_id")
    for name in ("bracket[1].txt", "private\ue000use.txt", "nonchar\ufdd0.txt"):
        (a / name).write_bytes(_FR_4.encode())  # characters an IRI may not hold: the store refused the batch
        expected[name] = ("rejected", "bad_name")
    if os.geteuid() != 0:  # root reads a chmod 000 file anyway
        (a / "locked.txt").write_bytes(_FR_3.encode())
        (a / "locked.txt").chmod(0)
        expected["locked.txt"] = ("rejected", "unreadable")
    return [a, b], expected


def _kg(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=600, **kw)


def _assert_isomorphic(g1: Graph, g2: Graph) -> None:
    if not isomorphic(g1, g2):
        _both, first, second = graph_diff(to_isomorphic(g1), to_isomorphic(g2))
        pytest.fail("graphs differ\nonly in first:\n" + first.serialize(format="nt")[:3000]
                    + "\nonly in second:\n" + second.serialize(format="nt")[:3000])


# ----------------------------------------------------------------------------- no model needed


def test_corpus_files_up_to_date():
    assert len([c for c in CASES if c.status in ("rejected", "warned")]) + 5 >= 15
    for case in CASES:
        assert (CORPUS / case.name).read_bytes() == case.data, f"run: python {Path(__file__).name}"


def test_readme_documents_every_corpus_file():
    readme = (REPO / "tests" / "data" / "README.md").read_text(encoding="utf-8")
    for case in CASES:
        assert f"`{case.name}`" in readme, case.name


def test_robustness_doc_exists():
    doc = (REPO / "README.md").read_text(encoding="utf-8")
    for word in ("report.json", "exit", "130", "--max-bytes", ".build-"):
        assert word in doc


def test_cli_has_main_guard():
    assert 'if __name__ == "__main__"' in (REPO / "kg" / "cli" / "__main__.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["build", "no/such/folder", "-o", "{out}"], "no/such/folder: no such file or folder"),
    (["build", "{empty}", "-o", "{out}"], "no .txt article file found"),
    (["build", "seeds", "-o", "{out}", "--max-bytes", "0"], "--max-bytes"),
    (["build", "seeds", "-o", "{out}", "--no-such-option"], "No such option"),
    (["build", "seeds", "-o", "{out}", "--overrides", "missing.json"], "missing.json"),
])
def test_cli_usage_errors_exit_2(tmp_path, args, message):
    (tmp_path / "empty").mkdir()
    args = [a.format(out=tmp_path / "out", empty=tmp_path / "empty") for a in args]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_cli_all_rejected_exit_3_keeps_previous_exports(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("# previous\n", encoding="utf-8")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "page.txt").write_bytes(_HTML.encode())
    result = CliRunner().invoke(app, ["build", str(bad), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert f"kg: rejected: {bad / 'empty.txt'}: empty file (no text)" in result.output
    assert "nothing built" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl"]
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "# previous\n"


# ----------------------------------------------------------------------------- with the model


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory):
    """``kg build`` (a subprocess, as users run it) of the corpus and the extra bad inputs."""
    tmp = tmp_path_factory.mktemp("corpus")
    extra, expected_extra = _extra_inputs(tmp)
    out = tmp / "out"
    proc = _kg("build", str(CORPUS), *map(str, extra), "-o", str(out), "--no-html", "--no-validate")
    return tmp, extra, expected_extra, out, proc


@pytest.mark.model
def test_corpus_build_messages_and_status(corpus_build):
    _tmp, extra, expected_extra, out, proc = corpus_build
    assert proc.returncode == 3, proc.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rejected = {Path(r["path"]).name: r for r in report["rejected"]}
    warnings = {}
    for w in report["warnings"]:
        warnings.setdefault(Path(w["path"]).name, []).append(w)
    lines = proc.stderr.splitlines()
    expected = {c.name: (c.status, c.code) for c in CASES} | expected_extra
    for name, (status, code) in expected.items():
        if status == "rejected":
            r = rejected.get(name)
            assert r is not None and r["code"] == code, (name, r)
            assert r["message"].startswith(r["path"] + ": ")
            assert f"kg: rejected: {r['message']}" in lines
        elif status == "warned":
            assert name not in rejected
            assert code in [w["code"] for w in warnings.get(name, [])], (name, warnings.get(name))
            assert any(line.startswith("kg: warning: ") and name in line for line in lines)
        else:
            assert name not in rejected and name not in warnings, name
    assert len(rejected) == sum(1 for s, _ in expected.values() if s == "rejected")
    assert sorted(Path(p).name for p in report["ignored"]) == ["image.png", "notes.md"]
    assert ".hidden.txt" not in proc.stderr + json.dumps(report)
    assert report["files"].keys() == DATA_EXPORTS


@pytest.mark.model
def test_corpus_good_articles_graph_equals_good_only_build(corpus_build, tmp_path):
    from kg.namespace import CKGR, DCTERMS
    from kg.pipeline import build

    _tmp, extra, _expected_extra, out, _proc = corpus_build
    good = tmp_path / "good"
    good.mkdir()
    for case in CASES:
        if case.status in ("ok", "warned"):
            shutil.copyfile(CORPUS / case.name, good / case.name)
    shutil.copyfile(extra[0] / "collide.txt", good / "collide.txt")
    report = build([good], tmp_path / "out", html=False, validate=False, progress=None)
    assert report.exit_code == 0 and not report.rejected
    mixed = Graph().parse(out / "graph.ttl")
    clean = Graph().parse(tmp_path / "out" / "graph.ttl")
    _assert_isomorphic(mixed, clean)
    # the duplicate is built once and keeps its other name
    assert (CKGR["article/dup_a"], DCTERMS.alternative, None) in mixed
    assert not list(mixed.triples((CKGR["article/dup_b"], None, None)))


#: kg's own bookkeeping in an output folder (the marker, the lock, the journal, the article manifest)
KG_FILES = {".kg-output", ".kg-lock", ".kg-state.json", ".kg-articles.jsonl"}


def _listing(folder: Path) -> list[str]:
    """The names in ``folder``, less kg's bookkeeping files and the hidden home of its live store
    (``store`` links to it)."""
    link = folder / STORE_DIR_NAME
    live = os.readlink(link) if link.is_symlink() else None
    return sorted(p.name for p in folder.iterdir() if p.name != live and p.name not in KG_FILES)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name not in KG_FILES}


def _assert_exports_parse(folder: Path) -> None:
    Graph().parse(folder / "graph.ttl", format="turtle")
    from rdflib import Dataset

    Dataset().parse(folder / "graph.trig", format="trig")
    with open(folder / "events.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and "event_id" in rows[0]
    json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert (folder / "graph.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def _larger_corpus(tmp: Path, copies: int) -> Path:
    """The seeds ``copies`` times under new names, each changed a little (so not duplicates)."""
    big = tmp / "big"
    big.mkdir()
    for i in range(copies):
        for f in sorted(SEEDS.glob("*.txt")):
            text = f.read_text(encoding="utf-8")
            (big / f"{f.stem}_copy{i:02d}.txt").write_text(text + f"\nCopie numéro {i}.\n", encoding="utf-8")
    return big


# seeds x 4 = 20 articles: enough for several kill points and for the progress lines (shown from 20
# articles), small enough for CI (a run takes about half a minute here; x20 took 95 s).
_COPIES = 4


@pytest.mark.model
@pytest.mark.slow
def test_build_killed_keeps_previous_exports(tmp_path):
    out = tmp_path / "exports"
    t0 = time.monotonic()
    first = _kg("build", str(SEEDS), "-o", str(out), "-q")
    seeds_seconds = time.monotonic() - t0
    assert first.returncode == 0, first.stderr
    old = _snapshot(out)
    assert set(old) == set(EXPORT_FILES)
    big = _larger_corpus(tmp_path, _COPIES)
    rng = random.Random(7)
    # early (imports, ingest), during the NLP (the seeds-only time as a ruler), and while the
    # exports are written (as soon as the staging folder .build-* appears)
    kill_points = [rng.uniform(0.3, 1.5), rng.uniform(0.5, 1.2) * seeds_seconds, "staging"]
    snapshots = []
    for point in kill_points:
        proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(big), "-o", str(out), "-q"],
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if point == "staging":
            while not list(out.glob(".build-*")) and proc.poll() is None:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.2))
        else:
            time.sleep(point)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert proc.returncode == -signal.SIGKILL, "the build ended before it was killed"
        _assert_exports_parse(out)
        visible = {p.name for p in out.iterdir() if not p.name.startswith(".")}
        assert visible == set(EXPORTS), visible
        snapshots.append(_snapshot(out))
    last = _kg("build", str(big), "-o", str(out), "-q")
    assert last.returncode == 0, last.stderr
    new = _snapshot(out)
    assert new["graph.ttl"] != old["graph.ttl"]
    _assert_exports_parse(out)
    assert _listing(out) == sorted(EXPORTS), "temporary files left behind"
    for snap in snapshots:
        for name, data in snap.items():
            assert data in (old[name], new[name]), f"{name} is neither the previous nor a complete new export"
    report = json.loads(new["report.json"])
    import hashlib

    for name, digest in report["files"].items():
        assert hashlib.sha256(new[name]).hexdigest() == digest


@pytest.mark.model
@pytest.mark.slow
def test_build_sigint_exit_130_keeps_previous_exports(tmp_path):
    from kg.pipeline.outdir import OutputFolder

    out = tmp_path / "exports"
    with OutputFolder(out):  # a kg folder (a user's folder holding a graph.ttl would be refused)
        pass
    (out / "graph.ttl").write_text("# previous\n", encoding="utf-8")
    # enough articles that the build is still parsing when the signal comes, even on a loaded machine
    big = _larger_corpus(tmp_path, 4 * _COPIES)
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(big), "-o", str(out)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    while b"[1/" not in seen:  # the NLP loop has started
        chunk = proc.stderr.read1(256)
        assert chunk, "the build ended before its first progress line"
        seen += chunk
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (seen + err).decode()
    assert b"interrupted; previous exports kept" in err
    assert b"Traceback" not in seen + err
    assert [p.name for p in out.iterdir() if p.name not in KG_FILES] == ["graph.ttl"]
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "# previous\n"


@pytest.mark.model
def test_build_sigterm_stops_its_workers_and_exits_130_as_sigint_does(tmp_path):
    """`kill` (SIGTERM) of `kg build --jobs 2` ended the process at once (Python's default): its two
    workers went on parsing for a dead parent, wrote BrokenPipeError tracebacks, and the system was left
    their semaphores ("resource_tracker: There appear to be 6 leaked semaphore objects"). SIGTERM stops
    the build as Ctrl-C does: workers stopped, nothing half-written, exit 130."""
    from kg.pipeline.outdir import OutputFolder

    out = tmp_path / "exports"
    with OutputFolder(out):
        pass
    (out / "graph.ttl").write_text("# previous\n", encoding="utf-8")
    big = _larger_corpus(tmp_path, 2)  # 10 articles: two batches of 8, so a pool of two workers
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(big), "-o", str(out), "--jobs", "2"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    while b"kg: parse" not in seen:  # the pool has started (its workers load the model)
        chunk = proc.stderr.read1(256)
        assert chunk, "the build ended before it parsed"
        seen += chunk
    time.sleep(1)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=120)
    text = (seen + err).decode()
    assert proc.returncode == 130, text
    assert "interrupted; previous exports kept" in text
    assert "leaked semaphore" not in text and "Traceback" not in text, text
    assert [p.name for p in out.iterdir() if p.name not in KG_FILES] == ["graph.ttl"]
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "# previous\n"
    assert json.loads((out / ".kg-state.json").read_text(encoding="utf-8"))["pending"] == []


@pytest.mark.model
def test_build_failing_mid_publish_leaves_whole_files(tmp_path, monkeypatch):
    """A build stopped between two renames leaves each export whole (old or new), no temp files;
    report.json, replaced last, still describes the old set (and so readers see that the store,
    replaced first, is not the one it names)."""
    import kg.pipeline as pipeline
    import kg.pipeline.publish as publish
    from kg.store import store_mismatch

    out = tmp_path / "out"
    seeds = sorted(SEEDS.glob("*.txt"))
    pipeline.build(seeds[:2], out, validate=False, progress=None)
    old = _snapshot(out)
    calls = []
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst).parent == out and Path(dst).name in EXPORT_FILES:
            calls.append(Path(dst).name)
            if len(calls) == 3:
                raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(publish.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(seeds, out, validate=False, progress=None)
    monkeypatch.undo()
    mid = _snapshot(out)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(EXPORTS)
    assert mid["report.json"] == old["report.json"]  # renamed last: still describes the old set
    assert store_mismatch(out / STORE_DIR_NAME) is not None
    _assert_exports_parse(out)
    pipeline.build(seeds, out, validate=False, progress=None)
    new = _snapshot(out)
    for name, data in mid.items():
        assert data in (old[name], new[name]), name
    assert {n for n in mid if mid[n] == new[n]} == set(calls[:2])
    assert store_mismatch(out / STORE_DIR_NAME) is None
    assert _listing(out) == sorted(EXPORTS)  # the store the stopped build replaced is gone too


@pytest.mark.model
def test_stale_staging_and_tmp_files_are_removed(tmp_path):
    """What a killed build left, as its journal records it, goes; look-alikes of the user's stay."""
    from kg.pipeline import build
    from kg.pipeline.outdir import OutputFolder

    out = tmp_path / "out"
    build([SEEDS / "004_8ee35a8ee1100a8c.txt"], out, html=False, validate=False, progress=None)
    with OutputFolder(out) as folder:  # a build killed while it staged its exports
        stage = folder.reserve(".build-")
        stage.mkdir()
        (stage / "graph.ttl").write_text("@prefix broken", encoding="utf-8")
    (out / ".build-999999999-abcd").mkdir()  # the user's, though named like a staging folder
    (out / ".graph.ttl.x1y2.tmp").write_text("half", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    build([SEEDS / "004_8ee35a8ee1100a8c.txt"], out, html=False, validate=False, progress=None)
    assert _listing(out) == sorted(DATA_EXPORTS | {"notes.txt", "report.json", STORE_DIR_NAME,
                                                   ".build-999999999-abcd", ".graph.ttl.x1y2.tmp"})


_pipeline_settings = settings(max_examples=20, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_words = st.sampled_from(["L'armée", "syrienne", "a", "bombardé", "Alep", "samedi", "les", "rebelles", "ont",
                          "pris", "Homs", "12", "civils", "tués", "selon", "l'OSDH", "Damas", ".", ",", "\n"])
_article_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_words, st.text(min_size=1, max_size=8)), max_size=60).map(" ".join),
)


@pytest.mark.model
@_pipeline_settings
@given(texts=st.lists(_article_text, min_size=1, max_size=3), header=st.sampled_from(["", " date 2016-02 ",
                                                                                      " date hier\n"]))
def test_pipeline_on_random_text_emits_parseable_turtle_with_exact_anchors(texts, header):
    from rdflib import URIRef

    from kg.ingest import article_from_text
    from kg.namespace import NIF
    from kg.pipeline import extract_articles
    from kg.rdf.emit import emit, union_graph
    from kg.resolve import resolve

    arts = [article_from_text(f"p{i}", header + t) for i, t in enumerate(texts)]
    arts = [a for a in arts if a.body.strip()]
    if not arts:
        return
    g = union_graph(emit(resolve(extract_articles(arts, progress=None))))
    back = Graph().parse(data=g.serialize(format="turtle"), format="turtle")
    assert len(back) == len(g)
    by_id = {a.id: a.text for a in arts}
    for m, anchor in back.subject_objects(NIF.anchorOf):
        begin = int(back.value(m, NIF.beginIndex))
        end = int(back.value(m, NIF.endIndex))
        art_id = str(back.value(m, NIF.referenceContext)).rsplit("/", 1)[1]
        assert isinstance(m, URIRef)
        assert str(anchor) == by_id[art_id][begin:end]


if __name__ == "__main__":
    write_corpus()
    print(f"wrote {len(CASES)} files to {CORPUS}")
