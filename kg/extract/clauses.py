"""Pass 2 — clauses: the cues of each sentence as :class:`Trigger` records with their scope.

A cue comes from the ``kg_triggers`` component (with its ``kg_modality`` verdict). Its
*anchor* is the verb of its clause (a noun cue climbs to the verb it is the subject, object or
complement of, unless that verb reports); its *scope* is the anchor's subtree less the
clauses of the sentence's other asserted cues and less the attribution zone; ``others`` is
what those other clauses hold. Roles are looked for in the scope first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Token

from kg.extract.context import ArticleContext
from kg.extract.types import type_rules
from kg.nlp.lookup import subtree_ids
from kg.nlp.modality import ATTEMPT, CONDITIONAL, IRREALIS, MODALITY
from kg.nlp.triggers import CANDIDATES, TRIGGERS

__all__ = ["Trigger", "sentence_triggers", "denied_candidates", "anchor_of"]

_CLIMB_DEPS = frozenset({"nsubj", "nsubj:pass", "obj", "obl", "obl:arg", "obl:mod", "xcomp", "iobj", "expl:comp"})


@dataclass(frozen=True)
class Trigger:
    """One cue of an event in a sentence, with its clause."""

    type: str
    start: int  # token span of the cue
    end: int
    pattern: str  # id of the pattern that found it
    anchor: int  # token index of the clause's verb (or the cue itself)
    scope: frozenset[int] = frozenset()
    others: frozenset[int] = frozenset()  # tokens in the clauses of the sentence's other events
    irrealis: bool = False
    conditional: bool = False

    @property
    def head_i(self) -> int:
        return self.start

    def head(self, ctx: ArticleContext) -> Token:
        return ctx.doc[self.start]

    def anchor_tok(self, ctx: ArticleContext) -> Token:
        return ctx.doc[self.anchor]

    def tokens(self, ctx: ArticleContext) -> list[Token]:
        return list(ctx.doc[self.start : self.end])

    def char_spans(self, ctx: ArticleContext) -> tuple[tuple[int, int], ...]:
        return tuple((t.idx, t.idx + len(t.text)) for t in self.tokens(ctx))


def anchor_of(ctx: ArticleContext, head: Token) -> Token:
    """The verb of a cue's clause: a noun climbs to the verb it complements, unless that verb reports."""
    t = head
    for _ in range(3):
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("acl", "amod"):
            return t
        h = t.head
        if h.i == t.i:
            return t
        if t.dep_ in _CLIMB_DEPS and h.pos_ in ("VERB", "ADJ", "AUX"):
            if ctx.lemma(h) in ctx.lex.set("report_verbs"):
                return t
            t = h
            continue
        return t
    return t


def _modality(ctx: ArticleContext, si: int) -> dict[tuple[int, int], str]:
    return {(sp.start, sp.end): sp.label_ for sp in ctx.spans_in(MODALITY, si)}


def sentence_triggers(ctx: ArticleContext, si: int, zone: frozenset[int]) -> list[Trigger]:
    """The asserted and unasserted cues of sentence ``si``, with anchors, scopes and ``others``
    (made once per sentence and zone: the roles passes ask again for each cue of the sentence)."""
    cached = ctx._triggers_by_sentence.get((si, zone))
    if cached is None:
        cached = ctx._triggers_by_sentence[si, zone] = tuple(_sentence_triggers(ctx, si, zone))
    return list(cached)


def _sentence_triggers(ctx: ArticleContext, si: int, zone: frozenset[int]) -> list[Trigger]:
    verdicts = _modality(ctx, si)
    out = []
    for sp in ctx.spans_in(TRIGGERS, si):
        verdict = verdicts.get((sp.start, sp.end))
        etype = sp.label_
        if verdict == ATTEMPT:  # "tentent de prendre la ville": an attack under way, if the type has one
            etype = type_rules()[etype].attempt_type or etype
            verdict = None if type_rules()[sp.label_].attempt_type else IRREALIS
        out.append(Trigger(etype, sp.start, sp.end, sp.id_, anchor_of(ctx, sp[0]).i,
                           irrealis=verdict == IRREALIS, conditional=verdict == CONDITIONAL))
    subtrees: dict[int, frozenset[int]] = {}  # anchor -> its subtree (each pair of cues compares them)
    for tr in out:
        if tr.anchor not in subtrees:
            subtrees[tr.anchor] = frozenset(subtree_ids(ctx.doc[tr.anchor]))
    scoped = []
    for tr in out:
        scope = set(subtrees[tr.anchor])
        for other in out:
            if other is tr or other.irrealis or other.anchor == tr.anchor:
                continue  # an intended action's places are the purpose of this one ("pour s'emparer de X")
            other_ids = subtrees[other.anchor]
            if other.anchor in scope and tr.head_i not in other_ids:
                scope -= other_ids
        scoped.append(replace(tr, scope=frozenset(scope - zone)))
    result = []
    for tr in scoped:
        others = set().union(*[o.scope for o in scoped if o is not tr and not o.irrealis and o.anchor != tr.anchor] or [set()])
        result.append(replace(tr, others=frozenset(others - tr.scope)))
    return result


def denied_candidates(ctx: ArticleContext, si: int, zone: frozenset[int], found: list[Trigger]) -> list[Trigger]:
    """Cues a denial may deny, conditions ignored ("a démenti l'entrée dans la ville des rebelles")."""
    taken = {t.head_i for t in found}
    out = []
    for sp in ctx.spans_in(CANDIDATES, si):
        if sp.start in taken:
            continue
        anchor = anchor_of(ctx, sp[0])
        out.append(Trigger(sp.label_, sp.start, sp.end, sp.id_, anchor.i, scope=frozenset(subtree_ids(anchor) - zone)))
    return out
