"""The entity component on a blank French pipeline (no model needed), then a few model checks."""

from __future__ import annotations

import pytest
import spacy

from kg.nlp import KgEntities, sentence_boundaries  # noqa: F401 - registers the components
from kg.schema.text import key as token_key


@pytest.fixture(scope="module")
def blank():
    nlp = spacy.blank("fr")
    nlp.add_pipe("kg_entities")
    return nlp


@pytest.mark.parametrize(
    ("text", "surface", "label", "kb"),
    [
        ("L'armée a pris la ville.", "armée", "StateForce", "syrian-army"),
        ("Les rebelles ont avancé.", "rebelles", "RebelGroup", "rebels"),
        ("L'armée syrienne a lancé une offensive.", "armée syrienne", "StateForce", "syrian-army"),
        ("selon l'Observatoire syrien des droits de l'homme (OSDH).", "Observatoire syrien des droits de l'homme",
         "Organization", "osdh"),
        ("a affirmé l'agence officielle Sana.", "agence officielle Sana", "MediaOutlet", "sana"),
        ("Sana a fait état de pertes.", "Sana", "MediaOutlet", "sana"),
        ("le régime de Bachar al-Assad", "Bachar al-Assad", "Person", "bachar-al-assad"),
        ("le président syrien Bachar El Assad", "Bachar El Assad", "Person", "bachar-al-assad"),
        ("la ville de Qoussair", "Qoussair", "City", "qusayr"),
        ("des combats à Alep", "Alep", "City", "aleppo"),
        ("le quartier de Khaldiyé", "quartier de Khaldiyé", "Neighbourhood", "homs-khaldiyeh"),
        ("l'organisation jihadiste Etat islamique (EI)", "EI", "JihadistGroup", "islamic-state"),
    ],
)
def test_nlp_gazetteer_names_and_group_nouns_are_typed(blank, text, surface, label, kb):
    ents = {(e.text, e.label_, e.kb_id_) for e in blank(text).ents}
    assert (surface, label, kb) in ents


@pytest.mark.parametrize("text", ["Vendredi, les combats ont repris.", "Dimanche 28 juillet", "en mars 2012",
                                  "la sana des habitants"])
def test_nlp_weekdays_months_and_lowercase_acronyms_are_not_entities(blank, text):
    assert [e.text for e in blank(text).ents if e.label_ in ("City", "Person", "MediaOutlet")] == []


@pytest.mark.parametrize(
    ("text", "surface", "label"),
    [
        ("dans le quartier de Bab Tadmor, à Homs", "Bab Tadmor", "Neighbourhood"),
        ("dans la localité d'al-Zarzour", "al-Zarzour", "City"),
        ("du côté de la rue al-Malaab", "rue al-Malaab", "Site"),
        ("le village de Tell Zahab", "Tell Zahab", "City"),
    ],
)
def test_nlp_unknown_places_are_found_by_their_cue_noun(blank, text, surface, label):
    ents = {(e.text, e.label_) for e in blank(text).ents}
    assert (surface, label) in ents


def test_nlp_token_key_ignores_case_accents_and_apostrophes():
    assert token_key("État") == token_key("etat") == "etat"
    assert token_key("l’") == "l'"
    assert token_key("Cœur") == "coeur"  # ligatures spelt out: "au cœur de" matches its lexicon entry


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("Prisonniers libérés\n\nDans un message sur Telegram, il a parlé.", ["Prisonniers", "Dans"]),
        ("«L'armée a pris Homs», a déclaré M. Abdel Rahmane. Il a ajouté.", ["«", "Il"]),
        ("Le régime assiège la Ghouta orientale depuis 2013. Les civils fuient.", ["Le", "Les"]),
        ("«Les combats sont violents.» Selon l'OSDH, 12 morts.", ["«", "Selon"]),
    ],
)
def test_nlp_sentence_boundaries(text, starts):
    nlp = spacy.blank("fr")
    nlp.add_pipe("kg_sentences")
    doc = nlp(text)
    assert [t.text for t in doc if t.is_sent_start] == starts


@pytest.mark.model
def test_nlp_model_ner_mistakes_are_corrected():
    from kg.nlp import load_nlp

    doc = load_nlp()("Vendredi, l'armée a bombardé Homs, a indiqué Sana. Le régime de Bachar al-Assad a démenti.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert "Vendredi" not in labels
    assert labels["Sana"] == "MediaOutlet"
    assert labels["Bachar al-Assad"] == "Person"
    assert labels["Homs"] == "City"
