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
- ``ckg:DyadTally`` nodes, UCDP's dyads: how many events (``ckg:eventCount``) of a type
  (``ckg:tallyType``, ``ckg:tallyFamily``) an actor (``ckg:tallyAgent``) carried out against another
  (``ckg:tallyTarget``) in a place (``ckg:tallyPlace``; absent for events without one). An event with
  several agents or targets counts once in each pair of an agent and a target that is not itself.
- counts: ``ckg:eventCount`` of a place (events there), of an actor (events it has a role in)
  and of an article (events it tells); ``ckg:mentionCount`` / ``ckg:articleCount`` of an actor;
  ``ckg:entityCount`` of an article (actors and places it names); of an event,
  ``ckg:articleCount`` (the articles that tell it) and ``ckg:sourceCount`` (its distinct
  ``ckg:reportedBy`` sources, when it has any).
- per event mention (the ``nif:Phrase`` of a trigger): ``ckg:sentence``, the sentence of its
  article that the span lies in (the one of the event's evidence sentences whose place in the
  text covers it), so that a query shows each span with its sentence without a text search.

Counts are of distinct events (an event several articles tell counts once). The facts are
computed in one pass over :meth:`kg.resolve.Resolution.articles`; what is kept is per place,
actor, article and tally, plus, for the events told more than once, their ids and the agents and
targets every article gives them (their dyads are counted when all are read).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from kg.namespace import CKG, CKGR
from kg.rdf.emit import Triple, article_iri, entity_iri, event_iri, mention_iri, string_literal
from kg.resolve import Resolution, located_chain
from kg.schema.taxonomy import FAMILY

__all__ = ["DERIVED_GRAPH", "DERIVED_CLASSES", "DERIVED_PREDICATES", "NOT_DERIVED", "derived_triples", "month_key", "sentence_of"]

#: the named graph of the derived facts in the store
DERIVED_GRAPH = CKGR["graph/derived"]
#: the properties only derived facts use (graph.ttl has none of them)
DERIVED_PREDICATES = ("within", "eventType", "when", "tallyPlace", "month", "tallyType", "tallyFamily",
                      "tallyAgent", "tallyTarget",
                      "eventCount", "mentionCount", "articleCount", "entityCount", "sourceCount", "sentence")
#: the classes of the derived nodes (the tallies, under ``ckgr:tally/``)
DERIVED_CLASSES = ("EventTally", "DyadTally")
#: SPARQL that keeps, of ``?s ?p ?o``, the graph's own facts, not the derived ones (the store's default
#: graph holds both): a filter on the derived properties, and the tallies taken out by ``MINUS`` —
#: which the store evaluates as one hash join, where a filter on each subject's IRI string made it
#: read the text of every subject (5.3 s instead of 9.8 s for the network part of 3,400 articles)
NOT_DERIVED = ("FILTER (?p NOT IN (" + ", ".join(f"<{CKG[p]}>" for p in DERIVED_PREDICATES) + ")) "
               + " ".join(f"MINUS {{ ?s a <{CKG[c]}> }}" for c in DERIVED_CLASSES))
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
    kept = _Kept(res.coreference.shared)
    for art in res.articles():
        yield from kept.article(art, ents)
    yield from kept.shared_events()
    yield from _place_triples(ents, kept.places, kept.place_events)
    yield from _actor_triples(ents, kept)
    yield from _article_triples(kept.article_counts)
    yield from _tally_triples(kept.tallies)
    yield from _dyad_triples(ents, kept.dyads)


@dataclass
class _Shared:
    """An event several articles tell, as its articles are read: its place and type as first read,
    the union of their actors in each role, and how many of them tell it."""

    place: str
    etype: str
    agents: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)  # every actor with any role
    sources: set[str] = field(default_factory=set)
    articles: int = 0


@dataclass
class _Kept:
    """What one pass over the articles keeps: per place, actor, article and tally, plus the events
    told more than once (``shared``) seen so far (``told``)."""

    shared: Collection[str]
    told: dict[str, _Shared] = field(default_factory=dict)
    places: set[str] = field(default_factory=set)
    tallies: Counter = field(default_factory=Counter)
    dyads: Counter = field(default_factory=Counter)
    place_events: Counter = field(default_factory=Counter)
    actor_events: Counter = field(default_factory=Counter)
    mentions: Counter = field(default_factory=Counter)
    actor_articles: Counter = field(default_factory=Counter)
    article_counts: list[tuple[str, int, int]] = field(default_factory=list)

    def article(self, art, ents) -> Iterator[Triple]:
        """Count one article's entities and events; yield the facts of its events not yet told, and
        the source and article counts of those only this article tells."""
        ex = art.extraction
        named = self._named(ex, art.entity_ids, ents)
        sources_here: defaultdict[str, set[str]] = defaultdict(set)
        spans: set[tuple[int, int]] = set()
        for ev in art.events:
            sources_here[ev.id].update(ev.sources)
            yield from self._event(ev)
            for b, e in ev.triggers:
                if (b, e) not in spans:
                    spans.add((b, e))
                    sentence = sentence_of(ex.article.text, ev.evidence, b, e)
                    if sentence is not None:
                        yield f"<{mention_iri(ex.article.id, b, e)}>", _p("sentence"), string_literal(sentence)
        for eid, sources in sources_here.items():
            if eid in self.shared:  # counted when every article has been read
                self.told[eid].sources |= sources
                self.told[eid].articles += 1
            else:
                yield from _event_counts(eid, len(sources), 1)
        self.article_counts.append((ex.article.id, len(sources_here), len(named)))

    def _pairs(self, agents, targets, place: str, etype: str) -> None:
        for agent in set(agents):
            for target in set(targets) - {agent}:
                self.dyads[(agent, target, place, etype)] += 1

    def shared_events(self) -> Iterator[Triple]:
        """The source and article counts of the events several articles tell; their actors' event
        counts and their dyads, from the roles all of them give, as the graph has them."""
        for eid in sorted(self.told):
            ev = self.told[eid]
            self._pairs(ev.agents, ev.targets, ev.place, ev.etype)
            self.actor_events.update(ev.roles)
            yield from _event_counts(eid, len(ev.sources), ev.articles)

    def _named(self, ex, entity_ids, ents) -> set[str]:
        """The entities an article names; counts the actors' mentions and articles, keeps the places."""
        named: set[str] = set()
        spans: defaultdict[str, set[tuple[int, int]]] = defaultdict(set)
        for m, eid in zip(ex.mentions, entity_ids, strict=True):
            named.add(eid)
            spans[eid].add((m.start, m.end))
        for eid in named:
            if ents[eid].kind == "place":
                self.places.add(eid)
            else:
                self.actor_articles[eid] += 1
                self.mentions[eid] += len(spans[eid])
        return named

    def _event(self, ev) -> Iterator[Triple]:
        """An event's type and date (streamed: nothing kept per event), counted once if shared."""
        if ev.place:
            self.places.add(ev.place)
        roles = {*ev.agents, *ev.targets, *ev.sources, *ev.disputed_by}
        if ev.id in self.shared:  # its counts, roles and dyads: when every article telling it has been read
            seen = self.told.get(ev.id)
            told = self.told[ev.id] = seen or _Shared(ev.place or "", ev.type)
            told.agents.update(ev.agents)
            told.targets.update(ev.targets)
            told.roles.update(roles)
            if seen is not None:
                return
        node = f"<{event_iri(ev.id)}>"
        when = ev.date or ev.start_date
        yield node, _p("eventType"), f"<{CKG[ev.type]}>"
        if when is not None:
            yield node, _p("when"), _when(when)
        self.tallies[(ev.place or "", month_key(when), ev.type)] += 1
        if ev.place:
            self.place_events[ev.place] += 1
        if ev.id not in self.shared:
            self._pairs(ev.agents, ev.targets, ev.place or "", ev.type)
            self.actor_events.update(roles)


def sentence_of(text: str, sentences: Collection[str], start: int, end: int) -> str | None:
    """The one of ``sentences`` (each a piece of ``text``) whose place in ``text`` covers
    ``text[start:end]``; None when none does.

    >>> sentence_of("Homs. Un raid a frappé Homs.", ["Un raid a frappé Homs."], 23, 27)
    'Un raid a frappé Homs.'
    """
    for s in sentences:
        at = text.rfind(s, max(0, end - len(s)), start + len(s))
        if s and at != -1 and at <= start and end <= at + len(s):
            return s
    return None


def _event_counts(eid: str, n_sources: int, n_articles: int) -> Iterator[Triple]:
    node = f"<{event_iri(eid)}>"
    yield node, _p("articleCount"), _int(n_articles)
    if n_sources:
        yield node, _p("sourceCount"), _int(n_sources)


def _place_triples(ents, places: set[str], place_events: Counter) -> Iterator[Triple]:
    """``ckg:within`` (reflexive, up the ``locatedIn`` chain) and event counts of every place the
    graph describes (the places named or used, and their chains)."""
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


def _actor_triples(ents, kept: _Kept) -> Iterator[Triple]:
    """Mention, article and (distinct) event counts of every actor."""
    actor_events = kept.actor_events
    for actor in sorted(set(kept.mentions) | set(actor_events)):
        if ents[actor].kind != "actor":
            continue
        node = f"<{entity_iri('actor', actor)}>"
        yield node, _p("mentionCount"), _int(kept.mentions[actor])
        yield node, _p("articleCount"), _int(kept.actor_articles[actor])
        yield node, _p("eventCount"), _int(actor_events[actor])


def _article_triples(article_counts: list[tuple[str, int, int]]) -> Iterator[Triple]:
    """Event and entity counts of every article, in reading order."""
    for aid, n_events, n_entities in article_counts:
        node = f"<{article_iri(aid)}>"
        yield node, _p("eventCount"), _int(n_events)
        yield node, _p("entityCount"), _int(n_entities)


def _tally_triples(tallies: Counter) -> Iterator[Triple]:
    """The ``ckg:EventTally`` nodes: events per place, month and type."""
    for (place, month, etype), n in sorted(tallies.items()):
        node = _tally_node(f"{place}|{month}|{etype}")
        yield node, _A, _p("EventTally")
        yield from _tally_facts(node, place, etype, n, month=[(node, _p("month"), f'"{month}"')])


def _dyad_triples(ents, dyads: Counter) -> Iterator[Triple]:
    """The ``ckg:DyadTally`` nodes: events per agent, target, place and type."""
    for (agent, target, place, etype), n in sorted(dyads.items()):
        node = _tally_node(f"dyad|{agent}|{target}|{place}|{etype}")
        yield node, _A, _p("DyadTally")
        yield node, _p("tallyAgent"), f"<{entity_iri(ents[agent].kind, agent)}>"
        yield node, _p("tallyTarget"), f"<{entity_iri(ents[target].kind, target)}>"
        yield from _tally_facts(node, place, etype, n)


def _tally_node(key: str) -> str:
    return f"<{CKGR['tally/' + hashlib.sha1(key.encode()).hexdigest()[:16]]}>"


def _tally_facts(node: str, place: str, etype: str, n: int, month: Collection[Triple] = ()) -> Iterator[Triple]:
    """What every tally has: its place (if any), type, family and count (an event tally's month
    after its place)."""
    if place:
        yield node, _p("tallyPlace"), f"<{entity_iri('place', place)}>"
    yield from month
    yield node, _p("tallyType"), f"<{CKG[etype]}>"
    if FAMILY[etype] not in ("Event", etype):  # a type that is its own family (CasualtyReport) has none
        yield node, _p("tallyFamily"), f"<{CKG[FAMILY[etype]]}>"
    yield node, _p("eventCount"), _int(n)


def _when(t) -> str:
    return f'"{t.iso()}"^^<http://www.w3.org/2001/XMLSchema#{_DATETYPES[t.precision]}>'
