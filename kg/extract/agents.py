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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Token

from kg.extract.affiliations import with_affiliations
from kg.extract.camps import camp
from kg.extract.clauses import Trigger, sentence_triggers
from kg.extract.context import View, roles_config
from kg.extract.types import type_rules
from kg.nlp.lookup import is_pronoun
from kg.schema.records import Mention
from kg.schema.text import key

__all__ = ["agents", "agents_by_context", "subject_actor", "civilian_subject", "members", "plausible", "is_loss",
           "sentence_agents", "type_agents", "agreement_parties", "is_claim"]

_OBLIQUE = ("obl", "obl:mod", "obl:arg", "nmod", "iobj")
_CLAUSE_DEPS = frozenset({"acl", "acl:relcl", "advcl", "ccomp", "xcomp", "parataxis", "conj", "csubj"})


def _classes(name: str) -> frozenset[str]:
    return frozenset(roles_config()[name])


def _cases(t: Token) -> set[str]:
    return {key(x.text) for x in t.children if x.dep_ in ("case", "fixed")}


def _is_relative(t: Token) -> bool:
    return "Rel" in t.morph.get("PronType")


def _phrase(t: Token) -> Iterable[Token]:
    """The tokens of ``t``'s noun phrase, without the clauses and conjuncts hanging on it."""
    yield t
    for c in t.children:
        if c.dep_ not in _CLAUSE_DEPS:
            yield from _phrase(c)


def members(view: View, tok: Token, classes) -> list[Mention]:
    """The actors a noun phrase names, with those coordinated with it ("l'armée et le Hezbollah";
    the "et" may hang on a word inside a name: "les forces du régime et le Hezbollah")."""
    out: list[Mention] = []
    todo, seen = [tok], set()
    while todo:
        t = todo.pop(0)
        if t.i in seen:
            continue
        seen.add(t.i)
        m = view.mention_of(t)
        if m is None or m.kind != "actor" or m.cls not in classes:
            m = next((x for x in (view.mention_of(p) for p in _phrase(t)) if x is not None and x.kind == "actor"
                      and x.cls in classes), None)
        if m is not None and m not in out:
            out.append(m)
        inner = list(view.tokens_of(m)) if m is not None else []
        for x in [t, *inner]:
            todo.extend(c for c in x.children if c.dep_ == "conj")
    return out


def _between(view: View, c: Token, classes) -> list[Mention]:
    """ "entre X et Y": both parties, even when the parser hangs "et Y" elsewhere."""
    out = members(view, c, classes)
    if len(out) == 1:
        last = max(t.i for m in out for t in view.tokens_of(m) or (c,))
        for t in c.doc[last + 1 : last + 8]:
            if t.dep_ == "conj":
                out.extend(m for m in members(view, t, classes) if m not in out)
                break
    return out


def _topic_before(view: View, tok: Token, classes) -> list[Mention]:
    """What a possessive or "le groupe" points back to: an armed subject before it in its sentence,
    else the topic of the sentence before (the armed subject of its main verb, of another verb, or
    the first armed actor it names), else the armed actor named last."""
    ctx = view.ctx
    si = ctx.sent_of[tok.i]
    before = [m for t in ctx.sents[si] if t.i < tok.i and t.dep_ in ("nsubj", "nsubj:pass")
              for m in members(view, t, classes)]
    if before:
        return before[-1:]  # "l'EI a annoncé que ses combattants …"
    if si > 0:
        sent = ctx.sents[si - 1]
        root = sent.root

        def named(t: Token) -> Mention | None:
            m = view.mention_of(t)
            return m if m is not None and m.kind == "actor" and m.cls in classes else None

        subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubj:pass")]
        # the name just before the main verb ("…, Jaych al-Islam accepte …") even when the parser missed it
        subjects += [t for t in ctx.doc[max(sent.start, root.i - 3) : root.i] if named(t) is not None][-1:]
        subjects += [t for t in sent if t.dep_ in ("nsubj", "nsubj:pass") and t not in subjects]
        for c in subjects:
            if (m := named(c)) is not None:
                return [m]
        first = [m for m in view.mentions_in(range(sent.start, sent.end), "actor") if m.cls in classes]
        if first:
            return first[:1]
    m = view.last_mention_before(tok.i, classes, window_sents=2)
    return [m] if m is not None else []


def _speaker_side(view: View, speakers: Sequence[Mention], classes) -> list[Mention]:
    """The group of the people speaking (a quoted "nous"): an armed source, or a person's group."""
    return [m for m in with_affiliations(view, tuple(speakers)) if m.cls in classes and m.cls != "Person"]


def _first_person(view: View, subj: Token) -> bool:
    """ "nous", "nos combattants": the speaker's side."""
    words = view.ctx.lex.set("first_person_plural")
    return key(subj.text) in words or any(key(c.text) in words for c in subj.children if c.dep_ == "det")


def subject_actor(view: View, subj: Token, classes, speakers: Sequence[Mention] = ()) -> list[Mention]:
    """The actor a subject names; a pronoun ("elle a lancé …") or a demonstrative ("ces forces") is
    the last armed actor named before it (or the agents of the latest events); a relative pronoun
    ("…, qui ont pris") is its antecedent; a quoted "nous" is the speaker's side."""
    ctx = view.ctx
    if _is_relative(subj) and subj.head.dep_ == "acl:relcl" and subj.head.head.i != subj.head.i:
        antecedent = subj.head.head
        while antecedent.dep_ == "conj" and antecedent.head.i != antecedent.i:
            antecedent = antecedent.head  # "l'armée et le Hezbollah, qui …": the clause may hang on the last
        return members(view, antecedent, classes)
    if speakers and _first_person(view, subj):
        return _speaker_side(view, speakers, classes)
    lex = ctx.lex
    dets = {key(c.text) for c in subj.children if c.dep_ == "det"}
    fighters = view.mention_of(subj) is None and ctx.lemma(subj) in lex.set("fighter_nouns")
    demonstrative = fighters and bool(dets & lex.set("demonstratives"))
    recent = view.st.recent_agents
    if demonstrative and recent and ctx.sent_of[subj.i] - recent[0] <= 2:
        return list(recent[1])  # "ces forces": the actors of the latest events
    if fighters and (dets & lex.set("possessive_determiners") or (
            dets & lex.set("definite_determiners") and ctx.lemma(subj) in lex.set("group_nouns"))):
        # "ses combattants", "le groupe": the armed actor the text is about
        out = _topic_before(view, subj, _classes("armed_classes"))
        for c in subj.children:
            if c.dep_ == "conj":
                out += [m for m in members(view, c, classes) if m not in out]  # "ses combattants et ceux de X"
        return out
    if is_pronoun(subj, ctx.lex) or demonstrative:
        # "ces forces" points back past its own sentence ("repris aux rebelles …, ces forces se concentrent")
        before = ctx.sents[ctx.sent_of[subj.i]].start if demonstrative else subj.i
        m = view.last_mention_before(before, _classes("armed_classes"), window_sents=2)
        if m is None:
            return []
        if "Plur" in subj.morph.get("Number"):
            first = view.tokens_of(m)[0]
            while first.dep_ == "conj" and first.head.i != first.i:
                first = first.head  # "l'armée et le Hezbollah …. Ils ont pris": both
            return members(view, first, classes) or [m]
        return [m]
    return members(view, subj, classes)  # not the clauses on it ("l'attaque, démentie par X, …")


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


def passive_voice(view: View, t: Token) -> bool:
    """A passive verb ("a été prise par"); not a verb conjugated with "être" ("sont entrés")."""
    marked = any(c.dep_ in ("aux:pass", "nsubj:pass") for c in t.children) or "Pass" in t.morph.get("Voice")
    reflexive = any("Yes" in c.morph.get("Reflex") for c in t.children)  # "se sont retirés": active
    return marked and not reflexive and not {view.ctx.lemma(t), key(t.lemma_)} & view.ctx.lex.set("etre_verbs")


def _takes_agent(view: View, t: Token) -> bool:
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


def is_loss(view: View, t: Token) -> bool:
    """ "perdre", "la perte de": the subject (or "par X") lost the place; it did not take it."""
    lex = view.ctx.lex
    return view.ctx.lemma(t) in lex.set("loss_verbs") | lex.set("loss_nouns")


def _nominal_tokens(t: Token) -> Iterable[Token]:
    """The complements of ``t`` and of its noun phrases, not entering other clauses."""
    for c in t.children:
        if c.dep_ not in _CLAUSE_DEPS:
            yield c
            yield from _nominal_tokens(c)


def _opposed(view: View, v: Token, zone: frozenset[int]) -> list[Mention]:
    """ "des combats opposant l'armée aux rebelles", "qui oppose X à Y": both sides act."""
    to, classes = view.ctx.lex.set("to_prepositions"), _classes("agent_classes")
    out: list[Mention] = []
    for c in v.children:
        if c.i in zone:
            continue
        if c.dep_ == "obj":
            out.extend(members(view, c, classes))
            for x in _nominal_tokens(c):
                if x.dep_ in _OBLIQUE and _cases(x) & to:
                    out.extend(members(view, x, classes))
        elif c.dep_ in _OBLIQUE and _cases(c) & to:
            out.extend(members(view, c, classes))
    return list(dict.fromkeys(out))


def _attributed_to(view: View, v: Token, zone: frozenset[int]) -> list[Mention]:
    """ "X impute l'attaque aux forces de Y", "un attentat attribué par Ankara à l'EI": Y acted."""
    to, classes = view.ctx.lex.set("to_prepositions"), _classes("agent_classes")
    out: list[Mention] = []
    for x in _nominal_tokens(v):
        if x.i not in zone and x.dep_ in _OBLIQUE and _cases(x) & to:
            out.extend(members(view, x, classes))
    return list(dict.fromkeys(out))


def _complement_agents(view: View, tr: Trigger, t: Token, zone: frozenset[int], gerund: bool,
                       speakers: Sequence[Mention]) -> list[Mention]:
    """Agents among the complements of ``t``: "par X", an active subject, "l'offensive de X",
    "entre X et Y", "opposer X à Y"."""
    lex = view.ctx.lex
    classes = _classes("agent_classes")
    if view.ctx.lemma(t) in lex.set("opposing_verbs"):
        return _opposed(view, t, zone)
    if is_loss(view, t):
        return []  # "les rebelles ont perdu X": the loser is the target
    passive = passive_voice(view, t)
    by = _takes_agent(view, t)
    out: list[Mention] = []
    for c in t.children:
        if c.i in zone:
            continue
        cases = _cases(c)
        if (c.dep_ == "obl:agent" or (by and c.dep_ in _OBLIQUE and cases & lex.set("agent_prepositions"))) \
                and not _other_participle(view, t, c):
            out.extend(members(view, c, classes))
        elif c.dep_ in _OBLIQUE and cases & lex.set("party_prepositions"):
            out.extend(_between(view, c, classes))  # "des combats entre l'armée et les rebelles"
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


def _modifiers(t: Token) -> list[Token]:
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


def _modifier_agents(view: View, t: Token, zone: frozenset[int], speakers: Sequence[Mention]) -> list[Mention]:
    """A noun cue's qualifying clause: "l'assaut lancé par l'armée", "l'offensive que l'armée a
    lancée", "la bataille qui oppose X à Y", "un attentat attribué à X", "un accord conclu entre X et Y"."""
    if t.pos_ not in ("NOUN", "PROPN"):
        return []
    ctx, lex = view.ctx, view.ctx.lex
    classes = _classes("agent_classes")
    doers = lex.set("conduct_verbs") | lex.set("claim_verbs") | lex.set("support_verbs")
    others = (lex.set("report_verbs") | lex.set("commentary_verbs") | lex.set("denial_verbs")
              | lex.set("irrealis_verbs") | lex.set("loss_verbs"))
    for v in _modifiers(t):
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
                cases = _cases(c)
                if cases & lex.set("party_prepositions"):
                    out.extend(_between(view, c, classes))  # "un accord conclu entre X et Y"
                elif c.dep_ == "obl:agent" or (c.dep_ in _OBLIQUE and cases & lex.set("agent_prepositions")):
                    out.extend(members(view, c, classes))
                elif c.dep_ in _OBLIQUE and cases & lex.set("with_prepositions"):
                    out.extend(members(view, c, classes))  # "un accord négocié avec X"
                elif c.dep_ == "nsubj" and not _is_relative(c):
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
    classes = _classes("agent_classes")
    h = t.head
    lemma = ctx.lemma(h)
    out: list[Mention] = []
    if lemma in lex.set("claim_verbs"):
        for c in h.children:  # the claimer acted: not a source, even in the attribution zone
            if t.dep_ == "nsubj:pass" and (c.dep_ == "obl:agent" or _cases(c) & lex.set("agent_prepositions")):
                out.extend(members(view, c, classes))
            elif t.dep_ == "obj" and c.dep_ == "nsubj":
                out.extend(subject_actor(view, c, classes, speakers))
    elif lemma in lex.set("attribution_verbs") and t.dep_ in ("obj", "nsubj:pass"):
        out = _attributed_to(view, h, zone)
    elif h.pos_ == "NOUN" and t.dep_ == "nmod" and _cases(t) & lex.set("of_prepositions"):
        for c in h.children:
            if c.i not in zone and c.dep_ in _OBLIQUE and _cases(c) & lex.set("agent_prepositions"):
                out.extend(members(view, c, classes))
    return list(dict.fromkeys(out))


def _shared_subject(view: View, t: Token, zone: frozenset[int], speakers: Sequence[Mention]) -> list[Mention]:
    """Participial and coordinated clauses share the subject of their head ("s'emparant", "et ont
    pris"); the clause of an object-control verb has its object for subject ("accuse les rebelles
    d'avoir mené …"), an infinitive hanging on an actor has that actor ("les rebelles d'avoir mené")."""
    ctx = view.ctx
    classes = _classes("agent_classes")
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


def _clause_agents(view: View, tr: Trigger, zone: frozenset[int], speakers: Sequence[Mention]) -> list[Mention]:
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
        out = _modifier_agents(view, t, zone, speakers) or _governor_agents(view, t, zone, speakers)
        if out:
            return out
        if (t.dep_ in ("conj", "advcl", "xcomp", "acl") and t.pos_ == "VERB") or gerund:
            out = _shared_subject(view, t, zone, speakers)
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
    out = _hands_of(view, tr)
    if out:
        return out, None
    out = _clause_agents(view, tr, zone, speakers) or agreement_parties(view, tr, zone, speakers)
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
    return governed or any(ctx.lemma(v) in verbs for v in _modifiers(t))


def plausible(etype: str, found: Iterable[Mention]) -> list[Mention]:
    """Agents not stated in the cue's own clause, kept when their class can do the action
    (``roles.json`` ``derived_agent_classes``: an air strike is by a state's air force)."""
    allowed = roles_config().get("derived_agent_classes", {}).get(etype)
    return [m for m in found if allowed is None or m.cls in allowed]


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
                ms = members(view, c, _classes("agent_classes"))  # not the clauses on it ("…, démentie par X,")
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
    armed = _classes("armed_classes")
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
    classes = _classes("agent_classes")
    cands: list[tuple[int, list[Mention], tuple[int, ...]]] = []
    for o in sentence_triggers(ctx, si, zone):
        if o.head_i != tr.head_i and o.anchor != tr.anchor and not o.irrealis and o.type in kinds:
            found, adopted = agents(view, o, zone, speakers)
            if found:
                cands.append((abs(o.head_i - tr.head_i), found, adopted))
    s = ctx.sents[si]
    for t in s:
        if t.i in zone or ctx.lemma(t) not in ctx.lex.set("killing_lemmas") or not _takes_agent(view, t):
            continue
        for c in t.children:
            if c.i not in zone and (c.dep_ == "obl:agent" or _cases(c) & ctx.lex.set("agent_prepositions")):
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
    classes = _classes("agent_classes")
    for i in sorted(tr.scope):
        t = ctx.doc[i]
        if i == tr.head_i or ctx.lemma(t) not in lex.set("agreement_nouns"):
            continue
        # "conclure" also reports ("a conclu l'enquêteur"): an agreement's verb is not an attribution zone
        out = _modifier_agents(view, t, frozenset(), speakers)
        if not out:
            out = [m for c in t.children if _cases(c) & lex.set("party_prepositions") for m in _between(view, c, classes)]
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
