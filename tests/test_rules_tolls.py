"""Tolls, casualty reports and the Civilians actor, on hand-parsed sentences (no model needed).

Each sentence is written for these tests (none comes from the seeds or the dev texts) and given
its parse by hand, CoNLL-style: one token a line, ``word POS dep head lemma`` with ``head`` the
1-based index of the token's head in its sentence (0 for the root); sentences are separated by
an empty line. The rule components (entities from the gazetteer, cues, modality, attribution)
run on that parse as they do on the model's.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from kg.extract import Extraction, extract
from kg.extract.civilians import population_figure
from kg.extract.clauses import sentence_triggers
from kg.extract.context import ArticleContext
from kg.extract.tolls import fate, find_tolls
from kg.gazetteer import load_gazetteer
from kg.ingest import article_from_text
from kg.nlp.entities import KgEntities
from kg.nlp.pipeline import ensure_rule_annotations

_NO_SPACE_BEFORE = {".", ",", ";", ":", ")"}


@pytest.fixture(scope="module")
def nlp():
    blank = spacy.blank("fr")
    return blank, KgEntities(blank)


def parse(nlp, conll: str) -> Doc:
    """A ``Doc`` from a hand-written parse (see the module docstring)."""
    blank, entities = nlp
    words, pos, deps, heads, lemmas = [], [], [], [], []
    for block in conll.strip().split("\n\n"):
        base = len(words)
        for line in block.strip().splitlines():
            w, p, d, h, *lem = line.split()
            words.append(w)
            pos.append(p)
            deps.append("ROOT" if int(h) == 0 else d)
            heads.append(base + (int(h) - 1 if int(h) else len(words) - 1 - base))
            lemmas.append(lem[0] if lem else w.lower())
    spaces = [not (w.endswith("'") or (i + 1 < len(words) and words[i + 1] in _NO_SPACE_BEFORE))
              for i, w in enumerate(words)]
    spaces[-1] = False
    doc = Doc(blank.vocab, words=words, spaces=spaces, pos=pos, deps=deps, heads=heads, lemmas=lemmas)
    return entities(doc)


def run(nlp, conll: str) -> Extraction:
    doc = parse(nlp, conll)
    return extract(doc, article_from_text("t", doc.text))


def context(nlp, conll: str) -> ArticleContext:
    doc = parse(nlp, conll)
    ensure_rule_annotations(doc)
    return ArticleContext.build(doc, article_from_text("t", doc.text), load_gazetteer())


def tolls_of(nlp, conll: str, si: int = 0) -> list[list[int]]:
    ctx = context(nlp, conll)
    return [[t.count for t in f.tolls] for f in find_tolls(ctx, si, sentence_triggers(ctx, si, frozenset()))]


def events(ex: Extraction) -> list[tuple[str, str | None, list[int]]]:
    return sorted((e.type, e.place.text if e.place else None, [t.count for t in e.tolls]) for e in ex.events)


# -- dead, not wounded nor arrested -------------------------------------------------------------
EXPLOSION = """
L' DET det 2 le
explosion NOUN nsubj 4 explosion
a AUX aux:tense 4 avoir
fait VERB ROOT 0 faire
14 NUM nummod 6 14
morts NOUN obj 4 mort
et CCONJ cc 9 et
40 NUM nummod 9 40
blessés NOUN conj 6 blessé
à ADP case 11 à
Azaz PROPN obl:mod 4 Azaz
. PUNCT punct 4 .
"""

ARRESTED = """
Au ADP case 3 à
moins ADV fixed 1 moins
9 NUM nummod 4 9
civils NOUN nsubj:pass 7 civil
ont AUX aux:tense 7 avoir
été AUX aux:pass 7 être
tués VERB ROOT 0 tuer
et CCONJ cc 10 et
300 NUM nummod 10 300
personnes NOUN conj 7 personne
arrêtées VERB acl 10 arrêter
à ADP case 13 à
Homs PROPN obl:mod 7 Homs
. PUNCT punct 7 .
"""


def test_tolls_wounded_are_not_added_to_the_dead(nlp):
    ex = run(nlp, EXPLOSION)
    assert events(ex) == [("Bombing", "Azaz", [14])]


def test_tolls_people_arrested_are_not_dead(nlp):
    ex = run(nlp, ARRESTED)
    (report,) = [e for e in ex.events if e.type == "CasualtyReport"]
    assert [(t.count, t.qualifier, t.civilians) for t in report.tolls] == [(9, "AtLeast", True)]
    assert report.place.text == "Homs"


# -- the verbs of dying ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("conll", "count"),
    [
        ("""
Six NUM nummod 2 six
soldats NOUN nsubj 4 soldat
ont AUX aux:tense 4 avoir
trouvé VERB ROOT 0 trouver
la DET det 6 le
mort NOUN obj 4 mort
. PUNCT punct 4 .
""", 6),
        ("""
Deux NUM nummod 2 deux
policiers NOUN nsubj 4 policier
ont AUX aux:tense 4 avoir
succombé VERB ROOT 0 succomber
à ADP case 7 à
leurs DET det 7 leur
blessures NOUN obl:arg 4 blessure
. PUNCT punct 4 .
""", 2),
        ("""
Quatre NUM nummod 2 quatre
otages NOUN nsubj 4 otage
sont AUX aux:tense 4 être
décédés VERB ROOT 0 décéder
. PUNCT punct 4 .
""", 4),
    ],
    ids=["trouver-la-mort", "succomber-a-ses-blessures", "deceder"],
)
def test_tolls_verbs_of_dying_make_a_toll(nlp, conll, count):
    assert tolls_of(nlp, conll) == [[count]]


def test_tolls_a_verb_not_about_dying_makes_no_toll(nlp):
    ctx = context(nlp, """
L' DET det 2 le
armée NOUN nsubj 4 armée
a AUX aux:tense 4 avoir
déployé VERB ROOT 0 déployer
300 NUM nummod 6 300
soldats NOUN obj 4 soldat
après ADP case 9 après
la DET det 9 le
mort NOUN obl:mod 4 mort
d' ADP case 12 de
un DET det 12 un
officier NOUN nmod 9 officier
. PUNCT punct 4 .
""")
    soldiers = ctx.doc[5]
    assert fate(ctx, soldiers)[0] is False  # "ont déployé 300 soldats", though the sentence tells a death
    assert find_tolls(ctx, 0, sentence_triggers(ctx, 0, frozenset())) == []


# -- partitives, elliptical tolls, a single victim -----------------------------------------------
PARTITIVE = """
Trois NUM nsubj 6 trois
d' ADP case 4 de
entre ADP fixed 2 entre
eux PRON nmod 1 eux
ont AUX aux:tense 6 avoir
péri VERB ROOT 0 périr
. PUNCT punct 6 .
"""

COMRADES = """
Les DET det 2 le
rebelles NOUN nsubj 4 rebelle
ont AUX aux:tense 4 avoir
exécuté VERB ROOT 0 exécuter
deux NUM obj 4 deux
de ADP case 8 de
leurs DET det 8 leur
camarades NOUN nmod 5 camarade
à ADP case 10 à
Idleb PROPN obl:mod 4 Idleb
. PUNCT punct 4 .
"""


def test_tolls_partitives_count(nlp):
    assert tolls_of(nlp, PARTITIVE) == [[3]]
    assert not run(nlp, PARTITIVE).events  # a part of a group: no casualty report of its own
    assert events(run(nlp, COMRADES)) == [("AttackOnCivilians", "Idleb", [2])]


ELLIPTIC = """
Onze NUM nummod 2 onze
personnes NOUN nsubj:pass 5 personne
ont AUX aux:tense 5 avoir
été AUX aux:pass 5 être
tuées VERB ROOT 0 tuer
à ADP case 7 à
Alep PROPN obl:mod 5 Alep
et CCONJ cc 9 et
4 NUM conj 5 4
à ADP case 11 à
Hama PROPN nmod 9 Hama
. PUNCT punct 5 .
"""

CLITIC = """
Les DET det 2 le
obus NOUN nsubj 5 obus
en PRON iobj 5 en
ont AUX aux:tense 5 avoir
tué VERB ROOT 0 tuer
8 NUM obj 5 8
à ADP case 8 à
Idleb PROPN obl:mod 5 Idleb
. PUNCT punct 5 .
"""


def test_tolls_elliptical_toll_goes_to_its_own_place(nlp):
    ex = run(nlp, ELLIPTIC)
    assert events(ex) == [("CasualtyReport", "Alep", [11]), ("CasualtyReport", "Hama", [4])]


def test_tolls_clitic_en_stands_for_the_victims(nlp):
    assert events(run(nlp, CLITIC)) == [("Shelling", "Idleb", [8])]


def test_tolls_one_victim_with_an_indefinite_article(nlp):
    ex = run(nlp, """
Une DET det 2 un
femme NOUN nsubj:pass 5 femme
a AUX aux:tense 5 avoir
été AUX aux:pass 5 être
tuée VERB ROOT 0 tuer
à ADP case 7 à
Azaz PROPN obl:mod 5 Azaz
. PUNCT punct 5 .
""")
    (report,) = ex.events
    assert [(t.count, t.qualifier, t.civilians) for t in report.tolls] == [(1, "Exactly", True)]


# -- summary tolls: the country, the main place, the battle --------------------------------------
TAKEN = """
Les DET det 2 le
rebelles NOUN nsubj 4 rebelle
ont AUX aux:tense 4 avoir
pris VERB ROOT 0 prendre
Idleb PROPN obj 4 Idleb
, PUNCT punct 8 ,
en ADP case 8 en
Syrie PROPN nmod 5 Syrie
. PUNCT punct 4 .
"""

NATIONWIDE = """
À ADP case 4 à
travers ADP fixed 1 travers
le DET det 4 le
pays NOUN obl:mod 9 pays
, PUNCT punct 4 ,
40 NUM nummod 7 40
personnes NOUN nsubj 9 personne
ont AUX aux:tense 9 avoir
péri VERB ROOT 0 périr
mardi NOUN obl:mod 9 mardi
. PUNCT punct 9 .
"""

OFFENSIVE = """
Les DET det 2 le
jihadistes NOUN nsubj 4 jihadiste
ont AUX aux:tense 4 avoir
lancé VERB ROOT 0 lancer
une DET det 6 un
offensive NOUN obj 4 offensive
sur ADP case 8 sur
Palmyre PROPN nmod 6 Palmyre
. PUNCT punct 4 .
"""

BOMBED = """
L' DET det 2 le
aviation NOUN nsubj 4 aviation
a AUX aux:tense 4 avoir
bombardé VERB ROOT 0 bombarder
Homs PROPN obj 4 Homs
. PUNCT punct 4 .
"""

SINCE_THURSDAY = """
Depuis ADP case 2 depuis
jeudi NOUN obl:mod 8 jeudi
, PUNCT punct 2 ,
60 NUM nummod 5 60
soldats NOUN nsubj:pass 8 soldat
ont AUX aux:tense 8 avoir
été AUX aux:pass 8 être
tués VERB ROOT 0 tuer
. PUNCT punct 8 .
"""


def test_casualties_nationwide_toll_is_the_countrys(nlp):
    ex = run(nlp, TAKEN + "\n" + NATIONWIDE)
    reports = [e for e in ex.events if e.type == "CasualtyReport"]
    assert [(e.place.text, [t.count for t in e.tolls]) for e in reports] == [("Syrie", [40])]


def test_casualties_summary_toll_goes_to_the_main_place(nlp):
    ex = run(nlp, OFFENSIVE + "\n" + BOMBED + "\n" + SINCE_THURSDAY)
    (report,) = [e for e in ex.events if e.type == "CasualtyReport"]
    assert (report.place.text, [t.count for t in report.tolls]) == ("Palmyre", [60])


CLASH = """
De ADP det 3 de
violents ADJ amod 3 violent
combats NOUN nsubj 5 combat
ont AUX aux:tense 5 avoir
éclaté VERB ROOT 0 éclater
à ADP case 7 à
Deraa PROPN obl:mod 5 Deraa
. PUNCT punct 5 .
"""

IN_FIVE_DAYS = """
En ADP case 3 en
cinq NUM nummod 3 cinq
jours NOUN obl:mod 10 jour
de ADP case 5 de
combats NOUN nmod 3 combat
, PUNCT punct 3 ,
90 NUM nummod 8 90
rebelles NOUN nsubj 10 rebelle
ont AUX aux:tense 10 avoir
péri VERB ROOT 0 périr
. PUNCT punct 10 .
"""

IN_THE_FIGHTING = """
Douze NUM nummod 2 douze
soldats NOUN nsubj 4 soldat
ont AUX aux:tense 4 avoir
péri VERB ROOT 0 périr
dans ADP case 7 dans
des DET det 7 un
combats NOUN obl:mod 4 combat
à ADP case 9 à
Deraa PROPN nmod 7 Deraa
. PUNCT punct 4 .
"""


def test_casualties_battle_toll_is_a_report_at_the_battle(nlp):
    ex = run(nlp, CLASH + "\n" + BOMBED + "\n" + IN_FIVE_DAYS)
    (report,) = [e for e in ex.events if e.type == "CasualtyReport"]
    assert (report.place.text, [t.count for t in report.tolls]) == ("Deraa", [90])
    assert not [e for e in ex.events if e.type != "CasualtyReport" and e.tolls]


def test_tolls_toll_in_the_fighting_is_the_clashs(nlp):
    assert events(run(nlp, IN_THE_FIGHTING)) == [("ArmedClash", "Deraa", [12])]


# -- killings with no cue -----------------------------------------------------------------------
def test_casualties_killing_of_civilians_is_an_attack(nlp):
    ex = run(nlp, """
Les DET det 2 le
jihadistes NOUN nsubj 4 jihadiste
ont AUX aux:tense 4 avoir
tué VERB ROOT 0 tuer
15 NUM nummod 6 15
civils NOUN obj 4 civil
à ADP case 8 à
Homs PROPN obl:mod 4 Homs
. PUNCT punct 4 .
""")
    (ev,) = ex.events
    assert (ev.type, ev.place.text, [t.count for t in ev.tolls]) == ("AttackOnCivilians", "Homs", [15])
    assert [a.cls for a in ev.agents] == ["JihadistGroup"]
    assert [t.cls for t in ev.targets] == ["Civilians"]


def test_casualties_a_shared_agent_of_coordinated_participles_makes_a_killing(nlp):
    """ "un civil a été tué à Homs et son fils blessé par des tirs": the agent of the second participle is
    the first's too."""
    ex = run(nlp, """
Un DET det 2 un
civil NOUN nsubj:pass 5 civil
a AUX aux:tense 5 avoir
été AUX aux:pass 5 être
tué VERB ROOT 0 tuer
à ADP case 7 à
Homs PROPN obl:mod 5 Homs
et CCONJ cc 10 et
son DET det 10 son
fils NOUN conj 5 fils
blessé VERB acl 10 blesser
par ADP case 14 par
des DET det 14 un
tirs NOUN obl:mod 11 tir
. PUNCT punct 5 .
""")
    (ev,) = ex.events
    assert (ev.type, ev.place.text, [t.count for t in ev.tolls]) == ("AttackOnCivilians", "Homs", [1])


def test_casualties_soldiers_killed_by_gunmen_is_a_clash(nlp):
    ex = run(nlp, """
Vingt NUM nummod 2 vingt
soldats NOUN nsubj:pass 5 soldat
ont AUX aux:tense 5 avoir
été AUX aux:pass 5 être
tués VERB ROOT 0 tuer
par ADP case 8 par
des DET det 8 un
hommes NOUN obl:agent 5 homme
armés ADJ amod 8 armé
à ADP case 11 à
Homs PROPN obl:mod 5 Homs
. PUNCT punct 5 .
""")
    assert events(ex) == [("ArmedClash", "Homs", [20])]


# -- a figure for an event told before ---------------------------------------------------------
ATTACK = """
Un DET det 2 un
attentat NOUN nsubj 4 attentat
a AUX aux:tense 4 avoir
tué VERB ROOT 0 tuer
20 NUM nummod 6 20
personnes NOUN obj 4 personne
à ADP case 8 à
Azaz PROPN obl:mod 4 Azaz
. PUNCT punct 4 .
"""

CAPTURE = """
Les DET det 2 le
rebelles NOUN nsubj 4 rebelle
ont AUX aux:tense 4 avoir
pris VERB ROOT 0 prendre
Homs PROPN obj 4 Homs
. PUNCT punct 4 .
"""

ANOTHER_COUNT = """
L' DET det 2 le
OSDH PROPN nsubj 4 OSDH
a AUX aux:tense 4 avoir
fait VERB ROOT 0 faire
état NOUN obj 4 état
de ADP case 8 de
25 NUM nummod 8 25
morts NOUN nmod 5 mort
. PUNCT punct 4 .
"""

RAIDS = """
Des DET det 2 un
raids NOUN nsubj 4 raid
ont AUX aux:tense 4 avoir
frappé VERB ROOT 0 frapper
Idleb PROPN obj 4 Idleb
. PUNCT punct 4 .
"""

AT_SARAQEB = """
À ADP case 2 à
Saraqeb PROPN obl:mod 8 Saraqeb
, PUNCT punct 2 ,
7 NUM nummod 5 7
civils NOUN nsubj:pass 8 civil
ont AUX aux:tense 8 avoir
été AUX aux:pass 8 être
tués VERB ROOT 0 tuer
. PUNCT punct 8 .
"""


def test_casualties_another_count_goes_to_the_tolled_event(nlp):
    ex = run(nlp, ATTACK + "\n" + CAPTURE + "\n" + ANOTHER_COUNT)
    assert ("Bombing", "Azaz", [20, 25]) in events(ex)
    assert not [e for e in ex.events if e.type == "CasualtyReport"]


def test_casualties_toll_after_an_action_is_its_toll(nlp):
    ex = run(nlp, RAIDS + "\n" + AT_SARAQEB)
    assert ("Airstrike", "Saraqeb", [7]) in events(ex)
    assert not [e for e in ex.events if e.type == "CasualtyReport"]


def test_tolls_putting_forward_a_figure_is_not_an_event(nlp):
    ex = run(nlp, """
Une DET det 2 un
ONG NOUN nsubj 3 ONG
avance VERB ROOT 0 avancer
le DET det 5 le
chiffre NOUN obj 3 chiffre
de ADP case 8 de
30 NUM nummod 8 30
morts NOUN nmod 5 mort
à ADP case 10 à
Alep PROPN obl:mod 3 Alep
. PUNCT punct 3 .
""")
    assert events(ex) == [("CasualtyReport", "Alep", [30])]


# -- one clause, one toll -----------------------------------------------------------------------
def test_tolls_cumulative_toll_in_a_relative_clause(nlp):
    ex = run(nlp, """
Samedi PROPN obl:mod 6 samedi
, PUNCT punct 1 ,
35 NUM nummod 4 35
personnes NOUN nsubj 6 personne
ont AUX aux:tense 6 avoir
péri VERB ROOT 0 périr
en ADP case 8 en
Syrie PROPN obl:mod 6 Syrie
, PUNCT punct 12 ,
selon ADP case 12 selon
l' DET det 12 le
OSDH PROPN obl:mod 6 OSDH
, PUNCT punct 15 ,
qui PRON nsubj 15 qui
recense VERB acl:relcl 12 recenser
9000 NUM nummod 17 9000
morts NOUN obj 15 mort
depuis ADP case 19 depuis
2011 NUM obl:mod 15 2011
. PUNCT punct 6 .
""")
    reports = [e for e in ex.events if e.type == "CasualtyReport"]
    assert sorted([t.count for t in e.tolls] for e in reports) == [[35], [9000]]


# -- the Civilians actor ------------------------------------------------------------------------
POPULATION = """
Cette DET det 2 ce
ville NOUN nsubj:pass 9 ville
de ADP case 6 de
20 NUM nummod 6 20
000 NUM flat 4 000
habitants NOUN nmod 2 habitant
a AUX aux:tense 9 avoir
été AUX aux:pass 9 être
bombardée VERB ROOT 0 bombarder
. PUNCT punct 9 .
"""


def test_civilians_population_figure_is_not_an_actor(nlp):
    ctx = context(nlp, POPULATION)
    (m,) = [m for m in ctx.mentions if m.cls == "Civilians"]
    assert population_figure(ctx, m)
    assert not [m for m in run(nlp, POPULATION).mentions if m.cls == "Civilians"]
    fleeing = run(nlp, """
Des DET det 2 un
habitants NOUN nsubj 3 habitant
fuient VERB ROOT 0 fuir
Alep PROPN obj 3 Alep
. PUNCT punct 3 .
""")
    assert [m.text for m in fleeing.mentions if m.cls == "Civilians"] == ["habitants"]


def test_civilians_are_the_target_of_an_abduction(nlp):
    ex = run(nlp, """
Les DET det 2 le
jihadistes NOUN nsubj 4 jihadiste
ont AUX aux:tense 4 avoir
enlevé VERB ROOT 0 enlever
des DET det 6 un
habitants NOUN obj 4 habitant
à ADP case 8 à
Adra PROPN obl:mod 4 Adra
. PUNCT punct 4 .
""")
    (ev,) = ex.events
    assert ev.type == "Abduction"
    assert [(t.cls, t.text) for t in ev.targets] == [("Civilians", "habitants")]
    assert any(m.cls == "Civilians" for m in ex.mentions)


# -- whose toll: groups, captives, the implicit subject ------------------------------------------
def test_tolls_the_dead_do_not_spread_to_a_coordinated_group(nlp):
    assert tolls_of(nlp, """
La DET det 2 le
guerre NOUN nsubj 4 guerre
a AUX aux:tense 4 avoir
fait VERB ROOT 0 faire
9000 NUM nummod 6 9000
morts NOUN obj 4 mort
et CCONJ cc 10 et
des DET det 9 un
milliers NOUN nummod 10 millier
déplacés NOUN conj 6 déplacé
. PUNCT punct 4 .
""") == [[9000]]


def test_tolls_captives_are_not_dead_though_a_death_is_told(nlp):
    assert tolls_of(nlp, """
Douze NUM nummod 2 douze
soldats NOUN nsubj:pass 5 soldat
ont AUX aux:tense 5 avoir
été AUX aux:pass 5 être
faits VERB ROOT 0 faire
prisonniers NOUN xcomp 5 prisonnier
après ADP case 9 après
la DET det 9 le
mort NOUN obl:mod 5 mort
de ADP case 12 de
leur DET det 12 leur
chef NOUN nmod 9 chef
. PUNCT punct 5 .
""") == []


def test_casualties_others_killed_after_an_arrest_are_a_killing(nlp):
    ex = run(nlp, """
Les DET det 2 le
jihadistes NOUN nsubj 4 jihadiste
ont AUX aux:tense 4 avoir
enlevé VERB ROOT 0 enlever
30 NUM nummod 6 30
villageois NOUN obj 4 villageois
et CCONJ cc 8 et
tué VERB conj 4 tuer
deux NUM nummod 10 deux
autres ADJ obj 8 autre
à ADP case 12 à
Hama PROPN nmod 10 Hama
. PUNCT punct 4 .
""")
    assert ("AttackOnCivilians", "Hama", [2]) in events(ex)


def test_tolls_a_gerund_toll_is_its_main_verbs_subjects(nlp):
    ex = run(nlp, """
Un DET det 2 un
kamikaze NOUN nsubj 5 kamikaze
s' PRON expl:pv 5 se
est AUX aux:tense 5 être
fait VERB ROOT 0 faire
exploser VERB xcomp 5 exploser
à ADP case 8 à
Azaz PROPN obl:mod 6 Azaz
, PUNCT punct 10 ,
tuant VERB advcl 5 tuer
9 NUM nummod 12 9
personnes NOUN obj 10 personne
. PUNCT punct 5 .
""")
    assert [e for e in events(ex) if e[2]] == [("Bombing", "Azaz", [9])]
