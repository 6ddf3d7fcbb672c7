"""Extraction rules, one family at a time, on French sentences in the style of AFP dispatches.

These need the spaCy model (``@pytest.mark.model``); the sentences are written for the tests,
not taken from the seed articles.
"""

from __future__ import annotations

import pytest

from kg.extract import Extraction, extract
from kg.gazetteer import load_gazetteer
from kg.ingest import article_from_text
from kg.nlp import load_nlp
from kg.pipeline import nlp_text

pytestmark = pytest.mark.model


def run(text: str, published: str | None = None) -> Extraction:
    header = f" date {published}\n" if published else ""
    art = article_from_text("t", header + text)
    return extract(load_nlp()(nlp_text(art)), art)


def _place_name(m) -> str | None:
    """A place mention as the name a reader would use: the gazetteer label, else the text."""
    if m is None:
        return None
    gaz = load_gazetteer()
    return gaz[m.gaz_id].label if m.gaz_id in gaz else m.text


def _named(name: str) -> str:
    hits = load_gazetteer().lookup(name, "place")
    return hits[0].label if hits else name


def events(ex: Extraction) -> set[tuple[str, str | None]]:
    return {(e.type, _place_name(e.place)) for e in ex.events}


def has(ex: Extraction, etype: str, place: str) -> bool:
    return (etype, _named(place)) in events(ex)


def one(ex: Extraction, etype: str, place: str | None = None):
    found = [e for e in ex.events if e.type == etype and (place is None or _place_name(e.place) == _named(place))]
    assert found, f"no {etype} at {place}: {events(ex)}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Les rebelles se sont emparés mardi de la ville de Maaret al-Noomane, a indiqué l'OSDH.",
         ("TerritoryCapture", "Maaret al-Noomane")),
        ("L'aviation russe a mené des raids aériens sur Idleb.", ("Airstrike", "Idleb")),
        ("Des obus de mortier sont tombés sur le quartier de Jobar.", ("Shelling", "Jobar")),
        ("Un attentat à la voiture piégée a frappé Qamichli.", ("Bombing", "Qamichli")),
        ("De violents combats opposent l'armée aux jihadistes à Deir Ezzor.", ("ArmedClash", "Deir Ezzor")),
        ("Les forces kurdes ont lancé une offensive contre l'EI à Raqa.", ("Offensive", "Raqa")),
        ("Les combattants se sont retirés de Palmyre.", ("Withdrawal", "Palmyre")),
        ("Le régime assiège la Ghouta orientale depuis 2013.", ("Siege", "Ghouta orientale")),
        ("Un cessez-le-feu est entré en vigueur à Alep.", ("Ceasefire", "Alep")),
        ("L'évacuation des civils de Madaya a commencé.", ("Evacuation", "Madaya")),
        ("Les jihadistes ont enlevé des dizaines de civils à Soueida.", ("Abduction", "Soueida")),
        ("Une attaque chimique a visé Khan Cheikhoun.", ("ChemicalAttack", "Khan Cheikhoun")),
    ],
)
def test_extract_event_types_and_places(text, expected):
    assert has(run(text), *expected), events(run(text))


def test_extract_one_event_per_place_in_a_list():
    ex = run("Des frappes aériennes ont visé Douma, Harasta et Arbine.")
    assert all(has(ex, "Airstrike", p) for p in ("Douma", "Harasta", "Arbine")), events(ex)


def test_extract_most_specific_place_and_reference_places_dropped():
    ex = run("L'armée a pris le contrôle du quartier de Salaheddine à Alep, près de la frontière turque, "
             "dans le nord de la Syrie.")
    assert events(ex) == {("TerritoryCapture", _named("Salaheddine"))}


@pytest.mark.parametrize(
    "text",
    [
        "Les rebelles pourraient prendre Hama dans les prochains jours.",
        "Le président a promis de reprendre Alep.",
        "Les forces du régime n'ont pas pu entrer dans Daraya.",
        "Si l'armée entre dans Idleb, ce sera un massacre.",
        "L'armée a envoyé des troupes pour reprendre Palmyre.",
        "L'armée va lancer une offensive sur Idleb.",
    ],
)
def test_extract_intended_hypothetical_and_negated_actions_are_not_events(text):
    assert not {e for e in events(run(text)) if e[0] in ("TerritoryCapture", "Offensive", "AttackOnCivilians")}


def test_extract_an_attempt_to_take_a_place_is_an_offensive_not_a_capture():
    assert {e[0] for e in events(run("L'armée tente de reprendre Palmyre."))} == {"Offensive"}


@pytest.mark.parametrize(
    ("text", "etype", "agent"),
    [
        ("L'armée syrienne a repris la ville de Qousseir.", "TerritoryCapture", "armée syrienne"),
        ("La ville de Palmyre est tombée aux mains de l'EI.", "TerritoryCapture", "EI"),
        ("Douma a été bombardée par l'aviation du régime.", "Airstrike", "aviation du régime"),
        ("Le Hezbollah a lancé une offensive sur Zabadani.", "Offensive", "Hezbollah"),
    ],
)
def test_extract_agents_from_subject_passive_and_nouns(text, etype, agent):
    ev = one(run(text), etype)
    assert agent in [a.text for a in ev.agents]


def test_extract_target_from_contre():
    ev = one(run("Les forces gouvernementales ont lancé une offensive contre les rebelles à Daraa."), "Offensive")
    assert "rebelles" in [t.text for t in ev.targets]


@pytest.mark.parametrize(
    ("text", "published", "field", "iso"),
    [
        ("Les rebelles ont pris Saraqeb le 27 novembre.", "2024-12", "date", "2024-11-27"),
        ("L'armée a repris Alep samedi, selon l'OSDH.", "2016-12-24", "date", "2016-12-24"),
        ("L'armée a repris Alep samedi, selon l'OSDH.", "2016-12", "date", "2016-12"),
        ("Les rebelles avaient pris Baba Amr en février 2012.", None, "date", "2012-02"),
        ("Le quartier est assiégé depuis le 3 mars par l'armée à Homs.", "2014-05", "start_date", "2014-03-03"),
    ],
)
def test_extract_dates_resolved_against_publication(text, published, field, iso):
    ev = run(text, published).events[0]
    assert getattr(ev, field).iso() == iso


def test_extract_no_date_when_unresolvable():
    ev = one(run("L'armée a bombardé Homs samedi."), "Shelling")
    assert ev.date is None


def test_extract_tolls_with_groups_and_qualifiers():
    ex = run("Au moins 45 personnes ont été tuées mercredi en Syrie, dont 20 civils et 12 soldats, "
             "selon l'OSDH.")
    ev = one(ex, "CasualtyReport")
    tolls = {(t.count, t.qualifier, t.civilians, t.group.text if t.group else None) for t in ev.tolls}
    assert (45, "AtLeast", False, None) in tolls
    assert (20, "Exactly", True, None) in tolls
    assert (12, "Exactly", False, "soldats") in tolls
    assert [s.text for s in ev.sources] == ["OSDH"]


def test_extract_toll_attached_to_the_action():
    ev = one(run("Des raids aériens ont fait au moins 13 morts à Douma, selon l'OSDH."), "Airstrike")
    assert [(t.count, t.qualifier) for t in ev.tolls] == [(13, "AtLeast")]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Les rebelles ont pris Tell Rifaat, selon l'OSDH.", "OSDH"),
        ("L'armée a repris Palmyre, a annoncé la télévision d'Etat.", "télévision d'Etat"),
        ("«L'armée a bombardé Douma toute la nuit», a déclaré Rami Abdel Rahmane à l'AFP.", "Rami Abdel Rahmane"),
    ],
)
def test_extract_sources(text, source):
    ev = run(text).events[0]
    assert source in [s.text for s in ev.sources]
    assert "AFP" not in [s.text for s in ev.sources]


def test_extract_quote_attributed_where_it_ends():
    ex = run("«Les bombardements sont intenses. Il y a des combats à Jobar», a-t-il dit. "
             .replace("a-t-il", "a affirmé Hadi al-Abdallah"))
    assert all("Hadi al-Abdallah" in [s.text for s in e.sources] for e in ex.events)


def test_extract_person_source_brings_its_organisation():
    ev = run("Les rebelles ont pris Khan Touman, a déclaré Rami Abdel Rahmane, le directeur de l'OSDH.").events[0]
    assert {"Rami Abdel Rahmane", "OSDH"} <= {s.text for s in ev.sources}


def test_extract_denial_disputes_the_earlier_event():
    ex = run("Les rebelles sont entrés dans la ville de Hama, selon l'OSDH.\n\n"
             "Le ministère de la Défense a démenti l'entrée des rebelles dans la ville.")
    ev = one(ex, "TerritoryCapture", "Hama")
    assert [d.text for d in ev.disputed_by] == ["ministère de la Défense"]
    assert len([e for e in ex.events if e.type == "TerritoryCapture"]) == 1


def test_extract_apposition_affiliation():
    ex = run("Selon Abou Omar al-Halabi, un commandant de Jaich al-Islam, les combats continuent.")
    assert ("Abou Omar al-Halabi", "Jaich al-Islam") in {(a.person.text, a.group.text) for a in ex.affiliations}


def test_extract_loaded_words_are_not_actors():
    ex = run("L'armée a tué des terroristes à Idleb, a indiqué Sana.")
    assert "terroristes" not in {m.text for m in ex.mentions}


def test_extract_evidence_is_the_sentence_and_offsets_slice_the_text():
    ex = run("Préambule.\n\nL'armée a repris Palmyre dimanche.")
    ev = one(ex, "TerritoryCapture")
    assert ev.evidence == ("L'armée a repris Palmyre dimanche.",)
    for m in ex.mentions:
        assert ex.article.text[m.start:m.end] == m.text


def test_extract_demonstrative_reference_is_the_told_event():
    ex = run("Une attaque chimique a tué 20 civils à Saraqeb, selon l'OSDH.\n\n"
             "L'opposition accuse le régime d'avoir mené cette attaque, ce que Damas a démenti.")
    assert [e.type for e in ex.events] == ["ChemicalAttack"]
    assert [d.text for d in ex.events[0].disputed_by] == ["Damas"]


def test_extract_background_reference_gives_the_start_date():
    ex = run("L'armée a lancé une offensive sur Daraya, selon l'OSDH. Au moins 30 civils ont été tués depuis "
             "le début de l'offensive le 3 mars, selon l'OSDH.", "2016-04-10")
    offensive = one(ex, "Offensive", "Daraya")
    assert offensive.start_date is not None and offensive.start_date.iso() == "2016-03-03"
    report = one(ex, "CasualtyReport")
    assert [(t.count, t.civilians) for t in report.tolls] == [(30, True)]


def test_extract_toll_owned_by_its_action():
    ev = one(run("L'armée a lancé une offensive qui a fait des centaines de morts à Zabadani."), "Offensive")
    assert [(t.count, t.qualifier) for t in ev.tolls] == [(200, "AtLeast")]


def test_extract_fire_on_protesters_is_an_attack_on_civilians():
    ev = one(run("Les forces de sécurité ont ouvert le feu sur des manifestants à Deraa, tuant six personnes."),
             "AttackOnCivilians")
    assert [a.text for a in ev.agents] == ["forces de sécurité"]


def test_extract_nationality_adjective_is_the_agent():
    ev = one(run("Des frappes russes ont visé Maaret al-Noomane mardi."), "Airstrike")
    assert [a.gaz_id for a in ev.agents] == ["russia-state"]


def test_extract_near_place_when_no_other_place():
    assert has(run("Deux soldats ont été tués dans l'explosion d'une mine près de Palmyre."), "Bombing", "Palmyre")


def test_extract_civilians_fleeing_is_not_a_withdrawal():
    assert not [e for e in run("Des milliers de civils ont fui Alep.").events if e.type == "Withdrawal"]


def test_extract_dateline_is_not_an_event_place_or_date():
    ex = run("BEYROUTH, 5 juin 2013 (AFP) - L'armée syrienne a repris mercredi la ville de Qousseir.")
    ev = one(ex, "TerritoryCapture")
    assert _place_name(ev.place) == _named("Qousseir")
    assert ev.date.iso() == "2013-06-05"
    assert [m.gaz_id for m in ex.published_by] == ["afp"]


def test_extract_weapon_noun_is_an_event_only_when_it_acts():
    assert not run("Le ministère a démenti toute implication de son aviation à Alep.").events
    assert has(run("L'aviation a bombardé Douma."), "Airstrike", "Douma")


def test_extract_neither_nor_negation():
    ex = run("Ni l'aviation russe ni l'aviation syrienne n'ont mené de frappes contre Alep.")
    assert not [e for e in ex.events if e.type == "Airstrike"]


def test_extract_commentary_is_about_the_told_event():
    ex = run("Un convoi a été bombardé près d'Alep, selon l'OSDH.\n\nL'ONU a dénoncé une attaque écoeurante.")
    assert [e.type for e in ex.events] == ["Shelling"]


def test_extract_denial_without_a_cue_disputes_the_latest_event():
    ex = run("Un convoi a été bombardé près d'Alep, selon l'OSDH. Le ministère russe de la Défense a démenti "
             "toute implication.")
    assert [d.text for d in ex.events[0].disputed_by] == ["ministère russe de la Défense"]


def test_extract_capital_as_object_of_accuse_is_the_state():
    ex = run("Washington a accusé Moscou d'avoir bombardé Alep.")
    assert {(m.text, m.kind) for m in ex.mentions} >= {("Washington", "actor"), ("Moscou", "actor")}
