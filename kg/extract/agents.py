"""Who acted: the agents of an event, as ordered rules over the cue's clause.

:func:`agents` tries, in order: "tombé aux mains de X"; the cue's and then its anchor's own
complements (an agent "par X", a subject of an active verb, "l'offensive de X" for nouns); the
subject of the verb a participial or coordinated clause hangs on ("s'emparant …", "et ont
pris"); a nationality adjective ("frappes russes"). Forces supporting an agent ("appuyée par
le Hezbollah") are co-agents; the other side of the action ("contre les rebelles") is not an
agent; when forces act, the person commanding them is not listed.
:func:`agents_by_context` is the fallback: the armed subject of the sentence's main verb.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.clauses import Trigger
from kg.extract.context import View, roles_config
from kg.extract.types import type_rules
from kg.nlp.lookup import is_pronoun
from kg.schema.records import Mention
from kg.schema.text import key

__all__ = ["agents", "agents_by_context", "subject_actor", "civilian_subject"]


def _classes(name: str) -> frozenset[str]:
    return frozenset(roles_config()[name])


def subject_actor(view: View, subj: Token, classes) -> list[Mention]:
    """The actor a subject names; a pronoun ("elle a lancé …") or a demonstrative ("ces forces") is
    the last armed actor named before it (or the agents of the latest events)."""
    ctx = view.ctx
    demonstrative = view.mention_of(subj) is None and any(
        key(c.text) in ctx.lex.set("demonstratives") for c in subj.children if c.dep_ == "det"
    )
    recent = view.st.recent_agents
    if demonstrative and recent and ctx.sent_of[subj.i] - recent[0] <= 2:
        return list(recent[1])  # "ces forces": the actors of the latest events
    if is_pronoun(subj, ctx.lex) or demonstrative:
        # "ces forces" points back past its own sentence ("repris aux rebelles …, ces forces se concentrent")
        before = ctx.sents[ctx.sent_of[subj.i]].start if demonstrative else subj.i
        m = view.last_mention_before(before, _classes("armed_classes"), window_sents=2)
        return [m] if m is not None else []
    return view.actor_in_subtree(subj, classes)


def _hands_of(view: View, tr: Trigger) -> list[Mention]:
    """ "tombé aux mains de X"."""
    ctx = view.ctx
    for t in tr.tokens(ctx):
        if ctx.lemma(t) in ctx.lex.set("hands_nouns"):
            for c in t.children:
                if c.dep_ == "nmod":
                    ms = view.actor_in_subtree(c, _classes("agent_classes"))
                    if ms:
                        return ms
    return []


def _is_gerund(view: View, t: Token) -> bool:
    """ "en bombardant": a gerund, whatever the tagger says."""
    lex = view.ctx.lex
    return key(t.text).endswith(tuple(lex.map("gerund_to_infinitive"))) and any(
        key(c.text) in lex.set("gerund_marks") for c in t.children if c.dep_ in ("case", "mark")
    )


def _complement_agents(view: View, tr: Trigger, t: Token, zone: frozenset[int], gerund: bool) -> list[Mention]:
    """Agents among the complements of ``t``: "par X", an active subject, "l'offensive de X"."""
    lex = view.ctx.lex
    classes = _classes("agent_classes")
    passive = any(c.dep_ in ("aux:pass", "nsubj:pass") for c in t.children) or "Pass" in t.morph.get("Voice")
    out: list[Mention] = []
    for c in t.children:
        if c.i in zone:
            continue
        cases = {key(x.text) for x in c.children if x.dep_ == "case"}
        if c.dep_ == "obl:agent" or (c.dep_ in ("obl", "obl:mod", "nmod", "obl:arg") and cases & lex.set("agent_prepositions")):
            out.extend(view.actor_in_subtree(c, classes))
        elif c.dep_ == "nsubj" and not passive:
            out.extend(subject_actor(view, c, classes))
        elif (
            t.pos_ in ("NOUN", "PROPN", "ADV", "NUM")
            and not gerund
            and c.dep_ == "nmod"
            and cases & lex.set("of_prepositions")
            and not type_rules()[tr.type].noun_complement_is_place
            and not ((m := view.mention_of(c)) is not None and m.kind == "place")
        ):
            out.extend(view.actor_in_subtree(c, classes))
    return out


def _shared_subject(view: View, t: Token, zone: frozenset[int]) -> list[Mention]:
    """Participial and coordinated clauses share the subject of their head ("s'emparant", "et ont pris")."""
    h = t.head
    passive = any(c.dep_ in ("aux:pass", "nsubj:pass") for c in t.children) or "Pass" in t.morph.get("Voice")
    h_passive = any(c.dep_ == "aux:pass" for c in h.children)
    out: list[Mention] = []
    for c in h.children:
        if c.i in zone:
            continue
        if c.dep_ == "nsubj" or (c.dep_ == "nsubj:pass" and t.dep_ == "xcomp") or (
            c.dep_ == "nsubj:pass" and h_passive and t.dep_ == "conj" and not passive
        ):
            out.extend(subject_actor(view, c, _classes("agent_classes")))
    return out


def _clause_agents(view: View, tr: Trigger, zone: frozenset[int]) -> list[Mention]:
    ctx = view.ctx
    head = tr.head(ctx)
    cands = [head] if tr.anchor == head.i else [head, tr.anchor_tok(ctx)]
    for t in cands:
        gerund = _is_gerund(view, t)
        out = _complement_agents(view, tr, t, zone, gerund)
        if out:
            return out
        if (t.dep_ in ("conj", "advcl", "xcomp") and t.pos_ == "VERB") or gerund:
            out = _shared_subject(view, t, zone)
            if out:
                return out
    return []


def _supporters(view: View, agents: list[Mention]) -> list[Mention]:
    """ "appuyée par le Hezbollah": supporting forces are co-agents."""
    ctx = view.ctx
    out = list(agents)
    support = ctx.lex.set("support_verbs")
    for m in list(out):
        for tok in view.tokens_of(m)[:1]:
            for c in tok.head.children if tok.head.i != tok.i else tok.children:
                if ctx.lemma(c) in support and c.pos_ in ("VERB", "ADJ"):
                    for cc in c.children:
                        out.extend(x for x in view.actor_in_subtree(cc, _classes("agent_classes")) if x not in out)
    return out


def _nationality(view: View, tr: Trigger) -> tuple[list[Mention], int | None]:
    """ "des frappes russes", "l'artillerie turque": the state whose forces act, and the adjective's
    token index when it becomes a mention now."""
    ctx = view.ctx
    forces = ctx.lex.set("force_nouns")
    toks = tr.tokens(ctx)
    toks += [c for t in toks for c in t.children if c.dep_ == "nmod" and ctx.lemma(c) in forces]
    for tok in toks:
        for c in tok.children:
            if c.i not in ctx.state_adjectives:
                continue
            m = view.mention_of(c)
            if m is not None:
                return [m], None
            return [ctx.nationality[c.i]], c.i
    return [], None


def _under_opposition(view: View, m: Mention) -> bool:
    """The mention is the other side of an action: "contre la milice kurde", "face aux rebelles"."""
    toks = view.tokens_of(m)
    if not toks:
        return False
    t = toks[0]
    words = view.ctx.lex.set("opposition_words")
    for _ in range(4):
        if any(key(c.text) in words and c.dep_ in ("case", "advmod", "fixed") for c in t.children):
            return True
        if t.head.i == t.i or t.head.pos_ in ("VERB", "AUX"):
            break
        t = t.head
    return False


def agents(view: View, tr: Trigger, zone: frozenset[int]) -> tuple[list[Mention], int | None]:
    """(agents of a cue, token index of a nationality adjective that became a mention, or None)."""
    out = _hands_of(view, tr)
    if out:
        return out, None
    out = _clause_agents(view, tr, zone)
    adopted = None
    if out:
        out = _supporters(view, out)
    else:
        out, adopted = _nationality(view, tr)
    out = [m for m in dict.fromkeys(out) if not _under_opposition(view, m)]
    if any(m.cls != "Person" for m in out):
        out = [m for m in out if m.cls != "Person"]  # "les forces … de Bachar al-Assad": the forces act
    return out, adopted


def agents_by_context(view: View, tr: Trigger, zone: frozenset[int]) -> list[Mention]:
    """No agent in the cue's clause: the armed subject of the anchor or of the sentence's main verb."""
    ctx = view.ctx
    sent = ctx.sents[ctx.sent_of[tr.head_i]]
    death = ctx.lex.set("death_lemmas")
    for t in (tr.anchor_tok(ctx), sent.root):
        for c in t.children:
            if c.dep_ == "nsubj" and c.i not in zone and not is_pronoun(c, ctx.lex) and ctx.lemma(t) not in death:
                ms = view.actor_in_subtree(c, _classes("agent_classes"))
                if ms:
                    return ms
    return []


def civilian_subject(view: View, tr: Trigger) -> bool:
    """Civilians (or prisoners) are the subject ("des milliers de civils ont fui", "des prisonniers ont
    quitté la prison"): not a withdrawal of forces."""
    ctx = view.ctx
    civ = ctx.lex.set("civilian_nouns") | ctx.lex.set("displaced_nouns") | ctx.lex.set("prisoner_nouns")
    for t in (tr.head(ctx), tr.anchor_tok(ctx)):
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubj:pass"):
                m = view.mention_of(c)
                if {ctx.lemma(x) for x in c.subtree} & civ or (m is not None and m.cls == "Civilians"):
                    return True
    return False
