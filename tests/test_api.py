"""The Python front door (#13): kg.open, kg.build, and what a notebook does with them."""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import ALEPPO, E4, ISIS, make_graph
from typer.testing import CliRunner

import kg
from kg.api import EVENT_COLUMNS, KnowledgeGraph
from kg.errors import KgError, QueryError
from kg.names import UnknownName, UnknownParameter
from kg.store import STORE_DIR_NAME

pd = pytest.importorskip("pandas")


@pytest.fixture
def small(tmp_path) -> KnowledgeGraph:
    path = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(path), format="turtle")
    return kg.open(tmp_path)


def test_api_open_a_graph_file_or_folder(small, tmp_path):
    assert isinstance(small, kg.KnowledgeGraph)
    assert small.counts.events == 4 and small.counts.actors == 3
    assert "4 events" in repr(small)
    assert kg.open(tmp_path / "graph.ttl").counts == small.counts
    with pytest.raises(QueryError, match="no built graph"):
        kg.open(tmp_path / "nothing")


IN_PLACE = """# param: ?place — a place IRI or label
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
SELECT ?event ?date WHERE { ?event ckg:place ?place ; ckg:date ?date } ORDER BY ?event"""


def test_api_query_returns_a_frame_or_rows(small):
    df = small.query(IN_PLACE, place="Alep")
    assert isinstance(df, pd.DataFrame) and df["date"].tolist() == ["2016-02-03", "2016"]
    rows = small.query(IN_PLACE, {"place": "alep"}, frame=False)
    assert isinstance(rows, list) and rows == df.to_dict("records")
    n = small.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert n["n"].tolist() == [len(make_graph())]  # numbers come back as numbers
    assert small.query("ASK { ?s ?p ?o }") is True
    with pytest.raises(UnknownParameter):
        small.query(IN_PLACE, placee="Alep")
    with pytest.raises(UnknownName, match="did you mean"):
        small.query(IN_PLACE, place="Alepp")


def test_api_events_filters_take_names(small):
    every = small.events()
    assert list(every.columns) == list(EVENT_COLUMNS) and len(every) == 4
    assert len(small.events(actor="Daech")) == 4
    assert set(small.events(place="Syrie")["place_label"]) == {"Alep", "Palmyre"}  # places inside count
    assert small.events(type="Battle")["type"].tolist() == ["ArmedClash", "TerritoryCapture"]
    assert small.events(since="2016-03")["date"].tolist() == ["2016-03", "2016-03-27"]
    assert len(small.events(since="2016-03", until="2016-03-15")) == 1
    assert small.events(frame=False)[0]["event"].startswith("https://")


def test_api_events_read_the_tables_once_per_build(small, monkeypatch):
    """Each events() call read the build's tables again (10 s a call at 3,400 articles, on a build
    that had not changed): they are read once per build, as counts and names are."""
    import kg.store.tables

    reads = []
    real = kg.store.tables.read_tables
    monkeypatch.setattr(kg.store.tables, "read_tables", lambda *a, **k: reads.append(1) or real(*a, **k))
    assert len(small.events()) == 4 and len(small.events(actor="Daech")) == 4
    assert small.events(place="Syrie", frame=False)
    assert len(reads) == 1


def test_api_network_view_resolve_and_export(small, tmp_path):
    assert small.resolve("daech") == str(ISIS) and small.resolve("alep", "place") == str(ALEPPO)
    assert set(small.network(ego="Daech")) == {str(ISIS), "https://w3id.org/conflict-kg/id/actor/syrian-army"}
    assert len(small.network("actor-place")) == 6
    with pytest.raises(UnknownName):
        small.network(ego="Alep")  # a place is not in the interactions projection
    page = small.view(tmp_path / "v.html", actor="Daech")
    assert page.is_file() and "vis.Network" in page.read_text(encoding="utf-8")
    assert small.export("gexf", tmp_path / "g.gexf").startswith("wrote")


def test_api_the_cli_builds_through_kg_build(monkeypatch, tmp_path):
    """`kg build` is a thin layer over kg.build (the front door)."""
    calls = []

    class Report:
        rejected: list = []
        warnings: list = []
        files = ["x"]
        exit_code = 0

        def summary(self):
            return "built"

    monkeypatch.setattr(kg, "build", lambda paths, out, **kw: calls.append((paths, out, kw)) or Report())
    (tmp_path / "a.txt").write_text("texte", encoding="utf-8")
    from kg.cli import app

    result = CliRunner().invoke(app, ["build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "-q", "-i"])
    assert result.exit_code == 0, result.output
    (paths, out, kw), = calls
    assert kw["incremental"] is True and kw["progress"] is None


@pytest.mark.model
def test_api_on_the_seeds():
    from helpers import seed_build

    g = kg.open(seed_build())
    assert g.resolve("Daech").endswith("/actor/islamic-state")
    captures = g.query("territory-captures", place="Homs")
    assert {"Homs", "Baba Amr"} <= set(captures["placeLabel"])
    assert len(g.events(actor="EI")) >= 2
    assert g.counts.articles == 5


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda g: g.events(since="hier"), KgError, "not a date"),
    (lambda g: g.events(since="2013-13-45"), KgError, "not a date"),  # was read as 2013
    (lambda g: g.events(until="zzz"), KgError, "not a date"),
    (lambda g: g.events(type="Airstrikes"), KgError, "did you mean Airstrike"),
    (lambda g: g.events(actor=5), TypeError, "a name is a str"),
    (lambda g: g.resolve(None), TypeError, "a name is a str"),
    (lambda g: g.network(ego="Daech", depth=-1), ValueError, "depth=-1"),
    (lambda g: g.events(since="2016-03", until="2016-02"), KgError, "is after until"),  # was 0 rows
    (lambda g: g.view(since="2020", until="2012"), KgError, "is after --until"),  # was an empty page
    (lambda g: g.network(ego="Daech", depth="2"), TypeError, "depth is a number"),  # a TypeError deep inside
    (lambda g: g.resolve("Daech", "bogus"), ValueError, "kind='bogus'"),  # was "no such bogus"
    (lambda g: g.events(type=["Airstrike"]), TypeError, "type is one event type"),  # its list in the message
], ids=["since-word", "since-month-13", "until-word", "type-plural", "actor-int", "resolve-none", "depth",
        "since-after-until", "view-since-after-until", "depth-str", "resolve-kind", "type-list"])
def test_api_filters_that_mean_nothing_are_errors(small, call, error, message):
    """A third probe: these gave 0 rows, all rows, a graph, or an AttributeError deep inside."""
    with pytest.raises(error, match=message):
        call(small)


def test_api_query_none_leaves_a_parameter_unbound(small):
    """``g.query(q, place=maybe)`` with ``maybe = None``: all rows, as without it (was bound to the name 'None')."""
    assert small.query(IN_PLACE, place=None, frame=False) == small.query(IN_PLACE, frame=False) != []
    assert small.query(IN_PLACE, {"place": None}, frame=False) == small.query(IN_PLACE, frame=False)
    with pytest.raises(QueryError, match="given twice"):  # the dict and a keyword disagree
        small.query(IN_PLACE, {"place": "Alep"}, place="Palmyre")


def test_api_query_an_iri_of_nothing_is_an_unknown_name(small):
    """``g.query(q, place="ckgr:place/nowhere")`` gave an empty table: it now says no triple has the IRI."""
    with pytest.raises(UnknownName, match="no triple has <.*/place/nowhere>"):
        small.query(IN_PLACE, place="ckgr:place/nowhere")
    assert small.query(IN_PLACE, place=f"<{ALEPPO}>", frame=False) == small.query(IN_PLACE, place="Alep", frame=False)


def test_api_filters_take_what_the_command_line_takes(small):
    assert small.events(since=2016, frame=False) == small.events(since="2016", frame=False)
    assert small.events(type="airstrike", frame=False) == small.events(type="Airstrike", frame=False) != []


# ------------------------------------------------------------------ a handle after kg build / kg remove
def _publish(folder, g, store: bool, name: str) -> None:
    """Write ``g`` as a build does (each file replaced whole; a new store, the ``store`` link swapped to
    it, the old store deleted): what the handle sees when kg build or kg remove rewrites the folder."""
    from kg.store import load_store

    staged = folder / f".stage-{name}.ttl"
    staged.write_text("\n" + g.serialize(format="nt"), encoding="utf-8")
    if store:
        trig = folder / f".stage-{name}.trig"
        trig.write_text("", encoding="utf-8")
        load_store(folder / f".store-{name}", named=trig, default=staged)
        trig.unlink()
        old = os.readlink(folder / STORE_DIR_NAME) if (folder / STORE_DIR_NAME).is_symlink() else None
        os.symlink(f".store-{name}", folder / ".link")
        os.replace(folder / ".link", folder / STORE_DIR_NAME)
        if old:
            shutil.rmtree(folder / old)
    os.replace(staged, folder / "graph.ttl")


def _without_e4():
    g = make_graph()
    g.remove((E4, None, None))
    return g


@pytest.mark.parametrize("store", [True, False], ids=["store", "graph-file"])
def test_api_a_handle_reads_the_build_its_folder_holds_now(tmp_path, store):
    """After kg remove (or a rebuild) an open handle gave the old store's counts and events with the
    new graph file's rdflib graph: two builds in one object. It reads the new build, all of it."""
    _publish(tmp_path, make_graph(), store, "a")
    g = kg.open(tmp_path)
    assert (g.store_path is not None) is store
    assert g.counts.events == 4 and len(g.events(frame=False)) == 4 and len(g.rdflib) == len(make_graph())
    assert g.resolve("Daech") == str(ISIS) and len(g.network("actor-place")) == 6
    _publish(tmp_path, _without_e4(), store, "b")  # e4, Daech's shelling of Alep, removed
    assert g.counts.events == 3 and g.counts.triples == len(_without_e4()) == len(g.rdflib)
    assert [r["event"] for r in g.events(frame=False)] == [r["event"] for r in kg.open(tmp_path).events(frame=False)]
    assert str(E4) not in {r["event"] for r in g.events(actor="Daech", frame=False)}
    assert g.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", frame=False) == [{"n": len(_without_e4())}]
    assert "3 events" in repr(g)
    shutil.rmtree(tmp_path)
    with pytest.raises(QueryError, match="no built graph"):
        _ = g.counts
    assert "no built graph" in repr(g)


def test_api_a_call_during_a_rebuild_answers_from_one_build(tmp_path, monkeypatch):
    """A call that reads while the folder is rewritten is made again, on the new build alone."""
    import kg.store.tables

    _publish(tmp_path, make_graph(), True, "a")
    g = kg.open(tmp_path)
    assert g.counts.events == 4  # the old build's store is open
    read, calls = kg.store.tables.read_tables, []

    def rebuilt_meanwhile(source):
        calls.append(source)
        if len(calls) == 1:
            _publish(tmp_path, _without_e4(), True, "b")
        return read(source)

    monkeypatch.setattr(kg.store.tables, "read_tables", rebuilt_meanwhile)
    assert len(g.events(frame=False)) == 3 and len(calls) == 2 and g.counts.events == 3

    def rebuilt_each_time(source):
        _publish(tmp_path, make_graph(), True, f"c{len(calls)}")
        calls.append(source)
        return read(source)

    monkeypatch.setattr(kg.store.tables, "read_tables", rebuilt_each_time)
    _publish(tmp_path, make_graph(), True, "c")  # a build whose tables the handle has not read yet
    with pytest.raises(QueryError, match="rewritten 3 times while it was read"):
        g.events()


@pytest.mark.model
def test_api_a_handle_after_kg_remove(tmp_path):
    from helpers import seed_build

    from kg.pipeline import remove

    out = tmp_path / "o"
    shutil.copytree(seed_build(), out, symlinks=True)
    g = kg.open(out)
    before = g.counts
    assert len(g.events(frame=False)) == before.events and g.counts.articles == 5
    remove(["004_8ee35a8ee1100a8c"], out, html=False, validate=False, progress=None)
    fresh = kg.open(out)
    assert g.counts == fresh.counts != before and g.counts.articles == 4
    assert g.counts.triples == len(g.rdflib) and len(g.events(frame=False)) == g.counts.events
