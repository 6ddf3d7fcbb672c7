"""Places named without their name: "la ville", "cette province", "la base", "le pays", "y", "en".

An anaphoric place is a definite or demonstrative noun phrase whose head is a place noun and
which holds no name ("dans la ville", "cette localité tenue par l'armée"), or the clitic "y"
("les forces y mènent une offensive") or "en" ("les rebelles en ont repris le contrôle").
:func:`resolve` gives it the place it stands for, among the places named before it whose class
fits the noun (a "ville" is a City, a "province" a Region, a "base" a Site, "le pays" a
Country; "la zone" any):

- a demonstrative ("cette zone", "cette localité") points to what was just said: the first
  fitting place of the nearest sentence that names one (as centering theory prefers the first,
  most prominent entity of the previous utterance);
- a definite description or a clitic ("la ville", "y") names the topic: the most salient place —
  named most often so far, an event's place, in the lead — and, between equals, the one the text
  named first.

The classes of place nouns are those of the place cues of ``kg/lang/fr/entities.json``.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Token

from kg.extract.context import ArticleContext, View
from kg.lang.fr import entity_rules
from kg.schema.records import Mention
from kg.schema.taxonomy import PLACE_CLASSES
from kg.schema.text import key

__all__ = ["noun_classes", "anaphoric_noun", "place_clitic", "resolve", "resolve_clitic", "sentence_anaphor", "is_demonstrative"]

_WINDOW = 12  # sentences back an antecedent may stand
_NP_DEPS = ("obl", "obj", "nmod", "nsubj")


@lru_cache(maxsize=1)
def _cue_classes() -> dict[str, str]:
    return {key(k): v["class"] for k, v in entity_rules()["place_cues"].items()}


def noun_classes(ctx: ArticleContext, tok: Token) -> frozenset[str] | None:
    """The place classes a place noun can stand for (all of them for "zone", "secteur"…), or None
    when the token is not a place noun."""
    lemma = ctx.lemma(tok)
    if lemma in ctx.lex.set("country_nouns"):
        return frozenset({"Country"})
    if lemma in _cue_classes():
        return frozenset({_cue_classes()[lemma]})
    if lemma in ctx.lex.set("anaphoric_place_nouns"):
        return frozenset(PLACE_CLASSES) - {"Country"}
    return None


def anaphoric_noun(view: View, tok: Token) -> bool:
    """A definite or demonstrative place noun phrase with no place name in it ("dans cette ville")."""
    ctx = view.ctx
    if noun_classes(ctx, tok) is None or view.mention_of(tok) is not None:
        return False
    core = [tok] + [x for k in tok.children if not k.dep_.startswith(("acl", "conj", "appos")) for x in k.subtree]
    if any((m := view.mention_of(x)) is not None and m.kind == "place" for x in core):
        return False
    dets = ctx.lex.set("demonstrative_or_definite")
    return any(key(x.text) in dets for x in tok.children if x.dep_ == "det")


def place_clitic(view: View, verb: Token) -> Token | None:
    """The clitic "y" (there) or place-"en" (from/of it) of a verb."""
    lex = view.ctx.lex
    for c in verb.children:
        k = key(c.text)
        if c.i < verb.i and (k in lex.set("place_pronouns") or (k in lex.set("partitive_pronouns") and c.pos_ == "PRON")):
            return c
    return None


def _lead_sentence(view: View) -> int | None:
    ctx = view.ctx
    for si in range(len(ctx.sents)):
        if ctx.sentence_places(si):
            return si
    return None


def is_demonstrative(view: View, tok: Token) -> bool:
    """The noun has a demonstrative determiner ("cette localité")."""
    dem = view.ctx.lex.set("demonstratives")
    return any(key(c.text) in dem for c in tok.children if c.dep_ == "det")


def resolve(view: View, before: Token, classes: frozenset[str] | None = None) -> Mention | None:
    """The place an anaphoric phrase or clitic ``before`` stands for, of one of ``classes``."""
    if is_demonstrative(view, before):
        return _just_said(view, before, classes) or _salient(view, before, classes)
    return _salient(view, before, classes)


def resolve_clitic(view: View, clitic: Token) -> Mention | None:
    """The place a clitic "y" / "en" stands for: the one place of the events told in its sentence or
    the one before ("Salaheddine a été le théâtre de combats. L'aviation y a mené des raids"), else
    the most salient place (:func:`resolve`)."""
    si = view.ctx.sent_of[clitic.i]
    recent = {p.key: p for s, places in view.st.event_places if s in (si, si - 1) for p in places
              if p.start < clitic.idx}
    if len(recent) == 1:
        return next(iter(recent.values()))
    return resolve(view, clitic)


def _fits(view: View, m: Mention, before: Token, classes: frozenset[str] | None) -> bool:
    ctx = view.ctx
    return (
        m.kind == "place"
        and m.start < before.idx
        and (classes is None or m.cls in classes)
        and not ctx.is_reference_place(m)
        and not ctx.in_dateline(m.start)
    )


def _just_said(view: View, before: Token, classes: frozenset[str] | None) -> Mention | None:
    """The first fitting place of the nearest sentence (this one, then earlier ones) that names one."""
    ctx = view.ctx
    si = ctx.sent_of[before.i]
    for s in range(si, max(-1, si - 4), -1):
        fitting = [m for m in ctx.mentions if m.sentence == s and _fits(view, m, before, classes)]
        if fitting:
            return fitting[0]
    return None


def _salient(view: View, before: Token, classes: frozenset[str] | None) -> Mention | None:
    """The most salient fitting place named before ``before``."""
    ctx, st = view.ctx, view.st
    si = ctx.sent_of[before.i]
    lead = _lead_sentence(view)
    event_keys = {p.key for _s, places in st.event_places for p in places}
    seen: dict[str, list[Mention]] = {}
    for m in ctx.mentions:
        if si - m.sentence <= _WINDOW and _fits(view, m, before, classes):
            seen.setdefault(m.key, []).append(m)
    if not seen:
        return None

    def score(k: str) -> tuple[float, int]:
        ms = seen[k]
        salience = len(ms) + 1.5 * (k in event_keys) + 1.0 * any(m.sentence == lead for m in ms)
        return salience, -ms[0].start

    best = max(seen, key=score)
    return seen[best][-1]


def sentence_anaphor(view: View, si: int) -> Token | None:
    """An anaphoric place noun phrase that is a subject or complement in sentence ``si``."""
    for tok in view.ctx.sents[si]:
        if tok.dep_.startswith(_NP_DEPS) and anaphoric_noun(view, tok):
            return tok
    return None
