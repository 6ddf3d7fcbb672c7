"""Tolls: stated numbers of dead, whose they are, and whether they are an action's or a report's.

A quantity followed by a casualty noun (or an actor: "13 soldats", "20 jihadistes") in a sentence
that says people died is a :class:`~kg.schema.records.Toll`. The toll belongs to the asserted cue
whose phrase holds it ("une offensive qui a fait des centaines de morts"), else — unless it is
told for a period or for the whole country — to the nearest asserted cue of its sentence; else it
is a ``CasualtyReport`` for the sentence's places (or those just talked about).
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.extract.clauses import Trigger
from kg.extract.context import ArticleContext
from kg.extract.types import type_rules
from kg.nlp.lookup import subtree_ids
from kg.schema.records import Toll
from kg.schema.text import key

__all__ = ["TollFinding", "find_tolls", "toll_causes", "attachment"]


@dataclass(frozen=True)
class TollFinding:
    """The tolls of one sentence and whom they belong to."""

    si: int
    tolls: tuple[Toll, ...]
    report: bool  # told for a period or the whole country, and no cue holds it: a CasualtyReport
    owner: Trigger | None  # the asserted cue whose phrase holds the first toll


def _toll(ctx: ArticleContext, q, sent) -> Toll | None:
    doc, lex = ctx.doc, ctx.lex
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None:
        return None
    j = span.end
    if j < len(doc) and key(doc[j].text) in lex.set("toll_of"):
        j += 1
    if j >= len(doc):
        return None
    nxt = doc[j]
    m = ctx.mention_at.get(nxt.i)
    k = ctx.keys(nxt)
    if m is None and not (k[0] in lex.set("casualty_nouns") or k[1] in lex.set("casualty_nouns")):
        return None
    if k[0] in lex.set("inhabitant_nouns") and not any(ctx.lemma(t) in lex.set("killing_lemmas") for t in sent):
        return None  # "200 habitants" are dead only where someone was killed
    civ = k[0] in lex.set("civilian_nouns") or (m is not None and m.cls == "Civilians")
    group = m if (m is not None and m.kind == "actor" and m.cls != "Civilians") else None
    return Toll(q.value, q.qualifier, group, civ, q.start, span.end_char if m is None else max(span.end_char, m.end))


def _for_a_period(ctx: ArticleContext, sent, first) -> bool:
    """ "depuis le début du conflit", "au total", "le bilan": a toll for a period, not one action."""
    lex = ctx.lex
    lo, hi = (first.start - 8, first.end + 12) if first is not None else (sent.start, sent.end)
    window = ctx.doc[max(sent.start, lo) : min(sent.end, hi)]
    return (
        any(key(t.text) in lex.set("toll_period_words") for t in window)
        or any(tm.kind in ("since", "duration", "span") for tm in ctx.times if sent.start_char <= tm.start < sent.end_char)
        or any(key(t.text) in lex.set("since_words") for t in sent)
    )


def find_tolls(ctx: ArticleContext, si: int, triggers: list[Trigger]) -> TollFinding | None:
    """The tolls of sentence ``si`` (None if it states none), given its cues."""
    sent = ctx.sents[si]
    qs = [q for q in ctx.quantities if sent.start_char <= q.start < sent.end_char]
    death = ctx.lex.set("death_lemmas")
    if not qs or not any(k in death for t in sent for k in ctx.keys(t)):
        return None
    tolls = tuple(t for q in qs if (t := _toll(ctx, q, sent)) is not None)
    if not tolls:
        return None
    first = ctx.doc.char_span(tolls[0].start, tolls[0].end, alignment_mode="expand")
    places = ctx.mentions_in(range(sent.start, sent.end), "place")
    broad = any(p.cls == "Country" for p in places) and not any(p.cls != "Country" for p in places)
    owner = None
    if first is not None:
        for tr in triggers:
            if first.start in subtree_ids(tr.head(ctx)) and not tr.irrealis:
                owner = tr
    return TollFinding(si, tolls, (_for_a_period(ctx, sent, first) or broad) and owner is None, owner)


def toll_causes(ctx: ArticleContext, finding: TollFinding | None, triggers: list[Trigger]) -> set[int]:
    """Cues that are the causes of a reported toll ("tués … dans les combats et bombardements"), by head index."""
    if finding is None or not finding.report:
        return set()
    rules = type_rules()
    openers = ctx.lex.phrases("toll_cause_openers")
    out = set()
    for tr in triggers:
        h = tr.head(ctx)
        while h.dep_ == "conj" and h.head.i != h.i:
            h = h.head
        if ctx.prev_text(h.i, 2).endswith(openers) and rules[tr.type].toll_cause:
            out.add(tr.head_i)
    return out


def attachment(ctx: ArticleContext, finding: TollFinding, triggers: list[Trigger]) -> int | None:
    """Character offset of the cue the tolls go to: their owner, else (not a report) the nearest asserted cue."""
    if finding.owner is not None:
        return ctx.doc[finding.owner.start].idx
    if not finding.report:
        asserted = [tr for tr in triggers if not tr.irrealis]
        if asserted:
            first_toll = finding.tolls[0].start
            tr = min(asserted, key=lambda t: abs(t.head(ctx).idx - first_toll))
            return ctx.doc[tr.start].idx
    return None
