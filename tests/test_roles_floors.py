"""Issue #12's floors on the development gold (model tests): entity, event and family F1 and
every role, on dev2 (written independently of the rules) and on the seeds.

Measured when set (2026-12-01, end of session; kg evaluate, which follows score.py): dev2 entity
F1 0.948, event F1 0.912, family F1 0.964; agents 101/119 (0.85), targets 31/39 (0.79), sources 48/56
(0.86), dates 112/116 (0.97), fatalities 42/49 (0.86); seeds entity F1 0.988, event F1 1.000.
(score.py breaks ties between two produced events of one type and place in hash order, so its
agents and fatalities move by one or two between runs: 100/119 and 44/49 with most seeds.) The
floors sit a little under what is reached and at or above the issue's targets (entity 0.93, event
0.80, family 0.88, agents/dates/sources 0.80, targets/tolls 0.70).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import evaluate, format_table
from kg.store import load_graph

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GOLD = SHARED / "gold"


def _build(paths: list[Path], out: Path) -> Path:
    from kg.pipeline import build

    build(paths, out, html=False, validate=False, progress=None)
    return out / "graph.ttl"


@pytest.mark.skipif(not (GOLD / "dev2").is_dir() or not (SHARED / "dev2").is_dir(), reason="no dev2 gold")
def test_dev2_scores_do_not_fall(tmp_path):
    graph = _build([SHARED / "dev2"], tmp_path / "dev2")
    ev = evaluate(load_graph(graph), GOLD / "dev2", [GOLD / "entities.json"], texts_dir=SHARED / "dev2")
    report = format_table(ev)
    for role, floor in (("agents", 0.82), ("targets", 0.76)):
        assert ev.roles[role].share >= floor, f"{role}: {ev.roles[role]}\n{report}"
    for role, floor in (("reported_by", 0.83), ("date", 0.94), ("fatalities", 0.84)):
        assert ev.roles[role].share >= floor, f"{role}: {ev.roles[role]}\n{report}"
    for name, counts, floor in (("entity", ev.entities, 0.93), ("event", ev.events, 0.89),
                                ("family", ev.families, 0.94)):
        assert counts.f1 >= floor, f"{name} F1 {counts.f1:.3f} < {floor}\n{report}"


@pytest.mark.skipif(not (GOLD / "dev").is_dir(), reason="no seed gold")
def test_seed_scores_do_not_fall(tmp_path):
    graph = _build([REPO / "seeds"], tmp_path / "seeds")
    ev = evaluate(load_graph(graph), GOLD / "dev", [GOLD / "entities.json"], texts_dir=REPO / "seeds")
    report = format_table(ev)
    for role, floor in (("agents", 0.93), ("targets", 0.88)):
        assert ev.roles[role].share >= floor, f"{role}: {ev.roles[role]}\n{report}"
    for name, counts, floor in (("entity", ev.entities, 0.96), ("event", ev.events, 0.97)):
        assert counts.f1 >= floor, f"{name} F1 {counts.f1:.3f} < {floor}\n{report}"
