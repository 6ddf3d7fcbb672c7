"""Pass 1 — sentences: who is speaking, what is attribution, which places each sentence names.

From the ``kg_attribution`` component's zones and source cues, :func:`read_sentences` gives each
sentence a :class:`Frame`: its attribution zone, its sources (resolved in reading order: a
pronoun is the person named last, else the previous source; "la même source" repeats the
previous sources) and its places. A quotation is attributed where it ends ("«… . …», a-t-il
dit"): a sentence without a source inside a quotation that a later sentence attributes takes
that sentence's sources.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.extract.context import ArticleContext, Discourse, View
from kg.nlp.attribution import PREVIOUS, PRONOUN, SOURCE, SOURCE_CUES, ZONES
from kg.schema.records import Mention

__all__ = ["Frame", "read_sentences"]

_PERSON = frozenset({"Person"})


@dataclass(frozen=True)
class Frame:
    """What pass 1 learns of one sentence."""

    zone: frozenset[int]
    sources: tuple[Mention, ...]
    places: tuple[Mention, ...]


def _spans_in(ctx: ArticleContext, group: str, si: int):
    s = ctx.sents[si]
    return [sp for sp in ctx.doc.spans[group] if s.start <= sp.start < s.end]


def _resolve_cues(ctx: ArticleContext, si: int, last: tuple[Mention, ...]) -> list[Mention]:
    view = View(ctx, Discourse())
    out: list[Mention] = []
    for cue in _spans_in(ctx, SOURCE_CUES, si):
        if cue.label_ == SOURCE:
            out.append(ctx.mention_at[cue.start])
        elif cue.label_ == PREVIOUS:
            out.extend(last)
        elif cue.label_ == PRONOUN:
            p = view.last_mention_before(cue.start, _PERSON) or (last[0] if last else None)
            if p is not None:
                out.append(p)
    return out


def _quote_depths(ctx: ArticleContext) -> list[int]:
    """How many quotations are open after each sentence."""
    raw_openers = {c for w in ctx.lex.raw["quote_openers"] for c in w}
    raw_closers = {c for w in ctx.lex.raw["quote_closers"] for c in w}
    depth, out = 0, []
    for sent in ctx.sents:
        text = sent.text
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
    for si in range(len(ctx.sents)):
        zones.append(frozenset(i for sp in _spans_in(ctx, ZONES, si) for i in range(sp.start, sp.end)))
        found = _resolve_cues(ctx, si, last)
        sources.append(tuple(dict.fromkeys(found)))
        if found:
            last = tuple(found)
    _attribute_quotations(ctx, sources)
    return tuple(Frame(zones[si], sources[si], tuple(ctx.sentence_places(si))) for si in range(len(ctx.sents)))
