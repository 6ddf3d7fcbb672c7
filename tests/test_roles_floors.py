"""Issue #12's floors for agents and targets on the development gold (model tests).

Measured when set: dev2 agents 69/79 (0.87), targets 21/26 (0.81); seeds 29/29 and 9/9. The
floors sit a little under, at the issue's targets (agents 0.80, targets 0.70) or above them.
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
def test_dev2_agents_and_targets_do_not_fall(tmp_path):
    graph = _build([SHARED / "dev2"], tmp_path / "dev2")
    ev = evaluate(load_graph(graph), GOLD / "dev2", [GOLD / "entities.json"], texts_dir=SHARED / "dev2")
    report = format_table(ev)
    for role, floor in (("agents", 0.82), ("targets", 0.74)):
        assert ev.roles[role].share >= floor, f"{role}: {ev.roles[role]}\n{report}"


@pytest.mark.skipif(not (GOLD / "dev").is_dir(), reason="no seed gold")
def test_seed_agents_and_targets_do_not_fall(tmp_path):
    graph = _build([REPO / "seeds"], tmp_path / "seeds")
    ev = evaluate(load_graph(graph), GOLD / "dev", [GOLD / "entities.json"], texts_dir=REPO / "seeds")
    report = format_table(ev)
    for role, floor in (("agents", 0.93), ("targets", 0.88)):
        assert ev.roles[role].share >= floor, f"{role}: {ev.roles[role]}\n{report}"
