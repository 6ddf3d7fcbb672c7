"""Against whom: the targets of an event, and whether it was aimed at civilians."""

from __future__ import annotations

from kg.extract.clauses import Trigger
from kg.extract.context import View, roles_config
from kg.extract.types import type_rules
from kg.schema.records import Mention
from kg.schema.text import key

__all__ = ["targets", "aimed_at_civilians"]


def targets(view: View, tr: Trigger, agents: list[Mention]) -> list[Mention]:
    """Armed actors the action is against: "contre/face à/avec X", the object of a strike, the object of
    "viser", else (types with ``opposing_side_target``) an actor of the other side named in the clause."""
    ctx, lex = view.ctx, view.ctx.lex
    armed = frozenset(roles_config()["armed_classes"])
    rules = type_rules()[tr.type]
    preps = lex.set("target_prepositions")
    out: list[Mention] = []
    for t in (tr.head(ctx),) if tr.anchor == tr.head_i else (tr.head(ctx), tr.anchor_tok(ctx)):
        for c in t.children:
            case = {key(x.text) for x in c.children if x.dep_ == "case"}
            if case & preps or (c.dep_ == "obj" and rules.object_is_target):
                out.extend(view.actor_in_subtree(c, armed))
    against, aim = lex.word("against_word"), lex.set("aim_verbs")
    for tok_i in sorted(tr.scope):
        tok = ctx.doc[tok_i]
        if key(tok.text) == against:
            out.extend(view.actor_in_subtree(tok.head, armed))
        if ctx.lemma(tok) in aim:
            for c in tok.children:
                if c.dep_ == "obj":
                    out.extend(view.actor_in_subtree(c, armed))
    if not out and agents and rules.opposing_side_target:
        sides = roles_config()["sides"]
        agent_side = {sides.get(a.cls) for a in agents} - {None}
        if agent_side:
            for m in view.mentions_in(tr.scope, "actor"):
                side = sides.get(m.cls)
                if side and side not in agent_side:
                    out.append(m)
                    break
    return list(dict.fromkeys(out))


def aimed_at_civilians(view: View, tr: Trigger) -> bool:
    """The action is aimed at civilians: its object, or "sur/contre X" after it, names civilians."""
    ctx, lex = view.ctx, view.ctx.lex
    civ, preps = lex.set("civilian_targets"), lex.set("civilian_object_prepositions")
    for t in (tr.head(ctx), tr.anchor_tok(ctx)):
        for c in t.children:
            if c.dep_ in ("obj", "obl", "obl:arg", "obl:mod", "nmod") and c.i > tr.head_i:
                case = {key(x.text) for x in c.children if x.dep_ == "case"}
                if c.dep_ != "obj" and not case & preps:
                    continue
                m = view.mention_of(c)
                if ctx.lemma(c) in civ or (m is not None and m.cls == "Civilians"):
                    return True
    return False
