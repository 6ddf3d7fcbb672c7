"""Tests of kg.queries and the named queries of queries/: every .rq runs on the seeds graph,
answers with the facts the seed articles state, and takes its parameters as bound terms."""

from __future__ import annotations

import csv
import io
import re
import shlex

import pytest
from conftest import ALEPPO, ISIS, make_graph
from helpers import SEEDS, seed_build
from rdflib import RDF, Graph, Literal, URIRef
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.ingest import read_article
from kg.namespace import CKG, CKGR
from kg.queries import QUERIES_DIR, bind_params, list_queries, load_query, parse_param_args, resolve_label
from kg.store import load_query_graph, run_query

EVIL = 'Homs" } ; DROP ALL ; #'
XSD_ = "http://www.w3.org/2001/XMLSchema#"  # not rdflib's XSD: pytest's collection trips its warnings
QUERY_NAMES = [q.name for q in list_queries()]


# ---------------------------------------------------------------- the query files (no model)

def test_queries_folder_has_at_least_twelve_documented_queries():
    infos = list_queries()
    assert QUERIES_DIR.is_dir()
    assert len(infos) >= 12
    assert len({q.name for q in infos}) == len(infos)
    for q in infos:
        assert q.title and q.title != q.name, q.name
        assert q.description.endswith("?") or "?" in q.description, q.name
        assert q.example.startswith(f"kg query {q.name}"), q.name


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_queries_header_params_are_variables_of_the_query(name):
    info = next(q for q in list_queries() if q.name == name)
    body = "\n".join(line for line in load_query(name).splitlines() if not line.startswith("#"))
    for p in info.params:
        assert f"?{p.name}" in body, f"{name}: ?{p.name} documented but not used"
        assert p.description, f"{name}: ?{p.name} has no description"
    # every -p of the example is a documented parameter
    documented = {p.name for p in info.params}
    args = shlex.split(info.example)
    for i, a in enumerate(args):
        if a in ("-p", "--param"):
            assert args[i + 1].split("=", 1)[0] in documented, f"{name}: example binds an undocumented param"


#: Rows each query returns, unbound, on the contract-shaped test graph (conftest.make_graph): the graph
#: has no mentions, so queries that count mentions or evidence return none; it has no derived facts
#: (kg.rdf.derive: ckg:within, ckg:eventType, tallies), so the queries that read them return none either
#: (their answers are checked on the seeds below, and against the queries before them in test_derived).
SMALL_GRAPH_ROWS = {
    "actor-timeline": 0, "actors-by-class": 0, "adversaries": 0, "articles": 2, "casualty-tolls": 0,
    "disputed-claims": 0, "event-evidence": 0, "events-by-type-month": 0, "events-in-place": 0,
    "multi-source-events": 0, "osdh-vs-state-media": 0, "places-map": 0, "places-within": 0,
    "territory-captures": 1, "who-fought-whom": 0,
}


def _projection(sparql: str) -> list[str]:
    """The variables a SELECT query projects (plain ``?x`` and ``(... AS ?x)``), in order."""
    from kg.store.sparql import tokens

    head = re.search(r"SELECT\s+(?:DISTINCT\s+)?(.*?)\s+WHERE", sparql, re.S | re.I).group(1)
    out, depth, last = [], 0, None
    for t in tokens(head):
        depth += {"(": 1, ")": -1}.get(t.text, 0) if t.kind == "punct" else 0
        if t.kind == "var":
            last = t.text[1:]
            if depth == 0:
                out.append(last)
        elif t.text == ")" and depth == 0:
            out.append(last)  # ( … AS ?x ): the variable just before the closing parenthesis
    return out


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_queries_run_unbound_on_a_small_graph(name):
    """Every query runs with no parameter bound, projects what its text says, and returns its rows."""
    text = load_query(name)
    result = run_query(make_graph(), text)
    assert [str(v) for v in result.vars] == _projection(text)
    assert len(list(result)) == SMALL_GRAPH_ROWS[name], name


def test_queries_load_query_by_name_path_or_text(tmp_path):
    assert "TerritoryCapture" in load_query("territory-captures")
    assert load_query(str(QUERIES_DIR / "articles.rq")) == (QUERIES_DIR / "articles.rq").read_text("utf-8")
    assert load_query("SELECT * WHERE { ?s ?p ?o }") == "SELECT * WHERE { ?s ?p ?o }"
    own = tmp_path / "mine.rq"
    own.write_text("ASK {}", encoding="utf-8")
    assert load_query(str(own)) == "ASK {}"
    with pytest.raises(QueryError, match="no such named query"):
        load_query("no-such-query")
    with pytest.raises(QueryError, match="no such query file"):
        load_query(str(tmp_path / "missing.rq"))


@pytest.mark.parametrize(("typed", "message"), [
    ("territory-capture", "did you mean territory-captures?"),  # a typo: the closest names, not only the list
    ("Territory-Captures", "did you mean territory-captures?"),
    ("who-fougth-whom", "did you mean who-fought-whom?"),
    ("territory-captures.rq", "the named query is 'kg query territory-captures'"),  # a name written as a file
    ("adversary.rq", "did you mean the named query adversaries?"),
])
def test_queries_unknown_name_suggests_the_closest(typed, message):
    with pytest.raises(QueryError, match=re.escape(message)):
        load_query(typed)


def test_queries_parse_param_args():
    assert parse_param_args(["place=Homs", "?since=2024-11", "x= a=b "]) == {
        "place": "Homs", "since": "2024-11", "x": "a=b"}
    for bad in (["place"], ["=Homs"], ["pl ace=Homs"], ["a}b=1"]):
        with pytest.raises(QueryError, match="NAME=VALUE"):
            parse_param_args(bad)
    assert parse_param_args(["place=Homs", "place= Homs"]) == {"place": "Homs"}  # the same value twice
    with pytest.raises(QueryError, match="given twice"):  # was: the last one, silently
        parse_param_args(["place=Homs", "place=Alep"])


@pytest.mark.parametrize(("value", "expected"), [
    ("ckgr:place/aleppo", ALEPPO),
    ("ckg:Airstrike", CKG.Airstrike),
    ("<https://w3id.org/conflict-kg/id/place/aleppo>", ALEPPO),
    ("https://w3id.org/conflict-kg/id/place/aleppo", ALEPPO),
    ("alep", ALEPPO),                       # prefLabel, any case
    ("ÉTAT ISLAMIQUE", ISIS),               # accents and case ignored
    ("etat islamique", ISIS),
    ("daech", ISIS),                        # altLabel
    ("Airstrike", CKG.Airstrike),           # an ontology term by its local name
    ("2024", Literal("2024", datatype=URIRef(XSD_ + "gYear"))),
    ("2024-11", Literal("2024-11", datatype=URIRef(XSD_ + "gYearMonth"))),
    ("2024-11-27", Literal("2024-11-27", datatype=URIRef(XSD_ + "date"))),
    ("3", Literal(3, datatype=URIRef(XSD_ + "integer"))),
])
def test_queries_bind_params_turns_values_into_terms(value, expected):
    assert bind_params({"x": value}, make_graph())["x"] == expected


@pytest.mark.parametrize("value", [EVIL, "http://x> } DROP ALL { <y", "Nulle part", "ckgr:bad iri"])
def test_queries_bind_params_unknown_values_become_plain_strings(value):
    warnings: list[str] = []
    term = bind_params({"place": value}, make_graph(), warn=warnings.append)["place"]
    assert term == Literal(value) and not isinstance(term, URIRef)
    assert len(warnings) == 1 and "place" in warnings[0]


def test_queries_bind_params_rejects_bad_names():
    with pytest.raises(QueryError):
        bind_params({"a b": "x"}, make_graph())


def test_queries_resolve_label_is_stable_and_none_when_unknown():
    g = make_graph()
    assert resolve_label("Alep", g) == ALEPPO
    assert resolve_label("", g) is None
    assert resolve_label("Atlantide", g) is None


def test_queries_malicious_value_cannot_change_the_query_small_graph():
    g = make_graph()
    before = set(g)
    rows = list(run_query(g, load_query("events-in-place"), bind_params({"place": EVIL}, g)))
    assert rows == []
    assert set(g) == before


def test_queries_list_cli_prints_names_and_titles():
    result = CliRunner().invoke(app, ["query", "--list"])
    assert result.exit_code == 0, result.output
    for q in list_queries():
        assert q.name in result.output and q.title in result.output


def test_queries_cli_help_ends_with_an_example():
    result = CliRunner().invoke(app, ["query", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "kg query" in result.output


def test_queries_cli_without_query_is_a_usage_error():
    result = CliRunner().invoke(app, ["query"])
    assert result.exit_code == 2
    assert "missing QUERY" in result.output


@pytest.mark.parametrize("data", [b"\xff\xfeS\x00E\x00", b"SELECT * WHERE { ?s ?p \"\xe9\" }"],
                         ids=["utf16", "latin1"])
def test_queries_cli_a_query_file_that_is_not_utf8_is_one_line_naming_it(tmp_path, data):
    rq = tmp_path / "bin.rq"
    rq.write_bytes(data)
    result = CliRunner().invoke(app, ["query", str(rq), "-g", str(tmp_path / "graph.ttl")])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"kg: error: {rq}: not UTF-8 text")
    assert len(result.output.splitlines()) == 1 and "Traceback" not in result.output
    with pytest.raises(QueryError, match="not UTF-8 text"):
        load_query(str(rq))


def test_queries_cli_a_query_file_with_a_utf8_bom_runs_and_its_syntax_errors_name_it(tmp_path):
    graph = tmp_path / "graph.ttl"
    make_graph().serialize(graph, format="turtle")
    rq = tmp_path / "bom.rq"
    rq.write_bytes("\ufeffASK { ?s ?p ?o }".encode())
    assert load_query(str(rq)) == "ASK { ?s ?p ?o }"
    result = CliRunner().invoke(app, ["query", str(rq), "-g", str(graph)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "true"
    bad = tmp_path / "bad.rq"
    bad.write_text("SELEC ?s WHERE { ?s ?p ?o }", encoding="utf-8")
    result = CliRunner().invoke(app, ["query", str(bad), "-g", str(graph)])
    assert result.exit_code == 1
    assert result.output.startswith(f"kg: error: {bad}: SPARQL error")
    assert len(result.output.splitlines()) == 1


def _small_store(tmp_path):
    from kg.store import load_store

    ttl = tmp_path / "graph.ttl"
    ttl.write_text("\n" + make_graph().serialize(format="nt"), encoding="utf-8")
    trig = tmp_path / "graph.trig"
    trig.write_text("", encoding="utf-8")
    return load_store(tmp_path / "store", named=trig, default=ttl)


@pytest.mark.parametrize(("text", "where"), [
    # Oxigraph said "error at 6:1" (the end of the query) for the first: the line and token are what help
    ("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\nSELECT ?e WHERE {\n  ?e a ckg:Airstrike .\n"
     "  ?e ckg:place ?place ,, .\n}\n", "line 4, column 23, at ',,' in '?e ckg:place ?place ,, .'"),
    ("SELEC ?x WHERE { ?x ?y ?z }", "line 1, column 1, at 'SELEC'"),
    ("SELECT ?x WHERE {\n ?x foo:bar ?z }", "line 2, column 5: prefix 'foo:' is not declared"),
])
def test_queries_store_syntax_errors_say_where_the_author_wrote_them(tmp_path, text, where):
    from kg.store import open_store, query_store

    store = open_store(_small_store(tmp_path))
    # the VALUES block joined does not move the place (a text that is no query cannot take parameters)
    for bindings in ({}, {"place": URIRef(ALEPPO)}) if "SELECT" in text else ({},):
        with pytest.raises(QueryError, match=re.escape(f"SPARQL error at {where}")) as err:
            query_store(store, text, bindings)
        assert "(Oxigraph: error at" in str(err.value) and "\n" not in str(err.value)


def test_queries_syntax_error_at_names_nothing_in_a_query_that_parses():
    from kg.store.sparql import syntax_error_at

    assert syntax_error_at("SELECT ?x WHERE { ?x ckg:p ?z }", ["ckg"]) is None
    assert syntax_error_at("PREFIX a: <http://x/>\nASK { ?x a:p ?z }") is None
    assert "prefix 'ckg:' is not declared" in syntax_error_at("ASK { ?x ckg:p ?z }")


# ---------------------------------------------------------------- on the seeds graph (model)

@pytest.fixture(scope="session")
def seeds_dir():
    return seed_build()  # built once per test session, shared with the other test files


@pytest.fixture(scope="session")
def seeds(seeds_dir) -> Graph:
    """The seeds' graph with the derived facts the named queries read (what kg query reads of a file)."""
    return load_query_graph(seeds_dir / "graph.ttl")


def _rows(g: Graph, name: str, **params: str) -> list[dict[str, str]]:
    result = run_query(g, load_query(name), bind_params(params, g))
    return [{str(v): ("" if r[v] is None else str(r[v])) for v in result.vars} for r in result]


def _has(rows: list[dict[str, str]], **want: str) -> bool:
    return any(all(r.get(k) == v for k, v in want.items()) for r in rows)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


@pytest.mark.model
@pytest.mark.parametrize("name", QUERY_NAMES)
def test_queries_every_query_answers_on_the_seeds(seeds, name):
    assert _rows(seeds, name), f"{name} returns no row on the seeds"


@pytest.mark.model
@pytest.mark.parametrize("name", QUERY_NAMES)
def test_queries_every_example_command_runs(seeds_dir, name):
    info = next(q for q in list_queries() if q.name == name)
    args = shlex.split(info.example)[1:] + ["-g", str(seeds_dir / "graph.ttl"), "-f", "csv"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output or name == "osdh-vs-state-media"  # side=media is a plain string
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows, f"the example of {name} returns no row"


@pytest.mark.model
def test_queries_territory_captures(seeds):
    rows = _rows(seeds, "territory-captures")
    assert _has(rows, placeLabel="Homs", takenBy="Rebelles", date="2024-12")
    assert _has(rows, placeLabel="Ghouta orientale", takenBy="Armée syrienne", takenFrom="Rebelles",
                date="2018-04-14")
    in_homs = _rows(seeds, "territory-captures", place="Homs")
    assert _has(in_homs, placeLabel="Homs", takenBy="Rebelles")
    assert not _has(in_homs, placeLabel="Ghouta orientale")
    homs = CKGR["place/homs"]
    for r in in_homs:  # every capture in Homs lies in Homs or inside it
        where = seeds.value(URIRef(r["event"]), CKG.place)
        assert where == homs or (where, CKG.locatedIn * "+", homs) in seeds


@pytest.mark.model
def test_queries_territory_captures_without_a_place_get_no_place_class_nor_region(seeds):
    g = Graph()
    for t in seeds:
        g.add(t)
    event = next(g.subjects(RDF.type, CKG.TerritoryCapture))
    g.remove((event, CKG.place, None))  # a capture the text gives no place for
    rows = [r for r in _rows(g, "territory-captures") if r["event"] == str(event)]
    # one row, with nothing of a place: a class or region there would come from every other place
    assert len(rows) == 1, rows
    assert rows[0]["placeLabel"] == rows[0]["placeClass"] == rows[0]["inLabel"] == ""


@pytest.mark.model
def test_queries_events_in_place_follows_located_in(seeds):
    rows = _rows(seeds, "events-in-place", place="homs")
    assert rows and all(r["placeLabel"] == "Homs" for r in rows)
    assert _has(rows, whereLabel="Khaldiyé")          # a district of Homs
    assert _has(rows, whereLabel="Mosquée Khaled Ben Walid")  # a site in Khaldiyé, two levels down
    assert _has(rows, whereLabel="Homs", eventType=str(CKG.TerritoryCapture), agents="Rebelles")
    assert not _has(rows, whereLabel="Yarmouk")
    everywhere = _rows(seeds, "events-in-place")
    assert _has(everywhere, placeLabel="Syrie", whereLabel="Khaldiyé")


@pytest.mark.model
def test_queries_places_within(seeds):
    rows = _rows(seeds, "places-within", place="Homs")
    assert _has(rows, insideLabel="Khaldiyé", parentLabel="Homs", insideClass=str(CKG.Neighbourhood))
    assert _has(rows, insideLabel="Mosquée Khaled Ben Walid", parentLabel="Khaldiyé")
    assert all(r["placeLabel"] == "Homs" for r in rows)


@pytest.mark.model
def test_queries_events_by_type_and_month(seeds):
    rows = _rows(seeds, "events-by-type-month")
    assert _has(rows, month="2018-04-14"[:7], eventType=str(CKG.TerritoryCapture), family=str(CKG.Battle))
    assert _has(rows, month="2024-12", eventType=str(CKG.TerritoryCapture))
    assert all(_local(r["eventType"]) not in ("Event", "Battle", "RemoteViolence") for r in rows)
    battles = _rows(seeds, "events-by-type-month", type="ckg:Battle")
    assert battles and all(r["family"] == str(CKG.Battle) for r in battles)
    airstrikes = _rows(seeds, "events-by-type-month", type="Airstrike")
    assert airstrikes and all(r["eventType"] == str(CKG.Airstrike) for r in airstrikes)
    since = _rows(seeds, "events-by-type-month", since="2018")
    assert since and all(r["month"] >= "2018" and r["month"] != "undated" for r in since)


@pytest.mark.model
def test_queries_who_fought_whom(seeds):
    rows = _rows(seeds, "who-fought-whom")
    assert _has(rows, agentLabel="Armée syrienne", targetLabel="Etat islamique", placeLabel="Yarmouk")
    assert _has(rows, agentLabel="Armée syrienne", targetLabel="Rebelles", placeLabel="Khaldiyé")
    assert all(r["agentLabel"] != r["targetLabel"] for r in rows)
    isis = _rows(seeds, "who-fought-whom", actor="Etat islamique")
    assert isis and all("Etat islamique" in (r["agentLabel"], r["targetLabel"]) for r in isis)
    pairs = _rows(seeds, "adversaries")
    assert _has(pairs, agentLabel="Armée syrienne", targetLabel="Etat islamique")


@pytest.mark.model
def test_queries_casualty_tolls_with_groups_and_sources(seeds):
    rows = _rows(seeds, "casualty-tolls")
    osdh = "Observatoire syrien des droits de l'homme"
    assert _has(rows, count="19", qualifier="Exactly", groupLabel="civils", sources=osdh)
    assert _has(rows, count="74", qualifier="AtLeast", groupLabel="Armée syrienne")
    civilians = _rows(seeds, "casualty-tolls", group="ckg:Civilians")
    assert civilians and all(r["groupLabel"] == "civils" for r in civilians)
    by_osdh = _rows(seeds, "casualty-tolls", source="OSDH")
    assert by_osdh and all(osdh in r["sources"] for r in by_osdh)


@pytest.mark.model
def test_queries_disputed_claims(seeds):
    rows = _rows(seeds, "disputed-claims")
    assert _has(rows, eventType=str(CKG.TerritoryCapture), placeLabel="Homs",
                deniedBy="Ministère syrien de la Défense")
    assert all("Observatoire syrien" in r["claimedBy"] for r in rows if r["placeLabel"] == "Homs")
    assert _rows(seeds, "disputed-claims", disputer="Rebelles") == []


@pytest.mark.model
def test_queries_actor_timeline(seeds):
    rows = _rows(seeds, "actor-timeline", actor="rebelles")
    assert rows and all(r["actorLabel"] == "Rebelles" for r in rows)
    assert _has(rows, role="agent", eventType=str(CKG.TerritoryCapture), placeLabel="Homs", date="2024-12")
    assert _has(rows, role="target", placeLabel="Ghouta orientale")
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated)
    osdh = _rows(seeds, "actor-timeline", actor="ckgr:actor/osdh")
    assert osdh and all(r["role"] == "source" for r in osdh)


@pytest.mark.model
def test_queries_osdh_vs_state_media(seeds):
    rows = _rows(seeds, "osdh-vs-state-media")
    assert _has(rows, reportedAs="OSDH", sourceLabel="Observatoire syrien des droits de l'homme")
    assert _has(rows, reportedAs="OSDH", sourceLabel="Rami Abdel Rahmane")  # its director
    assert _has(rows, reportedAs="media", sourceLabel="Télévision d'Etat syrienne")
    media = _rows(seeds, "osdh-vs-state-media", side="media")
    assert media and all(r["reportedAs"] == "media" for r in media)


@pytest.mark.model
def test_queries_multi_source_events(seeds):
    rows = _rows(seeds, "multi-source-events")
    assert rows and all(int(r["nSources"]) >= 2 for r in rows)
    assert _has(rows, eventType=str(CKG.TerritoryCapture), placeLabel="Homs")
    three = _rows(seeds, "multi-source-events", minSources="3")
    assert three and all(int(r["nSources"]) >= 3 for r in three)
    assert len(three) < len(rows)


@pytest.mark.model
def test_queries_actors_by_class(seeds):
    rows = _rows(seeds, "actors-by-class")
    assert _has(rows, actorClass=str(CKG.MediaOutlet), actorLabel="SANA")
    assert _has(rows, actorClass=str(CKG.RebelGroup), actorLabel="Rebelles")
    sana = next(r for r in rows if r["actorLabel"] == "SANA")
    assert int(sana["mentions"]) >= 1 and int(sana["articles"]) == 1
    media = _rows(seeds, "actors-by-class", **{"class": "ckg:MediaOutlet"})
    assert media and all(r["actorClass"] == str(CKG.MediaOutlet) for r in media)


@pytest.mark.model
def test_queries_event_evidence_offsets_match_the_article_text(seeds):
    rows = _rows(seeds, "event-evidence")
    assert rows
    texts = {p.stem: read_article(p).text for p in SEEDS.glob("*.txt")}
    for r in rows:
        begin, end = int(r["begin"]), int(r["end"])
        assert texts[r["articleId"]][begin:end] == r["anchor"], r
        if r["sentence"]:
            assert r["anchor"].lower() in r["sentence"].lower()
    one = rows[0]["event"]
    only = _rows(seeds, "event-evidence", event=one)
    assert only and all(r["event"] == one for r in only)


@pytest.mark.model
def test_queries_articles_by_date_and_agency(seeds):
    rows = _rows(seeds, "articles")
    assert len({r["id"] for r in rows}) == len(list(SEEDS.glob("*.txt")))
    assert _has(rows, id="001_cba15eb8f773454e", published="2024-12", agencyLabel="ATS")
    afp = _rows(seeds, "articles", agency="AFP")
    assert afp and all(r["agencyLabel"] == "AFP" for r in afp)


@pytest.mark.model
def test_queries_places_map(seeds):
    rows = _rows(seeds, "places-map")
    homs = next(r for r in rows if r["label"] == "Homs")
    assert homs["placeClass"] == str(CKG.City)
    assert 34 < float(homs["lat"]) < 35.5 and 36 < float(homs["long"]) < 37.5


@pytest.mark.model
@pytest.mark.parametrize("name", [q.name for q in list_queries() if q.params])
def test_queries_malicious_value_cannot_change_the_query(seeds, name):
    before = len(seeds)
    info = next(q for q in list_queries() if q.name == name)
    label_params = [p.name for p in info.params if p.name not in ("minSources", "since")]
    if not label_params:
        pytest.skip("no label parameter")
    rows = _rows(seeds, name, **{label_params[0]: EVIL})
    assert rows == [], f"{name}: {rows[:2]}"
    assert len(seeds) == before


@pytest.mark.model
def test_queries_cli_named_query_with_param_as_csv(seeds_dir):
    result = CliRunner().invoke(app, ["query", "events-in-place", "-p", "place=Homs", "-f", "csv",
                                      "-g", str(seeds_dir / "graph.ttl")])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(r["placeLabel"] == "Homs" for r in rows)
    assert any(r["whereLabel"] == "Khaldiyé" for r in rows)


@pytest.mark.model
def test_queries_cli_without_param_reads_no_names_from_the_store(seeds_dir, monkeypatch):
    """With nothing to bind, or only IRIs, CURIEs and dates, kg query on a store neither reads every
    label nor builds the name index (half a second of each call on a 1M-triple store); with a name
    to resolve it does."""
    import kg.names
    import kg.store
    from kg.store import format_result, open_store, query_store, store_label_graph

    store = open_store(seed_build() / "store")
    table = format_result(query_store(store, load_query("articles")), "table", store_label_graph(store))
    graph = str(seed_build() / "graph.ttl")
    afp, since = (CliRunner().invoke(app, ["query", "articles", "-p", p, "-g", graph]).stdout
                  for p in ("agency=AFP", "since=2012"))  # read with the names, as before
    assert "(1 row)" in afp and "(2 rows)" in since

    def refuse(*_a, **_k):
        raise AssertionError("names read without a parameter")

    monkeypatch.setattr(kg.store, "store_label_graph", refuse)
    monkeypatch.setattr(kg.names.NameIndex, "from_store", classmethod(refuse))
    result = CliRunner().invoke(app, ["query", "articles", "-g", graph])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == table.strip() and "(5 rows)" in table  # printed as with the labels read
    for args, same_as in ((["-p", "agency=ckgr:actor/afp"], afp), (["-p", "since=2012"], since)):
        run = CliRunner().invoke(app, ["query", "articles", *args, "-g", graph])  # nothing to look up
        assert run.exit_code == 0 and run.stdout == same_as, run.output
    with_name = CliRunner().invoke(app, ["query", "articles", "-p", "agency=AFP", "-g", graph])
    assert with_name.exit_code != 0 and "names read without a parameter" in repr(with_name.exception)


@pytest.mark.model
@pytest.mark.parametrize("on", ["graph.ttl", "store"])
def test_queries_cli_a_documented_string_parameter_draws_no_label_warning(on, tmp_path):
    """-p side=media is a plain string by the query's header: it is not looked up as a label, and no
    "no entity has this label" warning is printed (the store path printed one)."""
    out = seed_build()
    graph = out / "graph.ttl"
    if on == "graph.ttl":  # a copy without its store beside it: the graph file is read
        graph = tmp_path / "graph.ttl"
        graph.write_bytes((out / "graph.ttl").read_bytes())
        (tmp_path / "derived.ttl").write_bytes((out / "derived.ttl").read_bytes())
    result = CliRunner().invoke(app, ["query", "osdh-vs-state-media", "-p", "side=media", "-f", "csv",
                                      "-g", str(graph)])
    assert result.exit_code == 0, result.output
    assert "no entity has this label" not in result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {r["reportedAs"] for r in rows} == {"media"}


@pytest.mark.model
def test_queries_cli_malicious_param_returns_no_rows(seeds_dir):
    graph = seeds_dir / "graph.ttl"
    before = graph.read_bytes()
    result = CliRunner().invoke(app, ["query", "territory-captures", "-p", f"place={EVIL}", "-f", "json",
                                      "-g", str(graph)])
    # a place name that designates nothing is a usage error (#13): no query runs, nothing changes
    assert result.exit_code == 2, result.output
    assert result.stdout.strip() == "" and "no such place" in result.output
    assert graph.read_bytes() == before


def test_queries_bound_parameter_patterns_turn_on_only_for_bound_names():
    from kg.store.sparql import bound_patterns, with_values

    q = "SELECT ?e WHERE {\n  #+ ?place: ?e <urn:in> ?place .\n  #+ ?actor: ?e <urn:by> ?actor .\n  ?e a <urn:E> .\n}"
    text = with_values(q, ["place"], ["<urn:homs>"])
    assert "\n   ?e <urn:in> ?place .\n" in text  # the place pattern is query text now
    assert "#+ ?actor: ?e <urn:by> ?actor ." in text  # the unbound one stays a comment
    assert bound_patterns(q, []) == q
    assert text.index("VALUES") < text.index("<urn:in>")


def test_queries_a_bound_pattern_leaves_out_only_the_filter_it_makes_redundant():
    """The store path drops ``FILTER (!BOUND(?x) || EXISTS { P })`` only when ``#+ ?x: P`` is turned
    on in the same group with the very same pattern; any other filter stays."""
    from kg.store.sparql import bound_patterns

    same = "FILTER (!BOUND(?x) || EXISTS { ?e  <urn:in>\n ?x })"
    q = ("SELECT ?e WHERE {\n  #+ ?x: ?e <urn:in> ?x .\n  ?e a <urn:E> .\n  " + same + "\n"
         "  FILTER (!BOUND(?x) || EXISTS { ?e <urn:near> ?x })\n"
         "  FILTER (!BOUND(?y) || EXISTS { ?e <urn:in> ?y })\n"
         "  OPTIONAL { ?e <urn:at> ?w . FILTER (!BOUND(?x) || EXISTS { ?e <urn:in> ?x }) }\n}")
    text = bound_patterns(q, ["x"])
    assert same not in text and "\n   ?e <urn:in> ?x .\n" in text
    assert "EXISTS { ?e <urn:near> ?x }" in text  # another pattern
    assert "EXISTS { ?e <urn:in> ?y }" in text  # another parameter
    assert "OPTIONAL { ?e <urn:at> ?w . FILTER (!BOUND(?x) || EXISTS { ?e <urn:in> ?x }) }" in text  # another group
    assert bound_patterns(q, ["y"]) == q  # ?y has no pattern: nothing changes
    assert same in bound_patterns(q, [])


def test_queries_a_bound_parameter_pattern_cannot_smuggle_service(tmp_path):
    from pyoxigraph import Store
    from rdflib import URIRef

    from kg.store import query_store

    q = "SELECT ?e WHERE {\n  #+ ?p: SERVICE <http://example.org/sparql> { ?e ?p ?o }\n  ?e ?p ?o .\n}"
    with pytest.raises(QueryError, match="SERVICE"):
        query_store(Store(), q, {"p": URIRef("urn:p")})
    assert len(list(query_store(Store(), q))) == 0  # unbound: a comment, nothing is called


def test_store_answers_hold_the_same_rdflib_terms_as_the_graph():
    """query_store reads each Oxigraph term into the rdflib term rdflib's own query gives: IRIs, blank
    nodes, plain, language-tagged and typed literals (the datatype kept, the value parsed)."""
    from pyoxigraph import RdfFormat, Store
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import XSD

    from kg.store import query_store

    s, p = URIRef("urn:s"), URIRef("urn:p")
    objects = [URIRef("urn:o"), BNode("b1"), Literal("plain"), Literal("Homs", lang="fr"),
               Literal("19", datatype=XSD.integer), Literal("36.7", datatype=XSD.decimal),
               Literal("2016-03-27", datatype=XSD.date), Literal("2016", datatype=XSD.gYear),
               Literal("x", datatype=URIRef("urn:custom"))]
    g = Graph()
    for o in objects:
        g.add((s, p, o))
    store = Store()
    store.load(g.serialize(format="nt").encode(), format=RdfFormat.N_TRIPLES)
    got = [row[0] for row in query_store(store, "SELECT ?o WHERE { <urn:s> <urn:p> ?o }")]
    literals = sorted((o for o in got if isinstance(o, Literal)), key=repr)
    want = sorted((o for o in objects if isinstance(o, Literal)), key=repr)
    assert literals == want
    assert [(a.datatype, a.language, a.value) for a in literals] == [(b.datatype, b.language, b.value) for b in want]
    assert URIRef("urn:o") in got and sum(isinstance(o, BNode) for o in got) == 1


def _cells(row) -> tuple[str, ...]:
    """A result row as strings, the parts of a GROUP_CONCAT sorted (engines concatenate in any order)."""
    return tuple("; ".join(sorted(str(c).split("; "))) for c in row)


def _hinted(name: str) -> list[tuple[str, str]]:
    """The ``#+ ?param: pattern`` hints of a named query: (param, pattern)."""
    return re.findall(r"#\+\s*\?(\w+):\s*(.*?)\s*\.?\s*$", load_query(name), flags=re.M)


@pytest.mark.model
@pytest.mark.parametrize("name", [q.name for q in list_queries() if _hinted(q.name)])
def test_queries_store_and_graph_agree_with_each_hinted_parameter_bound(name):
    """With each parameter that has a ``#+`` pattern bound (to the value its pattern matches most in
    the seeds), the store — which joins the pattern and leaves out the filter it makes redundant —
    answers exactly as the graph path, where the hint is a comment and the filter runs."""
    from kg.store import open_store, query_store

    out = seed_build()
    graph = load_query_graph(out / "graph.ttl")
    store = open_store(out / "store")
    text = load_query(name)
    for param, pattern in _hinted(name):
        top = list(graph.query(f"SELECT ?{param} (COUNT(*) AS ?n) WHERE {{ {pattern} }} GROUP BY ?{param} "
                               f"ORDER BY DESC(?n) STR(?{param}) LIMIT 1",
                               initNs={"ckg": str(CKG), "skos": "http://www.w3.org/2004/02/skos/core#"}))
        assert top, f"{name}: nothing matches {pattern}"
        bindings = {param: top[0][0]}
        want = [_cells(r) for r in run_query(graph, text, bindings)]
        got = [_cells(r) for r in query_store(store, text, bindings)]
        assert want, f"{name} with {param}={top[0][0]}: no rows to compare"
        assert sorted(got) == sorted(want), f"{name} with {param}={top[0][0]}"


def test_queries_a_solution_that_binds_nothing_is_a_row():
    """SPARQL counts a solution that binds no variable (``SELECT * {}`` has one; an OPTIONAL that
    matched nothing gives one): every format shows the store's — rdflib's iteration dropped it, and the
    table said "(0 rows)", JSON ``"bindings": []``, the API an empty list."""
    import json

    from pyoxigraph import Store

    from kg.exports import sparql_json
    from kg.store import query_store
    from kg.store.results import format_result

    def ask(q):
        return query_store(Store(), q)

    q = "SELECT ?x WHERE { OPTIONAL { ?s <urn:nope> ?x } }"
    assert format_result(ask(q), "table").endswith("(1 row)")
    assert format_result(ask(q), "csv") == 'x\n""\n'
    assert json.loads(format_result(ask(q), "json")) == [{"x": ""}]
    assert json.loads(sparql_json(ask(q)))["results"]["bindings"] == [{}]
    assert json.loads(sparql_json(ask("SELECT * WHERE { }")))["results"]["bindings"] == [{}]
    assert format_result(ask("SELECT ?x WHERE { ?s <urn:nope> ?x }"), "table").endswith("(0 rows)")


def test_queries_rdflib_invents_no_group_over_nothing():
    """rdflib answers a GROUP BY over no solution with one empty group: run_query drops it, so the
    graph-file path answers as the store does (no row), not with a row of empty cells."""
    from pyoxigraph import Store

    from kg.store import query_store
    from kg.store.results import format_result

    q = "SELECT ?x (GROUP_CONCAT(?y) AS ?c) WHERE { ?x <urn:p> ?y } GROUP BY ?x"
    assert format_result(run_query(Graph(), q), "csv") == format_result(query_store(Store(), q), "csv") == "x,c\n"
    assert format_result(run_query(Graph(), "SELECT (COUNT(*) AS ?n) WHERE { ?x <urn:p> ?y }"), "csv") == "n\n0\n"
