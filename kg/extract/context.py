"""What extraction knows about one article before it reads any event: the frozen context.

:class:`ArticleContext` holds the parsed ``Doc`` and everything computed once from it —
sentences, entity mentions, times, quantities, places stated to contain others — and the
token-level look-ups every rule uses. :class:`Discourse` is the memory of the reading so far
(events, the last agents, the places just talked about); it is frozen too, and each step of
:mod:`kg.extract.events` returns a new one. :class:`View` pairs the two for the role functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from spacy.attrs import DEP
from spacy.tokens import Doc, Span, Token

from kg.gazetteer import Gazetteer
from kg.lang.fr import Lexicon, entity_rules, lexicon
from kg.lang.fr.numbers import Quantity, find_quantities
from kg.lang.fr.timex import TimeMention, find_times
from kg.nlp.lookup import actor_in_subtree, sentences
from kg.nlp.tokens import keys_of
from kg.schema.records import Article, EventRecord, Mention
from kg.schema.taxonomy import ACTOR_CLASSES, PLACE_RANK
from kg.schema.text import key

__all__ = ["ArticleContext", "Discourse", "View", "roles_config"]

_ROLES_PATH = Path(__file__).resolve().parent / "roles.json"


@lru_cache(maxsize=1)
def roles_config() -> dict[str, Any]:
    """``roles.json``: which actor classes fill which role, and the sides of the conflict."""
    return json.loads(_ROLES_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True, eq=False)
class ArticleContext:
    """One parsed article and what is computed once from it (read-only)."""

    doc: Doc
    article: Article
    gaz: Gazetteer
    lex: Lexicon
    sents: tuple[Span, ...]
    sent_of: tuple[int, ...]  # token index -> sentence index
    mentions: tuple[Mention, ...]  # the entities of doc.ents, in order
    mention_at: MappingProxyType  # token index -> Mention
    ent_tokens: MappingProxyType  # Mention -> its tokens
    times: tuple[TimeMention, ...]
    quantities: tuple[Quantity, ...]
    nationality: MappingProxyType  # token index -> the state an adjective names ("frappes russes"), as a new mention
    state_adjectives: frozenset[int]  # every adjective naming a state or side acting, inside a mention or not
    containment: tuple[tuple[Mention, Mention], ...] = field(default=())
    _spans_by_sentence: dict = field(default_factory=dict, init=False, repr=False)  # group -> sentence -> spans
    _triggers_by_sentence: dict = field(default_factory=dict, init=False, repr=False)  # (sentence, zone) -> cues

    @classmethod
    def build(cls, doc: Doc, article: Article, gaz: Gazetteer) -> ArticleContext:
        sents = tuple(sentences(doc))
        sent_of = [0] * len(doc)
        for si, s in enumerate(sents):
            for i in range(s.start, s.end):
                sent_of[i] = si
        mentions, mention_at, ent_tokens = [], {}, {}
        for ent in doc.ents:
            kind = "actor" if ent.label_ in ACTOR_CLASSES else "place"
            m = Mention(ent.start_char, ent.end_char, ent.text, kind, ent.label_, ent.kb_id_, sent_of[ent.start])
            mentions.append(m)
            for t in ent:
                mention_at[t.i] = m
            ent_tokens[m] = tuple(doc.char_span(m.start, m.end) or ())
        dl = article.dateline or (0, 0)
        text = doc.text  # spaCy joins the tokens on each access: read once, kept as ctx.text
        times = tuple(t for t in find_times(text, article.published) if not dl[0] <= t.start < dl[1])
        ctx = cls(doc, article, gaz, lexicon(), sents, tuple(sent_of), tuple(mentions), MappingProxyType(mention_at),
                  MappingProxyType(ent_tokens), times, tuple(find_quantities(text)),
                  *_nationality_mentions(doc, gaz, sent_of, mention_at))
        object.__setattr__(ctx, "text", text)
        object.__setattr__(ctx, "containment", tuple(dict.fromkeys(c for s in sents for c in ctx._containment(s))))
        return ctx

    # -- look-ups ------------------------------------------------------------------------
    def spans_in(self, group: str, si: int) -> list[Span]:
        """The spans of ``doc.spans[group]`` that begin in sentence ``si``, in the group's order
        (indexed once per group: a scan of the group for each sentence is quadratic)."""
        index = self._spans_by_sentence.get(group)
        if index is None:
            index = self._spans_by_sentence[group] = {}
            for sp in self.doc.spans[group]:
                index.setdefault(self.sent_of[sp.start], []).append(sp)
        return index.get(si, [])

    def in_dateline(self, start: int) -> bool:
        """The offset is in the dateline ("BEYROUTH, 5 juin (AFP) -"): filing place and date, not events."""
        dl = self.article.dateline or (0, 0)
        return dl[0] <= start < dl[1]

    @cached_property
    def _token_keys(self) -> list[tuple[str, str] | None]:
        return [None] * len(self.doc)

    def keys(self, tok: Token) -> tuple[str, str]:
        """(lemma key, word key) of a token of the article (read once per token: the rules ask
        for the same tokens' keys many times, and each read of ``tok.text`` builds a string)."""
        known = self._token_keys
        k = known[tok.i]
        if k is None:
            k = known[tok.i] = keys_of(tok.text, tok.lemma_)
        return k

    def lemma(self, tok: Token) -> str:
        return self.keys(tok)[0]

    def prev_text(self, tok_i: int, n: int = 4) -> str:
        """The keys of the ``n`` tokens before ``tok_i``, space-separated."""
        return " ".join(key(t.text) for t in self.doc[max(0, tok_i - n) : tok_i])

    def tokens_of(self, m: Mention) -> tuple[Token, ...]:
        return self.ent_tokens.get(m) or ()

    def token_ids(self, m: Mention) -> set[int]:
        return {t.i for t in self.tokens_of(m)}

    @cached_property
    def text(self) -> str:
        """``doc.text``, read once: spaCy's ``Doc.text`` joins every token's text on each access."""
        return self.doc.text

    def sentence_text(self, si: int) -> str:
        """``sents[si].text``, cut from :attr:`text` (a ``Span`` joins its tokens on each read)."""
        s = self.sents[si]
        return self.text[s.start_char : s.end_char]

    @cached_property
    def sentence_lines(self) -> tuple[int, ...]:
        """The line (paragraph) of each sentence: what the sources and episodes passes compare."""
        text = self.text
        return tuple(text.count("\n", 0, s.start_char) for s in self.sents)

    @cached_property
    def _reference_phrases(self) -> tuple[str, ...]:
        return self.lex.phrases("reference_before")

    @cached_property
    def _reference_places(self) -> dict[Mention, bool]:
        return {}

    def is_reference_place(self, m: Mention) -> bool:
        """The place is only a reference point ("près de X", "au nord de X", "basée à X")."""
        known = self._reference_places.get(m)
        if known is None:
            known = self._reference_places[m] = self._is_reference_place(m)
        return known

    def _is_reference_place(self, m: Mention) -> bool:
        toks = self.tokens_of(m)
        if not toks:
            return False
        before = self.prev_text(toks[0].i, 4).replace("' ", "'")
        return any(before.endswith(r) or (r + " ") in (before + " ")[-len(r) - 6 :] for r in self._reference_phrases)

    @cached_property
    def _destination_phrases(self) -> tuple[str, ...]:
        return self.lex.phrases("destination_before")

    def is_destination(self, m: Mention) -> bool:
        """The place is where a movement heads: "en direction de X", "vers X", "vers les localités voisines de X"
        (the phrase before it, or a "vers" heading the noun phrase it belongs to)."""
        toks = self.tokens_of(m)
        if not toks:
            return False
        before = self.prev_text(toks[0].i, 4).replace("' ", "'")
        if any(before.endswith(r) for r in self._destination_phrases):
            return True
        t, words = toks[0], set(self._destination_phrases)
        for _ in range(4):  # up through the nouns of its phrase
            if any(key(c.text) in words for c in t.children if c.dep_ in ("case", "fixed")):
                return True
            if t.head.i == t.i or t.head.pos_ not in ("NOUN", "PROPN"):
                return False
            t = t.head
        return False

    def sentence_places(self, si: int) -> list[Mention]:
        """The places of a sentence that are not mere references and not in the dateline."""
        s = self.sents[si]
        return [m for m in self.mentions_in(range(s.start, s.end), "place")
                if not self.is_reference_place(m) and not self.in_dateline(m.start)]

    def mentions_in(self, ids: Iterable[int], kind: str | None = None) -> list[Mention]:
        seen: dict[Mention, None] = {}
        for i in sorted(ids):
            m = self.mention_at.get(i)
            if m is not None and (kind is None or m.kind == kind):
                seen.setdefault(m, None)
        return list(seen)

    # -- containment stated in the text ------------------------------------------------------
    def _containment(self, sent: Span) -> list[tuple[Mention, Mention]]:
        """'le quartier de X dans la ville d'Alep', 'X, un quartier de Homs': X is in the city."""
        out = []
        places = self.mentions_in(range(sent.start, sent.end), "place")
        pattern = _containment_pattern(self.lex)
        lists = re.compile(r"\b(" + "|".join(re.escape(w) for w in self.lex.phrases("list_conjunctions")) + r")\b")
        for a, b in zip(places, places[1:], strict=False):
            if PLACE_RANK.get(a.cls, 0) <= PLACE_RANK.get(b.cls, 0) or (a.gaz_id and a.gaz_id == b.gaz_id):
                continue  # only a smaller kind of place inside a larger one
            if a.gaz_id and b.gaz_id and a.gaz_id in self.gaz.ancestors(b.gaz_id):
                continue  # the gazetteer says it the other way round
            ta, tb = self.tokens_of(a), self.tokens_of(b)
            if not ta or not tb or tb[0].i - ta[-1].i > 8:
                continue
            between = " ".join(key(t.text) for t in self.doc[ta[-1].i + 1 : tb[0].i])
            if lists.search(between):
                continue  # "Alep et de Hama": a list, not a container
            if pattern.search(between.replace("' ", "'")) or between in ("", ","):
                out.append((a, b))
        return out


@lru_cache(maxsize=4)
def _containment_pattern(lex: Lexicon) -> re.Pattern[str]:
    """What may stand between a place and its container: "dans la ville de", "au coeur de", ","."""
    preps, arts, nouns, of = (
        "|".join(re.escape(w) for w in words)
        for words in (
            lex.phrases("containment_prepositions"),
            lex.phrases("containment_articles"),
            lex.phrases("containment_nouns"),
            lex.phrases("containment_of"),
        )
    )
    return re.compile(rf"(^|\b)({preps})( ({arts}))?( ({nouns}))?( ({of}))?$")


def _nationality_mentions(doc: Doc, gaz: Gazetteer, sent_of: list[int], mention_at: dict):
    """Adjectives that name a state or a side acting ("l'artillerie turque", "l'offensive rebelle"):
    those outside a mention as the mentions they would be, and the indices of all of them."""
    table = {key(k): v for k, v in entity_rules().get("nationality_actors", {}).items()}
    table |= lexicon().map("side_adjectives")
    out, every = {}, set()
    amod, conj = doc.vocab.strings["amod"], doc.vocab.strings["conj"]
    deps = doc.to_array(DEP).tolist()  # read at once: a Token for each word of the article costs more
    for i, dep in enumerate(deps):
        if dep != amod and dep != conj:
            continue
        tok = doc[i]
        qualifies = dep == amod or tok.head.dep_ == "amod"  # "raids russes et syriens"
        gid = table.get(key(tok.text)) if qualifies else None
        if gid and gid in gaz:
            every.add(tok.i)
            if tok.i not in mention_at:
                e = gaz[gid]
                out[tok.i] = Mention(tok.idx, tok.idx + len(tok.text), tok.text, "actor", e.cls, gid, sent_of[tok.i])
    return MappingProxyType(out), frozenset(every)


@dataclass(frozen=True)
class Discourse:
    """The memory of the reading so far; each event step returns a new one."""

    events: tuple[EventRecord, ...] = ()
    adopted: tuple[int, ...] = ()  # token indices of nationality adjectives that became actors, in order
    last_agents: tuple[tuple[str, int, tuple[Mention, ...]], ...] = ()  # (family, sentence, agents)
    recent_agents: tuple[int, tuple[Mention, ...]] | None = None  # (sentence, agents) of the latest event
    event_places: tuple[tuple[int, tuple[Mention, ...]], ...] = ()  # (sentence, places) of events so far

    def agents_of_family(self, family: str) -> tuple[int, tuple[Mention, ...]] | None:
        for fam, si, agents in self.last_agents:
            if fam == family:
                return si, agents
        return None


@dataclass(frozen=True, eq=False)
class View:
    """The context and the discourse state together, as the role functions see them."""

    ctx: ArticleContext
    st: Discourse

    def mention_of(self, tok: Token) -> Mention | None:
        m = self.ctx.mention_at.get(tok.i)
        if m is None and tok.i in self.st.adopted:
            return self.ctx.nationality[tok.i]
        return m

    @property
    def mentions(self) -> tuple[Mention, ...]:
        return self.ctx.mentions + tuple(self.ctx.nationality[i] for i in self.st.adopted)

    def tokens_of(self, m: Mention) -> tuple[Token, ...]:
        toks = self.ctx.ent_tokens.get(m)
        if toks is None:
            for i in self.st.adopted:
                if self.ctx.nationality[i] == m:
                    return (self.ctx.doc[i],)
            return ()
        return toks

    def mentions_in(self, ids: Iterable[int], kind: str | None = None) -> list[Mention]:
        seen: dict[Mention, None] = {}
        doc = self.ctx.doc
        for i in sorted(ids):
            m = self.mention_of(doc[i])
            if m is not None and (kind is None or m.kind == kind):
                seen.setdefault(m, None)
        return list(seen)

    def actor_in_subtree(self, tok: Token, classes=None) -> list[Mention]:
        doc = self.ctx.doc
        return actor_in_subtree(tok, lambda i: self.mention_of(doc[i]), classes)

    def last_mention_before(self, tok_i: int, classes, window_sents: int = 4) -> Mention | None:
        """The last mention (in list order) of one of ``classes`` before a token, within a few sentences."""
        si = self.ctx.sent_of[tok_i]
        best = None
        for m in self.mentions:
            toks = self.tokens_of(m)
            if not toks or toks[0].i >= tok_i or m.cls not in classes or si - m.sentence > window_sents:
                continue
            best = m
        return best
