"""Who a phrase names: the actors of a noun phrase and of a subject, for the agent rules.

:func:`members` reads a noun phrase with those coordinated with it ("l'armée et le Hezbollah");
:func:`between_parties` both sides of "entre X et Y"; :func:`subject_actor` the actor a subject
names, a pronoun or "ces forces" pointing back to the last armed actor, a relative pronoun ("…,
qui ont pris") to its antecedent, a quoted "nous" to the speaker's side. Also the small tests the
rules share: :func:`passive_voice`, :func:`is_loss`, the case words of a complement.

Used by :mod:`kg.extract.agent_clauses`, :mod:`kg.extract.agents` and :mod:`kg.extract.targets`;
imports neither of the first two (nor rdflib: extraction knows nothing of RDF).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Token

from kg.extract.affiliations import with_affiliations
from kg.extract.context import View, roles_config
from kg.nlp.lookup import is_pronoun
from kg.schema.records import Mention
from kg.schema.text import key

__all__ = ["OBLIQUE_DEPS", "CLAUSE_DEPS", "role_classes", "case_words", "is_relative", "members",
           "between_parties", "subject_actor", "passive_voice", "is_loss"]

OBLIQUE_DEPS = ("obl", "obl:mod", "obl:arg", "nmod", "iobj")
CLAUSE_DEPS = frozenset({"acl", "acl:relcl", "advcl", "ccomp", "xcomp", "parataxis", "conj", "csubj"})


def role_classes(name: str) -> frozenset[str]:
    return frozenset(roles_config()[name])


def case_words(t: Token) -> set[str]:
    return {key(x.text) for x in t.children if x.dep_ in ("case", "fixed")}


def is_relative(t: Token) -> bool:
    return "Rel" in t.morph.get("PronType")


def _phrase(t: Token) -> Iterable[Token]:
    """The tokens of ``t``'s noun phrase, without the clauses and conjuncts hanging on it."""
    yield t
    for c in t.children:
        if c.dep_ not in CLAUSE_DEPS:
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


def between_parties(view: View, c: Token, classes) -> list[Mention]:
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
    if is_relative(subj) and subj.head.dep_ == "acl:relcl" and subj.head.head.i != subj.head.i:
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
        out = _topic_before(view, subj, role_classes("armed_classes"))
        for c in subj.children:
            if c.dep_ == "conj":
                out += [m for m in members(view, c, classes) if m not in out]  # "ses combattants et ceux de X"
        return out
    if is_pronoun(subj, ctx.lex) or demonstrative:
        # "ces forces" points back past its own sentence ("repris aux rebelles …, ces forces se concentrent")
        before = ctx.sents[ctx.sent_of[subj.i]].start if demonstrative else subj.i
        m = view.last_mention_before(before, role_classes("armed_classes"), window_sents=2)
        if m is None:
            return []
        if "Plur" in subj.morph.get("Number"):
            first = view.tokens_of(m)[0]
            while first.dep_ == "conj" and first.head.i != first.i:
                first = first.head  # "l'armée et le Hezbollah …. Ils ont pris": both
            return members(view, first, classes) or [m]
        return [m]
    return members(view, subj, classes)  # not the clauses on it ("l'attaque, démentie par X, …")


def passive_voice(view: View, t: Token) -> bool:
    """A passive verb ("a été prise par"); not a verb conjugated with "être" ("sont entrés")."""
    marked = any(c.dep_ in ("aux:pass", "nsubj:pass") for c in t.children) or "Pass" in t.morph.get("Voice")
    reflexive = any("Yes" in c.morph.get("Reflex") for c in t.children)  # "se sont retirés": active
    return marked and not reflexive and not {view.ctx.lemma(t), key(t.lemma_)} & view.ctx.lex.set("etre_verbs")


def is_loss(view: View, t: Token) -> bool:
    """ "perdre", "la perte de": the subject (or "par X") lost the place; it did not take it."""
    lex = view.ctx.lex
    return view.ctx.lemma(t) in lex.set("loss_verbs") | lex.set("loss_nouns")
