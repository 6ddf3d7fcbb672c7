"""Mentions of events already told, and denials.

"cette attaque", "ces frappes" (a demonstrative), "a dénoncé une attaque" (commentary) and
"depuis le début de l'offensive" (a background phrase) refer to an event told before: they add
their sources and dates to it instead of making a new one. A denial ("a démenti l'entrée des
rebelles", "a démenti toute implication") adds its author to ``disputed_by`` of the event denied.
"""

from __future__ import annotations

from dataclasses import replace

from kg.extract.clauses import Trigger
from kg.extract.context import ArticleContext, Discourse, View
from kg.extract.types import CASUALTY_REPORT
from kg.schema.records import EventRecord, Mention
from kg.schema.taxonomy import FAMILY
from kg.schema.text import key

__all__ = ["DEMONSTRATIVE", "BACKGROUND", "reference_kind", "antecedent", "denier", "dispute"]

DEMONSTRATIVE, BACKGROUND = "demonstrative", "background"
_EMPTY = Discourse()


def reference_kind(view: View, tr: Trigger) -> str | None:
    """``"demonstrative"`` ("cette attaque", "a dénoncé une attaque"), ``"background"`` (a noun in a
    temporal phrase: "depuis le début de l'offensive", "après la chute de"), or None."""
    ctx, lex = view.ctx, view.ctx.lex
    head = tr.head(ctx)
    if head.pos_ in ("VERB", "AUX"):
        return None
    if any((m := view.mention_of(x)) is not None and m.kind == "place" for x in head.subtree):
        return None  # "après la chute des quartiers de Cheikh Saïd": a real event, told in passing
    if any(key(c.text) in lex.set("demonstratives") for c in head.children if c.dep_ == "det"):
        return DEMONSTRATIVE
    if head.dep_ == "obj" and ctx.lemma(head.head) in lex.set("commentary_verbs"):
        return DEMONSTRATIVE  # "Ban Ki-moon a dénoncé une attaque écoeurante": the attack just told
    t = head
    for _ in range(3):
        cases = {key(c.text) for c in t.children if c.dep_ in ("case", "mark", "fixed")}
        if cases & lex.set("temporal_prepositions") or (
            key(t.text) in lex.set("edge_nouns")
            and t.head.i != t.i
            and any(key(c.text) in lex.set("since_words") for c in t.children)
        ):
            return BACKGROUND
        if t.head.i == t.i or t.head.pos_ in ("VERB", "AUX"):
            break
        t = t.head
    return None


def antecedent(view: View, events: tuple[EventRecord, ...], tr: Trigger) -> int | None:
    """The latest event a reference can point to: same type, or a fitting one for a generic noun."""
    for k in range(len(events) - 1, -1, -1):
        if events[k].type == tr.type:
            return k
    ctx = view.ctx
    lemma = ctx.lemma(tr.head(ctx))
    generic = lemma in ctx.lex.set("generic_event_nouns")
    family = ctx.lex.table("family_nouns").get(lemma)
    for k in range(len(events) - 1, -1, -1):
        if generic and events[k].type != CASUALTY_REPORT:
            return k  # "cette attaque" after a chemical attack
        if family is not None and FAMILY[events[k].type] == family:
            return k
    return None


def denier(ctx: ArticleContext, si: int) -> list[Mention] | None:
    """The author of a denial in the sentence: the subject of the denial verb, else of its reporting verb."""
    view = View(ctx, _EMPTY)
    lex = ctx.lex
    deny = lex.set("denial_verbs")
    for tok in ctx.sents[si]:
        if not set(ctx.keys(tok)) & deny:
            continue
        ms = [m for c in tok.children if c.dep_ == "nsubj" for m in view.actor_in_subtree(c)]
        if not ms:
            # "… sont infondées, a dit le ministère": the reporting subject
            for t in ctx.sents[si]:
                if ctx.lemma(t) in lex.set("report_verbs"):
                    ms.extend(m for c in t.children if c.dep_ == "nsubj" for m in view.actor_in_subtree(c))
        if ms:
            return ms[:1]
    return None


def dispute(events: tuple[EventRecord, ...], si: int, deniers: list[Mention], etype: str | None) -> tuple[EventRecord, ...]:
    """Add ``deniers`` to the latest event of that type, else to the latest event of the last two sentences."""
    target = next((k for k in range(len(events) - 1, -1, -1) if events[k].type == etype), None)
    if target is None:
        target = next((k for k in range(len(events) - 1, -1, -1) if si - events[k].sentence <= 2), None)
    if target is None:
        return events
    old = events[target]
    new = replace(old, disputed_by=tuple(dict.fromkeys(old.disputed_by + tuple(deniers))))
    return events[:target] + (new,) + events[target + 1 :]

