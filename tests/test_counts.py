"""One source of counts (#13): the build's summary, report.json, kg network and kg.open agree."""

from __future__ import annotations

import json
import re

import pytest
from conftest import make_graph
from typer.testing import CliRunner

from kg.analyse import summary
from kg.cli import app
from kg.rdf.counts import Counts, NodeCounter, count_graph
from kg.store.counts import count_build

runner = CliRunner()


def test_counts_of_the_small_graph():
    # types are the specific classes only (no ckg:Actor / ckg:Event): the class table knows them
    assert count_graph(make_graph()) == Counts(articles=2, actors=3, places=3, events=4, triples=len(make_graph()))
    assert {k: summary(make_graph())[k] for k in ("actors", "places", "events", "articles")} == \
        {"actors": 3, "places": 3, "events": 4, "articles": 2}


def test_counts_an_event_told_by_two_articles_counts_once():
    """The build fed every article graph to the counter: an event several articles tell is in each
    of their graphs, and was counted once per article (2,453 against 2,449 on 300 articles)."""
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    ckg = "<https://w3id.org/conflict-kg/ontology#"
    counter = NodeCounter()
    for _article in ("a1", "a2"):
        counter.feed([("<e1>", rdf_type, ckg + "Airstrike>"), ("<e1>", rdf_type, ckg + "Event>"),
                      ("<e1>", rdf_type, ckg + "RemoteViolence>")])
    counter.feed([("<civ>", "<p>", ckg + "Civilians>")])  # a casualty group, not a typed node
    assert counter.counts(triples=7) == Counts(events=1, triples=7)


@pytest.mark.model
def test_counts_agree_everywhere_on_the_seeds():
    from helpers import seed_build

    import kg

    out = seed_build()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    from_store = count_build(out / "graph.ttl")
    from kg.store import load_graph

    from_file = count_graph(load_graph(out / "graph.ttl"))
    assert from_store == from_file
    assert {k: report[k] for k in ("articles", "triples", "actors", "places", "events")} == from_store.as_dict()
    assert kg.open(out).counts == from_store
    stats = runner.invoke(app, ["network", "-g", str(out / "graph.ttl")])
    assert stats.exit_code == 0, stats.output
    printed = dict(re.findall(r"^(triples|articles|actors|places|events): (\d+)$", stats.output, re.MULTILINE))
    assert {k: int(v) for k, v in printed.items()} == from_store.as_dict()
