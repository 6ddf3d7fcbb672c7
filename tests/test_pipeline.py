"""The whole flow on the seeds: files written, contract names, SHACL, determinism, dev-set score."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from helpers import SEEDS, SHARED, seed_build
from rdflib import Dataset, Graph

from kg.namespace import CKG
from kg.pipeline import build
from kg.rdf.ontology import validate

pytestmark = pytest.mark.model


def test_pipeline_build_writes_the_exports():
    out = seed_build()
    for name in ("graph.ttl", "graph.trig", "events.csv", "report.json"):
        assert (out / name).stat().st_size > 0, name
    g = Graph().parse(out / "graph.ttl")
    assert len(list(g.subjects(predicate=None, object=CKG.Article))) == 5
    ds = Dataset()
    ds.parse(out / "graph.trig", format="trig")
    assert len([c for c in ds.graphs() if len(c)]) == 6  # five articles + the entities graph
    rows = list(csv.DictReader((out / "events.csv").open(encoding="utf-8")))
    assert rows and {"event_type", "event_date", "location", "actor1", "fatalities", "sources"} <= rows[0].keys()
    report = json.loads((out / "report.json").read_text())
    assert report["articles"] == 5 and report["rejected"] == []


def test_pipeline_graph_conforms_to_the_shapes():
    conforms, text = validate(Graph().parse(seed_build() / "graph.ttl"))
    assert conforms, text


def test_pipeline_builds_are_byte_identical_whatever_the_input_order():
    first = seed_build()
    with tempfile.TemporaryDirectory() as tmp:
        # the same articles, listed in reverse order, as files
        build(sorted(SEEDS.glob("*.txt"), reverse=True), tmp, html=False, validate=False, progress=None)
        for name in ("graph.ttl", "graph.trig", "events.csv"):
            assert (Path(tmp) / name).read_bytes() == (first / name).read_bytes(), name


@pytest.mark.skipif(not (SHARED / "tools" / "score.py").exists(), reason="../shared/tools/score.py is absent")
def test_pipeline_dev_set_score_meets_issue_2_floor():
    out = seed_build()
    proc = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score.py"), "--graph", str(out / "graph.ttl"),
         "--gold", str(SHARED / "gold" / "dev"), "--catalog", str(SHARED / "gold" / "entities.json"),
         "--texts", str(SEEDS), "--json", str(out / "score.json")],
        capture_output=True, text=True, check=True)
    s = json.loads((out / "score.json").read_text())
    assert s["entities"]["f"] >= 0.75, proc.stdout
    assert s["events"]["f"] >= 0.50, proc.stdout
    assert s["mention_offsets"]["valid"] == s["mention_offsets"]["of"] > 0
