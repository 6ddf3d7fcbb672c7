"""Pass 1 — sentences: who is speaking, what is attribution, which places each sentence names.

From the ``kg_attribution`` component's zones and source cues, :func:`read_sentences` gives each
sentence a :class:`Frame`: its attribution zone, its sources (resolved in reading order: a
pronoun is the person named last, else the previous source; "la même source" repeats the
previous sources; "l'ONG", "cette chaîne" is the last source, else the last actor, of that kind)
and its places. Then attribution reaches past its sentence, as news writing has it:

- a quotation is attributed where it ends ("«… . …», a-t-il dit"): a sentence without a source
  inside a quotation that a later sentence attributes takes that sentence's sources;
- the lead is attributed in the sentence after it ("L'armée a pris X. Les troupes ont
  « rétabli la sécurité », a annoncé la télévision d'Etat");
- a sentence without a source of its own continues the attribution of the sentence before it
  in its paragraph ("Selon l'OSDH, …. Des frappes ont aussi touché …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.context import ArticleContext, Discourse, View
from kg.nlp.attribution import CLASS_REFERENCE, PREVIOUS, PRONOUN, SOURCE, SOURCE_CUES, ZONES
from kg.nlp.tokens import lemma_key
from kg.schema.records import Mention
from kg.schema.text import key

__all__ = ["Frame", "read_sentences", "paragraphs", "furniture"]

_PERSON = frozenset({"Person"})


@dataclass(frozen=True)
class Frame:
    """What pass 1 learns of one sentence."""

    zone: frozenset[int]
    sources: tuple[Mention, ...]
    places: tuple[Mention, ...]


def _of_kind(ctx: ArticleContext, cue_start: int, classes: frozenset[str], heard: list[Mention]) -> Mention | None:
    """ "l'ONG", "cette chaîne": the last source of that kind, else the last such actor named before."""
    for m in reversed(heard):
        if m.cls in classes:
            return m
    return View(ctx, Discourse()).last_mention_before(cue_start, classes)


def _resolve_cues(ctx: ArticleContext, si: int, last: tuple[Mention, ...], heard: list[Mention]) -> list[Mention]:
    view = View(ctx, Discourse())
    out: list[Mention] = []
    kinds = ctx.lex.table("source_class_nouns")
    for cue in ctx.spans_in(SOURCE_CUES, si):
        if cue.label_ == SOURCE:
            out.append(ctx.mention_at[cue.start])
        elif cue.label_ == PREVIOUS:
            out.extend(last)
        elif cue.label_ == PRONOUN:
            p = view.last_mention_before(cue.start, _PERSON) or (last[0] if last else None)
            if p is not None:
                out.append(p)
        elif cue.label_ == CLASS_REFERENCE:
            m = _of_kind(ctx, cue.start, frozenset(kinds.get(lemma_key(cue[0]), "").split()), heard)
            if m is not None:
                out.append(m)
    return out


def paragraphs(ctx: ArticleContext) -> tuple[int, ...]:
    """The paragraph (line) of each sentence (:attr:`ArticleContext.sentence_lines`, counted once)."""
    return ctx.sentence_lines


def furniture(ctx: ArticleContext) -> set[int]:
    """Sentences that are not the story: titles and headings (a line without final punctuation),
    captions (a line opening with a caption word, "Photo : …", and the line it runs onto) and the
    dateline."""
    text = ctx.text
    captions = ctx.lex.set("caption_words")
    aside_lines: set[int] = set()
    running = False  # a caption not finished on its line
    for n, raw in enumerate(text.split("\n")):
        line = raw.strip()
        first = re.split(r"[\s:.,]+", line, maxsplit=1)[0] if line else ""
        caption = bool(line) and (running or key(first) in captions)
        if not line or line[-1:].isalnum() or caption:
            aside_lines.add(n)
        running = caption and line[-1:] not in ".!?»\""
    para = paragraphs(ctx)
    return {si for si, s in enumerate(ctx.sents) if para[si] in aside_lines or ctx.in_dateline(s.start_char)}


def _telling(ctx: ArticleContext, zone: frozenset[int]) -> bool:
    """The attribution tells what happened ("selon X", "a indiqué X"), not only who is to blame
    for one event ("un attentat attribué par Ankara à l'EI", "revendiqué par")."""
    lex = ctx.lex
    blame = lex.set("responsibility_verbs")
    prepositions = lex.set("source_prepositions")
    doc = ctx.doc
    for i in zone:
        t = doc[i]
        if t.pos_ in ("VERB", "AUX") and ctx.lemma(t) not in blame and ctx.lemma(t) in lex.set("report_verbs"):
            return True
        if key(t.text) in prepositions or (i + 1 < len(doc) and key(t.text) + key(doc[i + 1].text) in prepositions):
            return True
    return False


def _carry(ctx: ArticleContext, sources: list[tuple[Mention, ...]], zones: list[frozenset[int]]) -> None:
    """The lead takes the attribution of the sentence after it; a sentence with no attribution
    of its own continues that of the sentence before it in its paragraph."""
    aside = furniture(ctx)
    story = [si for si in range(len(ctx.sents)) if si not in aside]
    if len(story) > 1 and not sources[story[0]] and not zones[story[0]] and sources[story[1]] \
            and _telling(ctx, zones[story[1]]):
        sources[story[0]] = sources[story[1]]
    para = paragraphs(ctx)
    for a, b in zip(story, story[1:], strict=False):
        if para[a] == para[b] and sources[a] and not sources[b] and not zones[b] and _telling(ctx, zones[a]):
            sources[b] = sources[a]


def _quote_depths(ctx: ArticleContext) -> list[int]:
    """How many quotations are open after each sentence."""
    raw_openers = {c for w in ctx.lex.raw["quote_openers"] for c in w}
    raw_closers = {c for w in ctx.lex.raw["quote_closers"] for c in w}
    marks = raw_openers | raw_closers
    depth, out = 0, []
    whole = ctx.text
    for sent in ctx.sents:
        text = whole[sent.start_char : sent.end_char]  # sent.text, without joining its tokens again
        if not marks.isdisjoint(text):
            for ch in text:
                if ch in raw_openers:
                    depth += 1
                elif ch in raw_closers:
                    depth = max(0, depth - 1)
        if text.count('"') % 2 == 1:
            depth = 0 if depth else 1
        out.append(depth)
    return out


def _attribute_quotations(ctx: ArticleContext, sources: list[tuple[Mention, ...]]) -> None:
    """«… . …», a-t-il dit: a quotation is attributed where it ends."""
    depth_after = _quote_depths(ctx)
    closers = "".join(ctx.lex.raw["quote_closers"]) + '"'
    for si in range(len(ctx.sents) - 2, -1, -1):
        if sources[si] or not sources[si + 1]:
            continue
        text = ctx.sents[si].text.rstrip()
        nxt = ctx.sents[si + 1].text.lstrip()
        if depth_after[si] > 0 or (text[-1:] in closers and (nxt[:1] in ",-" or nxt[:1].islower())):
            sources[si] = sources[si + 1]


def read_sentences(ctx: ArticleContext) -> tuple[Frame, ...]:
    """The :class:`Frame` of every sentence of the article."""
    sources: list[tuple[Mention, ...]] = []
    zones: list[frozenset[int]] = []
    last: tuple[Mention, ...] = ()
    heard: list[Mention] = []
    for si in range(len(ctx.sents)):
        zones.append(frozenset(i for sp in ctx.spans_in(ZONES, si) for i in range(sp.start, sp.end)))
        found = _resolve_cues(ctx, si, last, heard)
        sources.append(tuple(dict.fromkeys(found)))
        if found:
            last = tuple(found)
            heard.extend(found)
    _attribute_quotations(ctx, sources)
    _carry(ctx, sources, zones)
    return tuple(Frame(zones[si], sources[si], tuple(ctx.sentence_places(si))) for si in range(len(ctx.sents)))
