"""Entity resolution across articles, on hand-made extractions (no spaCy model needed)."""

from __future__ import annotations

import json

import pytest

from kg.extract import EventRecord, Extraction, Mention
from kg.ingest import article_from_text
from kg.resolve import CIVILIANS, FUZZY_THRESHOLD, located_chain, resolve, slug


def ext(aid: str, text: str, names: list[tuple[str, str, str, str]], events=()) -> Extraction:
    """An extraction whose mentions are the first occurrences of ``names`` (surface, kind, class, gaz id)."""
    art = article_from_text(aid, text)
    ms = []
    for surface, kind, cls, gid in names:
        b = text.index(surface)
        ms.append(Mention(b, b + len(surface), surface, kind, cls, gid))
    return Extraction(art, tuple(ms), tuple(events))


def ids(res, aid):
    ex = next(x for x in res.extractions if x.article.id == aid)
    return {m.text: eid for m, eid in zip(ex.mentions, res.mentions[aid], strict=True)}


def test_resolve_gazetteer_spellings_are_one_node():
    a = ext("a", "Qousseir et Bachar al-Assad", [("Qousseir", "place", "City", "qusayr"),
                                                 ("Bachar al-Assad", "actor", "Person", "bachar-al-assad")])
    b = ext("b", "Qoussair et Bachar El Assad", [("Qoussair", "place", "City", ""),
                                                 ("Bachar El Assad", "actor", "Person", "")])
    res = resolve([a, b])
    assert ids(res, "a")["Qousseir"] == ids(res, "b")["Qoussair"] == "qusayr"
    assert ids(res, "a")["Bachar al-Assad"] == ids(res, "b")["Bachar El Assad"] == "bachar-al-assad"


def test_resolve_unknown_names_merge_across_articles_by_normalised_form():
    a = ext("a", "Abou Khaled al-Homsi a dit", [("Abou Khaled al-Homsi", "actor", "Person", "")])
    b = ext("b", "ABOU KHALED AL-HOMSI a dit", [("ABOU KHALED AL-HOMSI", "actor", "Person", "")])
    res = resolve([a, b])
    assert ids(res, "a")["Abou Khaled al-Homsi"] == ids(res, "b")["ABOU KHALED AL-HOMSI"]
    stats = res.merges[ids(res, "b")["ABOU KHALED AL-HOMSI"]]
    assert stats.rules == ("new", "normalised") and stats.articles == ("a", "b")
    assert stats.forms == (("ABOU KHALED AL-HOMSI", 1), ("Abou Khaled al-Homsi", 1))


def test_resolve_fuzzy_match_needs_same_kind_and_class():
    a = ext("a", "Abou Mohammed al-Tellawi", [("Abou Mohammed al-Tellawi", "actor", "Person", "")])
    b = ext("b", "Abou Mohamed al-Tellawi", [("Abou Mohamed al-Tellawi", "actor", "Person", "")])
    c = ext("c", "Abou Mohamed al-Tellawi", [("Abou Mohamed al-Tellawi", "place", "City", "")])
    res = resolve([a, b, c])
    assert ids(res, "a")["Abou Mohammed al-Tellawi"] == ids(res, "b")["Abou Mohamed al-Tellawi"]
    fuzzy = [m for m in res.merges.values() if "fuzzy" in m.rules]
    assert fuzzy and all(FUZZY_THRESHOLD / 100 <= m.min_score < 1 for m in fuzzy)
    assert res.entities[ids(res, "c")["Abou Mohamed al-Tellawi"]].kind == "place"


def test_resolve_look_alikes_of_different_class_stay_apart():
    # the Khalidiya village north of Homs is not the Khaldiyé district of Homs
    a = ext("a", "le quartier de Khaldiyé à Homs", [("Khaldiyé", "place", "Neighbourhood", "homs-khaldiyeh")])
    b = ext("b", "le village de Khalidiya, au nord de Homs", [("Khalidiya", "place", "City", "")])
    res = resolve([a, b])
    assert ids(res, "a")["Khaldiyé"] != ids(res, "b")["Khalidiya"]


def test_resolve_hama_city_and_province_stay_apart():
    a = ext("a", "la ville de Hama et la province de Hama", [("Hama", "place", "City", "hama"),
                                                              ("province de Hama", "place", "Region", "province-hama")])
    res = resolve([a])
    got = ids(res, "a")
    assert got["Hama"] != got["province de Hama"]
    assert res.entities[got["Hama"]].located_in == got["province de Hama"]


@pytest.mark.parametrize("surface", ["Hama\x01", "HAMA!"])
def test_resolve_new_name_whose_slug_is_a_gazetteer_id_brings_its_containers(surface):
    # the gazetteer rules miss the name (a stray control character, a "!"), the "new" rule's slug is
    # the gazetteer's ``hama``: its province and country must join the entities too, or the place
    # pass beside it (and every reader of the chain) looked up ``province-hama`` and crashed
    a = ext("a", f"la ville de {surface} et le village de Kfar Nidal",
            [(surface, "place", "City", ""), ("Kfar Nidal", "place", "City", "")])
    res = resolve([a])
    got = ids(res, "a")
    assert got[surface] == "hama"
    assert located_chain(res.entities, "hama") == ["province-hama", "syria"]
    assert all(e.located_in in res.entities for e in res.entities.values() if e.located_in)
    assert res.entities[got["Kfar Nidal"]].located_in == "province-hama"


def test_resolve_new_name_whose_slug_is_a_gazetteer_id_of_another_kind_is_not_that_entry():
    # a person the gazetteer does not know, named like a city: the "new" rule's slug is the city's
    # id, and the person became an actor of class City, located in the province of Hama
    a = ext("a", "Un certain Hama a parlé à Alep.", [("Hama", "actor", "Person", ""), ("Alep", "place", "City", "")])
    res = resolve([a])
    person = res.entities[ids(res, "a")["Hama"]]
    assert (person.id, person.kind, person.cls, person.located_in) == ("hama-person", "actor", "Person", None)
    assert "hama" not in res.entities  # no city of Hama: no article names it


def test_resolve_person_named_by_part_of_a_fuller_name():
    a = ext("a", "Mohammed Khaled Ghazal a parlé. Ghazal a ajouté", [
        ("Mohammed Khaled Ghazal", "actor", "Person", ""), ("Ghazal", "actor", "Person", "")])
    # the second mention is the later "Ghazal"
    m2 = Mention(a.article.text.rindex("Ghazal"), a.article.text.rindex("Ghazal") + 6, "Ghazal", "actor", "Person")
    a = Extraction(a.article, (a.mentions[0], m2), ())
    res = resolve([a])
    assert ids(res, "a")["Ghazal"] == ids(res, "a")["Mohammed Khaled Ghazal"]


def test_resolve_overrides_merge_and_split(tmp_path):
    over = tmp_path / "overrides.json"
    over.write_text(json.dumps({"merge": {"Forces Tigre": "tiger-forces"}, "split": ["Observatoire"]}))
    a = ext("a", "Forces Tigre et Observatoire", [("Forces Tigre", "actor", "StateForce", ""),
                                                 ("Observatoire", "actor", "Organization", "osdh")])
    res = resolve([a], overrides=over)
    got = ids(res, "a")
    assert got["Forces Tigre"] == "tiger-forces"
    assert got["Observatoire"] != "osdh"
    assert {r for m in res.merges.values() for r in m.rules} >= {"override"}


def test_resolve_towns_unknown_to_the_gazetteer_get_geonames_and_governorate():
    a = ext("a", "à Tell Rifaate", [("Tell Rifaate", "place", "City", "")])
    res = resolve([a])
    e = res.entities[ids(res, "a")["Tell Rifaate"]]
    assert e.geonames == 163476 and e.lat and e.long
    assert e.located_in == "province-aleppo"


def test_resolve_event_ids_are_deterministic_and_order_free():
    ev = EventRecord("Shelling", ((0, 5),), None)
    a = ext("a", "Obus sur Homs", [("Homs", "place", "City", "homs")], [ev])
    b = ext("b", "Obus sur Alep", [("Alep", "place", "City", "aleppo")], [ev])
    r1, r2 = resolve([a, b]), resolve([b, a])
    assert [e.id for e in r1.events] == [e.id for e in r2.events]


def test_resolve_civilian_tolls_use_the_civilians_class():
    from kg.extract import Toll

    ev = EventRecord("CasualtyReport", ((0, 2),), None, tolls=(Toll(12, "Exactly", None, True),))
    res = resolve([ext("a", "12 civils", [], [ev])])
    assert res.events[0].tolls[0].group == CIVILIANS


@pytest.mark.parametrize(("text", "expected"), [("Khaldiyé (Homs)", "khaldiye-homs"), ("l'Armée", "armee"),
                                                ("  ", "x")])
def test_resolve_slug(text, expected):
    assert slug(text) == expected


def test_resolve_merge_log_lists_forms_rules_and_scores(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.store import write_entities_csv

    a = ext("a", "Qousseir et Qoussair", [("Qousseir", "place", "City", "qusayr")])
    b = ext("b", "Abou Mohammed al-Tellawi, Abou Mohamed al-Tellawi", [
        ("Abou Mohammed al-Tellawi", "actor", "Person", "")])
    c = ext("c", "Abou Mohamed al-Tellawi", [("Abou Mohamed al-Tellawi", "actor", "Person", "")])
    res = resolve([a, b, c])
    write_entities_csv(None, res, tmp_path / "entities.csv")
    runner = CliRunner()
    out = runner.invoke(app, ["entities", "-o", str(tmp_path), "--rule", "fuzzy"])
    assert out.exit_code == 0, out.output
    assert "Abou Mohamed al-Tellawi" in out.output and "(1 entity)" in out.output
    out = runner.invoke(app, ["entities", "-o", str(tmp_path), "--search", "qousseir", "-f", "json"])
    rows = json.loads(out.output)
    assert rows[0]["entity"] == "qusayr" and rows[0]["rules"] == "gazetteer"


def test_resolve_entities_reads_the_build_that_g_names(tmp_path):
    """-g means --graph in every command: ``kg entities -g DIR`` (or a file of DIR) was 'No such option'; and
    ``kg entities -o x.csv``, read as an output file, was told to "run 'kg build -o x.csv' first"."""
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.store import write_entities_csv

    write_entities_csv(None, resolve([ext("a", "Qousseir", [("Qousseir", "place", "City", "qusayr")])]),
                       tmp_path / "entities.csv")
    (tmp_path / "graph.ttl").write_text("", encoding="utf-8")
    runner = CliRunner()
    by_g = runner.invoke(app, ["entities", "-g", str(tmp_path)])
    assert by_g.exit_code == 0 and "qusayr" in by_g.output, by_g.output
    assert runner.invoke(app, ["entities", "-g", str(tmp_path / "graph.ttl")]).output == by_g.output
    assert runner.invoke(app, ["entities", "-o", str(tmp_path)]).output == by_g.output  # the older name still works
    wrong = runner.invoke(app, ["entities", "-o", str(tmp_path / "mine.csv"), "-f", "csv"])
    assert wrong.exit_code == 1 and "not a build folder" in wrong.output and "kg build -o" not in wrong.output.split(
        "pass")[0], wrong.output
    both = runner.invoke(app, ["entities", "-g", str(tmp_path), "-o", str(tmp_path / "other")])
    assert both.exit_code == 2 and "give the build folder once" in both.output


_HEADER = "entity,kind,class,label,located_in,affiliated_with,geonames,surface_forms,rules,min_score,articles\n"


@pytest.mark.parametrize("content, problem", [
    (b"id,name\nhoms,Homs\n", "no column entity, class, label, surface_forms, rules, min_score (the columns: id, name)"),
    (b"entity,label\nhoms,Homs\n", "no column class, surface_forms, rules, min_score"),
    (b"", "empty, no header line"),
    (_HEADER.encode() + b"homs,place,City\n", "line 2: 3 cell(s) for 11 columns"),
    (_HEADER.encode() + b"homs,place,City,Homs,,,,Homs,new,high,a\n", "line 2: min_score 'high' is not a number"),
    (b"entit\xe9,label\n", "not UTF-8 text"),
])
def test_resolve_merge_log_that_is_not_kgs_is_one_line_naming_it(tmp_path, content, problem):
    from typer.testing import CliRunner

    from kg.cli import app

    (tmp_path / "entities.csv").write_bytes(content)
    out = CliRunner().invoke(app, ["entities", "-o", str(tmp_path)])
    assert out.exit_code == 1, out.output
    assert out.output.startswith(f"kg: error: {tmp_path / 'entities.csv'}: {problem}")
    assert len(out.output.splitlines()) == 1
    assert out.exception is None or isinstance(out.exception, SystemExit)  # no traceback


# ------------------------------------------------------------------ resolution as pure passes (#11, #14)
def _two_articles():
    from kg.extract import Affiliation, Toll

    text = "Abou Khaled, de Jaich al-Islam, a attaqué Homs. Obus sur Khaldiyé."
    a = ext("a", text, [("Abou Khaled", "actor", "Person", ""), ("Jaich al-Islam", "actor", "RebelGroup", ""),
                        ("Homs", "place", "City", "homs"), ("Khaldiyé", "place", "Neighbourhood", "")])
    person, group, homs, khaldiye = a.mentions
    ev = EventRecord("Shelling", ((48, 52),), khaldiye, agents=(group,), date=None,
                     tolls=(Toll(3, "Exactly", None, True),))
    a = Extraction(a.article, a.mentions, (ev,), affiliations=(Affiliation(person, group),),
                   containment=((khaldiye, homs),))
    b = ext("b", "Obus sur Khaldiyé", [("Khaldiyé", "place", "Neighbourhood", "")])
    return [a, b]


def test_resolve_passes_return_new_frozen_tables_and_leave_their_input_alone():
    import dataclasses

    from kg.gazetteer import load_gazetteer
    from kg.resolve import PASSES, Tables, resolve
    from kg.schema.spool import ExtractionTable

    t = Tables(ExtractionTable.of(_two_articles()), load_gazetteer(), {"merge": {}, "split": []})
    seen = []
    for step in PASSES:
        before = {f.name: getattr(t, f.name) for f in dataclasses.fields(t)}
        snapshot = {k: dict(v) if hasattr(v, "items") else v for k, v in before.items()}
        out = step(t)
        assert out is not t
        for name, value in before.items():  # the input tables are untouched
            assert getattr(t, name) is value
            assert (dict(value) if hasattr(value, "items") else value) == snapshot[name]
        seen.append(out)
        t = out
    with pytest.raises(TypeError):
        t.entities["x"] = None  # frozen tables
    with pytest.raises(dataclasses.FrozenInstanceError):
        next(iter(t.entities.values())).label = "x"
    res = resolve(_two_articles())
    assert dict(res.entities) == dict(t.entities) and dict(res.mentions) == dict(t.mentions)
    # what the passes decided: the stated container, the stated affiliation (once: on the entity)
    got = ids(res, "a")
    assert res.entities[got["Khaldiyé"]].located_in == "homs"
    assert res.entities[got["Abou Khaled"]].affiliated_with == got["Jaich al-Islam"]
    assert not hasattr(res, "affiliations")
    assert [p.__name__ for p in PASSES] == ["assign_mentions", "name_entities", "locate_towns", "locate_stated",
                                           "locate_by_context", "affiliate", "corefer"]


def test_resolve_coreference_table_equals_the_list_version():
    """The streamed coreference pass gives what corefer_events gives on the list of all events."""
    from kg.resolve import corefer_events
    from kg.resolve.events import base_events

    x = EventRecord("TerritoryCapture", ((0, 5),), None)
    exs = []
    for aid, day in (("a", 14), ("b", 14), ("c", 15), ("d", 14)):
        e = ext(aid, " date 2018-04-14 Les forces du régime ont pris Douma", [
            ("forces du régime", "actor", "StateForce", "syrian-army"), ("Douma", "place", "City", "douma")])
        army, douma = e.mentions
        from kg.schema.time import TimeValue

        ev = EventRecord("TerritoryCapture", ((0, 5),), douma, agents=(army,), date=TimeValue(2018, 4, day),
                         confidence=0.5 + day / 100)
        twice = (ev, ev) if aid == "d" else (ev,)  # d tells it twice in one article
        exs.append(Extraction(e.article, e.mentions, twice))
    exs.append(ext("z", "rien", [], [x]))
    res = resolve(exs)
    base = [ev for ex in res.extractions for ev in base_events(ex, res.mentions[ex.article.id])]
    want = corefer_events(base, res.entities, {ex.article.id: ex.article.published for ex in res.extractions})
    assert list(res.events) == want
    ids_ = [ev.id for ev in res.events]
    repeated = {i for i in ids_ if ids_.count(i) > 1}
    assert repeated and set(res.coreference.shared) == repeated
    assert res.event_count == len(ids_) == 6


def test_resolve_a_merge_joins_names_of_one_kind(tmp_path):
    """``{"Homs": "osdh"}`` made the organisation a place too (``ckg:locatedIn``, a graph SHACL
    rejects): a form the gazetteer knows as another kind than the target is a usage error before
    parsing; a form it does not know keeps its mentions of another kind apart from the target."""
    from kg.errors import UsageError
    from kg.resolve import load_overrides

    over = tmp_path / "overrides.json"
    over.write_text(json.dumps({"merge": {"Homs": "osdh"}}), encoding="utf-8")
    with pytest.raises(UsageError, match=r"sends 'Homs' \(a place in kg's gazetteer\) to 'osdh', an actor"):
        load_overrides(over)
    over.write_text(json.dumps({"merge": {"ville de Homs": "homs", "Daech": "islamic-state"}}), encoding="utf-8")
    assert load_overrides(over)["merge"]  # same kind, or a form the gazetteer does not know: accepted
    over.write_text(json.dumps({"merge": {"Qasr Miryam": "osdh"}}), encoding="utf-8")
    a = ext("a", "Qasr Miryam et Qasr Miryam", [("Qasr Miryam", "place", "City", ""), ("Qasr Miryam", "actor", "Person", "")])
    res = resolve([a], overrides=over)
    kinds = {m.kind: eid for m, eid in zip(a.mentions, res.mentions["a"], strict=True)}
    assert kinds["actor"] == "osdh" and kinds["place"] != "osdh"
    assert res.entities[kinds["place"]].kind == "place" and res.entities["osdh"].kind == "actor"
