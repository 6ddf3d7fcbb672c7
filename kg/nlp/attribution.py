"""The ``kg_attribution`` component: who says what, sentence by sentence.

It finds the attribution phrases of each sentence — "selon X" and reporting clauses ("a
déclaré X", "», a-t-il dit", "X a fait état de") — and writes:

- ``doc.spans["kg_attribution"]`` — the tokens of those phrases (label ``zone``): they are
  about the telling, so no event takes its places, agents or dates from them;
- ``doc.spans["kg_source_cues"]`` — in the order they appear, what names the source:
  ``source`` (the entity span of the source, e.g. "l'OSDH"; of a speaker described by a role
  and named in apposition, "le directeur de l'ONG, X", the person), ``pronoun`` (a pronoun
  subject of the reporting verb or of "selon": the person named last, resolved by extraction),
  ``previous_sources`` ("la même source", "cette source": the sources of the previous
  attributed sentence) or ``class_reference`` ("l'ONG", "cette organisation", "la chaîne": a
  definite noun of a kind of source, resolved by extraction to the last source or actor of
  that kind). Deniers are not sources (the denial verbs of the lexicon); nor is the addressee
  ("a déclaré à l'AFP"); a passive reporting verb's agent is ("ont été dévoilés par l'OSDH").

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

__all__ = ["KgAttribution", "ZONES", "SOURCE_CUES", "SOURCE", "PRONOUN", "PREVIOUS", "CLASS_REFERENCE", "source_classes",
           "attribution"]

ZONES = "kg_attribution"
SOURCE_CUES = "kg_source_cues"
SOURCE, PRONOUN, PREVIOUS, CLASS_REFERENCE = "source", "pronoun", "previous_sources", "class_reference"
_ROLES_PATH = Path(__file__).resolve().parent.parent / "extract" / "roles.json"
_SELON_WINDOW = 40  # tokens a "selon" phrase may run to
_INVERSION_MARKS = (",", "»", "”", '"')
_PERSON = frozenset({"Person"})


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

    def speaker(self, tok: Token) -> list[EntitySpan]:
        """The source a phrase names: its own entity, else a person named in apposition to it (the
        speaker of "le directeur de l'OSDH, Rami Abdel Rahmane", not his organisation), else the
        first actor in it."""
        own = self.ents.get(tok.i)
        if own is None or own.kind != "actor" or own.cls not in source_classes():
            for c in tok.children:
                if c.dep_ == "appos" and (people := actor_in_subtree(c, self.ents.get, _PERSON)):
                    return people
        return self.actors(tok)

    def class_reference(self, tok: Token) -> bool:
        """A noun of a kind of source pointing back to one named before: demonstrative ("cette
        chaîne") or definite and bare ("l'ONG"; "le ministère de la Santé" describes one anew)."""
        lex = self.lex
        if tok.i in self.ents or lemma_key(tok) not in lex.table("source_class_nouns"):
            return False
        dets = {key(c.text) for c in tok.children if c.dep_ == "det"}
        if dets & lex.set("demonstratives"):
            return True
        described = any(c.dep_ in ("nmod", "amod", "appos", "acl", "acl:relcl", "flat:name") for c in tok.children)
        return bool(dets & lex.set("definite_determiners")) and not described

    def unnamed(self, tok: Token) -> None:
        """A source phrase without a name: a pronoun, "la même source", or a noun of a kind of source."""
        lex = self.lex
        if is_pronoun(tok, lex) or key(tok.text) in lex.set("disjunctive_pronouns"):
            self.cues.append((PRONOUN, tok.i, tok.i + 1))
        elif key(tok.text) in lex.set("source_nouns") and any(
            key(c.text) in lex.set("source_reference_determiners") for c in tok.children
        ):
            self.cues.append((PREVIOUS, tok.i, tok.i + 1))
        elif self.class_reference(tok):
            self.cues.append((CLASS_REFERENCE, tok.i, tok.i + 1))

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
        named = self.speaker(phrase) if phrase.i != tok.i else []
        if not named:
            named = [self.ents[i] for i in sorted(ids) if i in self.ents]
            named = [m for m in dict.fromkeys(named) if m.kind == "actor" and m.cls in source_classes()]
        if named:
            self.cues.append((SOURCE, named[0].span.start, named[0].span.end))
            return
        following = " ".join(key(t.text) for t in doc[tok.i + 1 : tok.i + 5])
        if any(p in following for p in self.lex.phrases("same_source_phrases")):
            self.cues.append((PREVIOUS, tok.i, tok.i + 1))
        elif phrase.i != tok.i:
            self.unnamed(phrase)  # "selon lui", "selon cette ONG"

    def agent(self, tok: Token) -> Token | None:
        """A passive verb's agent ("par l'OSDH")."""
        prepositions = self.lex.set("agent_prepositions")
        return next((c for c in tok.children if c.dep_ == "obl:agent"
                     and any(x.dep_ == "case" and key(x.text) in prepositions for x in c.children)), None)

    def is_report(self, tok: Token) -> bool:
        lemma = lemma_key(tok)
        return lemma in self.lex.set("report_verbs") or (
            lemma in self.lex.set("statement_verbs")
            and any(lemma_key(c) in self.lex.set("statement_nouns") for c in tok.children)
        )

    def report(self, tok: Token) -> None:
        """A reporting verb: its subject (before it, or after it in an inverted clause) is the source."""
        before = set(self.zone)
        subj = self._subject(tok)
        if subj is None and tok.dep_ == "acl":
            self.zone = before  # "un accord conclu entre X et Y": a verb on a noun, no one reporting
            return
        self.zone.add(tok.i)
        if subj is None or lemma_key(tok) in self.lex.set("denial_verbs"):
            return  # a denier disputes the report; it is not its source
        named = self.speaker(subj)
        if named:
            self.cues.append((SOURCE, named[0].span.start, named[0].span.end))
        else:
            self.unnamed(subj)

    def _subject(self, tok: Token) -> Token | None:
        """The phrase naming who reports: the subject (after the verb in an inverted clause), or a
        passive verb's agent ("ont été dévoilés par l'OSDH"); never the addressee ("à l'AFP") nor
        a passive subject, which is what is reported."""
        doc, lex = self.doc, self.lex
        subj = None
        first = min([tok.i] + [c.i for c in tok.children if c.dep_.startswith("aux")])
        # "…, a annoncé la télévision d'Etat", "», a-t-il dit": the source follows the verb — unless
        # the subject stands before it ("Les FDS, une alliance …, ont annoncé")
        inverted = (
            first > self.sent.start
            and doc[first - 1].text in _INVERSION_MARKS
            and not any(c.dep_ == "nsubj" and c.i < tok.i for c in tok.children)
        )
        addressee = lex.set("addressee_prepositions")
        agent = self.agent(tok)
        for c in tok.children:
            case = {key(x.text) for x in c.children if x.dep_ == "case"}
            recipient = (
                (c.dep_.startswith("obl") or c.dep_ == "iobj")
                and bool(case & addressee)
                and self.ents.get(c.i) is not None
                and self.ents[c.i].cls == "MediaOutlet"
            )
            if c.dep_ in ("aux", "aux:tense", "expl:subj") or recipient or (c.dep_ == "punct" and c.i > tok.i):
                self.zone |= subtree_ids(c)
            if recipient:
                # "a affirmé à l'AFP un commandant de …": a subject the parser hung on the addressee
                c = next((a for a in c.children if a.dep_ == "appos" and self.actors(a)), None)
                if c is None or not inverted:
                    continue
            if agent is not None:
                if c.i == agent.i:
                    subj = c
                    self.zone |= subtree_ids(c)
                continue
            if inverted:
                if c.i > tok.i and not c.dep_.startswith(("ccomp", "parataxis", "conj")):
                    self.zone |= subtree_ids(c)  # ", a indiqué une source de sécurité à Damas": all attribution
                if (
                    subj is None
                    and c.i > first
                    and c.dep_ in ("nsubj", "obj", "obl:arg", "dep", "appos")
                    and (is_pronoun(c, lex) or self.actors(c) or self.class_reference(c))
                ):
                    subj = c
                    self.zone |= subtree_ids(c)
            elif c.dep_ == "nsubj" and (subj is None or is_pronoun(c, lex)):
                subj = c
                self.zone |= subtree_ids(c)
        return subj


def attribution(doc: Doc, sent: Span, ents: dict[int, EntitySpan] | None = None) -> tuple[set[int], list[tuple[str, int, int]]]:
    """(zone token indices, source cues as (label, start, end)) of one sentence."""
    lex = lexicon()
    s = _Sentence(doc, sent, ents if ents is not None else entity_index(doc), lex)
    prepositions = lex.set("source_prepositions")
    for tok in sent:
        if key(tok.text) in prepositions:
            s.selon(tok)
        elif tok.i + 1 < sent.end and key(tok.text) + key(doc[tok.i + 1].text) in prepositions:
            s.selon(tok)  # "d'après": two tokens
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
