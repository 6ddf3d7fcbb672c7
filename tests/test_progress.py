"""Progress as people expect it (#13): bars with rate and ETA on a terminal, clean lines in a log,
nothing with -q."""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import contextmanager

import pytest
from helpers import REPO, SEEDS

from kg.progress import (
    CallbackProgress,
    PlainProgress,
    Progress,
    RichProgress,
    Stage,
    as_progress,
    auto_progress,
)

STAGES = ("read", "model load", "parse", "resolve", "write", "store", "SHACL", "view")


def test_progress_plain_lines_have_counts_rate_and_eta_and_no_carriage_return():
    out = io.StringIO()
    ticks = iter(range(0, 1000, 2))
    p = PlainProgress(out, interval=5, clock=lambda: next(ticks))
    with p.stage("parse", total=10, unit="article") as st:
        for i in range(10):
            st.advance(1, f"a{i}")
    with p.stage("resolve"):
        pass
    text = out.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert lines[0] == "kg: parse: 10 articles"
    assert lines[1].startswith("kg: parse [1/10]  10 %") and "articles/s" in lines[1] and "ETA" in lines[1]
    assert lines[-4].startswith("kg: parse [10/10]  100 %")  # the last one always
    assert len([x for x in lines if x.startswith("kg: parse [")]) < 10  # at most one every 5 s
    assert lines[-2] == "kg: resolve …" and lines[-1].startswith("kg: resolve: done in")


def test_progress_cached_items_count_as_done():
    out = io.StringIO()
    p = PlainProgress(out, interval=0, clock=iter(range(100)).__next__)
    with p.stage("parse", total=4, unit="article", done=3) as st:
        st.advance(1, "new")
    assert "kg: parse: 4 articles (3 already done)" in out.getvalue()
    assert "[4/4]" in out.getvalue()


def test_progress_rich_draws_bars_on_a_terminal():
    from rich.console import Console

    buf = io.StringIO()
    p = RichProgress(console=Console(file=buf, force_terminal=True, width=100))
    with p.stage("parse", total=3, unit="article") as st:
        for name in ("a", "b", "c"):
            st.advance(1, name)
    with p.stage("SHACL"):
        pass
    p.close()
    text = buf.getvalue()
    assert "parse" in text and "3/3" in text and "articles/s" in text and "SHACL" in text
    assert "━" in text  # the bar


def test_progress_choice():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert isinstance(auto_progress(Tty()), RichProgress)
    assert isinstance(auto_progress(io.StringIO()), PlainProgress)
    assert type(auto_progress(Tty(), quiet=True)) is Progress
    assert type(as_progress(None)) is Progress
    seen = []
    cb = as_progress(lambda i, n, name: seen.append((i, n, name)))
    assert isinstance(cb, CallbackProgress)
    with cb.stage("parse", total=2) as st:
        st.advance(1, "x")
    with cb.stage("write", total=2) as st:
        st.advance(1, "graph")  # only parsing is reported to the old callback
    assert seen == [(1, 2, "x")]
    with pytest.raises(TypeError):
        as_progress(42)


@pytest.mark.model
def test_progress_of_a_build_in_a_log_and_quiet(tmp_path):
    """stderr is a pipe (a log): one line per stage start and end, counted stages with [k/n], no \\r."""
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(SEEDS), "-o", str(tmp_path / "out")],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr
    for stage in STAGES:
        assert f"kg: {stage}" in proc.stderr, stage
        assert f"kg: {stage}: done in" in proc.stderr, stage
    assert "kg: parse [5/5]  100 %" in proc.stderr and "articles/s" in proc.stderr
    assert "built 5 article(s)" in proc.stdout
    one = sorted(SEEDS.glob("*.txt"))[0]
    quiet = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(one), "-o", str(tmp_path / "q"), "-q",
                            "--no-html", "--no-validate", "--no-store"],
                           cwd=REPO, capture_output=True, text=True, timeout=600)
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""


def test_readers_show_progress_on_a_terminal_only():
    """kg view / kg network (tens of seconds at thousands of articles) show their steps on a
    terminal; piped or parsed, their output is the answer alone."""
    import io

    from kg.progress import RichProgress, terminal_progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert type(terminal_progress(io.StringIO())) is Progress
    assert type(terminal_progress(Tty(), quiet=True)) is Progress
    shown = terminal_progress(Tty())
    assert isinstance(shown, RichProgress)
    with shown.stage("read"):
        pass
    shown.close()


def test_readers_take_quiet(tmp_path):
    from conftest import make_graph
    from typer.testing import CliRunner

    from kg.cli import app

    graph = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(graph), format="turtle")
    for args in (["view", "-q", "-o", str(tmp_path / "v.html")], ["network", "-q"],
                 ["plot", "timeline", "-q", "-o", str(tmp_path / "t.png")]):
        result = CliRunner().invoke(app, [*args, "-g", str(graph)])
        assert result.exit_code == 0 and not result.output.startswith("kg: "), result.output


def test_export_and_validate_show_their_steps(tmp_path, monkeypatch):
    """kg export (36 s to 2.5 min at 3,400 articles) and kg validate (3.5 min: every article) were
    silent until they printed their answer: they show their steps on a terminal as kg view does."""
    from conftest import make_graph
    from typer.testing import CliRunner

    import kg.cli.explore_cmds
    import kg.progress
    from kg.cli import app
    from kg.exports import export

    class Recorder(Progress):
        def __init__(self):
            self.stages: list[str] = []

        def stage(self, name, total=None, unit="item", done=0):
            self.stages.append(name)
            return super().stage(name, total, unit, done)

    graph = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(graph), format="turtle")
    for fmt, steps in (("acled", ["read", "rows", "write"]), ("gexf", ["read", "network", "write"]),
                       ("jsonld", ["read", "write"])):
        seen = Recorder()
        assert export(fmt, graph, tmp_path / f"x.{'csv' if fmt == 'acled' else fmt}", progress=seen).startswith("wrote")
        assert seen.stages == steps, fmt
    shown: list[Recorder] = []

    def recorder(*_a, **_k):
        shown.append(Recorder())
        return shown[-1]

    monkeypatch.setattr(kg.cli.explore_cmds, "terminal_progress", recorder)
    monkeypatch.setattr(kg.progress, "terminal_progress", recorder)
    result = CliRunner().invoke(app, ["export", "-f", "acled", "-g", str(graph), "-o", str(tmp_path / "a.csv")])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["validate", str(graph)])
    assert result.output.startswith(("conforms", "Validation Report")), result.output
    assert [r.stages for r in shown] == [["read", "rows", "write"], ["read", "SHACL"]]
    shown.clear()  # kg evaluate was silent for the 47 s it read and scored a 3,400-article graph
    monkeypatch.setattr(kg.progress, "terminal_progress", recorder)
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "a.json").write_text('{"article": "a", "entities": [], "events": []}', encoding="utf-8")
    catalog = tmp_path / "entities.json"
    catalog.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(gold), "-c", str(catalog), "-g", str(graph)])
    assert result.exit_code == 0, result.output
    assert [r.stages for r in shown] == [["read", "score"]]
    shown.clear()  # kg network --export was silent after its answer, while it read dates and places
    result = CliRunner().invoke(app, ["network", "-g", str(graph), "--export", str(tmp_path / "n.gexf")])
    assert result.exit_code == 0, result.output
    assert [r.stages for r in shown] == [["read", "network"], ["export"]]


def test_progress_a_stage_says_what_it_waits_for_and_times_only_its_work():
    """`kg build --dask local:N` sat at 'parse [0/N]' while the cluster started and its workers loaded the
    model (tens of seconds), and the rate and ETA then counted that wait as parsing: 0.1 articles/s, ETA
    hours. A stage says what it waits for (note) and measures from when its work begins (begin)."""
    out = io.StringIO()
    now = [0.0]
    p = PlainProgress(out, interval=0, clock=lambda: now[0])
    with p.stage("parse", total=4, unit="article") as st:
        st.note("starting Dask cluster…")
        now[0] = 60.0
        st.note("waiting for workers…")
        now[0] = 100.0
        st.begin()  # the first batch is submitted
        now[0] = 102.0
        st.advance(1, "a1")
        now[0] = 110.0
    lines = out.getvalue().splitlines()
    assert lines == ["kg: parse: 4 articles", "kg: parse: starting Dask cluster…", "kg: parse: waiting for workers…",
                     "kg: parse [1/4]  25 %  0.5 articles/s  ETA 6 s  a1", "kg: parse: done in 1 min 50 s"]


def test_progress_rich_stage_notes_and_rate_from_its_work(monkeypatch):
    import time as time_module

    from rich.console import Console

    now = [1000.0]
    monkeypatch.setattr(time_module, "monotonic", lambda: now[0])
    buf = io.StringIO()
    p = RichProgress(console=Console(file=buf, force_terminal=True, width=120))
    with p.stage("parse", total=4, unit="article") as st:
        st.note("starting Dask cluster…")
        assert p.bars.tasks[0].fields["detail"] == "starting Dask cluster…"
        now[0] += 100
        st.begin()
        assert p.bars.tasks[0].fields["detail"] == ""
        now[0] += 2
        st.advance(1, "a1")
        assert p.bars.tasks[0].fields["rate"] == "0.5 articles/s"
    p.close()


def test_progress_of_a_dask_build_says_the_cluster_start_not_as_parsing(monkeypatch):
    """The parse stage of a build on Dask is told by the runner what it waits for, and when the first
    batch goes out."""
    from kg.extract import Extraction
    from kg.ingest import article_from_text
    from kg.pipeline import extraction

    arts = [article_from_text(f"a{i}", f"Les rebelles ont pris Alep ({i}).") for i in range(2)]
    said: list = []

    class Recording(Stage):
        def note(self, text):
            said.append(("note", text))

        def begin(self):
            said.append(("begin",))

        def advance(self, n=1, detail=""):
            said.append(("advance", detail))

    class Told(Progress):
        @contextmanager
        def _stage(self, name, total, unit, done):
            yield Recording(name, total, unit, done)

    def run_batches(fn, work, *, on_step=None, **_kw):
        on_step("starting Dask cluster…")
        on_step("waiting for workers…")
        on_step(None)
        for batch in work:
            yield [Extraction(a, (), ()) for a in batch]

    monkeypatch.setattr(extraction, "run_batches", run_batches)
    got = extraction.extract_articles(arts, progress=Told(), dask="local:1", batch_size=1)
    assert [ex.article.id for ex in got] == ["a0", "a1"]
    assert said == [("note", "starting Dask cluster…"), ("note", "waiting for workers…"), ("begin",),
                    ("advance", "a0"), ("advance", "a1")]
