"""Token-level look-ups shared by the rule components and extraction: which entity a token is
part of, the actor a phrase names, pronouns."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol, TypeVar

from spacy.tokens import Doc, Span, Token

from kg.lang.fr import Lexicon
from kg.schema.taxonomy import ACTOR_CLASSES
from kg.schema.text import key

__all__ = ["Named", "actor_in_subtree", "entity_index", "is_pronoun", "sentences", "subtree_ids"]


class Named(Protocol):
    """What a look-up returns for a token: an entity with a kind and a class."""

    @property
    def kind(self) -> str: ...

    @property
    def cls(self) -> str: ...


N = TypeVar("N", bound=Named)


class EntitySpan:
    """A ``doc.ents`` span seen as :class:`Named` (``kind`` from its label)."""

    __slots__ = ("span",)

    def __init__(self, span: Span):
        self.span = span

    @property
    def kind(self) -> str:
        return "actor" if self.span.label_ in ACTOR_CLASSES else "place"

    @property
    def cls(self) -> str:
        return self.span.label_

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EntitySpan) and (self.span.start, self.span.end) == (other.span.start, other.span.end)

    def __hash__(self) -> int:
        return hash((self.span.start, self.span.end))


def entity_index(doc: Doc) -> dict[int, EntitySpan]:
    """Token index -> the ``doc.ents`` entity it is part of."""
    out: dict[int, EntitySpan] = {}
    for ent in doc.ents:
        e = EntitySpan(ent)
        for i in range(ent.start, ent.end):
            out[i] = e
    return out


def sentences(doc: Doc) -> list[Span]:
    """The sentences of a ``Doc``; the whole text when no component set sentence boundaries."""
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        return list(doc.sents)
    return [doc[:]] if len(doc) else []


def subtree_ids(tok: Token) -> set[int]:
    """Indices of the token's subtree."""
    return {t.i for t in tok.subtree}


def actor_in_subtree(tok: Token, lookup: Callable[[int], N | None], classes: Collection[str] | None = None) -> list[N]:
    """The actor a phrase names: the token's own entity, else the first in its subtree; then
    the same for each conjunct ("l'armée et le Hezbollah")."""
    out: list[N] = []
    m = lookup(tok.i)
    if m is not None and m.kind == "actor" and (classes is None or m.cls in classes):
        out.append(m)
    else:
        for t in tok.subtree:
            mm = lookup(t.i)
            if mm is not None and mm.kind == "actor" and (classes is None or mm.cls in classes):
                out.append(mm)
                break
    for c in tok.children:
        if c.dep_ == "conj":
            out.extend(x for x in actor_in_subtree(c, lookup, classes) if x not in out)
    return out


def is_pronoun(tok: Token, lex: Lexicon) -> bool:
    """A personal pronoun subject ("il", "elle", "-t-il", "celui-ci")."""
    k = key(tok.text).lstrip("-")
    for prefix in lex.phrases("euphonic_prefix"):
        k = k.removeprefix(prefix)
    return k in lex.set("personal_pronouns")
