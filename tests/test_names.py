"""Names as users type them (#13): one resolver for every option that takes a name, usage errors
with suggestions, one meaning per short flag."""

from __future__ import annotations

import re

import pytest
import typer.main
from conftest import ALEPPO, ARMY, ISIS, OSDH, PALMYRA, SYRIA, make_graph
from rdflib import Literal
from typer.testing import CliRunner

from kg.cli import app
from kg.names import (
    AmbiguousName,
    NameIndex,
    UnknownName,
    UnknownParameter,
    param_kind,
    resolve_name,
    resolve_params,
    suggest,
)
from kg.namespace import CKG, CKGR, RDF, SKOS
from kg.queries import list_queries, load_query, query_info

runner = CliRunner()


@pytest.fixture
def index() -> NameIndex:
    return NameIndex.from_graph(make_graph())


@pytest.mark.parametrize(("name", "kind", "expected"), [
    ("État islamique", "actor", ISIS),          # the label
    ("etat islamique", None, ISIS),             # case and accents do not matter
    ("Daech", "actor", ISIS),                   # an alias (skos:altLabel)
    ("DAECH", None, ISIS),
    ("alep", "place", ALEPPO),
    ("Palmyre", None, PALMYRA),
    ("syrian-army", None, ARMY),                # the id (local name)
    ("ckgr:actor/osdh", "actor", OSDH),         # a CURIE
    (f"<{OSDH}>", None, OSDH),                  # an IRI
    (str(OSDH), "actor", OSDH),
])
def test_names_resolve_as_users_type_them(index, name, kind, expected):
    assert resolve_name(name, index, kind) == str(expected)


def test_names_gazetteer_names_reach_nodes_the_texts_never_named():
    """A node with a gazetteer id is found by any gazetteer alias, even one the graph lacks."""
    g = make_graph()
    node = CKGR["actor/islamic-state"]
    g.add((node, RDF.type, CKG.JihadistGroup))
    g.add((node, SKOS.prefLabel, Literal("Etat islamique", lang="fr")))
    index = NameIndex.from_graph(g)
    assert resolve_name("EI", index, "actor") == str(node)
    assert resolve_name("ISIS", index, "actor") == str(node)


def test_names_unknown_name_suggests_the_closest(index):
    with pytest.raises(UnknownName) as err:
        resolve_name("Daach", index, "actor")
    assert "Daech (État islamique)" in str(err.value) and err.value.suggestions
    assert suggest("Alepp", index, "place")[0].startswith("Alep")


def test_names_a_name_of_another_kind_says_so(index):
    with pytest.raises(UnknownName, match=r"no such actor: 'Alep' \('Alep' is a place\)"):
        resolve_name("Alep", index, "actor")


def test_names_ambiguous_names_list_the_candidates():
    g = make_graph()
    g.add((ARMY, SKOS.altLabel, Literal("les deux", lang="fr")))
    g.add((ISIS, SKOS.altLabel, Literal("les deux", lang="fr")))
    with pytest.raises(AmbiguousName) as err:
        resolve_name("les deux", NameIndex.from_graph(g), "actor")
    assert str(ARMY) in str(err.value) and str(ISIS) in str(err.value)


def test_names_index_from_store_equals_index_from_graph(tmp_path):
    from kg.store import open_store

    g = make_graph()
    store = _store_of(g, tmp_path)
    a, b = NameIndex.from_graph(g), NameIndex.from_store(open_store(store))
    assert a.pref == b.pref and a.alt == b.alt
    assert {k: (n.kind, n.cls, n.label) for k, n in a.nodes.items()} == \
        {k: (n.kind, n.cls, n.label) for k, n in b.nodes.items()}


def test_names_a_label_or_alias_is_resolved_without_reading_the_gazetteer(index, monkeypatch):
    """The gazetteer (≈ 0.1 s to load) is the last rank: read only when no label, alias or id matches."""
    import kg.gazetteer

    def no_gazetteer(*_a, **_k):
        raise AssertionError("the gazetteer was read")

    monkeypatch.setattr(kg.gazetteer, "load_gazetteer", no_gazetteer)
    assert resolve_name("État islamique", index, "actor") == str(ISIS)  # a label
    with pytest.raises(AssertionError, match="gazetteer was read"):
        resolve_name("Qaryatayn-sur-Mer", index, "place")  # no label, alias or id: the gazetteer is asked


@pytest.mark.model
def test_names_index_from_a_build_store_equals_index_from_its_graph():
    """The store's index (two scans joined in Python) is the graph's (one query), on a real build."""
    from helpers import seed_build

    from kg.store import load_graph, open_store

    out = seed_build()
    a, b = NameIndex.from_graph(load_graph(out / "graph.ttl")), NameIndex.from_store(open_store(out / "store"))
    assert len(a.nodes) > 40 and a.alt
    assert a.pref == b.pref and a.alt == b.alt and a.local == b.local
    assert {k: (n.kind, n.cls, n.label, n.alt) for k, n in a.nodes.items()} == \
        {k: (n.kind, n.cls, n.label, n.alt) for k, n in b.nodes.items()}


def _store_of(g, tmp_path):
    from kg.store import load_store

    ttl = tmp_path / "graph.ttl"  # as kg's GraphWriter writes it: a header, a blank line, the statements
    ttl.write_text("\n" + g.serialize(format="nt"), encoding="utf-8")
    trig = tmp_path / "graph.trig"
    trig.write_text("", encoding="utf-8")
    return load_store(tmp_path / "store", named=trig, default=ttl)


# ------------------------------------------------------------------ query parameters
def test_names_param_kinds_come_from_the_query_headers():
    kinds = {(q.name, p.name): param_kind(p.description) for q in list_queries() for p in q.params}
    assert kinds[("territory-captures", "place")] == "place"
    assert kinds[("who-fought-whom", "actor")] == "actor"
    assert kinds[("osdh-vs-state-media", "side")] == "string"
    assert kinds[("events-by-type-month", "since")] == "date"
    assert kinds[("multi-source-events", "minSources")] == "integer"
    assert kinds[("events-by-type-month", "type")] == "type" and kinds[("actors-by-class", "class")] == "class"
    assert kinds[("event-evidence", "event")] is None  # an IRI
    # every documented parameter of a named query says what it takes (so each is checked), but IRIs
    assert {k for k, v in kinds.items() if v is None} == {("event-evidence", "event"), ("event-evidence", "article")}


@pytest.mark.parametrize(("name", "value", "kind", "message"), [
    ("since", "2024-13", "date", "not a date"),
    ("since", "20240101", "date", "not a date"),
    ("since", "2024-02-30", "date", "not a date"),
    ("minSources", "abc", "integer", "not an integer"),
    ("minSources", str(2**63), "integer", "out of range"),
    ("type", "Airstrikes", "type", "did you mean Airstrike"),
    ("type", "Foo", "type", "not an event type or family"),
    ("class", "Rebels", "class", "not an actor class"),
    ("side", "tv", "string", "one of OSDH, media, organization, other"),
])
def test_names_params_that_cannot_be_what_they_take_are_refused(name, value, kind, message):
    """A value its parameter cannot take gave an empty (or, for 2^63, a store-dependent) answer, exit 0."""
    from kg.names import BadParameter, check_param

    description = '"OSDH", "media", "organization" or "other" (a plain string)' if kind == "string" else ""
    with pytest.raises(BadParameter, match=message):
        check_param(name, value, kind, description)


def test_names_params_are_written_as_the_query_needs_them():
    from kg.names import check_param

    assert check_param("type", "airstrike", "type") == "ckg:Airstrike"
    assert check_param("type", "ckg:Battle", "type") == "ckg:Battle"
    assert check_param("class", "rebelgroup", "class") == "ckg:RebelGroup"
    assert check_param("side", "Media", "string", '"OSDH", "media" or "other" (a plain string)') == "media"
    assert [check_param("since", d, "date") for d in ("2024", "2024-02", "2024-02-29")] == ["2024", "2024-02", "2024-02-29"]
    assert check_param("minSources", "3", "integer") == "3"


def test_names_params_resolve_names_and_reject_unknown_variables(index):
    info = query_info(next(q.path for q in list_queries() if q.name == "territory-captures"))
    text = load_query("territory-captures")
    values, strings = resolve_params(text, {"place": "alep", "since": "2016"}, index, info.params)
    assert values == {"place": f"<{ALEPPO}>", "since": "2016"} and not strings
    with pytest.raises(UnknownParameter, match=r"no variable \?placee .*did you mean \?place\?"):
        resolve_params(text, {"placee": "Homs"}, index, info.params)
    with pytest.raises(UnknownName, match="no such place: 'Atlantide'"):
        resolve_params(text, {"place": "Atlantide"}, index, info.params)
    # CURIEs and IRIs go through as they are
    values, _ = resolve_params(text, {"place": "ckgr:place/aleppo"}, index, info.params)
    assert values["place"] == "ckgr:place/aleppo"


@pytest.mark.parametrize(("value", "message"), [
    ("3", "no such place: '3'"),  # a number or a date is no place: it was bound as a literal, 0 rows
    ("2016", "no such place: '2016'"),
    ("ckgr:actor/isis", "is an actor IRI"),  # an actor where a place is expected: was 0 rows, exit 0
    (f"<{ISIS}>", "is an actor IRI"),
])
def test_names_place_params_that_name_no_place_are_errors(index, value, message):
    info = query_info(next(q.path for q in list_queries() if q.name == "territory-captures"))
    with pytest.raises(UnknownName, match=re.escape(message)):
        resolve_params(load_query("territory-captures"), {"place": value}, index, info.params)


def test_names_an_iri_no_triple_has_is_an_error_with_suggestions(index):
    """``-p place=ckgr:place/alepp`` answered 0 rows, exit 0: an IRI of nothing is now refused, with
    the nodes whose names are closest to its last segment (names read only on that failure)."""
    info = query_info(next(q.path for q in list_queries() if q.name == "territory-captures"))
    text = load_query("territory-captures")
    asked = []

    def exists(iri):
        asked.append(iri)
        return iri == str(ALEPPO)

    with pytest.raises(UnknownName, match=r"no triple has <.*/place/alepp>; did you mean: Alep") as err:
        resolve_params(text, {"place": "ckgr:place/alepp"}, index, info.params, exists)
    assert "Alep" in err.value.args[0] and asked == [str(CKGR["place/alepp"])]
    values, _ = resolve_params(text, {"place": "ckgr:place/aleppo"}, lambda: pytest.fail("names read"),
                               info.params, exists)
    assert values == {"place": "ckgr:place/aleppo"}  # an IRI that is there: no name read


def test_names_an_event_or_article_iri_of_kg_that_no_triple_has_is_an_error():
    """``-p event=ckgr:event/0000`` (event-evidence: "an event IRI") answered 0 rows, exit 0."""
    info = query_info(next(q.path for q in list_queries() if q.name == "event-evidence"))
    text = load_query("event-evidence")
    there = str(CKGR["event/abc"])
    for value in ("ckgr:event/0000", "ckgr:article/nope"):
        with pytest.raises(UnknownName, match=r"no triple of the graph has <https://w3id.org/conflict-kg/id/"):
            resolve_params(text, {value.split(":")[1].split("/")[0]: value}, {}, info.params, lambda i: i == there)
    values, _ = resolve_params(text, {"event": "ckgr:event/abc"}, {}, info.params, lambda i: i == there)
    assert values == {"event": "ckgr:event/abc"}
    values, _ = resolve_params(text, {"event": "<http://example.org/e>"}, {}, info.params, lambda i: False)
    assert values == {"event": "<http://example.org/e>"}  # another namespace: not kg's to judge


def test_names_has_iri_looks_up_subjects_and_objects_in_a_store_or_a_graph(tmp_path):
    from kg.store import has_iri, open_store

    g = make_graph()
    store = open_store(_store_of(g, tmp_path))
    for source in (g, store):
        assert has_iri(source, str(ALEPPO)) and has_iri(source, str(SYRIA))  # a subject; an object only
        assert not has_iri(source, str(CKGR["place/atlantis"]))
        assert not has_iri(source, "not an iri")


def test_names_ontology_terms_stay_terms(index):
    """``-p group=ckg:Civilians`` (casualty-tolls: "an actor IRI or label, or ckg:Civilians") is no node to look up."""
    info = query_info(next(q.path for q in list_queries() if q.name == "casualty-tolls"))
    values, _ = resolve_params(load_query("casualty-tolls"), {"group": "ckg:Civilians"}, index, info.params)
    assert values == {"group": "ckg:Civilians"}


def test_names_plain_string_params_stay_strings(index):
    info = query_info(next(q.path for q in list_queries() if q.name == "osdh-vs-state-media"))
    values, strings = resolve_params(load_query("osdh-vs-state-media"), {"side": "OSDH"}, index, info.params)
    assert values == {"side": "OSDH"} and strings == {"side"}


# ------------------------------------------------------------------ the command line
@pytest.fixture
def graph_file(tmp_path):
    path = tmp_path / "graph.ttl"
    make_graph().serialize(destination=str(path), format="turtle")
    return path


@pytest.mark.parametrize("args", [
    ["network", "--ego", "Daech"],
    ["network", "--path", "armée syrienne", "Daech"],
    ["network", "--ego", "alep", "--projection", "actor-place"],
    ["view", "--actor", "Daech", "-o", "{tmp}/v.html"],
    ["view", "--place", "alep", "-o", "{tmp}/v.html"],
    ["view", "--ego", "daech", "-o", "{tmp}/v.html"],
    ["query", "who-fought-whom", "-p", "actor=Daech"],
])
def test_names_cli_options_take_aliases(graph_file, args):
    args = [a.replace("{tmp}", str(graph_file.parent)) for a in args]
    result = runner.invoke(app, [*args, "-g", str(graph_file)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("args", "message"), [
    (["network", "--ego", "Daach"], "did you mean: Daech"),
    (["network", "--path", "OSDH", "Atlantide"], "no such actor: 'Atlantide'"),
    (["network", "--ego", "Alep"], "'Alep' is a place"),
    (["view", "--actor", "Daach", "-o", "{tmp}/v.html"], "did you mean: Daech"),
    (["view", "--place", "Alepp", "-o", "{tmp}/v.html"], "did you mean: Alep"),
    (["query", "territory-captures", "-p", "placee=Alep"], "did you mean ?place?"),
    (["query", "who-fought-whom", "-p", "actor=Daach"], "did you mean: Daech"),
    (["query", "who-fought-whom", "-p", "actor=ckgr:actor/daech"], "no triple has <"),  # was 0 rows, exit 0
    (["query", "SELECT ?s WHERE { ?s ?p ?o }", "-p", "x=1"], "no variable ?x"),
    (["query", "who-fought-whom", "-p", "since=2024-13"], "not a date"),
    (["query", "events-by-type-month", "-p", "type=Airstrikes"], "did you mean Airstrike"),
    (["query", "multi-source-events", "-p", "minSources=abc"], "not an integer"),
    (["view", "--since", "2024-13", "-o", "{tmp}/v.html"], "give a date as YYYY, YYYY-MM or YYYY-MM-DD"),
    (["view", "--type", "Airstrikes", "-o", "{tmp}/v.html"], "did you mean Airstrike"),
])
def test_names_cli_unknown_names_and_params_are_usage_errors(graph_file, args, message):
    args = [a.replace("{tmp}", str(graph_file.parent)) for a in args]
    result = runner.invoke(app, [*args, "-g", str(graph_file)])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_names_cli_unknown_rule_is_a_usage_error(tmp_path):
    (tmp_path / "entities.csv").write_text(
        "entity,kind,class,label,located_in,affiliated_with,geonames,surface_forms,rules,min_score,articles\n"
        "homs,place,City,Homs,,,,Homs ×1,gazetteer,1.0,a1\n", encoding="utf-8")
    result = runner.invoke(app, ["entities", "-o", str(tmp_path), "--rule", "bogus"])
    assert result.exit_code == 2 and "no such merge rule" in result.output and "gazetteer" in result.output
    result = runner.invoke(app, ["entities", "-o", str(tmp_path), "--rule", "fuzz"])
    assert result.exit_code == 2 and "did you mean 'fuzzy'" in result.output
    result = runner.invoke(app, ["entities", "-o", str(tmp_path), "--rule", "gazetteer"])
    assert result.exit_code == 0 and "(1 entity)" in result.output


def test_names_cli_one_meaning_per_short_flag():
    """-p is --param wherever it exists (it was also --projection in kg network)."""
    meanings: dict[str, set[str]] = {}
    for command in typer.main.get_command(app).commands.values():
        for param in command.params:
            flags = param.opts + param.secondary_opts
            longs = [f for f in flags if f.startswith("--")]
            for flag in flags:
                if flag.startswith("-") and not flag.startswith("--"):
                    meanings.setdefault(flag, set()).add(longs[0] if longs else param.name)
    assert {f: m for f, m in meanings.items() if len(m) > 1} == {}
    assert meanings["-p"] == {"--param"}


def test_names_an_iri_of_another_kind_says_what_it_is(index):
    """``kg view --place ckgr:actor/isis`` said "no such place in the graph", as if the IRI named nothing."""
    with pytest.raises(UnknownName, match=re.escape(f"no such place: <{ISIS}> is an actor")):
        resolve_name(str(ISIS), index, "place")
