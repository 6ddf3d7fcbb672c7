"""Persons and agencies: a person's group, sources with their organisations, the publishing agency."""

from __future__ import annotations

import re

from kg.extract.context import View
from kg.lang.fr import entity_rules
from kg.schema.records import Affiliation, Mention
from kg.schema.text import fold

__all__ = ["affiliation_of", "affiliations", "published_by", "with_affiliations"]

_GROUPS = frozenset({"Organization", "RebelGroup", "JihadistGroup", "MediaOutlet", "GovernmentBody", "StateForce", "Militia"})
_STOPS = (".", ";", "«", "»")


def affiliation_of(view: View, person: Mention) -> Mention | None:
    """The group of a person: "X, le directeur de l'OSDH", "le directeur de l'OSDH, X", "X … appartient à Y"."""
    ctx = view.ctx
    toks = ctx.tokens_of(person)
    if not toks:
        return None
    roles = ctx.lex.set("role_nouns") | ctx.lex.set("affiliation_verbs")
    after = ctx.doc[toks[-1].i + 1 : toks[-1].i + 14]
    before = ctx.doc[max(0, toks[0].i - 12) : toks[0].i]
    for window, forward in ((after, True), (before, False)):
        role_seen = False
        for t in window:
            if ctx.lemma(t) in roles:
                role_seen = True
                continue
            if (t.text in _STOPS or (t.text == "," and role_seen and forward is False)) and forward:
                break
            m = view.mention_of(t)
            if role_seen and m is not None and m.kind == "actor" and m.cls in _GROUPS:
                return m
            if forward and m is not None and m.kind == "actor" and not role_seen:
                break
    return None


def affiliations(view: View) -> list[Affiliation]:
    """Every person of the article with the group the text gives it."""
    out = []
    for m in view.mentions:
        if m.cls == "Person":
            g = affiliation_of(view, m)
            if g is not None:
                out.append(Affiliation(m, g))
    return out


def with_affiliations(view: View, sources: tuple[Mention, ...]) -> tuple[Mention, ...]:
    """Sources with the organisation of each person source (from the text, else the gazetteer)."""
    out = list(sources)
    gaz = view.ctx.gaz
    for s in sources:
        if s.cls != "Person":
            continue
        group = affiliation_of(view, s)
        if group is not None and group not in out:
            out.append(group)
        elif s.gaz_id and s.gaz_id in gaz and gaz[s.gaz_id].affiliated_with:
            gid = gaz[s.gaz_id].affiliated_with
            g = next((m for m in view.mentions if m.gaz_id == gid), None)
            if g is not None and g not in out:
                out.append(g)
    return tuple(out)


def published_by(view: View) -> list[Mention]:
    """News agencies that publish the dispatch: on a line of their own, "(AFP)", "a déclaré à l'AFP"."""
    ctx = view.ctx
    agencies = set(entity_rules().get("news_agencies", []))
    preps = "|".join(re.escape(w) for w in ctx.lex.phrases("interview_prepositions"))
    elided = "|".join(re.escape(w) for w in ctx.lex.phrases("elided_articles"))
    interview = re.compile(rf"\b(?:{preps})\s+(?:{elided})\s*$|\b(?:{preps})\s+$")
    out = []
    text = ctx.text
    for m in view.mentions:
        if m.cls != "MediaOutlet" or m.gaz_id not in agencies:
            continue
        line_start = text.rfind("\n", 0, m.start) + 1
        line_end = text.find("\n", m.end)
        line = text[line_start : line_end if line_end >= 0 else len(text)].strip(" \t()-–—")
        before = text[max(0, m.start - 6) : m.start]
        if line == m.text or "(" in before[-1:] or interview.search(fold(before)):
            out.append(m)
    return list({m.gaz_id: m for m in out}.values())
