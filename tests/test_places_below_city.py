"""Places below the city in the curated gazetteer: districts, squares, streets, bases, prisons, crossings,
camps — recognised on invented sentences by the entity ruler on a blank French pipeline (no model)."""

from __future__ import annotations

from collections import Counter

import pytest
import spacy

from kg.gazetteer import hyphen_variants, load_gazetteer, norm
from kg.nlp import KgEntities  # noqa: F401 - registers kg_entities


@pytest.fixture(scope="module")
def blank():
    nlp = spacy.blank("fr")
    nlp.add_pipe("kg_entities")
    return nlp


@pytest.mark.parametrize(
    ("text", "surface", "cls", "kb"),
    [
        ("Des obus sont tombés mardi sur Alep-Est.", "Alep-Est", "Neighbourhood", "aleppo-east"),
        ("Les insurgés tiennent toujours la Ghouta-Est.", "Ghouta-Est", "Region", "ghouta-orientale"),
        ("Une voiture piégée a explosé rue Bagdad, au cœur de la capitale.", "rue Bagdad", "Site", "damascus-baghdad-street"),
        ("Les anciens détenus de la branche 215 témoignent.", "branche 215", "Site", "branch-215"),
        ("Un convoi humanitaire a franchi le poste-frontière de Jarablous.", "poste-frontière de Jarablous", "Site",
         "jarabulus-crossing"),
        ("Les jihadistes ont pris la base de la brigade 93 jeudi.", "base de la brigade 93", "Site", "brigade-93"),
        ("Un raid a détruit l'hôpital al-Qods dans la nuit.", "hôpital al-Qods", "Site", "aleppo-al-quds-hospital"),
        ("Les combats se sont étendus au quartier de Karm al-Tahhan.", "Karm al-Tahhan", "Neighbourhood",
         "aleppo-karm-al-tahhan"),
        ("Des familles ont fui vers le camp d'Azraq.", "camp d'Azraq", "Site", "azraq-camp"),
        ("L'armée a repris Khan al-Assal après trois jours de combats.", "Khan al-Assal", "City", "khan-al-assal"),
        ("Les rebelles ont attaqué l'aéroport militaire de Dabaa.", "aéroport militaire de Dabaa", "Site", "dabaa-airbase"),
        ("Deir ez Zor est encerclée.", "Deir ez Zor", "City", "deir-ez-zor"),
    ],
)
def test_places_below_city_are_recognised_with_their_class(blank, text, surface, cls, kb):
    ents = {(e.text, e.label_, e.kb_id_) for e in blank(text).ents}
    assert (surface, cls, kb) in ents


def test_places_below_city_a_street_named_after_a_capital_is_not_the_capital(blank):
    """«rue Bagdad» is a street of Damascus, not Baghdad."""
    kbs = [e.kb_id_ for e in blank("Les insurgés ont pris le contrôle de la rue Bagdad.").ents]
    assert "baghdad" not in kbs and "damascus-baghdad-street" in kbs


@pytest.mark.parametrize(
    ("place", "up_to"),
    [
        ("aleppo-bab-antakya", "aleppo"),
        ("branch-251", "damascus"),
        ("kassab-crossing", "province-latakia"),
        ("flita", "province-rif-dimashq"),
        ("nabi-osmane", "lebanon"),
        ("wadi-deif-base", "province-idlib"),
    ],
)
def test_places_below_city_chains_reach_their_city_or_governorate(place, up_to):
    gaz = load_gazetteer()
    assert up_to in gaz.ancestors(place)


def test_places_below_city_coverage_by_class():
    """Breadth, not a list of one corpus's places: counts per class of the curated places inside Syria."""
    gaz = load_gazetteer(generated=False)
    in_syria = [e for e in gaz.entries.values() if e.kind == "place" and "syria" in gaz.ancestors(e.id)]
    counts = Counter(e.cls for e in in_syria)
    assert counts["Neighbourhood"] >= 140 and counts["Site"] >= 130 and counts["City"] >= 300
    kinds = Counter(w for e in in_syria if e.cls == "Site" for w in ("prison", "aéroport", "base", "poste-frontière",
                                                                     "camp", "barrage", "autoroute", "route")
                    if w in norm(e.label) or w in e.label.lower())
    assert all(kinds[w] >= 2 for w in ("prison", "aéroport", "base", "poste-frontière", "camp", "barrage", "route"))


@pytest.mark.parametrize(
    ("form", "variants"),
    [
        ("Deir ez-Zor", ["Deir ez Zor"]),
        ("Ghouta est", ["Ghouta-est"]),
        ("Alep-Est", ["Alep Est"]),
        ("Jaich al Islam", ["Jaich al-Islam"]),
        ("Homs", []),
    ],
)
def test_places_below_city_hyphen_variants(form, variants):
    got = hyphen_variants(form)
    assert got == variants
    assert all(norm(v) == norm(form) for v in got)


@pytest.mark.parametrize(
    ("place", "noun", "part"),
    [
        ("aleppo", "citadelle", "aleppo-citadel"),
        ("tal-abyad", "poste-frontière", "tal-abyad-crossing"),
        ("tabqa", "barrage", "tabqa-dam"),
        ("raqqa", "stade", "raqqa-stadium"),
        ("province-aleppo", "aéroport", None),  # several: the question has no one answer
        ("homs", "raffinerie", "homs-refinery"),
        ("homs", "téléphérique", None),
    ],
)
def test_places_below_city_named_part_for_anaphora(place, noun, part):
    """«sa citadelle», «son poste-frontière»: the one such place the gazetteer knows inside the text's place."""
    got = load_gazetteer().named_part(place, noun)
    assert (got.id if got else None) == part


def test_places_below_city_gazetteer_docstring_examples_run():
    import doctest

    import kg.gazetteer

    assert doctest.testmod(kg.gazetteer).failed == 0
