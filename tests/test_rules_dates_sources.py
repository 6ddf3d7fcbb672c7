"""Dates and sources beyond their sentence (#12), without the spaCy model.

Each test builds its ``Doc`` by hand (words, lemmas, parts of speech, dependencies and entities
as a French parser gives them) from a sentence written for the test, then runs the rule
components and extraction on it.
"""

from __future__ import annotations

from datetime import date

import pytest
import spacy
from spacy.tokens import Doc, Span

from kg.extract import extract
from kg.extract.context import ArticleContext
from kg.extract.dates import article_times
from kg.extract.episodes import Reference, clause_dates, episode_dates, reference_track
from kg.extract.sources import furniture, read_sentences
from kg.gazetteer import load_gazetteer
from kg.ingest import article_from_text
from kg.nlp.attribution import CLASS_REFERENCE, PRONOUN, SOURCE, SOURCE_CUES, ZONES
from kg.nlp.pipeline import ensure_rule_annotations
from kg.schema.records import EventRecord
from kg.schema.time import TimeValue

_VOCAB = spacy.blank("fr").vocab
_NO_SPACE_BEFORE = {",", ".", "»", ")"}

Row = tuple[str, str, str, str, int]  # word, lemma, POS, dependency, head (index in its sentence)


def parse(*sentences: list[Row] | str, ents: tuple[tuple[int, int, str], ...] = ()) -> Doc:
    """A parsed Doc from sentences of rows (heads within each sentence); the string "\\n" between
    two sentences starts a new paragraph. ``ents`` are (start, end, label) over the whole Doc."""
    words, lemmas, pos, deps, heads = [], [], [], [], []
    last_root = None
    for sent in sentences:
        if sent == "\n":
            words.append("\n")
            lemmas.append("\n")
            pos.append("SPACE")
            deps.append("dep")
            heads.append(last_root)
            continue
        base = len(words)
        for word, lemma, p, dep, head in sent:
            words.append(word)
            lemmas.append(lemma)
            pos.append(p)
            deps.append(dep)
            heads.append(base + head)
            if dep == "ROOT":
                last_root = base + head
    spaces = [not (nxt in _NO_SPACE_BEFORE or w.endswith("'") or w == "\n" or nxt == "\n")
              for w, nxt in zip(words, words[1:] + [""], strict=True)]
    doc = Doc(_VOCAB, words=words, spaces=spaces, lemmas=lemmas, pos=pos, deps=deps, heads=heads)
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
    return ensure_rule_annotations(doc)


def cues(doc: Doc) -> list[tuple[str, str]]:
    return [(sp.label_, sp.text) for sp in doc.spans[SOURCE_CUES]]


def zone(doc: Doc) -> set[int]:
    return {i for sp in doc.spans[ZONES] for i in range(sp.start, sp.end)}


def context(doc: Doc, published: TimeValue | None = None) -> ArticleContext:
    return ArticleContext.build(doc, article_from_text("t", doc.text, published=published), load_gazetteer())


# -- who reports -------------------------------------------------------------------------------
def test_attribution_d_apres_names_the_source():
    doc = parse([("D'", "de", "ADP", "case", 3), ("après", "après", "ADP", "fixed", 0), ("l'", "le", "DET", "det", 3),
                 ("Observatoire", "observatoire", "PROPN", "obl:mod", 8), (",", ",", "PUNCT", "punct", 8),
                 ("les", "le", "DET", "det", 6), ("rebelles", "rebelle", "NOUN", "nsubj", 8),
                 ("ont", "avoir", "AUX", "aux:tense", 8), ("pris", "prendre", "VERB", "ROOT", 8),
                 ("Kafr", "Kafr", "PROPN", "obj", 8), (".", ".", "PUNCT", "punct", 8)],
                ents=((3, 4, "Organization"),))
    assert cues(doc) == [(SOURCE, "Observatoire")]


def test_attribution_passive_reporting_verb_source_is_its_agent():
    doc = parse([("Les", "le", "DET", "det", 1), ("termes", "terme", "NOUN", "nsubj:pass", 4),
                 ("ont", "avoir", "AUX", "aux:tense", 4), ("été", "être", "AUX", "aux:pass", 4),
                 ("dévoilés", "dévoiler", "VERB", "ROOT", 4), ("par", "par", "ADP", "case", 7),
                 ("l'", "le", "DET", "det", 7), ("Observatoire", "observatoire", "PROPN", "obl:agent", 4),
                 (".", ".", "PUNCT", "punct", 4)],
                ents=((7, 8, "Organization"),))
    assert cues(doc) == [(SOURCE, "Observatoire")]


def test_attribution_passive_subject_is_what_is_reported_not_who():
    doc = parse([("La", "le", "DET", "det", 1), ("prise", "prise", "NOUN", "nsubj:pass", 7),
                 ("de", "de", "ADP", "case", 3), ("Tadef", "Tadef", "PROPN", "nmod", 1),
                 ("par", "par", "ADP", "case", 5), ("Daech", "Daech", "PROPN", "nmod", 1),
                 ("a", "avoir", "AUX", "aux:tense", 7), ("annoncée", "annoncer", "VERB", "ROOT", 7),
                 (".", ".", "PUNCT", "punct", 7)],
                ents=((3, 4, "City"), (5, 6, "JihadistGroup")))
    assert cues(doc) == []


def test_attribution_addressee_is_not_the_source_and_the_speaker_beats_his_organisation():
    doc = parse([("«", "«", "PUNCT", "punct", 2), ("Nous", "nous", "PRON", "nsubj", 2),
                 ("tenons", "tenir", "VERB", "ccomp", 8), ("la", "le", "DET", "det", 4),
                 ("colline", "colline", "NOUN", "obj", 2), ("»", "»", "PUNCT", "punct", 2),
                 (",", ",", "PUNCT", "punct", 8), ("a", "avoir", "AUX", "aux:tense", 8),
                 ("déclaré", "déclarer", "VERB", "ROOT", 8), ("à", "à", "ADP", "case", 11),
                 ("l'", "le", "DET", "det", 11), ("AFP", "AFP", "PROPN", "obl:arg", 8),
                 ("le", "le", "DET", "det", 13), ("porte-parole", "porte-parole", "NOUN", "nsubj", 8),
                 ("de", "de", "ADP", "case", 16), ("l'", "le", "DET", "det", 16),
                 ("Observatoire", "observatoire", "PROPN", "nmod", 13), (",", ",", "PUNCT", "punct", 18),
                 ("Karim", "Karim", "PROPN", "appos", 13), ("Haddad", "Haddad", "PROPN", "flat:name", 18),
                 (".", ".", "PUNCT", "punct", 8)],
                ents=((11, 12, "MediaOutlet"), (16, 17, "Organization"), (18, 20, "Person")))
    assert cues(doc) == [(SOURCE, "Karim Haddad")]


def test_attribution_a_subject_hung_on_the_addressee_is_still_the_source():
    """ "a affirmé à l'AFP un commandant de la brigade X": parsed as an apposition of "AFP"."""
    doc = parse([("«", "«", "PUNCT", "punct", 3), ("La", "le", "DET", "det", 2), ("ville", "ville", "NOUN", "nsubj", 3),
                 ("tombe", "tomber", "VERB", "advcl", 7), ("»", "»", "PUNCT", "punct", 3), (",", ",", "PUNCT", "punct", 7),
                 ("a", "avoir", "AUX", "aux:tense", 7), ("affirmé", "affirmer", "VERB", "ROOT", 7),
                 ("à", "à", "ADP", "case", 10), ("l'", "le", "DET", "det", 10), ("AFP", "AFP", "PROPN", "obl:mod", 7),
                 ("un", "un", "DET", "det", 12), ("chef", "chef", "NOUN", "appos", 10), ("de", "de", "ADP", "case", 15),
                 ("la", "le", "DET", "det", 15), ("brigade", "brigade", "NOUN", "nmod", 12),
                 ("Nour", "Nour", "PROPN", "flat:name", 15), (".", ".", "PUNCT", "punct", 7)],
                ents=((10, 11, "MediaOutlet"), (15, 17, "RebelGroup")))
    assert cues(doc) == [(SOURCE, "brigade Nour")]


def test_attribution_subject_before_the_verb_is_no_inversion():
    """ "Les FDS, une alliance, ont annoncé hier avoir pris X": the comma is the apposition's."""
    doc = parse([("Les", "le", "DET", "det", 1), ("FDS", "FDS", "PROPN", "nsubj", 7), (",", ",", "PUNCT", "punct", 4),
                 ("une", "un", "DET", "det", 4), ("alliance", "alliance", "NOUN", "appos", 1),
                 (",", ",", "PUNCT", "punct", 1), ("ont", "avoir", "AUX", "aux:tense", 7),
                 ("annoncé", "annoncer", "VERB", "ROOT", 7), ("hier", "hier", "ADV", "advmod", 7),
                 ("avoir", "avoir", "AUX", "aux:tense", 10), ("pris", "prendre", "VERB", "xcomp", 7),
                 ("Raqa", "Raqa", "PROPN", "obj", 10), (".", ".", "PUNCT", "punct", 7)],
                ents=((1, 2, "RebelGroup"), (11, 12, "City")))
    assert cues(doc) == [(SOURCE, "FDS")]
    assert not {10, 11} & zone(doc)  # what is announced stays out of the attribution


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # "…, a précisé l'ONG."
        ([("Le", "le", "DET", "det", 1), ("raid", "raid", "NOUN", "nsubj", 2), ("visait", "viser", "VERB", "ROOT", 2),
          ("Ariha", "Ariha", "PROPN", "obj", 2), (",", ",", "PUNCT", "punct", 6), ("a", "avoir", "AUX", "aux:tense", 6),
          ("précisé", "préciser", "VERB", "parataxis", 2), ("l'", "le", "DET", "det", 8),
          ("ONG", "ONG", "NOUN", "obj", 6), (".", ".", "PUNCT", "punct", 2)], (CLASS_REFERENCE, "ONG")),
        # "Selon cette organisation, …"
        ([("Selon", "selon", "ADP", "case", 2), ("cette", "ce", "DET", "det", 2),
          ("organisation", "organisation", "NOUN", "obl:mod", 5), (",", ",", "PUNCT", "punct", 5),
          ("Ariha", "Ariha", "PROPN", "nsubj:pass", 5), ("bombardée", "bombarder", "VERB", "ROOT", 5),
          (".", ".", "PUNCT", "punct", 5)], (CLASS_REFERENCE, "organisation")),
        # "Selon lui, …"
        ([("Selon", "selon", "ADP", "case", 1), ("lui", "lui", "PRON", "obl:mod", 5), (",", ",", "PUNCT", "punct", 5),
          ("les", "le", "DET", "det", 4), ("chars", "char", "NOUN", "nsubj", 5), ("tirent", "tirer", "VERB", "ROOT", 5),
          (".", ".", "PUNCT", "punct", 5)], (PRONOUN, "lui")),
    ],
)
def test_attribution_unnamed_sources(rows, expected):
    assert cues(parse(rows)) == [expected]


def test_attribution_a_reporting_verb_on_a_noun_with_no_one_reporting_is_none():
    """ "une trêve conclue entre X et Y" — "conclure" also reports ("a conclu le ministre")."""
    doc = parse([("Une", "un", "DET", "det", 1), ("trêve", "trêve", "NOUN", "nsubj", 7),
                 ("conclue", "conclure", "VERB", "acl", 1), ("entre", "entre", "ADP", "case", 5),
                 ("l'", "le", "DET", "det", 5), ("Iran", "Iran", "PROPN", "obl:agent", 2),
                 ("est", "être", "AUX", "aux:tense", 7), ("entrée", "entrer", "VERB", "ROOT", 7),
                 ("en", "en", "ADP", "case", 9), ("vigueur", "vigueur", "NOUN", "obl", 7), (".", ".", "PUNCT", "punct", 7)],
                ents=((5, 6, "ForeignState"),))
    assert cues(doc) == [] and 2 not in zone(doc)


# -- sources past their sentence -----------------------------------------------------------------
_SELON_OBS = [("Selon", "selon", "ADP", "case", 2), ("l'", "le", "DET", "det", 2),
              ("Observatoire", "observatoire", "PROPN", "obl:mod", 7), (",", ",", "PUNCT", "punct", 7),
              ("des", "un", "DET", "det", 5), ("raids", "raid", "NOUN", "nsubj", 7),
              ("ont", "avoir", "AUX", "aux:tense", 7), ("visé", "viser", "VERB", "ROOT", 7),
              ("Saraqeb", "Saraqeb", "PROPN", "obj", 7), (".", ".", "PUNCT", "punct", 7)]
_UNATTRIBUTED = [("Des", "un", "DET", "det", 1), ("obus", "obus", "NOUN", "nsubj", 2),
                 ("frappaient", "frapper", "VERB", "ROOT", 2), ("Binnich", "Binnich", "PROPN", "obj", 2),
                 (".", ".", "PUNCT", "punct", 2)]


def _sources(doc: Doc) -> list[list[str]]:
    return [[m.text for m in f.sources] for f in read_sentences(context(doc))]


def test_sources_class_reference_is_the_last_source_of_that_kind():
    doc = parse(_SELON_OBS,
                [("La", "le", "DET", "det", 1), ("ville", "ville", "NOUN", "nsubj", 2), ("brûlait", "brûler", "VERB", "ROOT", 2),
                 (",", ",", "PUNCT", "punct", 5), ("a", "avoir", "AUX", "aux:tense", 5),
                 ("ajouté", "ajouter", "VERB", "parataxis", 2), ("l'", "le", "DET", "det", 7),
                 ("organisation", "organisation", "NOUN", "obj", 5), (".", ".", "PUNCT", "punct", 2)],
                ents=((2, 3, "Organization"), (8, 9, "City")))
    assert _sources(doc) == [["Observatoire"], ["Observatoire"]]


def test_sources_continue_in_the_paragraph_but_not_past_it():
    doc = parse(_SELON_OBS, _UNATTRIBUTED, "\n", _UNATTRIBUTED,
                ents=((2, 3, "Organization"), (8, 9, "City"), (13, 14, "City"), (19, 20, "City")))
    assert _sources(doc) == [["Observatoire"], ["Observatoire"], []]


def test_sources_the_lead_is_attributed_by_the_next_sentence():
    doc = parse(_UNATTRIBUTED, "\n",
                [("Trois", "trois", "NUM", "nummod", 1), ("maisons", "maison", "NOUN", "nsubj", 2),
                 ("brûlent", "brûler", "VERB", "ROOT", 2), (",", ",", "PUNCT", "punct", 5),
                 ("a", "avoir", "AUX", "aux:tense", 5), ("indiqué", "indiquer", "VERB", "parataxis", 2),
                 ("Sana", "Sana", "PROPN", "nsubj", 5), (".", ".", "PUNCT", "punct", 2)],
                ents=((3, 4, "City"), (12, 13, "MediaOutlet")))
    assert _sources(doc)[0] == ["Sana"]


def test_sources_blame_is_not_carried_to_the_next_sentence():
    """ "Un attentat attribué par Ankara à Daech …" names who is blamed, not who tells the rest."""
    doc = parse([("Un", "un", "DET", "det", 1), ("attentat", "attentat", "NOUN", "nsubj", 8),
                 ("attribué", "attribuer", "VERB", "acl", 1), ("par", "par", "ADP", "case", 4),
                 ("Ankara", "Ankara", "PROPN", "obl:agent", 2), ("à", "à", "ADP", "case", 6),
                 ("Daech", "Daech", "PROPN", "obl:arg", 2), ("a", "avoir", "AUX", "aux:tense", 8)]
                + [("tué", "tuer", "VERB", "ROOT", 8), ("dix", "dix", "NUM", "nummod", 10),
                   ("personnes", "personne", "NOUN", "obj", 8), (".", ".", "PUNCT", "punct", 8)],
                _UNATTRIBUTED,
                ents=((4, 5, "ForeignState"), (6, 7, "JihadistGroup"), (15, 16, "City")))
    assert _sources(doc) == [["Ankara"], []]


# -- titles and captions -----------------------------------------------------------------------
def test_furniture_titles_and_captions_running_onto_a_second_line():
    doc = parse([("Photo", "photo", "NOUN", "ROOT", 0), (":", ":", "PUNCT", "punct", 0), ("des", "un", "DET", "det", 3),
                 ("ruines", "ruine", "NOUN", "appos", 0), ("à", "à", "ADP", "case", 5), ("Ariha", "Ariha", "PROPN", "nmod", 3),
                 (",", ",", "PUNCT", "punct", 7), ("postée", "poster", "VERB", "acl", 3), ("sur", "sur", "ADP", "case", 7)],
                "\n", [("YouTube", "YouTube", "PROPN", "ROOT", 0), ("samedi", "samedi", "NOUN", "nmod", 0),
                       (".", ".", "PUNCT", "punct", 0)],
                "\n", _UNATTRIBUTED)
    assert furniture(context(doc)) == {0, 1}


# -- the narrative's reference time ---------------------------------------------------------------
def _ref(a: str, b: str | None = None) -> Reference:
    lo, hi = date.fromisoformat(a), date.fromisoformat(b or a)
    return Reference(lo, hi, TimeValue(lo.year, lo.month, lo.day))


@pytest.mark.parametrize(
    ("ref", "told", "after", "background"),
    [
        (_ref("2016-03-08"), TimeValue(2016, 3, 9), ("2016-03-09", "2016-03-09"), False),  # forward
        (_ref("2016-03-08"), TimeValue(2016, 3, 7), ("2016-03-07", "2016-03-08"), False),  # a flashback widens it
        (_ref("2016-03-08"), TimeValue(2016, 2, 20), ("2016-03-08", "2016-03-08"), True),  # further back: background
        (_ref("2016-03-08"), TimeValue(2016, 3), ("2016-03-08", "2016-03-08"), False),  # coarser, holding it
        (_ref("2016-03-01", "2016-03-31"), TimeValue(2016, 2, 27), ("2016-03-01", "2016-03-31"), True),
    ],
)
def test_episodes_reference_moves_with_the_story(ref, told, after, background):
    moved, is_background = ref.moved_by(told)
    assert ((moved.lo.isoformat(), moved.hi.isoformat()), is_background) == (after, background)


def test_episodes_a_flashback_leaves_only_the_month_sure():
    assert _ref("2016-03-07", "2016-03-08").value == TimeValue(2016, 3)


def _dated(doc: Doc, published: TimeValue) -> dict[str, str | None]:
    ex = extract(doc, article_from_text("t", doc.text, published=published))
    return {f"{e.type}@{e.sentence}": (e.date or e.start_date).iso() if (e.date or e.start_date) else None
            for e in ex.events}


_TUE = TimeValue(2016, 3, 8)  # a Tuesday
_CAPTURE_TUESDAY = [("Les", "le", "DET", "det", 1), ("insurgés", "insurgé", "NOUN", "nsubj", 4),
                    ("se", "se", "PRON", "expl:comp", 4), ("sont", "être", "AUX", "aux:tense", 4),
                    ("emparés", "emparer", "VERB", "ROOT", 4), ("mardi", "mardi", "NOUN", "obl:mod", 4),
                    ("de", "de", "ADP", "case", 7), ("Tadef", "Tadef", "PROPN", "obl:arg", 4), (".", ".", "PUNCT", "punct", 4)]
_CLASHES = [("Des", "un", "DET", "det", 1), ("combats", "combat", "NOUN", "nsubj", 2),
            ("continuent", "continuer", "VERB", "ROOT", 2), ("à", "à", "ADP", "case", 4),
            ("Tadef", "Tadef", "PROPN", "obl", 2), (".", ".", "PUNCT", "punct", 2)]


def test_episodes_an_undated_event_takes_its_episodes_time():
    doc = parse(_CAPTURE_TUESDAY, _CLASHES, ents=((7, 8, "City"), (13, 14, "City")))
    assert _dated(doc, _TUE) == {"TerritoryCapture@0": "2016-03-08", "ArmedClash@1": "2016-03-08"}


def test_episodes_after_a_flashback_only_the_month():
    flashback = [("L'", "le", "DET", "det", 1), ("assaut", "assaut", "NOUN", "nsubj:pass", 4),
                 ("avait", "avoir", "AUX", "aux:tense", 4), ("été", "être", "AUX", "aux:pass", 4),
                 ("lancé", "lancer", "VERB", "ROOT", 4), ("lundi", "lundi", "NOUN", "obl:mod", 4),
                 (".", ".", "PUNCT", "punct", 4)]
    doc = parse(_CAPTURE_TUESDAY, flashback, _CLASHES, ents=((7, 8, "City"), (20, 21, "City")))
    got = _dated(doc, _TUE)
    assert got["Offensive@1"] == "2016-03-07" and got["ArmedClash@2"] == "2016-03"


def test_episodes_a_background_paragraph_keeps_its_time_and_the_story_resumes():
    background = [("En", "en", "ADP", "case", 1), ("2013", "2013", "NUM", "obl:mod", 5),
                  ("les", "le", "DET", "det", 3), ("rebelles", "rebelle", "NOUN", "nsubj", 5),
                  ("avaient", "avoir", "AUX", "aux:tense", 5), ("assiégé", "assiéger", "VERB", "ROOT", 5),
                  ("Tadef", "Tadef", "PROPN", "obj", 5), (".", ".", "PUNCT", "punct", 5)]
    doc = parse(_CAPTURE_TUESDAY, "\n", background, _CLASHES, "\n", _CLASHES,
                ents=((7, 8, "City"), (16, 17, "City"), (22, 23, "City"), (29, 30, "City")))
    got = _dated(doc, _TUE)
    assert got["Siege@1"] == "2013" and got["ArmedClash@2"] == "2013" and got["ArmedClash@3"] == "2016-03-08"


def test_episodes_a_state_begun_then_starts_at_the_time_stated_last():
    since = [("La", "le", "DET", "det", 1), ("ville", "ville", "NOUN", "nsubj:pass", 4),
             ("est", "être", "AUX", "aux:pass", 4), ("depuis", "depuis", "ADV", "advmod", 4),
             ("encerclée", "encercler", "VERB", "ROOT", 4), (".", ".", "PUNCT", "punct", 4)]
    doc = parse(_CAPTURE_TUESDAY, since, ents=((7, 8, "City"),))
    ctx = context(doc, _TUE)
    events = (EventRecord("Siege", ((doc[13].idx, doc[13].idx + len(doc[13].text)),), None, sentence=1),)
    track = reference_track(ctx)
    out = episode_dates(ctx, clause_dates(ctx, events), track)
    assert (out[0].date, out[0].start_date) == (None, TimeValue(2016, 3, 8))


def test_episodes_the_telling_of_a_denial_does_not_date_the_story():
    """ "Le régime a démenti dimanche …": the day of the denial, not of what is denied."""
    denial = [("Le", "le", "DET", "det", 1), ("régime", "régime", "NOUN", "nsubj", 3), ("a", "avoir", "AUX", "aux:tense", 3),
              ("démenti", "démentir", "VERB", "ROOT", 3), ("dimanche", "dimanche", "NOUN", "obl:mod", 3),
              ("le", "le", "DET", "det", 6), ("massacre", "massacre", "NOUN", "obj", 3), (".", ".", "PUNCT", "punct", 3)]
    doc = parse(denial, _CLASHES, ents=((1, 2, "StateForce"), (12, 13, "City")))
    assert reference_track(context(doc, _TUE)) == [None, None]
    told = [(w, "annoncer" if w == "démenti" else lemma, p, d, h) for w, lemma, p, d, h in denial]
    doc = parse(told, _CLASHES, ents=((1, 2, "StateForce"), (12, 13, "City")))
    assert reference_track(context(doc, _TUE))[1] == _ref("2016-03-06")  # an announcement does


# -- a cue's own time ----------------------------------------------------------------------------
def test_dates_a_quoted_today_is_the_day_of_speaking():
    """«Aujourd'hui, nous avons repris la colline», a déclaré samedi le chef (published on Monday)."""
    doc = parse([("«", "«", "PUNCT", "punct", 5), ("Aujourd'hui", "aujourd'hui", "ADV", "advmod", 5),
                 (",", ",", "PUNCT", "punct", 5), ("nous", "nous", "PRON", "nsubj", 5),
                 ("avons", "avoir", "AUX", "aux:tense", 5), ("repris", "reprendre", "VERB", "ccomp", 11),
                 ("la", "le", "DET", "det", 7), ("colline", "colline", "NOUN", "obj", 5), ("»", "»", "PUNCT", "punct", 5),
                 (",", ",", "PUNCT", "punct", 11), ("a", "avoir", "AUX", "aux:tense", 11),
                 ("déclaré", "déclarer", "VERB", "ROOT", 11), ("samedi", "samedi", "NOUN", "obl:mod", 11),
                 ("le", "le", "DET", "det", 14), ("chef", "chef", "NOUN", "nsubj", 11), (".", ".", "PUNCT", "punct", 11)])
    monday = TimeValue(2016, 3, 14)
    ctx = context(doc, monday)
    quoted = next(t for t in article_times(ctx) if t.text == "Aujourd'hui")
    assert next(t for t in ctx.times if t.text == "Aujourd'hui").value == monday  # as timex reads it alone
    assert quoted.value == TimeValue(2016, 3, 12)


def test_dates_what_a_verb_of_beginning_says_began_starts_then():
    doc = parse([("L'", "le", "DET", "det", 1), ("offensive", "offensive", "NOUN", "nsubj", 3),
                 ("a", "avoir", "AUX", "aux:tense", 3), ("débuté", "débuter", "VERB", "ROOT", 3),
                 ("le", "le", "DET", "det", 5), ("4", "4", "NUM", "obl:mod", 3), ("mars", "mars", "NOUN", "nmod", 5),
                 ("à", "à", "ADP", "case", 8), ("Tadef", "Tadef", "PROPN", "obl:mod", 3), (".", ".", "PUNCT", "punct", 3)],
                ents=((8, 9, "City"),))
    ex = extract(doc, article_from_text("t", doc.text, published=_TUE))
    assert [(e.type, e.date, e.start_date) for e in ex.events] == [("Offensive", None, TimeValue(2016, 3, 4))]


def test_attribution_a_described_source_is_not_a_reference_back():
    """ "selon le ministère de la Santé" names a (new) source: it does not point to the last ministry."""
    doc = parse([("Selon", "selon", "ADP", "case", 2), ("le", "le", "DET", "det", 2),
                 ("ministère", "ministère", "NOUN", "obl:mod", 8), ("de", "de", "ADP", "case", 5),
                 ("la", "le", "DET", "det", 5), ("Santé", "santé", "NOUN", "nmod", 2), (",", ",", "PUNCT", "punct", 8),
                 ("Ariha", "Ariha", "PROPN", "nsubj:pass", 8), ("bombardée", "bombarder", "VERB", "ROOT", 8),
                 (".", ".", "PUNCT", "punct", 8)])
    assert cues(doc) == []
