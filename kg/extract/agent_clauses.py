"""The agents a cue's own clause states, as ordered rules (see :mod:`kg.extract.agents` for the order).

:func:`hands_of` reads "tombé aux mains de X"; :func:`clause_agents` the cue's and then its
anchor's complements (an agent "par X", a subject of an active verb, "l'offensive de X", "entre X
et Y", "opposer X à Y"), the clause that qualifies a noun cue (:func:`modifier_agents`: "l'assaut
lancé par l'armée", "un attentat attribué à X"), the verb or noun that governs it ("l'attentat a
été revendiqué par X", "X impute l'attaque à Y"), and the subject a participial or coordinated
clause shares with its head. :func:`plausible` keeps the agents whose class can do the action.

Imports the phrase readers of :mod:`kg.extract.agent_phrases`, never :mod:`kg.extract.agents`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Token

from kg.extract.agent_phrases import (
    CLAUSE_DEPS,
    OBLIQUE_DEPS,
    between_parties,
    case_words,
    is_loss,
    is_relative,
    members,
    passive_voice,
    role_classes,
    subject_actor,
)
from kg.extract.clauses import Trigger
from kg.extract.context import View, roles_config
from kg.extract.types import type_rules
from kg.schema.records import Mention
from kg.schema.text import key

__all__ = ["hands_of", "takes_agent", "noun_modifiers", "modifier_agents", "clause_agents", "plausible"]

def hands_of(view: View, tr: Trigger) -> list[Mention]:
    """ "tombé aux mains de X"."""
    ctx = view.ctx
    for t in tr.tokens(ctx):
        if ctx.lemma(t) in ctx.lex.set("hands_nouns"):
            for c in t.children:
                if c.dep_ == "nmod":
                    ms = view.actor_in_subtree(c, role_classes("agent_classes"))
                    if ms:
                        return ms
    return []


def _is_gerund(view: View, t: Token) -> bool:
    """ "en bombardant": a gerund, whatever the tagger says."""
    lex = view.ctx.lex
    return key(t.text).endswith(tuple(lex.map("gerund_to_infinitive"))) and any(
        key(c.text) in lex.set("gerund_marks") for c in t.children if c.dep_ in ("case", "mark")
    )


def takes_agent(view: View, t: Token) -> bool:
    """ "par X" names the agent of a passive, a participle or a noun ("la reprise par X"), not of an
    active verb ("a débuté par des tirs")."""
    if t.pos_ in ("NOUN", "PROPN") or passive_voice(view, t):
        return True
    return t.dep_ in ("acl", "amod") and "Part" in t.morph.get("VerbForm")


def _other_participle(view: View, t: Token, c: Token) -> bool:
    """ "l'attaque, démentie par le gouvernement": a "par X" the parser hung on a noun belongs to the
    participle just before it, when that participle does not conduct the action."""
    if t.pos_ not in ("NOUN", "PROPN") or c.i < t.i:
        return False
    lex = view.ctx.lex
    doers = lex.set("conduct_verbs") | lex.set("claim_verbs") | lex.set("support_verbs")
    for p in reversed(t.doc[t.i + 1 : c.i]):
        if "Part" in p.morph.get("VerbForm") or p.pos_ == "VERB":
            return view.ctx.lemma(p) not in doers
    return False


def _nominal_tokens(t: Token) -> Iterable[Token]:
    """The complements of ``t`` and of its noun phrases, not entering other clauses."""
    for c in t.children:
        if c.dep_ not in CLAUSE_DEPS:
            yield c
            yield from _nominal_tokens(c)


def _opposed(view: View, v: Token, zone: frozenset[int]) -> list[Mention]:
    """ "des combats opposant l'armée aux rebelles", "qui oppose X à Y": both sides act."""
    to, classes = view.ctx.lex.set("to_prepositions"), role_classes("agent_classes")
    out: list[Mention] = []
    for c in v.children:
        if c.i in zone:
            continue
        if c.dep_ == "obj":
            out.extend(members(view, c, classes))
            for x in _nominal_tokens(c):
                if x.dep_ in OBLIQUE_DEPS and case_words(x) & to:
                    out.extend(members(view, x, classes))
        elif c.dep_ in OBLIQUE_DEPS and case_words(c) & to:
            out.extend(members(view, c, classes))
    return list(dict.fromkeys(out))


def _attributed_to(view: View, v: Token, zone: frozenset[int]) -> list[Mention]:
    """ "X impute l'attaque aux forces de Y", "un attentat attribué par Ankara à l'EI": Y acted."""
    to, classes = view.ctx.lex.set("to_prepositions"), role_classes("agent_classes")
    out: list[Mention] = []
    for x in _nominal_tokens(v):
        if x.i not in zone and x.dep_ in OBLIQUE_DEPS and case_words(x) & to:
            out.extend(members(view, x, classes))
    return list(dict.fromkeys(out))


def _stranded_complements(t: Token) -> list[Token]:
    """The "de X" right after a noun cue that the parser hung on the noun before it ("le soutien des
    frappes de l'aviation russe": "de l'aviation russe" on "soutien"): the cue's own complement."""
    if t.pos_ != "NOUN" or t.dep_ != "nmod" or t.head.pos_ != "NOUN" or t.head.i > t.i:
        return []
    return [c for c in t.head.children if c.dep_ == "nmod" and c.i > t.i and c.left_edge.i == t.right_edge.i + 1]


def _complement_agents(view: View, tr: Trigger, t: Token, zone: frozenset[int], gerund: bool,
                       speakers: Sequence[Mention]) -> list[Mention]:
    """Agents among the complements of ``t``: "par X", an active subject, "l'offensive de X",
    "entre X et Y", "opposer X à Y"."""
    lex = view.ctx.lex
    classes = role_classes("agent_classes")
    if view.ctx.lemma(t) in lex.set("opposing_verbs"):
        return _opposed(view, t, zone)
    if is_loss(view, t):
        return []  # "les rebelles ont perdu X": the loser is the target
    passive = passive_voice(view, t)
    by = takes_agent(view, t)
    out: list[Mention] = []
    for c in [*t.children, *_stranded_complements(t)]:
        if c.i in zone:
            continue
        cases = case_words(c)
        if (c.dep_ == "obl:agent" or (by and c.dep_ in OBLIQUE_DEPS and cases & lex.set("agent_prepositions"))) \
                and not _other_participle(view, t, c):
            out.extend(members(view, c, classes))
        elif c.dep_ in OBLIQUE_DEPS and cases & lex.set("party_prepositions"):
            out.extend(between_parties(view, c, classes))  # "des combats entre l'armée et les rebelles"
        elif c.dep_ in ("nsubj", "nsubj:pass") and not passive:
            out.extend(subject_actor(view, c, classes, speakers))
        elif (
            t.pos_ in ("NOUN", "PROPN", "ADV", "NUM")
            and not gerund
            and c.dep_ == "nmod"
            and cases & lex.set("of_prepositions")
            and not ((m := view.mention_of(c)) is not None and m.kind == "place")
        ):
            if not type_rules()[tr.type].noun_complement_is_place:
                out.extend(view.actor_in_subtree(c, classes))
            elif m is not None and m.kind == "actor" and m.cls in classes:
                out.extend(members(view, c, classes))  # "l'entrée de l'armée dans X": not the place
    return out


def noun_modifiers(t: Token) -> list[Token]:
    """The clauses qualifying a noun ("l'assaut lancé par …"), and those of the noun it is the
    subject of in a copular sentence ("la bataille est un épisode qui oppose …")."""
    parts = [t]
    doc = t.doc
    while parts[-1].i + 2 < len(doc) and doc[parts[-1].i + 1].text == "-" and not parts[-1].whitespace_ \
            and not doc[parts[-1].i + 1].whitespace_:
        parts.append(doc[parts[-1].i + 2])  # "un attentat-suicide attribué à …": the parser may hang it on "suicide"
    mods = [c for p in parts for c in p.children if c.dep_ in ("acl", "acl:relcl")]
    h = t.head
    if t.dep_ == "nsubj" and h.pos_ == "NOUN" and any(c.dep_ == "cop" for c in h.children):
        mods += [c for c in h.children if c.dep_ in ("acl", "acl:relcl")]
    return mods


def modifier_agents(view: View, t: Token, zone: frozenset[int], speakers: Sequence[Mention]) -> list[Mention]:
    """A noun cue's qualifying clause: "l'assaut lancé par l'armée", "l'offensive que l'armée a
    lancée", "la bataille qui oppose X à Y", "un attentat attribué à X", "un accord conclu entre X et Y"."""
    if t.pos_ not in ("NOUN", "PROPN"):
        return []
    ctx, lex = view.ctx, view.ctx.lex
    classes = role_classes("agent_classes")
    doers = lex.set("conduct_verbs") | lex.set("claim_verbs") | lex.set("support_verbs")
    others = (lex.set("report_verbs") | lex.set("commentary_verbs") | lex.set("denial_verbs")
              | lex.set("irrealis_verbs") | lex.set("loss_verbs"))
    for v in noun_modifiers(t):
        # a clause on the noun is not the sentence's attribution, even with a verb that may report
        # ("la trêve conclue entre X et Y", "l'attentat revendiqué par X")
        lemma = ctx.lemma(v)
        if lemma in lex.set("opposing_verbs"):
            out = _opposed(view, v, frozenset())
        elif lemma in lex.set("attribution_verbs"):
            out = _attributed_to(view, v, frozenset())
        elif lemma in doers or (any(c.dep_ == "obl:agent" for c in v.children) and lemma not in others):
            out = []
            for c in v.children:
                cases = case_words(c)
                if cases & lex.set("party_prepositions"):
                    out.extend(between_parties(view, c, classes))  # "un accord conclu entre X et Y"
                elif c.dep_ == "obl:agent" or (c.dep_ in OBLIQUE_DEPS and cases & lex.set("agent_prepositions")):
                    out.extend(members(view, c, classes))
                elif c.dep_ in OBLIQUE_DEPS and cases & lex.set("with_prepositions"):
                    out.extend(members(view, c, classes))  # "un accord négocié avec X"
                elif c.dep_ == "nsubj" and not is_relative(c):
                    out.extend(subject_actor(view, c, classes, speakers))  # "l'offensive que l'armée a lancée"
        else:
            continue
        if out:
            return list(dict.fromkeys(out))
    return []


def _governor_agents(view: View, t: Token, zone: frozenset[int], speakers: Sequence[Mention]) -> list[Mention]:
    """A noun cue governed by a claim ("l'attentat a été revendiqué par X", "X a revendiqué
    l'attentat"), an attribution ("X impute l'attaque à Y") or a noun with its own agent ("le
    lancement par X d'une opération")."""
    if t.pos_ not in ("NOUN", "PROPN") or t.head.i == t.i:
        return []
    ctx, lex = view.ctx, view.ctx.lex
    classes = role_classes("agent_classes")
    h = t.head
    lemma = ctx.lemma(h)
    out: list[Mention] = []
    if lemma in lex.set("claim_verbs"):
        for c in h.children:  # the claimer acted: not a source, even in the attribution zone
            if t.dep_ == "nsubj:pass" and (c.dep_ == "obl:agent" or case_words(c) & lex.set("agent_prepositions")):
                out.extend(members(view, c, classes))
            elif t.dep_ == "obj" and c.dep_ == "nsubj":
                out.extend(subject_actor(view, c, classes, speakers))
    elif lemma in lex.set("attribution_verbs") and t.dep_ in ("obj", "nsubj:pass"):
        out = _attributed_to(view, h, zone)
    elif h.pos_ == "NOUN" and t.dep_ == "nmod" and case_words(t) & lex.set("of_prepositions"):
        for c in h.children:
            if c.i not in zone and c.dep_ in OBLIQUE_DEPS and case_words(c) & lex.set("agent_prepositions"):
                out.extend(members(view, c, classes))
    return list(dict.fromkeys(out))


def _shared_subject(view: View, t: Token, zone: frozenset[int], speakers: Sequence[Mention]) -> list[Mention]:
    """Participial and coordinated clauses share the subject of their head ("s'emparant", "et ont
    pris"); the clause of an object-control verb has its object for subject ("accuse les rebelles
    d'avoir mené …"), an infinitive hanging on an actor has that actor ("les rebelles d'avoir mené")."""
    ctx = view.ctx
    classes = role_classes("agent_classes")
    h = t.head
    if ctx.lemma(t) in ctx.lex.set("death_lemmas"):
        return []  # "… figurent 56 civils tués par des frappes": the subject is the victim
    marked = any(c.dep_ == "mark" for c in t.children)
    if t.dep_ == "acl" and marked and h.pos_ in ("NOUN", "PROPN"):
        ms = members(view, h, classes)
        if ms:
            return ms
    if t.dep_ in ("xcomp", "advcl", "acl") and ctx.lemma(h) in ctx.lex.set("object_control_verbs"):
        objs = [c for c in h.children if c.dep_ == "obj" and c.i not in zone and c.pos_ != "PRON"]
        if objs:
            return members(view, objs[0], classes)
    passive = passive_voice(view, t)
    h_passive = passive_voice(view, h)
    out: list[Mention] = []
    for c in h.children:
        if c.i in zone:
            continue
        if c.dep_ == "nsubj" or (c.dep_ == "nsubj:pass" and (t.dep_ == "xcomp" or not h_passive)) or (
            c.dep_ == "nsubj:pass" and h_passive and t.dep_ == "conj" and not passive
        ):
            out.extend(subject_actor(view, c, classes, speakers))
    return out


def clause_agents(view: View, tr: Trigger, zone: frozenset[int], speakers: Sequence[Mention]) -> list[Mention]:
    ctx = view.ctx
    head = tr.head(ctx)
    cands = [head] if tr.anchor == head.i else [head, tr.anchor_tok(ctx)]
    for t in cands:
        gerund = _is_gerund(view, t)
        out = _complement_agents(view, tr, t, zone, gerund, speakers)
        if out and t.i != head.i and head.dep_ in ("obl", "obl:mod", "nmod"):
            # "les rebelles ont pris X après des raids aériens": the verb's subject may not have done it
            out = plausible(tr.type, out)
        if out:
            return out
        if is_loss(view, t):
            return []
        out = modifier_agents(view, t, zone, speakers) or _governor_agents(view, t, zone, speakers)
        if out:
            return out
        if (t.dep_ in ("conj", "advcl", "xcomp", "acl") and t.pos_ == "VERB") or gerund:
            out = _shared_subject(view, t, zone, speakers)
            if out:
                return out
    return []


def plausible(etype: str, found: Iterable[Mention]) -> list[Mention]:
    """Agents not stated in the cue's own clause, kept when their class can do the action
    (``roles.json`` ``derived_agent_classes``: an air strike is by a state's air force)."""
    allowed = roles_config().get("derived_agent_classes", {}).get(etype)
    return [m for m in found if allowed is None or m.cls in allowed]
