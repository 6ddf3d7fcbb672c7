"""Model-free tests of the extraction rules: each rule family on a hand-built parsed sentence.

The sentences are invented; the parses are written by hand (``tests/ruledocs.py``), so a model
upgrade cannot break these tests and a rule change breaks only its own.
"""

from __future__ import annotations

import pytest
from ruledocs import extract_doc, parse

from kg.nlp.conditions import CueContext, condition
from kg.nlp.modality import ATTEMPT, CONDITIONAL, IRREALIS, modality
from kg.nlp.pipeline import ensure_rule_annotations
from kg.nlp.triggers import TRIGGERS, KgTriggers

# ---------------------------------------------------------------------------------------------- cues

OFFENSIVE = """
Les le DET 2 det
rebelles rebelle NOUN 4 nsubj RebelGroup:rebels
ont avoir AUX 4 aux:tense
lancé lancer VERB 0 ROOT - VerbForm=Part
une un DET 6 det
offensive offensive NOUN 4 obj
contre contre ADP 8 case
Tadmora Tadmora PROPN 6 nmod City:*
. . PUNCT 4 punct
"""


def cues(doc):
    ensure_rule_annotations(doc)
    return [(s.text, s.label_) for s in doc.spans[TRIGGERS]]


def test_rules_cue_one_word_pattern_by_lemma():
    assert cues(parse(OFFENSIVE)) == [("offensive", "Offensive")]


def test_rules_cue_longest_multiword_pattern_wins():
    doc = parse("""
Des un DET 2 det
raids raid NOUN 5 nsubj
aériens aérien ADJ 2 amod
ont avoir AUX 5 aux
touché toucher VERB 0 ROOT
. . PUNCT 5 punct
""")
    assert cues(doc) == [("raids aériens", "Airstrike")]


def test_rules_cue_matches_the_word_when_the_lemma_is_wrong():
    # the tagger's lemma is wrong ("bombarderai"); the form "bombardement" still cues
    doc = parse("""
Le le DET 2 det
bombardement bombarderai NOUN 3 nsubj
continue continuer VERB 0 ROOT
. . PUNCT 3 punct
""")
    assert cues(doc) == [("bombardement", "Shelling")]


def test_rules_cue_gerund_the_lemmatizer_missed():
    doc = parse("""
Ils il PRON 2 nsubj
ont avoir AUX 0 ROOT
répondu répondre VERB 2 xcomp
en en ADP 5 mark
pilonnant pilonnant ADJ 3 advcl
. . PUNCT 2 punct
""")
    assert ("pilonnant", "Shelling") in cues(doc)


def test_rules_cue_fire_of_a_weapon_with_a_qualifier_between():
    doc = parse("""
Des un DET 2 det
tirs tir NOUN 6 nsubj
intenses intense ADJ 2 amod
d' de ADP 5 case
artillerie artillerie NOUN 2 nmod
visaient viser VERB 0 ROOT
Tadmora Tadmora PROPN 6 obj City:*
. . PUNCT 6 punct
""")
    assert cues(doc) == [("tirs intenses d'artillerie", "Shelling")]


def test_rules_cue_held_hostage():
    doc = parse("""
Vingt vingt NUM 2 nummod
ouvriers ouvrier NOUN 4 nsubj:pass
sont être AUX 4 aux:pass
détenus détenir VERB 0 ROOT - VerbForm=Part
en en ADP 6 case
otages otage NOUN 4 obl
. . PUNCT 4 punct
""")
    assert cues(doc) == [("détenus en otages", "Abduction")]


def test_rules_cue_a_warplane_shot_down_is_no_cue_and_its_words_neither():
    doc = parse("""
La le DET 2 det
Turquie Turquie PROPN 4 nsubj Country:turkey
a avoir AUX 4 aux
abattu abattre VERB 0 ROOT - VerbForm=Part
un un DET 6 det
avion avion NOUN 4 obj
de de ADP 8 case
combat combat NOUN 6 nmod
. . PUNCT 4 punct
""")
    assert cues(doc) == []
    doc = parse("""
Un un DET 2 det
avion avion NOUN 5 nsubj
de de ADP 4 case
combat combat NOUN 2 nmod
a avoir AUX 5 aux
bombardé bombarder VERB 0 ROOT - VerbForm=Part
Tadmora Tadmora PROPN 5 obj City:*
. . PUNCT 5 punct
""")
    assert ("avion de combat", "Airstrike") in cues(doc)


def test_rules_cue_present_the_lemmatizer_left_unreduced():
    """A first-group verb in the present lemmatised as itself is read by its infinitive."""
    doc = parse("""
Le le DET 2 det
village village NOUN 3 nsubj
tombe tombe VERB 0 ROOT
samedi samedi NOUN 3 obl:mod
. . PUNCT 3 punct
""")
    assert cues(doc) == [("tombe", "TerritoryCapture")]
    doc = parse("""
Le le DET 2 det
convoi convoi NOUN 3 nsubj
tombe tombe VERB 0 ROOT
en en ADP 5 case
panne panne NOUN 3 obl:arg
. . PUNCT 3 punct
""")
    assert cues(doc) == []  # the condition still holds: no place falls


def test_rules_cue_function_words_are_never_one_word_cues():
    # "siège" as a DET-tagged slip is not a cue
    doc = parse("""
Le le DET 2 det
siège siège DET 0 ROOT
. . PUNCT 2 punct
""")
    assert cues(doc) == []


def test_rules_cue_later_definite_noun_of_the_same_type_is_the_same_event():
    doc = parse("""
Les le DET 2 det
troupes troupe NOUN 4 nsubj
ont avoir AUX 4 aux
avancé avancer VERB 0 ROOT
lors lors ADP 8 case
de de ADP 5 fixed
l' le DET 8 det
avancée avancée NOUN 4 obl
. . PUNCT 4 punct
""")
    assert cues(doc) == [("avancé", "Offensive")]


def test_rules_cue_bombardment_in_a_sentence_about_aircraft_is_an_airstrike():
    doc = parse("""
Les le DET 2 det
avions avion NOUN 4 nsubj
ont avoir AUX 4 aux
bombardé bombarder VERB 0 ROOT
Kafr Kafr PROPN 4 obj City:*2
Tala Tala PROPN 5 flat:name
. . PUNCT 4 punct
""")
    assert ("bombardé", "Airstrike") in cues(doc)


# ---------------------------------------------------------------------------------------------- conditions

def _ctx():
    from kg.lang.fr import lexicon

    return CueContext(lexicon(), frozenset({"obus"}))


@pytest.mark.parametrize(
    ("name", "table", "cue_index", "expected"),
    [
        ("kg.needs.place_arg.v1", "Ils il PRON 2 nsubj\nont avoir AUX 3 aux\npris prendre VERB 0 ROOT\nle le DET 5 det\nvillage village NOUN 3 obj", 2, True),
        ("kg.needs.place_arg.v1", "Ils il PRON 2 nsubj\nont avoir AUX 3 aux\npris prendre VERB 0 ROOT\nla le DET 5 det\nparole parole NOUN 3 obj", 2, False),
        ("kg.needs.prisoners.v1", "libérer libérer VERB 0 ROOT\ndes un DET 3 det\notages otage NOUN 1 obj", 0, True),
        ("kg.needs.prisoners.v1", "libérer libérer VERB 0 ROOT\nla le DET 3 det\nville ville NOUN 1 obj", 0, False),
        ("kg.needs.into_place.v1", "entrés entrer VERB 0 ROOT\ndans dans ADP 4 case\nla le DET 4 det\nville ville NOUN 1 obl", 0, True),
        ("kg.needs.into_place.v1", "les le DET 2 det\nentrées entrée NOUN 0 ROOT\nde de ADP 5 case\nla le DET 5 det\nville ville NOUN 2 nmod", 1, False),
        # "ils y sont entrés": the place clitic
        ("kg.needs.into_place.v1", "ils il PRON 4 nsubj\ny y PRON 4 expl:comp\nsont être AUX 4 aux\nentrés entrer VERB 0 ROOT", 3, True),
        ("kg.needs.into_place.v1", "ils il PRON 3 nsubj\nsont être AUX 3 aux\nentrés entrer VERB 0 ROOT", 2, False),
        ("kg.needs.in_action.v1", "l' le DET 2 det\naviation aviation NOUN 4 nsubj\na avoir AUX 4 aux\nfrappé frapper VERB 0 ROOT", 1, True),
        ("kg.needs.in_action.v1", "le le DET 2 det\nrôle rôle NOUN 0 ROOT\nde de ADP 5 case\nl' le DET 5 det\naviation aviation NOUN 2 nmod", 4, False),
        ("kg.needs.in_action.v1", "des un DET 2 det\nobus obus NOUN 0 ROOT\nde de ADP 4 case\nmortier mortier NOUN 2 nmod", 3, True),
        # "l'armée a utilisé des hélicoptères": used, so in action
        ("kg.needs.in_action.v1", "l' le DET 2 det\narmée armée NOUN 4 nsubj\na avoir AUX 4 aux\n"
         "utilisé utiliser VERB 0 ROOT\ndes un DET 6 det\nhélicoptères hélicoptère NOUN 4 obj", 5, True),
        # "a déployé une trentaine d'avions de combat", "a abattu un avion": things handled, not at work
        ("kg.needs.not_handled.v1", "Moscou Moscou PROPN 3 nsubj\na avoir AUX 3 aux\ndéployé déployer VERB 0 ROOT\n"
         "une un DET 5 det\ntrentaine trentaine NOUN 3 obj\nd' de ADP 7 case\navions avion NOUN 5 nmod", 6, False),
        ("kg.needs.not_handled.v1", "Ankara Ankara PROPN 3 nsubj\na avoir AUX 3 aux\nabattu abattre VERB 0 ROOT\n"
         "un un DET 5 det\navion avion NOUN 3 obj", 4, False),
        ("kg.needs.not_handled.v1", "des un DET 2 det\navions avion NOUN 4 nsubj\nont avoir AUX 4 aux\n"
         "bombardé bombarder VERB 0 ROOT", 1, True),
        # "des roquettes tirées sur le village": fired, so in action; "des roquettes stockées": not
        ("kg.needs.in_action.v1", "des un DET 2 det\nroquettes roquette NOUN 0 ROOT\ntirées tirer VERB 2 acl\n"
         "sur sur ADP 6 case\nle le DET 6 det\nvillage village NOUN 3 obl", 1, True),
        ("kg.needs.in_action.v1", "des un DET 2 det\nroquettes roquette NOUN 0 ROOT\nstockées stocker VERB 2 acl\n"
         "dans dans ADP 6 case\nun un DET 6 det\nhangar hangar NOUN 3 obl", 1, False),
        ("kg.needs.reflexive.v1", "ils il PRON 3 nsubj\nse se PRON 3 expl:comp\nretirent retirer VERB 0 ROOT", 2, True),
        ("kg.needs.reflexive.v1", "il il PRON 2 nsubj\nretire retirer VERB 0 ROOT\nsa son DET 4 det\ncandidature candidature NOUN 2 obj", 1, False),
        ("kg.needs.not_org.v1", "le le DET 2 det\nsiège siège NOUN 0 ROOT\nde de ADP 4 case\nl'ONU ONU PROPN 2 nmod Organization:un", 1, False),
        ("kg.needs.not_org.v1", "le le DET 2 det\nsiège siège NOUN 0 ROOT\nde de ADP 4 case\nHoms Homs PROPN 2 nmod City:homs", 1, True),
    ],
)
def test_rules_conditions(name, table, cue_index, expected):
    doc = parse(table)
    assert condition(name)(doc[cue_index], _ctx()) is expected


def test_rules_condition_not_stative_present_passive():
    doc = parse("""
nos son DET 2 det
forces force NOUN 4 nsubj:pass
sont être AUX 4 aux:pass - Tense=Pres|VerbForm=Fin
déployées déployer VERB 0 ROOT - VerbForm=Part
""")
    assert condition("kg.needs.not_stative.v1")(doc[3], _ctx()) is False


# ---------------------------------------------------------------------------------------------- modality

@pytest.mark.parametrize(
    ("table", "cue", "expected"),
    [
        # "Les rebelles veulent prendre la ville": an intent
        ("Les le DET 2 det\nrebelles rebelle NOUN 3 nsubj\nveulent vouloir VERB 0 ROOT - VerbForm=Fin\n"
         "prendre prendre VERB 3 xcomp - VerbForm=Inf\nla le DET 6 det\nville ville NOUN 4 obj", 3, IRREALIS),
        # "Les rebelles tentent de prendre la ville": an attempt (an attack under way)
        ("Les le DET 2 det\nrebelles rebelle NOUN 3 nsubj\ntentent tenter VERB 0 ROOT - VerbForm=Fin\nde de ADP 5 mark\n"
         "prendre prendre VERB 3 xcomp - VerbForm=Inf\nla le DET 7 det\nville ville NOUN 5 obj", 4, ATTEMPT),
        # "Le ministre a ordonné aux troupes de quitter la ville": an infinitive the parser hung on a
        # noun is read up to the verb that governs it (an order, not a withdrawal)
        ("Le le DET 2 det\nministre ministre NOUN 4 nsubj\na avoir AUX 4 aux - VerbForm=Fin\n"
         "ordonné ordonner VERB 0 ROOT - VerbForm=Part\naux à ADP 6 case\ntroupes troupe NOUN 4 obl:arg\n"
         "de de ADP 8 mark\nquitter quitter VERB 6 acl - VerbForm=Inf\nla le DET 10 det\nville ville NOUN 8 obj",
         7, IRREALIS),
        # "un quartier repris la veille": a participle hung on a noun is its own clause, a fact
        ("Les le DET 2 det\nrebelles rebelle NOUN 3 nsubj\ndéfendent défendre VERB 0 ROOT - VerbForm=Fin\n"
         "un un DET 5 det\nquartier quartier NOUN 3 obj\nrepris reprendre VERB 5 acl - VerbForm=Part\n"
         "la le DET 8 det\nveille veille NOUN 6 obl:mod", 5, None),
        # "Les rebelles ont quitté la ville sans combattre": no fight
        ("Les le DET 2 det\nrebelles rebelle NOUN 4 nsubj\nont avoir AUX 4 aux\n"
         "quitté quitter VERB 0 ROOT - VerbForm=Part\nla le DET 6 det\nville ville NOUN 4 obj\n"
         "sans sans ADP 8 mark\ncombattre combattre VERB 4 advcl - VerbForm=Inf", 7, IRREALIS),
        # "L'armée prendra la ville": the future
        ("L' le DET 2 det\narmée armée NOUN 3 nsubj\nprendra prendre VERB 0 ROOT - Tense=Fut|VerbForm=Fin\nla le DET 5 det\n"
         "ville ville NOUN 3 obj", 2, IRREALIS),
        # "L'armée aurait pris la ville": reported, unconfirmed
        ("L' le DET 2 det\narmée armée NOUN 4 nsubj\naurait avoir AUX 4 aux - Mood=Cnd|VerbForm=Fin\n"
         "pris prendre VERB 0 ROOT - VerbForm=Part\nla le DET 6 det\nville ville NOUN 4 obj", 3, CONDITIONAL),
        # "L'armée n'a pas pris la ville": negated
        ("L' le DET 2 det\narmée armée NOUN 6 nsubj\nn' ne ADV 6 advmod\na avoir AUX 6 aux - VerbForm=Fin\n"
         "pas pas ADV 6 advmod\npris prendre VERB 0 ROOT - VerbForm=Part\nla le DET 8 det\nville ville NOUN 6 obj", 5, IRREALIS),
        # "Ils se battent pour reprendre la ville": a purpose
        ("Ils il PRON 3 nsubj\nse se PRON 3 expl\nbattent battre VERB 0 ROOT - VerbForm=Fin\npour pour ADP 5 mark\n"
         "reprendre reprendre VERB 3 advcl - VerbForm=Inf\nla le DET 7 det\nville ville NOUN 5 obj", 4, IRREALIS),
        # "L'armée a pris la ville": a fact
        ("L' le DET 2 det\narmée armée NOUN 4 nsubj\na avoir AUX 4 aux - VerbForm=Fin\npris prendre VERB 0 ROOT - VerbForm=Part\n"
         "la le DET 6 det\nville ville NOUN 4 obj", 3, None),
    ],
)
def test_rules_modality(table, cue, expected):
    doc = parse(table)
    assert modality(doc[cue]) == expected


# ---------------------------------------------------------------------------------------------- events, roles

def _events(ex):
    return sorted((e.type, e.place.text if e.place else None) for e in ex.events)


def test_rules_event_in_its_clause_place_with_agent_and_target():
    ex = extract_doc(parse(OFFENSIVE))
    (ev,) = ex.events
    assert (ev.type, ev.place.text) == ("Offensive", "Tadmora")
    assert [a.text for a in ev.agents] == ["rebelles"]


def test_rules_place_given_only_as_a_reference_is_not_the_event_place():
    # "Des combats ont éclaté près de Tadmora, à Souran."
    doc = parse("""
Des un DET 2 det
combats combat NOUN 3 nsubj
ont avoir AUX 4 aux
éclaté éclater VERB 0 ROOT - VerbForm=Part
près près ADV 7 case
de de ADP 5 fixed
Tadmora Tadmora PROPN 4 obl City:*
, , PUNCT 10 punct
à à ADP 10 case
Souran Souran PROPN 4 obl City:*
. . PUNCT 4 punct
""")
    assert _events(extract_doc(doc)) == [("ArmedClash", "Souran")]


def test_rules_place_carried_over_from_the_previous_event():
    # "L'armée a bombardé Tadmora. Des combats ont suivi."
    doc = parse("""
L' le DET 2 det
armée armée NOUN 4 nsubj StateForce:syrian-army
a avoir AUX 4 aux
bombardé bombarder VERB 0 ROOT - VerbForm=Part
Tadmora Tadmora PROPN 4 obj City:*
. . PUNCT 4 punct

Des un DET 2 det
combats combat NOUN 4 nsubj
ont avoir AUX 4 aux
suivi suivre VERB 0 ROOT - VerbForm=Part
. . PUNCT 4 punct
""")
    assert _events(extract_doc(doc)) == [("ArmedClash", "Tadmora"), ("Shelling", "Tadmora")]


def test_rules_region_that_locates_a_demonstrative_place_noun_is_not_the_event_place():
    # "L'armée a pris Tadmora. Des tirs nourris d'obus ont touché les fermes entourant cette
    # localité de la province de Hassaké." — the province says where "cette localité" is
    doc = parse("""
L' le DET 2 det
armée armée NOUN 4 nsubj StateForce:syrian-army
a avoir AUX 4 aux
pris prendre VERB 0 ROOT - VerbForm=Part
Tadmora Tadmora PROPN 4 obj City:*
. . PUNCT 4 punct

Des un DET 2 det
tirs tir NOUN 7 nsubj
nourris nourrir VERB 2 acl - VerbForm=Part
d' de ADP 5 case
obus obus NOUN 2 nmod
ont avoir AUX 7 aux
touché toucher VERB 0 ROOT - VerbForm=Part
les le DET 9 det
fermes ferme NOUN 7 obj
entourant entourer VERB 9 acl - VerbForm=Part
cette ce DET 12 det
localité localité NOUN 10 obj
de de ADP 15 case
la le DET 15 det
province province NOUN 12 nmod Region:province-hasakah*3
de de ADP 17 case
Hassaké Hassaké PROPN 15 nmod
. . PUNCT 7 punct
""")
    assert _events(extract_doc(doc)) == [("Shelling", "Tadmora"), ("TerritoryCapture", "Tadmora")]


def test_rules_the_surroundings_of_a_place_are_a_reference_point():
    # "L'armée a bombardé Tadmora depuis les environs de Qaryatein."
    doc = parse("""
L' le DET 2 det
armée armée NOUN 4 nsubj StateForce:syrian-army
a avoir AUX 4 aux
bombardé bombarder VERB 0 ROOT - VerbForm=Part
Tadmora Tadmora PROPN 4 obj City:*
depuis depuis ADP 8 case
les le DET 8 det
environs environs NOUN 4 obl:mod
de de ADP 10 case
Qaryatein Qaryatein PROPN 8 nmod City:*
. . PUNCT 4 punct
""")
    assert _events(extract_doc(doc)) == [("Shelling", "Tadmora")]


def test_rules_clitic_y_is_the_place_of_the_event_just_told():
    # "L'armée a bombardé Homs. Des combats ont eu lieu à Tadmora. L'aviation y a mené des raids."
    # Homs, in the lead and an event place, is the more salient; "y" is Tadmora, just told
    doc = parse("""
L' le DET 2 det
armée armée NOUN 4 nsubj StateForce:syrian-army
a avoir AUX 4 aux
bombardé bombarder VERB 0 ROOT - VerbForm=Part
Homs Homs PROPN 4 obj City:homs
. . PUNCT 4 punct

Des un DET 2 det
combats combat NOUN 4 nsubj
ont avoir AUX 4 aux
eu avoir VERB 0 ROOT - VerbForm=Part
lieu lieu NOUN 4 obj
à à ADP 7 case
Tadmora Tadmora PROPN 4 obl City:*
. . PUNCT 4 punct

L' le DET 2 det
aviation aviation NOUN 5 nsubj
y y PRON 5 expl:comp
a avoir AUX 5 aux
mené mener VERB 0 ROOT - VerbForm=Part
des un DET 7 det
raids raid NOUN 5 obj
. . PUNCT 5 punct
""")
    assert ("Airstrike", "Tadmora") in _events(extract_doc(doc))


def test_rules_a_place_and_a_site_inside_it_named_side_by_side_are_both_taken():
    # "Les rebelles ont pris Homs et la prison centrale de Homs."
    doc = parse("""
Les le DET 2 det
rebelles rebelle NOUN 4 nsubj RebelGroup:rebels
ont avoir AUX 4 aux
pris prendre VERB 0 ROOT - VerbForm=Part
Homs Homs PROPN 4 obj City:homs
et et CCONJ 8 cc
la le DET 8 det
prison prison NOUN 5 conj Site:homs-central-prison*4
centrale central ADJ 8 amod
de de ADP 11 case
Homs Homs PROPN 8 nmod
. . PUNCT 4 punct
""")
    assert _events(extract_doc(doc)) == [("TerritoryCapture", "Homs"), ("TerritoryCapture", "prison centrale de Homs")]


def test_rules_to_go_after_the_inhabitants_is_an_attack_on_civilians():
    # "Des miliciens s'en sont pris aux habitants de Tadmora."
    doc = parse("""
Des un DET 2 det
miliciens milicien NOUN 6 nsubj
s' se PRON 6 expl:comp
en en PRON 6 expl:comp
sont être AUX 6 aux
pris prendre VERB 0 ROOT - VerbForm=Part
aux à ADP 8 case
habitants habitant NOUN 6 obl:arg
de de ADP 10 case
Tadmora Tadmora PROPN 8 nmod City:*
. . PUNCT 6 punct
""")
    assert cues(doc) == [("en sont pris aux", "Offensive")]
    assert _events(extract_doc(doc)) == [("AttackOnCivilians", "Tadmora")]


def test_rules_agent_of_a_noun_cue_the_parser_hung_on_the_noun_before():
    # "Tadmora a été reprise avec l'appui des frappes de la coalition." — "de la coalition" hung on "appui"
    doc = parse("""
Tadmora Tadmora PROPN 4 nsubj:pass City:*
a avoir AUX 4 aux
été être AUX 4 aux:pass
reprise reprendre VERB 0 ROOT - VerbForm=Part
avec avec ADP 7 case
l' le DET 7 det
appui appui NOUN 4 obl:mod
des de ADP 9 case
frappes frappe NOUN 7 nmod
de de ADP 12 case
la le DET 12 det
coalition coalition NOUN 7 nmod ForeignState:coalition
. . PUNCT 4 punct
""")
    strikes = [e for e in extract_doc(doc).events if e.type == "Airstrike"]
    assert [[a.gaz_id for a in e.agents] for e in strikes] == [["coalition"]]


def test_rules_attribution_selon_names_the_source_and_is_not_an_event_place():
    # "Selon l'OSDH, des combats ont eu lieu à Tadmora."
    doc = parse("""
Selon selon ADP 3 case
l' le DET 3 det
OSDH OSDH PROPN 9 obl Organization:osdh
, , PUNCT 3 punct
des un DET 6 det
combats combat NOUN 7 nsubj
ont avoir AUX 9 aux
eu avoir VERB 9 aux
lieu lieu NOUN 0 ROOT
à à ADP 11 case
Tadmora Tadmora PROPN 9 obl City:*
. . PUNCT 9 punct
""")
    (ev,) = extract_doc(doc).events
    assert ev.type == "ArmedClash" and [s.text for s in ev.sources] == ["OSDH"]


def test_rules_reporting_pronoun_is_the_person_named_last():
    # "Ahmad Karim, le porte-parole de l'OSDH, a parlé. Il a annoncé que des combats ont éclaté à Tadmora."
    doc = parse("""
Ahmad Ahmad PROPN 9 nsubj Person:*2
Karim Karim PROPN 1 flat:name
, , PUNCT 5 punct
le le DET 5 det
porte-parole porte-parole NOUN 1 appos
de de ADP 7 case
l'OSDH OSDH PROPN 5 nmod Organization:osdh
a avoir AUX 9 aux
parlé parler VERB 0 ROOT - VerbForm=Part
. . PUNCT 9 punct

Il il PRON 3 nsubj
a avoir AUX 3 aux
annoncé annoncer VERB 0 ROOT - VerbForm=Part
que que SCONJ 8 mark
des un DET 6 det
combats combat NOUN 8 nsubj
ont avoir AUX 8 aux
éclaté éclater VERB 3 ccomp - VerbForm=Part
à à ADP 10 case
Tadmora Tadmora PROPN 8 obl City:*
. . PUNCT 3 punct
""")
    (ev,) = extract_doc(doc).events
    assert [s.text for s in ev.sources] == ["Ahmad Karim", "l'OSDH"]  # the person, then his organisation


def test_rules_demonstrative_refers_to_the_event_told():
    # "L'armée a bombardé Tadmora. Ce bombardement a été dénoncé par l'OSDH."
    doc = parse("""
L' le DET 2 det
armée armée NOUN 4 nsubj StateForce:syrian-army
a avoir AUX 4 aux
bombardé bombarder VERB 0 ROOT - VerbForm=Part
Tadmora Tadmora PROPN 4 obj City:*
. . PUNCT 4 punct

Ce ce DET 2 det
bombardement bombardement NOUN 5 nsubj:pass
a avoir AUX 5 aux
été être AUX 5 aux:pass
dénoncé dénoncer VERB 0 ROOT - VerbForm=Part
par par ADP 8 case
l' le DET 8 det
OSDH OSDH PROPN 5 obl:agent Organization:osdh
. . PUNCT 5 punct
""")
    ex = extract_doc(doc)
    assert _events(ex) == [("Shelling", "Tadmora")]


def test_rules_events_of_one_type_at_one_place_are_merged():
    # "L'armée a bombardé Tadmora puis a encore bombardé Tadmora."
    doc = parse("""
L' le DET 2 det
armée armée NOUN 4 nsubj StateForce:syrian-army
a avoir AUX 4 aux
bombardé bombarder VERB 0 ROOT - VerbForm=Part
Tadmora Tadmora PROPN 4 obj City:*
puis puis ADV 9 advmod
a avoir AUX 9 aux
encore encore ADV 9 advmod
bombardé bombarder VERB 4 conj - VerbForm=Part
Tadmora Tadmora PROPN 9 obj City:*
. . PUNCT 4 punct
""")
    (ev,) = extract_doc(doc).events
    assert len(ev.triggers) == 2


# ---------------------------------------------------------------------------------------------- attempts

ATTEMPT_TABLE = """
Les le DET 2 det
rebelles rebelle NOUN 3 nsubj RebelGroup:rebels
tentent tenter VERB 0 ROOT - VerbForm=Fin|Tense=Pres
de de ADP 5 mark
prendre prendre VERB 3 xcomp - VerbForm=Inf
Tadmora Tadmora PROPN 5 obj City:*
. . PUNCT 3 punct
"""


def test_rules_modality_attempt_is_an_attack_under_way():
    ex = extract_doc(parse(ATTEMPT_TABLE))
    assert _events(ex) == [("Offensive", "Tadmora")]


def test_rules_modality_attempt_as_a_purpose_is_not_an_event():
    # "L'armée avance pour tenter de prendre Tadmora": the attempt is itself a purpose
    doc = parse("""
L' le DET 2 det
armée armée NOUN 3 nsubj StateForce:syrian-army
avance avancer VERB 0 ROOT - VerbForm=Fin|Tense=Pres
pour pour ADP 5 mark
tenter tenter VERB 3 advcl - VerbForm=Inf
de de ADP 7 mark
prendre prendre VERB 5 xcomp - VerbForm=Inf
Tadmora Tadmora PROPN 7 obj City:*
. . PUNCT 3 punct
""")
    assert modality(doc[6]) == IRREALIS


def test_rules_modality_subject_of_an_intent_verb_happened():
    # "L'offensive visait à prendre Tadmora": the offensive is real, the capture is not
    doc = parse("""
L' le DET 2 det
offensive offensive NOUN 3 nsubj
visait viser VERB 0 ROOT - VerbForm=Fin|Tense=Imp
à à ADP 5 mark
prendre prendre VERB 3 xcomp - VerbForm=Inf
Tadmora Tadmora PROPN 5 obj City:*
. . PUNCT 3 punct
""")
    assert modality(doc[1]) is None


# ---------------------------------------------------------------------------------------------- anaphoric places

def _two_towns(second: str) -> str:
    """ "Les rebelles ont pris Tadmora et Souran. <second sentence>" """
    return """
Les le DET 2 det
rebelles rebelle NOUN 4 nsubj RebelGroup:rebels
ont avoir AUX 4 aux
pris prendre VERB 0 ROOT - VerbForm=Part
Tadmora Tadmora PROPN 4 obj City:*
et et CCONJ 7 cc
Souran Souran PROPN 5 conj City:*
. . PUNCT 4 punct
""" + second


def test_rules_definite_place_phrase_names_the_topic():
    # "… Tadmora et Souran. Tadmora était assiégée. Des combats ont éclaté dans la ville."
    doc = parse(_two_towns("""
Tadmora Tadmora PROPN 3 nsubj:pass City:*
était être AUX 3 aux:pass
assiégée assiéger VERB 0 ROOT - VerbForm=Part
. . PUNCT 3 punct

Des un DET 2 det
combats combat NOUN 4 nsubj
ont avoir AUX 4 aux
éclaté éclater VERB 0 ROOT - VerbForm=Part
dans dans ADP 7 case
la le DET 7 det
ville ville NOUN 4 obl
. . PUNCT 4 punct
"""))
    assert ("ArmedClash", "Tadmora") in _events(extract_doc(doc))


def test_rules_demonstrative_place_phrase_names_the_first_place_just_said():
    # "… Tadmora et Souran. Les jihadistes ont perdu Souran. Cette localité était assiégée."
    doc = parse(_two_towns("""
Les le DET 2 det
jihadistes jihadiste NOUN 4 nsubj JihadistGroup:islamic-state
ont avoir AUX 4 aux
bombardé bombarder VERB 0 ROOT - VerbForm=Part
Souran Souran PROPN 4 obj City:*
. . PUNCT 4 punct

Cette ce DET 2 det
localité localité NOUN 4 nsubj:pass
était être AUX 4 aux:pass
assiégée assiéger VERB 0 ROOT - VerbForm=Part
. . PUNCT 4 punct
"""))
    assert ("Siege", "Souran") in _events(extract_doc(doc))


def test_rules_place_that_only_describes_another_is_not_the_event_place():
    # "Tadmora, située près de Souran qui relie Alep à Hama, a été reprise."
    doc = parse("""
Tadmora Tadmora PROPN 12 nsubj:pass City:*
, , PUNCT 3 punct
située situer VERB 1 acl - VerbForm=Part
sur sur ADP 6 case
la le DET 6 det
route route NOUN 3 obl
qui qui PRON 8 nsubj
relie relier VERB 6 acl:relcl - VerbForm=Fin
Alep Alep PROPN 8 obj City:aleppo
, , PUNCT 1 punct
a avoir AUX 12 aux
reprise reprendre VERB 0 ROOT - VerbForm=Part
. . PUNCT 12 punct
""")
    assert _events(extract_doc(doc)) == [("TerritoryCapture", "Tadmora")]


# ---------------------------------------------------------------------------------------------- entities

def _entities(table: str):
    import spacy

    from kg.nlp.entities import KgEntities

    doc = parse(table)
    return {(e.text, e.label_) for e in KgEntities(spacy.blank("fr"))(doc).ents}


def test_rules_entity_apposition_types_a_name_as_a_place():
    # "… contre Tell Harira, un village de la province d'Alep." (the model took the name for a person)
    ents = _entities("""
contre contre ADP 2 case
Tell Tell PROPN 0 ROOT PER:*2
Harira Harira PROPN 2 flat:name
, , PUNCT 6 punct
un un DET 6 det
village village NOUN 2 appos
. . PUNCT 2 punct
""")
    assert ("Tell Harira", "City") in ents


def test_rules_entity_cue_with_a_complement_before_the_name():
    # "l'école de police de Tell Harira"
    ents = _entities("""
l' le DET 2 det
école école NOUN 0 ROOT
de de ADP 4 case
police police NOUN 2 nmod
de de ADP 6 case
Tell Tell PROPN 2 nmod
Harira Harira PROPN 6 flat:name
""")
    assert ("école de police de Tell Harira", "Site") in ents


@pytest.mark.parametrize(
    ("table", "label"),
    [
        # "Ankara, qui s'inquiète": a bare capital is its government
        ("Ankara Ankara PROPN 4 nsubj\n, , PUNCT 1 punct\nqui qui PRON 4 nsubj\ns'inquiète inquiéter VERB 0 ROOT", "ForeignState"),
        # "selon Ankara": a source
        ("selon selon ADP 2 case\nAnkara Ankara PROPN 0 ROOT", "ForeignState"),
        # "à Ankara": a place
        ("à à ADP 2 case\nAnkara Ankara PROPN 0 ROOT", "City"),
    ],
)
def test_rules_entity_capital_metonymy(table, label):
    assert ("Ankara", label) in _entities(table)


# ---------------------------------------------------------------------------------------------- movements

def _moved(verb: str, lemma: str) -> str:
    """ "Les rebelles <verb> vers les villages voisins de Tadmora." """
    return f"""
Les le DET 2 det
rebelles rebelle NOUN 3 nsubj RebelGroup:rebels
{verb} {lemma} VERB 0 ROOT - VerbForm=Fin|Tense=Pres
vers vers ADP 6 case
les le DET 6 det
villages village NOUN 3 obl:mod
voisins voisin ADJ 6 amod
de de ADP 9 case
Tadmora Tadmora PROPN 6 nmod City:*
. . PUNCT 3 punct
"""


def test_rules_destination_is_the_place_of_an_advance():
    assert _events(extract_doc(parse(_moved("avancent", "avancer")))) == [("Offensive", "Tadmora")]


def test_rules_destination_is_not_the_place_of_a_withdrawal():
    assert ("Withdrawal", "Tadmora") not in _events(extract_doc(parse(_moved("replient", "replier"))))


def test_rules_origin_is_not_the_place_of_an_advance():
    # "Les rebelles avancent depuis Tadmora."
    doc = parse("""
Les le DET 2 det
rebelles rebelle NOUN 3 nsubj RebelGroup:rebels
avancent avancer VERB 0 ROOT - VerbForm=Fin|Tense=Pres
depuis depuis ADP 5 case
Tadmora Tadmora PROPN 3 obl City:*
. . PUNCT 3 punct
""")
    assert ("Offensive", "Tadmora") not in _events(extract_doc(doc))


def test_rules_cue_projectiles_carrying_a_chemical_are_a_chemical_attack():
    # "Des roquettes chargées de chlore sont tombées sur Tadmora."
    doc = parse("""
Des un DET 2 det
roquettes roquette NOUN 7 nsubj
chargées charger VERB 2 acl - VerbForm=Part
de de ADP 5 case
chlore chlore NOUN 3 obl:arg
sont être AUX 7 aux
tombées tomber VERB 0 ROOT - VerbForm=Part
sur sur ADP 9 case
Tadmora Tadmora PROPN 7 obl City:*
. . PUNCT 7 punct
""")
    assert ("roquettes", "ChemicalAttack") in cues(doc)


def test_rules_condition_intransitive_movement():
    # "Le rapport avance un chiffre": not an advance
    doc = parse("Le le DET 2 det\nrapport rapport NOUN 3 nsubj\navance avancer VERB 0 ROOT\nun un DET 5 det\nchiffre chiffre NOUN 3 obj")
    assert condition("kg.needs.intransitive.v1")(doc[2], _ctx()) is False
    doc = parse("Les le DET 2 det\ntroupes troupe NOUN 3 nsubj\navancent avancer VERB 0 ROOT")
    assert condition("kg.needs.intransitive.v1")(doc[2], _ctx()) is True


def test_rules_fronted_participle_with_a_bad_lemma_cues_a_capture():
    # "Conquise par les rebelles, la ville de Tadmora passe …" (the lemmatizer left "Conquise" as it is)
    doc = parse("""
Conquise Conquise X 10 advcl
par par ADP 4 case
les le DET 4 det
rebelles rebelle NOUN 1 obl:agent RebelGroup:rebels
, , PUNCT 10 punct
la le DET 7 det
ville ville NOUN 10 nsubj
de de ADP 9 case
Tadmora Tadmora PROPN 7 nmod City:*
passe passer VERB 0 ROOT - VerbForm=Fin
. . PUNCT 10 punct
""")
    assert ("Conquise", "TerritoryCapture") in cues(doc)


def test_rules_condition_place_subject():
    # "La base est tombée": a place falls; "Le régime est tombé" is not a capture
    doc = parse("La le DET 2 det\nbase base NOUN 4 nsubj\nest être AUX 4 aux\ntombée tomber VERB 0 ROOT")
    assert condition("kg.needs.place_subject.v1")(doc[3], _ctx()) is True
    doc = parse("Le le DET 2 det\nrégime régime NOUN 4 nsubj\nest être AUX 4 aux\ntombé tomber VERB 0 ROOT")
    assert condition("kg.needs.place_subject.v1")(doc[3], _ctx()) is False


def test_rules_cue_index_finds_what_spacys_matcher_finds():
    """The one-word index and the word sequences find, for every pattern of the data file, the
    matches spaCy's ``Matcher`` finds (a text made of each pattern's words, with and without its
    optional tokens)."""
    import spacy
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

    from kg.lang.fr import event_patterns
    from kg.nlp.tokens import forms_of
    from kg.nlp.triggers import compile_pattern

    nlp = spacy.blank("fr")
    comp = KgTriggers(nlp)
    reference = Matcher(nlp.vocab)
    words, pos = [], []
    for rec in event_patterns():
        if "pattern" not in rec:
            continue
        compiled = compile_pattern(rec["pattern"])
        reference.add(rec["id"], [compiled])
        for keep_optional in (True, False):
            for spec in compiled:
                if "POS" in spec and "_" not in spec:
                    if keep_optional:
                        words.append("nourris")
                        pos.append(sorted(spec["POS"]["IN"])[0])
                    continue
                words.append(sorted(spec["_"]["kg_forms"]["INTERSECTS"])[0])
                pos.append("NOUN")
            words.append(".")
            pos.append("PUNCT")
    doc = Doc(nlp.vocab, words=words, pos=pos, lemmas=words)
    expected = {(nlp.vocab.strings[m], s, e) for m, s, e in reference(doc)}
    ids = {p.index: p.id for p in comp.patterns}
    by_start, singles = comp.matches(doc)
    got = {(p.id, s, e) for s, ms in by_start.items() for p, e in ms}
    got |= {(p.id, s, s + 1) for s, ps in singles.items() for p in ps}
    assert ids and got == expected
    assert all(forms_of(t) for t in doc)
