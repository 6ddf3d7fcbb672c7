"""The ``kg_attribution`` component: who says what, sentence by sentence.

It finds the attribution phrases of each sentence — "selon X" and reporting clauses ("a
déclaré X", "», a-t-il dit", "X a fait état de") — and writes:

- ``doc.spans["kg_attribution"]`` — the tokens of those phrases (label ``zone``): they are
  about the telling, so no event takes its places, agents or dates from them;
- ``doc.spans["kg_source_cues"]`` — in the order they appear, what names the source:
  ``source`` (the entity span of the source, e.g. "l'OSDH"), ``pronoun`` (a pronoun subject
  of the reporting verb: the person named last, resolved by extraction), or
  ``previous_sources`` ("la même source", "cette source": the sources of the previous
  attributed sentence). Deniers are not sources (the denial verbs of the lexicon).

The sources an actor class may be are in ``kg/extract/roles.json`` (``source_classes``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup, Token

from kg.lang.fr import Lexicon, lexicon
from kg.nlp.lookup import EntitySpan, actor_in_subtree, entity_index, is_pronoun, sentences, subtree_ids
from kg.nlp.tokens import lemma_key
from kg.schema.text import key

__all__ = ["KgAttribution", "ZONES", "SOURCE_CUES", "SOURCE", "PRONOUN", "PREVIOUS", "source_classes", "attribution"]

ZONES = "kg_attribution"
SOURCE_CUES = "kg_source_cues"
SOURCE, PRONOUN, PREVIOUS = "source", "pronoun", "previous_sources"
_ROLES_PATH = Path(__file__).resolve().parent.parent / "extract" / "roles.json"
_SELON_WINDOW = 40  # tokens a "selon" phrase may run to
_INVERSION_MARKS = (",", "»", "”", '"')


@lru_cache(maxsize=1)
def source_classes() -> frozenset[str]:
    """Actor classes that may be a source."""
    return frozenset(json.loads(_ROLES_PATH.read_text(encoding="utf-8"))["source_classes"])


class _Sentence:
    """The attribution of one sentence: its zone and its source cues (token spans)."""

    def __init__(self, doc: Doc, sent: Span, ents: dict[int, EntitySpan], lex: Lexicon):
        self.doc, self.sent, self.ents, self.lex = doc, sent, ents, lex
        self.zone: set[int] = set()
        self.cues: list[tuple[str, int, int]] = []

    def actors(self, tok: Token) -> list[EntitySpan]:
        return actor_in_subtree(tok, self.ents.get, source_classes())

    def selon(self, tok: Token) -> None:
        """ "selon l'OSDH, ONG basée au Royaume-Uni …": up to the next clause after a comma."""
        doc, sent = self.doc, self.sent
        phrase = tok.head if tok.dep_ == "case" else tok
        ids = subtree_ids(phrase) if phrase.i != tok.i else set()
        end = tok.i + 1
        while end < sent.end and doc[end].text not in (".", ";") and end - tok.i < _SELON_WINDOW:
            if (
                doc[end].text == ","
                and end + 1 < sent.end
                and doc[end + 1].pos_ in ("DET", "PRON", "NOUN")
                and doc[end + 1].dep_ in ("nsubj", "det")
                and end - tok.i > 3
            ):
                break
            end += 1
        ids |= set(range(tok.i, end)) if not ids or len(ids) < 3 else ids
        self.zone |= ids
        named = [self.ents[i] for i in sorted(ids) if i in self.ents]
        named = [m for m in dict.fromkeys(named) if m.kind == "actor" and m.cls in source_classes()]
        if named:
            self.cues.append((SOURCE, named[0].span.start, named[0].span.end))
            return
        following = " ".join(key(t.text) for t in doc[tok.i + 1 : tok.i + 5])
        if any(p in following for p in self.lex.phrases("same_source_phrases")):
            self.cues.append((PREVIOUS, tok.i, tok.i + 1))

    def is_report(self, tok: Token) -> bool:
        lemma = lemma_key(tok)
        return lemma in self.lex.set("report_verbs") or (
            lemma in self.lex.set("statement_verbs")
            and any(lemma_key(c) in self.lex.set("statement_nouns") for c in tok.children)
        )

    def report(self, tok: Token) -> None:
        """A reporting verb: its subject (before it, or after it in an inverted clause) is the source."""
        self.zone.add(tok.i)
        subj = self._subject(tok)
        if subj is None or lemma_key(tok) in self.lex.set("denial_verbs"):
            return  # a denier disputes the report; it is not its source
        named = self.actors(subj)
        if named:
            self.cues.append((SOURCE, named[0].span.start, named[0].span.end))
        elif is_pronoun(subj, self.lex):
            self.cues.append((PRONOUN, subj.i, subj.i + 1))
        elif key(subj.text) in self.lex.set("source_nouns") and any(
            key(c.text) in self.lex.set("source_reference_determiners") for c in subj.children
        ):
            self.cues.append((PREVIOUS, subj.i, subj.i + 1))

    def _subject(self, tok: Token) -> Token | None:
        doc, lex = self.doc, self.lex
        subj = None
        first = min([tok.i] + [c.i for c in tok.children if c.dep_.startswith("aux")])
        # "…, a annoncé la télévision d'Etat", "», a-t-il dit": the source follows the verb
        inverted = first > self.sent.start and doc[first - 1].text in _INVERSION_MARKS
        addressee = lex.set("addressee_prepositions")
        for c in tok.children:
            case = {key(x.text) for x in c.children if x.dep_ == "case"}
            recipient = (
                c.dep_.startswith("obl")
                and case & addressee
                and any(self.ents.get(x.i) is not None and self.ents[x.i].cls == "MediaOutlet" for x in c.subtree)
            )
            if c.dep_ in ("aux", "aux:tense", "expl:subj") or recipient or (c.dep_ == "punct" and c.i > tok.i):
                self.zone |= subtree_ids(c)
            if inverted:
                if c.i > tok.i and not c.dep_.startswith(("ccomp", "parataxis", "conj")):
                    self.zone |= subtree_ids(c)  # ", a indiqué une source de sécurité à Damas": all attribution
                if (
                    subj is None
                    and c.i > first
                    and c.dep_ in ("nsubj", "nsubj:pass", "obj", "obl:arg", "dep", "appos")
                    and (is_pronoun(c, lex) or self.actors(c))
                ):
                    subj = c
                    self.zone |= subtree_ids(c)
            elif c.dep_ in ("nsubj", "nsubj:pass") and (subj is None or is_pronoun(c, lex)):
                subj = c
                self.zone |= subtree_ids(c)
        return subj


def attribution(doc: Doc, sent: Span, ents: dict[int, EntitySpan] | None = None) -> tuple[set[int], list[tuple[str, int, int]]]:
    """(zone token indices, source cues as (label, start, end)) of one sentence."""
    lex = lexicon()
    s = _Sentence(doc, sent, ents if ents is not None else entity_index(doc), lex)
    for tok in sent:
        if key(tok.text) in lex.set("source_prepositions"):
            s.selon(tok)
        elif s.is_report(tok):
            s.report(tok)
    return s.zone, s.cues


def _runs(ids: set[int]) -> list[tuple[int, int]]:
    """Sorted token indices as (start, end) runs."""
    runs: list[tuple[int, int]] = []
    for i in sorted(ids):
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


class KgAttribution:
    """Write attribution zones and source cues of every sentence to ``doc.spans``."""

    def __init__(self, nlp: Language, name: str = "kg_attribution"):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        ents = entity_index(doc)
        zones: list[Span] = []
        cues: list[Span] = []
        for sent in sentences(doc):
            zone, sent_cues = attribution(doc, sent, ents)
            zones += [Span(doc, a, b, label="zone") for a, b in _runs(zone)]
            cues += [Span(doc, a, b, label=label) for label, a, b in sent_cues]
        doc.spans[ZONES] = SpanGroup(doc, name=ZONES, spans=zones)
        doc.spans[SOURCE_CUES] = SpanGroup(doc, name=SOURCE_CUES, spans=cues)
        return doc


@Language.factory("kg_attribution")
def make_kg_attribution(nlp: Language, name: str) -> KgAttribution:
    return KgAttribution(nlp, name)
