"""Derived facts: what analyst queries would otherwise recompute on every run, made at build time.

The build writes them to ``derived.ttl`` and loads them into the store as the named graph
``ckgr:graph/derived`` and into its default graph, beside (never inside) ``graph.ttl`` /
``graph.trig``, whose bytes they do not change. Everything here follows from the graph:

- ``?p ckg:within ?q`` — place ``?p`` is ``?q`` or lies inside it: the reflexive, transitive
  closure of ``ckg:locatedIn`` (``?e ckg:place/ckg:within ?homs`` = in Homs or anywhere inside).
- per event: ``ckg:eventType`` (its most specific type) and ``ckg:when`` (its date, else its
  start date), so a query needs no ``FILTER (?t NOT IN (…families…))`` nor ``COALESCE``.
- ``ckg:EventTally`` nodes: how many events (``ckg:eventCount``) of a type (``ckg:tallyType``,
  ``ckg:tallyFamily``) a place (``ckg:tallyPlace``; absent for events without a place) had in a
  month (``ckg:month``: ``"2016-03"``, ``"2016"`` for a year-only date, ``"undated"``).
- counts: ``ckg:eventCount`` of a place (events there), of an actor (events it has a role in)
  and of an article (events it tells); ``ckg:mentionCount`` / ``ckg:articleCount`` of an actor;
  ``ckg:entityCount`` of an article (actors and places it names).

Counts are of distinct events (an event several articles tell counts once). The facts are
computed in one pass over :meth:`kg.resolve.Resolution.articles`; what is kept is per place,
actor, article and tally, plus the ids of events told more than once.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator

from kg.namespace import CKG, CKGR
from kg.rdf.emit import Triple, article_iri, entity_iri, event_iri
from kg.resolve import Resolution, located_chain
from kg.schema.taxonomy import FAMILY

__all__ = ["DERIVED_GRAPH", "DERIVED_PREDICATES", "NOT_DERIVED", "derived_triples", "month_key"]

#: the named graph of the derived facts in the store
DERIVED_GRAPH = CKGR["graph/derived"]
#: the properties only derived facts use (graph.ttl has none of them)
DERIVED_PREDICATES = ("within", "eventType", "when", "tallyPlace", "month", "tallyType", "tallyFamily",
                      "eventCount", "mentionCount", "articleCount", "entityCount")
#: a SPARQL filter on ``?s ?p ?o`` that keeps the graph's own facts, not the derived ones (the store's
#: default graph holds both; the derived tallies are the subjects under ``ckgr:tally/``)
NOT_DERIVED = ("FILTER (?p NOT IN (" + ", ".join(f"<{CKG[p]}>" for p in DERIVED_PREDICATES) + ")"
               f' && !STRSTARTS(STR(?s), "{CKGR["tally/"]}"))')
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_DATETYPES = {"day": "date", "month": "gYearMonth", "year": "gYear"}
_A = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _p(name: str) -> str:
    return f"<{CKG[name]}>"


def _int(n: int) -> str:
    return f'"{n}"^^<{_XSD_INTEGER}>'


def month_key(when) -> str:
    """The month an event counts in: ``"2016-03"``, ``"2016"`` (year only) or ``"undated"``.

    >>> from kg.schema.time import TimeValue
    >>> month_key(TimeValue(2016, 3, 27)), month_key(TimeValue(2016)), month_key(None)
    ('2016-03', '2016', 'undated')
    """
    return "undated" if when is None else when.iso()[:7]


def derived_triples(res: Resolution) -> Iterator[Triple]:
    """The derived facts of a resolved build, as N-Triples terms (deterministic order: each event's
    facts as its first article is read, then places, actors, articles and tallies)."""
    ents = res.entities
    shared = res.coreference.shared
    seen_shared: set[str] = set()
    places: set[str] = set()
    tallies: Counter = Counter()
    place_events: Counter = Counter()
    actor_events: Counter = Counter()
    actor_shared: set[tuple[str, str]] = set()
    mentions: Counter = Counter()
    actor_articles: Counter = Counter()
    article_counts: list[tuple[str, int, int]] = []
    for art in res.articles():
        ex = art.extraction
        named: set[str] = set()
        spans: defaultdict[str, set[tuple[int, int]]] = defaultdict(set)
        for m, eid in zip(ex.mentions, art.entity_ids, strict=True):
            named.add(eid)
            spans[eid].add((m.start, m.end))
        for eid in named:
            if ents[eid].kind == "place":
                places.add(eid)
            else:
                actor_articles[eid] += 1
                mentions[eid] += len(spans[eid])
        ids_here: set[str] = set()
        for ev in art.events:
            ids_here.add(ev.id)
            if ev.place:
                places.add(ev.place)
            if ev.id in shared:
                if ev.id in seen_shared:
                    for actor in {*ev.agents, *ev.targets, *ev.sources, *ev.disputed_by}:
                        actor_shared.add((actor, ev.id))
                    continue
                seen_shared.add(ev.id)
            node = f"<{event_iri(ev.id)}>"
            when = ev.date or ev.start_date
            yield node, _p("eventType"), f"<{CKG[ev.type]}>"  # streamed: nothing kept per event
            if when is not None:
                yield node, _p("when"), _when(when)
            tallies[(ev.place or "", month_key(when), ev.type)] += 1
            if ev.place:
                place_events[ev.place] += 1
            roles = {*ev.agents, *ev.targets, *ev.sources, *ev.disputed_by}
            for actor in roles:
                if ev.id in shared:
                    actor_shared.add((actor, ev.id))
                else:
                    actor_events[actor] += 1
        article_counts.append((ex.article.id, len(ids_here), len(named)))
    for actor, _eid in actor_shared:
        actor_events[actor] += 1
    # the places' chains: every place the graph describes
    for p in list(places):
        places.update(q for q in located_chain(ents, p) if q in ents)
    for p in sorted(places):
        node = f"<{entity_iri('place', p)}>"
        yield node, _p("within"), node
        for q in located_chain(ents, p):
            if q in ents:
                yield node, _p("within"), f"<{entity_iri('place', q)}>"
        if place_events[p]:
            yield node, _p("eventCount"), _int(place_events[p])
    for actor in sorted(set(mentions) | set(actor_events)):
        if ents[actor].kind != "actor":
            continue
        node = f"<{entity_iri('actor', actor)}>"
        yield node, _p("mentionCount"), _int(mentions[actor])
        yield node, _p("articleCount"), _int(actor_articles[actor])
        yield node, _p("eventCount"), _int(actor_events[actor])
    for aid, n_events, n_entities in article_counts:
        node = f"<{article_iri(aid)}>"
        yield node, _p("eventCount"), _int(n_events)
        yield node, _p("entityCount"), _int(n_entities)
    for (place, month, etype), n in sorted(tallies.items()):
        key = hashlib.sha1(f"{place}|{month}|{etype}".encode()).hexdigest()[:16]
        node = f"<{CKGR[f'tally/{key}']}>"
        yield node, _A, _p("EventTally")
        if place:
            yield node, _p("tallyPlace"), f"<{entity_iri('place', place)}>"
        yield node, _p("month"), f'"{month}"'
        yield node, _p("tallyType"), f"<{CKG[etype]}>"
        if FAMILY[etype] not in ("Event", etype):  # a type that is its own family (CasualtyReport) has none
            yield node, _p("tallyFamily"), f"<{CKG[FAMILY[etype]]}>"
        yield node, _p("eventCount"), _int(n)


def _when(t) -> str:
    return f'"{t.iso()}"^^<http://www.w3.org/2001/XMLSchema#{_DATETYPES[t.precision]}>'
