"""Civilians: where the text names them as an actor, and when they are the victims of an action.

The ``kg_entities`` component types group nouns ("civils", "habitants", "population civile",
"déplacés", "manifestants"…, the gazetteer's ``civilians`` entry) as ``Civilians``. Two rules here:

- a town's population figure ("une ville de 30 000 habitants", "où vivaient 30 000 habitants") names
  no one: it is not an actor (:func:`population_figure`);
- an action against civilians has them as its target (:func:`civilian_victims`): those named in its
  clause, else in its sentence, else the nearest named in the article.
"""

from __future__ import annotations

from kg.extract.clauses import Trigger
from kg.extract.context import ArticleContext, View
from kg.schema.records import Mention
from kg.schema.text import key

__all__ = ["CIVILIANS_CLASS", "population_figure", "civilian_victims", "is_civilians"]

#: The actor class of civilians (ckg:Civilians).
CIVILIANS_CLASS = "Civilians"


def is_civilians(m: Mention | None) -> bool:
    return m is not None and m.cls == CIVILIANS_CLASS


def population_figure(ctx: ArticleContext, m: Mention) -> bool:
    """The mention is the number of inhabitants of a place, not people the text talks about:
    a quantity right before an inhabitant noun that complements a place noun ("une ville de 30 000
    habitants") or a verb of residing ("où résidaient 30 000 habitants", "qui compte 30 000 habitants")."""
    if not is_civilians(m):
        return False
    toks = ctx.tokens_of(m)
    if not toks or ctx.lemma(toks[-1]) not in ctx.lex.set("inhabitant_nouns"):
        return False
    quantity = next((q for q in ctx.quantities if q.end <= m.start and not ctx.text[q.end : m.start].strip()), None)
    if quantity is None:
        return False
    t = toks[-1]
    for _ in range(4):  # up to the verb of its clause
        if t.head.i == t.i:
            break
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            if ctx.lemma(t) in ctx.lex.set("population_verbs"):
                return True
            break
    span = ctx.doc.char_span(quantity.start, quantity.end, alignment_mode="expand")
    if span is None:
        return False
    i = span.start - 1
    if i >= 0 and key(ctx.doc[i].text) in ctx.lex.set("of_prepositions"):
        i -= 1
        if i >= 0:
            before = ctx.doc[i]
            place = ctx.mention_at.get(i)
            return ctx.lemma(before) in ctx.lex.set("place_nouns") or (place is not None and place.kind == "place")
    return False


def _nearest(view: View, tok_i: int, cands: list[Mention]) -> Mention | None:
    best, dist = None, None
    for m in cands:
        toks = view.tokens_of(m)
        if not toks:
            continue
        d = abs(toks[0].i - tok_i)
        if dist is None or d < dist:
            best, dist = m, d
    return best


def civilian_victims(view: View, tr: Trigger) -> list[Mention]:
    """The civilians an action against civilians is aimed at: named in its clause, else its sentence,
    else the nearest named anywhere in the article (the article's civilians are one actor)."""
    ctx = view.ctx
    named = [m for m in view.mentions if is_civilians(m) and not population_figure(ctx, m)]
    if not named:
        return []
    in_scope = [m for m in named if ctx.token_ids(m) & tr.scope]
    if in_scope:
        return in_scope[:1]
    si = ctx.sent_of[tr.head_i]
    in_sentence = [m for m in named if m.sentence == si]
    found = _nearest(view, tr.head_i, in_sentence or named)
    return [found] if found is not None else []
