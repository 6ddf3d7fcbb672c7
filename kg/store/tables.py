"""A built graph read back as plain records: events, entities and articles.

What the exports (``kg export --format acled``) and the Python front door (``kg.open(...).events()``)
need of a build, read with a few SPARQL queries that run the same on the build's Oxigraph store
(fast at any size) and on an rdflib graph (a ``.ttl`` / ``.trig`` file without a store).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.rdf.counts import CKG_IRI, KIND_CLASSES, kind_of_class
from kg.schema.taxonomy import EVENT_FAMILIES as FAMILIES
from kg.schema.taxonomy import FAMILY

__all__ = ["EventInfo", "EntityInfo", "ArticleInfo", "Toll", "BuildTables", "read_tables", "read_build",
           "EVENT_FAMILIES", "family_of"]

#: event type → family (the ACLED event types), from the ontology's generated taxonomy
EVENT_FAMILIES: dict[str, str] = dict(FAMILY)
_FAMILIES = frozenset(FAMILIES) | {"Event"}


def family_of(event_type: str) -> str:
    """The family of an event type (``Battle``…), ``Event`` for an unknown one.

    >>> family_of("Airstrike"), family_of("Battle"), family_of("Nope")
    ('RemoteViolence', 'Battle', 'Event')
    """
    if event_type in _FAMILIES:
        return event_type
    return EVENT_FAMILIES.get(event_type, "Event")


@dataclass(frozen=True)
class Toll:
    count: int
    qualifier: str  # Exactly, AtLeast, MoreThan, Approximately
    group: str | None  # an actor IRI, "Civilians", or None


@dataclass
class EventInfo:
    iri: str
    type: str = "Event"
    date: str | None = None
    start: str | None = None
    end: str | None = None
    place: str | None = None
    agents: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    disputed_by: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    confidence: float | None = None
    evidence: list[str] = field(default_factory=list)
    tolls: list[Toll] = field(default_factory=list)

    @property
    def family(self) -> str:
        return family_of(self.type)

    @property
    def id(self) -> str:
        """The local part of the IRI (the 16 hex digits of kg's event IRIs)."""
        return self.iri.rsplit("/", 1)[-1]


@dataclass
class EntityInfo:
    iri: str
    kind: str  # actor | place
    cls: str
    label: str
    located_in: str | None = None
    affiliated_with: str | None = None
    lat: float | None = None
    long: float | None = None
    geonames: int | None = None

    @property
    def id(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


@dataclass
class ArticleInfo:
    iri: str
    identifier: str
    date: str | None = None
    published_by: list[str] = field(default_factory=list)


@dataclass
class BuildTables:
    """Events, entities and articles of a graph, by IRI."""

    events: dict[str, EventInfo]
    entities: dict[str, EntityInfo]
    articles: dict[str, ArticleInfo]

    def label(self, iri: str | None) -> str:
        if iri is None:
            return ""
        if iri == "Civilians":
            return "civils"
        e = self.entities.get(iri)
        return e.label if e is not None else iri.rsplit("/", 1)[-1]

    def chain(self, place: str | None) -> list[EntityInfo]:
        """``place`` and the places it is located in, nearest first (cycle-safe)."""
        out: list[EntityInfo] = []
        seen: set[str] = set()
        while place and place in self.entities and place not in seen:
            seen.add(place)
            out.append(self.entities[place])
            place = self.entities[place].located_in
        return out


_C = CKG_IRI
_EVENT_CLASSES = " ".join(f"<{_C}{c}>" for c in KIND_CLASSES["events"])
_ENTITY_CLASSES = " ".join(f"<{_C}{c}>" for k in ("actors", "places") for c in KIND_CLASSES[k])
_PROPS = ("date", "startDate", "endDate", "place", "agent", "target", "reportedBy", "disputedBy", "mentionedIn",
          "confidence", "evidence")

_Q_EVENT_TYPES = f"SELECT DISTINCT ?e ?t WHERE {{ VALUES ?t {{ {_EVENT_CLASSES} }} ?e a ?t }}"
_Q_EVENT_PROPS_ANY = f"""SELECT ?e ?p ?o WHERE {{
  VALUES ?t {{ {_EVENT_CLASSES} }} VALUES ?p {{ {" ".join(f"<{_C}{p}>" for p in _PROPS)} }}
  ?e a ?t ; ?p ?o }}"""
_Q_TOLLS = f"""SELECT ?e ?c ?n ?q ?g WHERE {{
  ?e <{_C}fatalities> ?c . ?c <{_C}count> ?n .
  OPTIONAL {{ ?c <{_C}countQualifier> ?q }} OPTIONAL {{ ?c <{_C}casualtyGroup> ?g }} }}"""
_Q_ENTITIES = f"""SELECT ?s ?t ?label ?in ?aff ?lat ?long ?gn WHERE {{
  VALUES ?t {{ {_ENTITY_CLASSES} }}
  ?s a ?t .
  OPTIONAL {{ ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}
  OPTIONAL {{ ?s <{_C}locatedIn> ?in }}
  OPTIONAL {{ ?s <{_C}affiliatedWith> ?aff }}
  OPTIONAL {{ ?s <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat ;
                 <http://www.w3.org/2003/01/geo/wgs84_pos#long> ?long }}
  OPTIONAL {{ ?s <{_C}geonamesId> ?gn }} }}"""
_Q_ARTICLES = f"""SELECT ?a ?id ?d ?pub WHERE {{
  ?a a <{_C}Article> .
  OPTIONAL {{ ?a <http://purl.org/dc/terms/identifier> ?id }}
  OPTIONAL {{ ?a <http://purl.org/dc/terms/date> ?d }}
  OPTIONAL {{ ?a <{_C}publishedBy> ?pub }} }}"""


def _select(source, sparql: str) -> Iterable[list[str | None]]:
    """Rows of a SELECT as lists of texts, from an Oxigraph store or an rdflib graph."""
    try:
        from pyoxigraph import Store
    except ImportError:  # pragma: no cover - pyoxigraph is a dependency
        Store = ()  # noqa: N806
    if isinstance(source, Store):
        for sol in source.query(sparql):
            yield [None if t is None else t.value for t in sol]
    else:
        for row in source.query(sparql):
            yield [None if t is None else str(t) for t in row]


def _number(text: str | None) -> float | None:
    try:
        return None if text is None else float(text)
    except ValueError:
        return None


def read_tables(source) -> BuildTables:
    """The events, entities and articles of ``source`` (an open ``pyoxigraph.Store`` or an rdflib graph).

    An event's type is its most specific contract type; an entity's class its most specific
    actor or place class; values that can repeat (agents, sources, evidence…) are sorted.
    """
    events, entities, articles = _read_events(source), _read_entities(source), _read_articles(source)
    return BuildTables(dict(sorted(events.items())), dict(sorted(entities.items())), dict(sorted(articles.items())))


#: event properties read into a list (sorted, without repeats) / into one value (the least)
_EVENT_LISTS = {"agent": "agents", "target": "targets", "reportedBy": "sources", "disputedBy": "disputed_by",
                "mentionedIn": "articles", "evidence": "evidence"}
_EVENT_SINGLES = {"date": "date", "startDate": "start", "endDate": "end", "place": "place"}


def _read_events(source) -> dict[str, EventInfo]:
    events: dict[str, EventInfo] = {}
    for e, t in _select(source, _Q_EVENT_TYPES):
        local = t[len(_C):]
        ev = events.setdefault(e, EventInfo(e))
        if ev.type in _FAMILIES and (local not in _FAMILIES or ev.type == "Event"):
            ev.type = local
    lists, singles = _EVENT_LISTS, _EVENT_SINGLES
    for e, p, o in _select(source, _Q_EVENT_PROPS_ANY):
        ev = events.get(e)
        if ev is None or o is None:
            continue
        name = p[len(_C):]
        if name in lists:
            getattr(ev, lists[name]).append(o)
        elif name in singles:
            current = getattr(ev, singles[name])
            if current is None or o < current:
                setattr(ev, singles[name], o)
        elif name == "confidence":
            ev.confidence = _number(o)
    tolls: dict[str, dict[str, Toll]] = defaultdict(dict)
    for e, c, n, q, g in _select(source, _Q_TOLLS):
        if e in events and n is not None and n.lstrip("-").isdigit():
            group = "Civilians" if g == _C + "Civilians" else g
            tolls[e][c] = Toll(int(n), (q or _C + "Exactly")[len(_C):], group)
    for e, by_node in tolls.items():
        events[e].tolls = [by_node[c] for c in sorted(by_node)]
    for ev in events.values():
        for attr in lists.values():
            setattr(ev, attr, sorted(set(getattr(ev, attr))))
    return events


def _read_entities(source) -> dict[str, EntityInfo]:
    entities: dict[str, EntityInfo] = {}
    for s, t, label, inside, aff, lat, long, gn in _select(source, _Q_ENTITIES):
        kind = {"actors": "actor", "places": "place"}[kind_of_class(t) or "actors"]
        local = t[len(_C):]
        ent = entities.get(s)
        if ent is None:
            ent = entities[s] = EntityInfo(s, kind, local, label or s.rsplit("/", 1)[-1])
        if local not in ("Actor", "Place"):
            ent.cls = local
        if label and (ent.label == s.rsplit("/", 1)[-1] or label < ent.label):
            ent.label = label
        ent.located_in = ent.located_in or inside
        ent.affiliated_with = ent.affiliated_with or aff
        if lat is not None and long is not None:
            ent.lat, ent.long = _number(lat), _number(long)
        if gn and gn.isdigit():
            ent.geonames = int(gn)
    return entities


def _read_articles(source) -> dict[str, ArticleInfo]:
    articles: dict[str, ArticleInfo] = {}
    for a, ident, d, pub in _select(source, _Q_ARTICLES):
        art = articles.setdefault(a, ArticleInfo(a, ident or a.rsplit("/", 1)[-1]))
        if d and (art.date is None or d < art.date):
            art.date = d
        if pub and pub not in art.published_by:
            art.published_by.append(pub)
    for art in articles.values():
        art.published_by.sort()
    return articles


def read_build(graph: str | Path, parsed=None, warn=None) -> BuildTables:
    """:func:`read_tables` of a build: its store when there is one beside ``graph`` that agrees
    with ``report.json``, else the graph file (parsed with rdflib; or ``parsed``, that file already
    read). ``graph`` may be the build folder; ``warn`` is told what :func:`kg.store.graph_source` says."""
    from kg.store.graphs import load_graph
    from kg.store.integrity import find_store
    from kg.store.oxigraph import open_store

    folder = find_store(graph, warn)
    if folder is not None:
        return read_tables(open_store(folder))
    if parsed is not None:
        return read_tables(parsed)
    p = Path(graph)
    return read_tables(load_graph(p / "graph.ttl" if p.is_dir() else p))
