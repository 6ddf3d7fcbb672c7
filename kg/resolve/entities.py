"""Entities from the gazetteer, and the entity passes that read the texts' statements about them.

Pass 2 (:func:`name_entities`) names and types the entities the gazetteers do not know; pass 6
(:func:`affiliate`) gives persons the group the texts state. :func:`gaz_or_new` and
:func:`add_gaz_chain` make entities from gazetteer entries (used by passes 1 and 3);
:func:`entity_pairs` maps mention pairs of the extractions to entity pairs.

Must not import rdflib, pyoxigraph or spaCy (resolve sits below rdf; ``lint-imports`` checks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from kg.gazetteer import Gazetteer
from kg.resolve.records import Entity, Tables, freeze
from kg.schema.records import Extraction, Mention

__all__ = ["gaz_or_new", "add_gaz_chain", "entity_pairs", "name_entities", "affiliate"]


def gaz_or_new(gaz: Gazetteer, eid: str, kind: str, cls: str, label: str) -> Entity:
    """A new entity; a gazetteer id brings its class, label, location, affiliation and identifiers."""
    if eid not in gaz:
        return Entity(eid, kind, cls, label)
    g = gaz[eid]
    return Entity(eid, kind, g.cls, g.label, True, g.located_in, g.affiliated_with, g.geonames, g.lat, g.long,
                  g.wikidata)


def add_gaz_chain(entities: dict[str, Entity], gaz: Gazetteer, gid: str) -> None:
    """Add the gazetteer places that contain ``gid`` (for the ``locatedIn`` chain), nearest first."""
    parent = gaz[gid].located_in if gid in gaz else None
    while parent and parent in gaz and parent not in entities:
        p = gaz[parent]
        entities[parent] = gaz_or_new(gaz, parent, p.kind, p.cls, p.label)
        parent = p.located_in


def entity_pairs(t: Tables, pairs: Callable[[Extraction], Iterable[tuple[Mention, Mention]]]
                 ) -> Iterator[tuple[str, str]]:
    """``(entity, entity)`` of the mention pairs ``pairs(extraction)`` of every article, in order."""
    for ex in t.extractions:
        by_mention = dict(zip(ex.mentions, t.mentions[ex.article.id], strict=True))
        for a, b in pairs(ex):
            ea, eb = by_mention.get(a), by_mention.get(b)
            if ea and eb and ea != eb:
                yield ea, eb


def name_entities(t: Tables) -> Tables:
    """Pass 2: an entity the gazetteers do not know is named by its most frequent surface form
    (then the longest, then the first in order) and typed by its most frequent class."""
    out = dict(t.entities)
    for eid, e in t.entities.items():
        stats = t.merges.get(eid)
        if e.gazetteer or stats is None or not stats.forms:
            continue
        label = sorted(stats.forms, key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
        cls = sorted(stats.classes, key=lambda kv: (-kv[1], kv[0]))[0][0]
        out[eid] = replace(e, label=label, cls=cls)
    return replace(t, entities=freeze(out))


def affiliate(t: Tables) -> Tables:
    """Pass 6: a person's group stated in the texts (the first one, in article order), for
    persons the gazetteer does not affiliate."""
    first: dict[str, str] = {}
    for p, g in entity_pairs(t, lambda ex: ((af.person, af.group) for af in ex.affiliations)):
        first.setdefault(p, g)
    out = dict(t.entities)
    for p, g in first.items():
        if out[p].affiliated_with is None:
            out[p] = replace(out[p], affiliated_with=g)
    return replace(t, entities=freeze(out))
