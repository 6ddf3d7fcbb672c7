"""Charts people can read (#13): a sensible time axis, whole-number counts, the undated events
counted in the figure, actor circles that do not overlap."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import pytest
from conftest import make_graph
from rdflib import Literal
from rdflib.namespace import XSD

from kg.exports import plot
from kg.namespace import CKG, CKGR, RDF


def _sparse_graph():
    """Three events twelve years apart, one undated."""
    g = make_graph()
    for i, date in enumerate(("2012-03", "2018-04-14", "2024-12")):
        ev = CKGR[f"event/{0xa0 + i:016x}"]
        g.add((ev, RDF.type, CKG.TerritoryCapture))
        g.add((ev, CKG.date, Literal(date, datatype=XSD.gYearMonth if len(date) == 7 else XSD.date)))
    g.add((CKGR["event/00000000000000ff"], RDF.type, CKG.Siege))
    return g


def test_plot_auto_bins_fit_the_span():
    assert plot.auto_period(["2016-02-03", "2016-02-20"]) == "week"
    assert plot.auto_period(["2016-02", "2017-03"]) == "month"
    assert plot.auto_period(["2012-03", "2016-12"]) == "quarter"
    assert plot.auto_period(["2012-03", "2024-12"]) == "year"
    periods, counts, undated = plot.timeline_counts(_sparse_graph(), "auto")
    assert periods[0] == "2012" and periods[-1] == "2024" and len(periods) == 13  # not 154 months
    assert undated == 1  # the Siege
    assert sum(map(sum, counts.values())) == 7


def _axes_of(tmp_path, monkeypatch, draw):
    """Draw with ``draw(path)`` and return the figure matplotlib saved."""
    from matplotlib.figure import Figure

    saved = {}
    real = Figure.savefig

    def keep(self, *args, **kwargs):
        saved["fig"] = self
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    draw(tmp_path / "x.png")
    return saved["fig"]


def test_plot_timeline_integer_ticks_and_undated_note(tmp_path, monkeypatch):
    fig = _axes_of(tmp_path, monkeypatch, lambda p: plot.timeline(_sparse_graph(), p, by="week"))
    ax = fig.axes[0]
    ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    texts = [t.get_text() for t in fig.texts]
    undated = plot.timeline_counts(_sparse_graph(), "week")[2]
    assert any(f"{undated} événement(s) sans date" in t for t in texts)
    assert f"{undated} non datés" in ax.get_title()


def test_plot_network_circles_do_not_overlap(tmp_path, monkeypatch):
    """Six actors who all fought each other (the case of the issue) and a dense 30-actor network."""
    for net in (nx.complete_graph([f"a{i}" for i in range(6)]),
                nx.gnm_random_graph(30, 80, seed=3)):
        nx.set_edge_attributes(net, 1, "weight")
        layout = plot.network_layout(net)
        for u, v in itertools.combinations(layout, 2):
            (x1, y1, r1), (x2, y2, r2) = layout[u], layout[v]
            assert math.hypot(x2 - x1, y2 - y1) >= r1 + r2, (u, v)
    fig = _axes_of(tmp_path, monkeypatch, lambda p: plot.network(make_graph(), p))
    circles = fig.axes[0].patches
    assert len(circles) == 2  # the two actors who interact
    assert fig.axes[0].get_aspect() == 1.0  # circles stay round


@pytest.mark.parametrize("by", ["week", "month", "quarter", "year", "auto"])
def test_plot_timeline_every_bin(tmp_path, by):
    assert plot.timeline(_sparse_graph(), tmp_path / f"{by}.png", by=by).stat().st_size > 0


@pytest.mark.model
@pytest.mark.parametrize("kind", ["timeline", "network"])
def test_plot_reads_the_store_not_the_whole_graph(tmp_path, monkeypatch, kind):
    """`kg plot` read the whole graph with rdflib (65 s and 1.5 GB at 3,400 articles) where the
    charts need only the networks' part, which the build's store gives as `kg network` reads it:
    with a store beside the graph it parses nothing, and draws the same PNG as from the file alone."""
    import shutil

    from helpers import seed_build
    from typer.testing import CliRunner

    import kg.store
    import kg.store.graphs
    from kg.cli import app

    out = seed_build()
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(out / "graph.ttl", alone / "graph.ttl")  # no store, no report beside it
    runner = CliRunner()
    result = runner.invoke(app, ["plot", kind, "-g", str(alone / "graph.ttl"), "-o", str(tmp_path / "a.png")])
    assert result.exit_code == 0, result.output

    def parse(*_a, **_k):
        raise AssertionError("the whole graph was parsed")

    monkeypatch.setattr(kg.store, "load_graph", parse)
    monkeypatch.setattr(kg.store.graphs, "load_graph", parse)
    result = runner.invoke(app, ["plot", kind, "-g", str(out / "graph.ttl"), "-o", str(tmp_path / "b.png")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
