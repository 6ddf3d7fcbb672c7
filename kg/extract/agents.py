"""Who acted: the agents of an event, as ordered rules over the cue's clause.

:func:`agents` tries, in order: "tombé aux mains de X"; the cue's and then its anchor's own
complements (an agent "par X", a subject of an active verb, "l'offensive de X" for nouns, the
parties "entre X et Y", both sides of "opposer X à Y"); the clause that qualifies a noun cue
("l'assaut lancé par l'armée", "l'offensive que l'armée a lancée", "la bataille qui oppose X à
Y", "un attentat attribué à X"); the verb or noun that governs it ("l'attentat a été revendiqué
par X", "X impute l'attaque à Y", "le lancement par X d'une opération"); the subject of the verb
a participial or coordinated clause hangs on ("s'emparant …", "et ont pris"), or the object of
an object-control verb ("accuse les rebelles d'avoir mené l'attaque"); a nationality adjective
("frappes russes"). Forces supporting an agent ("appuyée par le Hezbollah") are co-agents; the
other side of the action ("contre les rebelles") is not an agent, nor is the loser of "perdre";
when forces act, the person commanding them is not listed. A relative pronoun ("…, qui ont
pris") is its antecedent with the members coordinated with it; a quoted "nous" is the speaker's
side.
:func:`agents_by_context` is the fallback: the armed subject of the sentence's main verb (not
of a reporting or accusing verb). :func:`plausible` keeps, among agents not stated in the cue's
clause, those of a class that can do the action (an air strike needs an air force).

The phrase readers are in :mod:`kg.extract.agent_phrases`, the rules over the cue's own clause
in :mod:`kg.extract.agent_clauses`; this module orders them and adds the fallbacks.
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.extract.agent_clauses import (
    clause_agents,
    hands_of,
    modifier_agents,
    noun_modifiers,
    plausible,
    takes_agent,
)
from kg.extract.agent_phrases import (
    between_parties,
    case_words,
    is_loss,
    members,
    passive_voice,
    role_classes,
    subject_actor,
)
from kg.extract.camps import camp
from kg.extract.clauses import Trigger, sentence_triggers
from kg.extract.context import View, roles_config
from kg.nlp.lookup import is_pronoun
from kg.schema.records import Mention
from kg.schema.text import key

__all__ = ["agents", "agents_by_context", "subject_actor", "civilian_subject", "members", "plausible", "is_loss",
           "sentence_agents", "type_agents", "agreement_parties", "is_claim", "passive_voice"]


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
                        out.extend(x for x in view.actor_in_subtree(cc, role_classes("agent_classes")) if x not in out)
    return out


def _nationality(view: View, tr: Trigger) -> tuple[list[Mention], tuple[int, ...]]:
    """ "des frappes russes", "l'artillerie turque", "des raids russes et syriens": the states whose
    forces act, and the indices of the adjectives that become mentions now."""
    ctx = view.ctx
    forces = ctx.lex.set("force_nouns")
    toks = tr.tokens(ctx)
    toks += [c for t in toks for c in t.children if c.dep_ == "nmod" and ctx.lemma(c) in forces]
    for tok in toks:
        adjectives = [c for c in tok.children if c.i in ctx.state_adjectives]
        adjectives += [x for a in adjectives for x in a.children if x.dep_ == "conj" and x.i in ctx.state_adjectives]
        out: list[Mention] = []
        adopted: list[int] = []
        for c in adjectives:
            m = view.mention_of(c)
            if m is None:
                m = ctx.nationality[c.i]
                adopted.append(c.i)
            if m not in out:
                out.append(m)
        if out:
            return out, tuple(adopted)
    return [], ()


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


def agents(view: View, tr: Trigger, zone: frozenset[int], speakers: Sequence[Mention] = ()) -> tuple[list[Mention], tuple[int, ...]]:
    """(agents of a cue, token indices of nationality adjectives that became mentions).

    ``speakers`` are the sources of the sentence: a quoted "nous" is their side."""
    out = hands_of(view, tr)
    if out:
        return out, None
    out = clause_agents(view, tr, zone, speakers) or agreement_parties(view, tr, zone, speakers)
    adopted: tuple[int, ...] = ()
    if out:
        out = _supporters(view, out)
    else:
        out, adopted = _nationality(view, tr)
    out = [m for m in dict.fromkeys(out) if not _under_opposition(view, m)]
    if any(m.cls != "Person" for m in out):
        out = [m for m in out if m.cls != "Person"]  # "les forces … de Bachar al-Assad": the forces act
    return out, adopted


def is_claim(view: View, tr: Trigger) -> bool:
    """The cue names an event to claim or blame it: "l'attentat a été revendiqué par X", "X impute
    l'attaque à Y", "un attentat attribué à Y"."""
    ctx, lex = view.ctx, view.ctx.lex
    t = tr.head(ctx)
    if t.pos_ not in ("NOUN", "PROPN"):
        return False
    verbs = lex.set("claim_verbs") | lex.set("attribution_verbs")
    governed = t.head.i != t.i and t.dep_ in ("obj", "nsubj:pass") and ctx.lemma(t.head) in verbs
    return governed or any(ctx.lemma(v) in verbs for v in noun_modifiers(t))


def agents_by_context(view: View, tr: Trigger, zone: frozenset[int]) -> list[Mention]:
    """No agent in the cue's clause: the armed subject of the anchor or of the sentence's main verb
    (not the subject of a reporting, accusing or denying verb: the speaker did not act)."""
    ctx, lex = view.ctx, view.ctx.lex
    sent = ctx.sents[ctx.sent_of[tr.head_i]]
    death = lex.set("death_lemmas")
    speaking = (lex.set("report_verbs") | lex.set("accusation_verbs") | lex.set("denial_verbs")
                | lex.set("commentary_verbs") | lex.set("loss_verbs"))
    for t in (tr.anchor_tok(ctx), sent.root):
        if ctx.lemma(t) in speaking:
            continue
        for c in t.children:
            if c.dep_ == "nsubj" and c.i not in zone and not is_pronoun(c, ctx.lex) and ctx.lemma(t) not in death:
                ms = members(view, c, role_classes("agent_classes"))  # not the clauses on it ("…, démentie par X,")
                if ms:
                    return plausible(tr.type, ms)
    return []


def civilian_subject(view: View, tr: Trigger) -> bool:
    """Civilians (or prisoners) are the subject ("des milliers de civils ont fui", "… poussé des habitants à
    fuir", "des prisonniers ont quitté la prison"): not a withdrawal of forces."""
    ctx = view.ctx
    civ = ctx.lex.set("civilian_nouns") | ctx.lex.set("displaced_nouns") | ctx.lex.set("prisoner_nouns")
    for t in (tr.head(ctx), tr.anchor_tok(ctx)):
        subjects = [c for c in t.children if c.dep_ in ("nsubj", "nsubj:pass")]
        if not subjects and t.dep_ in ("xcomp", "advcl", "acl") and ctx.lemma(t.head) in ctx.lex.set("object_control_verbs"):
            subjects = [c for c in t.head.children if c.dep_ == "obj"]
        for c in subjects:
            m = view.mention_of(c)
            if {ctx.lemma(x) for x in c.subtree} & civ or (m is not None and m.cls == "Civilians"):
                return True
    return False


def _belligerents(view: View, si: int, zone: frozenset[int]) -> list[Mention]:
    """The armed actors a sentence names, when they are of two camps or more ("au moins 25 soldats
    ont péri dans les combats, ainsi qu'une dizaine de rebelles")."""
    s = view.ctx.sents[si]
    armed = role_classes("armed_classes")
    ms = [m for m in view.mentions_in(range(s.start, s.end), "actor")
          if m.cls in armed and not {t.i for t in view.tokens_of(m)} & zone]
    return ms if len({camp(view, m) for m in ms} - {None}) >= 2 else []


def sentence_agents(view: View, tr: Trigger, si: int, zone: frozenset[int],
                    speakers: Sequence[Mention] = ()) -> tuple[list[Mention], tuple[int, ...]]:
    """What the rest of the sentence says acted, one sentence telling one episode: for a clash, the
    armed actors of two camps it names; else the agents another cue states ("l'entrée de l'armée
    dans X, au terme de trois jours de bombardements") or a killing verb ("32 civils ont été tués
    par les insurgés"), the nearest first. Only cues of the types that act on the other side give
    theirs (``roles.json`` ``episode_agent_types``: not a withdrawal, whose side is the one attacked).
    Also the indices of nationality adjectives that become mentions with them."""
    ctx = view.ctx
    if tr.type in roles_config()["two_sided_types"]:
        found = _belligerents(view, si, zone)
        if found:
            return found, ()
    kinds = set(roles_config()["episode_agent_types"])
    if tr.type not in kinds:
        return [], ()  # "les jihadistes se sont retirés après une offensive de l'armée": not the attackers
    classes = role_classes("agent_classes")
    cands: list[tuple[int, list[Mention], tuple[int, ...]]] = []
    for o in sentence_triggers(ctx, si, zone):
        if o.head_i != tr.head_i and o.anchor != tr.anchor and not o.irrealis and o.type in kinds:
            found, adopted = agents(view, o, zone, speakers)
            if found:
                cands.append((abs(o.head_i - tr.head_i), found, adopted))
    s = ctx.sents[si]
    for t in s:
        if t.i in zone or ctx.lemma(t) not in ctx.lex.set("killing_lemmas") or not takes_agent(view, t):
            continue
        for c in t.children:
            if c.i not in zone and (c.dep_ == "obl:agent" or case_words(c) & ctx.lex.set("agent_prepositions")):
                found = members(view, c, classes)
                if found:
                    cands.append((abs(t.i - tr.head_i), found, ()))
    if not cands:
        return [], ()
    best = min(cands, key=lambda c: c[0])
    return best[1], best[2]


def agreement_parties(view: View, tr: Trigger, zone: frozenset[int], speakers: Sequence[Mention] = ()) -> list[Mention]:
    """A truce "en vertu d'un accord conclu entre X et Y": the parties of an agreement its clause
    names (``roles.json`` ``agreement_types``)."""
    if tr.type not in roles_config()["agreement_types"]:
        return []
    ctx, lex = view.ctx, view.ctx.lex
    classes = role_classes("agent_classes")
    for i in sorted(tr.scope):
        t = ctx.doc[i]
        if i == tr.head_i or ctx.lemma(t) not in lex.set("agreement_nouns"):
            continue
        # "conclure" also reports ("a conclu l'enquêteur"): an agreement's verb is not an attribution zone
        out = modifier_agents(view, t, frozenset(), speakers)
        if not out:
            out = [m for c in t.children if case_words(c) & lex.set("party_prepositions") for m in between_parties(view, c, classes)]
        if out:
            return list(dict.fromkeys(out))
    return []


def type_agents(events: Sequence, etype: str) -> list[Mention]:
    """The agents of the earlier events of a type when they all had the same ones (by key): the
    article tells one campaign ("La Russie a mené ses premières frappes … Des frappes ont aussi
    touché …")."""
    told = [e.agents for e in events if e.type == etype and e.agents]
    if not told:
        return []
    keys = {frozenset(a.key for a in ags) for ags in told}
    return list(told[-1]) if len(keys) == 1 else []
