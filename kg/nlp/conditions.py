"""Conditions on a cue that a pattern cannot express, registered by name.

An event pattern may say ``"needs": "kg.needs.place_arg.v1"``: the cue counts only when that
function, looked up in spaCy's ``registry.misc``, returns True for the cue's token. Each is a
small function of the token and a :class:`CueContext`; versioned names let the data and the
code change apart (a pattern file naming an unknown condition fails its schema test).

>>> {"kg.needs.in_action.v1", "kg.needs.place_arg.v1"} <= set(registry.misc.get_all())
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Token
from spacy.util import registry

from kg.lang.fr import Lexicon
from kg.nlp.tokens import lemma_key
from kg.schema.taxonomy import ACTOR_CLASSES
from kg.schema.text import key

__all__ = ["CueContext", "Condition", "condition", "arg_tokens", "is_place_token", "CONDITION_PREFIX"]

CONDITION_PREFIX = "kg.needs."
#: Dependencies of a cue's arguments (the parser also hangs names it slips on as advmod/dep/appos after it).
_ARG_DEPS = frozenset({"obj", "obl", "obl:arg", "obl:mod", "nmod", "nsubj:pass", "iobj", "xcomp", "acl"})
_SLIP_DEPS = frozenset({"advmod", "dep", "appos", "flat:name"})
_ORGANISATIONS = frozenset({"Organization", "GovernmentBody", "MediaOutlet"})


@dataclass(frozen=True)
class CueContext:
    """What a condition may consult besides the token: the lexicon and the one-word cue lemmas."""

    lexicon: Lexicon
    cue_lemmas: frozenset[str]


Condition = Callable[[Token, CueContext], bool]


def condition(name: str) -> Condition:
    """The registered condition ``name`` (raises ``catalogue.RegistryError`` if there is none)."""
    return registry.misc.get(name)


def is_place_token(tok: Token) -> bool:
    """The token is part of a place entity of ``doc.ents``."""
    return bool(tok.ent_type_) and tok.ent_type_ not in ACTOR_CLASSES


def arg_tokens(tok: Token) -> list[Token]:
    """The cue's arguments: the subtrees of its complements (and the noun a participle qualifies)."""
    args = []
    for c in tok.children:
        if c.dep_ in _ARG_DEPS or (c.i > tok.i and c.dep_ in _SLIP_DEPS):
            args.extend(c.subtree)
    if tok.dep_ in ("amod", "acl") and tok.head.pos_ in ("NOUN", "PROPN"):
        args.append(tok.head)  # "prisonniers libérés"
    if tok.dep_ == "advcl" and tok.i < tok.head.i:
        # "Conquise en mars par les rebelles, la ville …": a fronted participle's subject is the clause's
        args.extend(x for c in tok.head.children if c.dep_ in ("nsubj", "nsubj:pass") for x in c.subtree)
    return args


def _place_like(t: Token, ctx: CueContext) -> bool:
    return is_place_token(t) or lemma_key(t) in ctx.lexicon.set("place_nouns")


@registry.misc("kg.needs.place_arg.v1")
def place_arg(tok: Token, ctx: CueContext) -> bool:
    """A place, or a place noun (ville, quartier…), among the cue's arguments ("prendre Alep")."""
    return any(_place_like(t, ctx) for t in arg_tokens(tok))


@registry.misc("kg.needs.prisoners.v1")
def prisoners(tok: Token, ctx: CueContext) -> bool:
    """A prisoner noun among the cue's arguments ("libérer des détenus")."""
    return any(lemma_key(t) in ctx.lexicon.set("prisoner_nouns") for t in arg_tokens(tok))


@registry.misc("kg.needs.into_place.v1")
def into_place(tok: Token, ctx: CueContext) -> bool:
    """A complement "dans/en/à" + a place ("entrés dans la ville"), or the place clitic "y" ("ils y
    sont entrés") — not "les entrées de la ville"."""
    into = ctx.lexicon.set("into_prepositions")
    for c in tok.children:
        case = {key(x.text) for x in c.children if x.dep_ == "case"}
        if case & into and any(_place_like(t, ctx) for t in c.subtree):
            return True
        if c.i < tok.i and key(c.text) in ctx.lexicon.set("place_pronouns"):
            return True
    return False


@registry.misc("kg.needs.in_action.v1")
def in_action(tok: Token, ctx: CueContext) -> bool:
    """A weapon noun that acts: subject or agent of a verb ("l'aviation a bombardé"), an instrument
    ("attaqué au mortier", "à coups de roquettes", "tirs d'artillerie"), fired ("des roquettes tirées
    sur le marché") or used ("a utilisé des hélicoptères"), or inside another cue's noun phrase
    ("obus de mortier")."""
    if tok.dep_ in ("nsubj", "nsubj:pass", "obl:agent") or any(
        key(c.text) in ctx.lexicon.set("instrument_prepositions") for c in tok.children if c.dep_ == "case"
    ):
        return True
    if any(c.dep_ in ("acl", "amod") and lemma_key(c) in ctx.lexicon.set("firing_verbs") for c in tok.children):
        return True
    if tok.dep_ == "obj" and lemma_key(tok.head) in ctx.lexicon.set("use_verbs"):
        return True  # "l'armée a utilisé des avions de combat"
    h = tok.head
    if tok.dep_ == "conj" and h.head.i != h.i:
        h = h.head  # "à coups de barils et de roquettes": the second weapon hangs where the first does
    if h.i != tok.i and lemma_key(h) in ctx.lexicon.set("instrument_heads"):
        return True
    return h.i != tok.i and lemma_key(h) in ctx.cue_lemmas and h.pos_ != "VERB"


@registry.misc("kg.needs.not_stative.v1")
def not_stative(tok: Token, ctx: CueContext) -> bool:
    """Not a state in the present passive ("nos forces sont déployées autour de la ville")."""
    return not any(c.dep_ == "aux:pass" and "Pres" in c.morph.get("Tense") for c in tok.children)


@registry.misc("kg.needs.reflexive.v1")
def reflexive(tok: Token, ctx: CueContext) -> bool:
    """The verb is reflexive ("se retirer"), not transitive ("retirer sa candidature")."""
    return any(key(c.text) in ctx.lexicon.set("reflexive_pronouns") for c in tok.children)


@registry.misc("kg.needs.not_org.v1")
def not_org(tok: Token, ctx: CueContext) -> bool:
    """Not followed by an organisation ("le siège de l'ONU" is a building, not a siege)."""
    return not any(t.ent_type_ in _ORGANISATIONS for t in tok.doc[tok.i + 1 : tok.i + 4])


@registry.misc("kg.needs.not_handled.v1")
def not_handled(tok: Token, ctx: CueContext) -> bool:
    """A weapon or aircraft not named as a thing handled: not the object (or the quantity's
    complement) of a verb that moves, sells, owns or destroys it ("a déployé une trentaine d'avions
    de combat", "a abattu un avion de combat")."""
    t = tok
    for _ in range(3):
        if t.dep_ in ("obj", "nsubj:pass") and lemma_key(t.head) in ctx.lexicon.set("handling_verbs"):
            return False
        if t.dep_ != "nmod" or t.head.pos_ != "NOUN":
            return True
        t = t.head
    return True


@registry.misc("kg.needs.not_idiom.v1")
def not_idiom(tok: Token, ctx: CueContext) -> bool:
    """Not a fixed expression of the verb ("entrer en vigueur", "entrer en contact")."""
    idioms = ctx.lexicon.set("entry_idioms")
    return not any(lemma_key(c) in idioms for c in tok.children if c.dep_.startswith(("obl", "obj", "advmod", "nmod")))


@registry.misc("kg.needs.military.v1")
def military(tok: Token, ctx: CueContext) -> bool:
    """A military operation or campaign: a military adjective, or "contre" someone ("une opération contre l'EI")."""
    against = ctx.lexicon.word("against_word")
    return any(lemma_key(c) in ctx.lexicon.set("military_adjectives") for c in tok.children if c.dep_ == "amod") or any(
        key(x.text) == against for c in tok.children for x in c.children if x.dep_ == "case"
    )


@registry.misc("kg.needs.agreement.v1")
def agreement(tok: Token, ctx: CueContext) -> bool:
    """An agreement between parties ("un accord conclu entre"), not "d'accord"."""
    prev = tok.doc[tok.i - 1] if tok.i > 0 else None
    if prev is not None and key(prev.text) in ctx.lexicon.set("preposition_of") and prev.dep_ != "det":
        return False
    return any(c.dep_ == "det" for c in tok.children)


@registry.misc("kg.needs.not_building.v1")
def not_building(tok: Token, ctx: CueContext) -> bool:
    """Not the seat of an institution ("le siège du gouvernorat", "le siège de l'ONU")."""
    institutions = ctx.lexicon.set("institution_nouns")
    nxt = tok.doc[tok.i + 1 : tok.i + 4]
    return not any(t.ent_type_ in _ORGANISATIONS or lemma_key(t) in institutions for t in nxt)


@registry.misc("kg.needs.not_demining.v1")
def not_demining(tok: Token, ctx: CueContext) -> bool:
    """Not clearing mines ("nettoyer la zone des mines")."""
    return not any(lemma_key(t) in ctx.lexicon.set("demining_nouns") for t in arg_tokens(tok))


@registry.misc("kg.needs.place_object.v1")
def place_object(tok: Token, ctx: CueContext) -> bool:
    """The direct object is a place or a place noun ("l'armée a évacué la base")."""
    return any(c.dep_ == "obj" and _place_like(c, ctx) for c in tok.children)


@registry.misc("kg.needs.intransitive.v1")
def intransitive(tok: Token, ctx: CueContext) -> bool:
    """A movement with no object ("les troupes avancent"), not "avancer un chiffre"."""
    return not any(c.dep_ == "obj" and not _place_like(c, ctx) for c in tok.children)


@registry.misc("kg.needs.place_subject.v1")
def place_subject(tok: Token, ctx: CueContext) -> bool:
    """The subject is a place or a place noun ("le village tombe samedi", "Alep est tombée")."""
    return any(c.dep_ in ("nsubj", "nsubj:pass") and _place_like(c, ctx) for c in tok.children)
