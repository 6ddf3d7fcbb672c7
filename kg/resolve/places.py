"""Passes 3-5 — where places are: :func:`locate_towns` (GeoNames), :func:`locate_stated`
(containment stated in the texts) and :func:`locate_by_context` (what the texts name around them);
:func:`located_chain` reads the ``located_in`` chain.

Must not import rdflib, pyoxigraph or spaCy (resolve sits below rdf; ``lint-imports`` checks).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import replace

from kg.geo import container_for, find_place
from kg.resolve.entities import add_gaz_chain, entity_pairs, gaz_or_new
from kg.resolve.records import Entity, Tables, freeze

__all__ = ["located_chain", "locate_towns", "locate_stated", "locate_by_context"]


def located_chain(entities: Mapping[str, Entity], eid: str) -> list[str]:
    """The ``located_in`` chain of an entity, nearest first (cycle-safe)."""
    out: list[str] = []
    cur = entities.get(eid)
    while cur is not None and cur.located_in and cur.located_in not in out:
        out.append(cur.located_in)
        cur = entities.get(cur.located_in)
    return out


def locate_towns(t: Tables) -> Tables:
    """Pass 3: towns the curated gazetteer does not list get their GeoNames id, coordinates and
    governorate (whose gazetteer chain joins the table)."""
    out = dict(t.entities)
    for eid, e in t.entities.items():
        if e.gazetteer or e.kind != "place" or e.cls != "City":
            continue
        gp = find_place(e.label)
        if gp is None:
            continue
        located = e.located_in or container_for(gp, t.gazetteer)
        out[eid] = replace(e, geonames=gp.id, lat=gp.lat, long=gp.long, located_in=located)
        if located and located in t.gazetteer and located not in out:
            g = t.gazetteer[located]
            out[located] = gaz_or_new(t.gazetteer, located, g.kind, g.cls, g.label)
        if located:
            add_gaz_chain(out, t.gazetteer, located)
    return replace(t, entities=freeze(out))


def locate_stated(t: Tables) -> Tables:
    """Pass 4: containment stated in the texts, for places the gazetteers do not locate: the
    container named most often, unless that would make a cycle."""
    contained: dict[str, Counter] = defaultdict(Counter)
    for a, b in entity_pairs(t, lambda ex: ex.containment):
        contained[a][b] += 1
    out = dict(t.entities)
    for eid, counter in contained.items():
        if out[eid].located_in is None:
            target = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            if target not in t.gazetteer.ancestors(eid) and eid not in located_chain(out, target):
                out[eid] = replace(out[eid], located_in=target)
    return replace(t, entities=freeze(out))


_WANTED = {"City": ("Region", "Country"), "Neighbourhood": ("City",), "Site": ("Neighbourhood", "City"),
           "Region": ("Country",)}


def locate_by_context(t: Tables) -> Tables:
    """Pass 5: places still unlocated go inside what the texts name around them.

    A town goes in the region of the known places of its sentence ("al-Atifiyeh, près de Qousseir"
    → the province of Homs), a district or site in the city of its sentence, else in the city (or
    region, or country) its articles name most — so every place has a ``locatedIn`` chain.
    """
    entities = t.entities
    votes: dict[str, Counter] = defaultdict(Counter)
    for ex in t.extractions:
        ids = t.mentions[ex.article.id]
        places = [(m, eid) for m, eid in zip(ex.mentions, ids, strict=True) if m.kind == "place"]
        article_counts = Counter(eid for _, eid in places if eid)
        for m, eid in places:
            e = entities.get(eid) if eid else None
            if e is None or e.located_in is not None or e.cls == "Country":
                continue
            for other, oid in places:
                if oid is None or oid == eid:
                    continue
                same_sentence = other.sentence == m.sentence
                for cand in [oid, *located_chain(entities, oid)]:
                    ce = entities[cand]
                    if ce.cls in _WANTED.get(e.cls, ()) and cand != eid and eid not in located_chain(entities, cand):
                        votes[eid][cand] += (100 if same_sentence else 1) * article_counts[oid]
                        break
    out = dict(entities)
    for eid, counter in votes.items():
        if out[eid].located_in is None and counter:
            out[eid] = replace(out[eid], located_in=sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])
    return replace(t, entities=freeze(out))
