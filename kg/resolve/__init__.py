"""Stage 4 — resolve: one node per real thing, across all articles.

Resolution is an ordered list of pure passes (:data:`PASSES`). Each pass reads frozen tables
(:class:`Tables`: the extractions, the gazetteer, the entity table, the mention table…) and
returns new ones; nothing is edited in place. The result, a :class:`Resolution`, is all that
emission and the exports read.

1. :func:`assign_mentions` — every mention gets a canonical entity id by the first rule that
   applies, in order:

   1. ``override``   — the user's merge/split file (``--overrides``), when given;
   2. ``gazetteer``  — the mention was matched on a gazetteer name (``kg/data/*.jsonl``);
   3. ``alias``      — its normalised text is a gazetteer alias of the same kind;
   4. ``normalised`` — same normalised name and kind as an entity already seen;
   5. ``person-part``— a person named by part of a fuller name in the same article ("Abdel Rahmane");
   6. ``fuzzy``      — a name of the same kind and class close enough (rapidfuzz ``token_sort_ratio``
      ≥ :data:`FUZZY_THRESHOLD`) to an entity already seen;
   7. ``new``        — a new entity.

   Gazetteer-matched mentions go first, then the rest, so unknown names meet known ones. How
   each entity's surface forms were merged is kept in :class:`MergeStats` (``kg entities``).
2. :func:`name_entities` — entities the gazetteers do not know take their most frequent form and class.
3. :func:`locate_towns` — towns the gazetteer does not list: GeoNames id, coordinates, governorate.
4. :func:`locate_stated` — containment stated in the texts ("Khaldiyé, un quartier de Homs").
5. :func:`locate_by_context` — places still unlocated go inside what their sentences and articles name.
6. :func:`affiliate` — a person's group, stated in the texts, for persons the gazetteer does not place.
7. :func:`corefer` — one event id for the same happening told by several articles
   (:func:`corefer_events`).

Events keep their article; their ids are a hash of article, type, place and trigger offset.
The events of an article are made from its extraction and the tables when they are read
(:meth:`Resolution.articles`), so a build holds tables, not every event — the extractions
themselves may live on disk (:mod:`kg.schema.spool`).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from rapidfuzz import fuzz, process

from kg.errors import UsageError
from kg.gazetteer import Gazetteer, load_gazetteer, norm
from kg.geo import container_for, find_place
from kg.schema.records import EventRecord, Extraction, Mention
from kg.schema.spool import ExtractionTable
from kg.schema.time import TimeValue

__all__ = ["Entity", "ResolvedEvent", "ResolvedToll", "MergeStats", "SharedEvent", "Coreference", "Tables",
           "Resolution", "ResolvedArticle", "resolve", "PASSES", "assign_mentions", "name_entities",
           "locate_towns", "locate_stated", "locate_by_context", "affiliate", "corefer", "article_events",
           "slug", "corefer_events", "entity_rows", "ENTITY_COLUMNS", "located_chain", "FUZZY_THRESHOLD",
           "CIVILIANS", "load_overrides", "MERGE_RULES"]

FUZZY_THRESHOLD = 90
#: the merge rules, in the order they are tried (the ``rules`` column of entities.csv)
MERGE_RULES = ("override", "gazetteer", "alias", "normalised", "person-part", "fuzzy", "new")
CIVILIANS = "__civilians__"
_EMPTY: Mapping = MappingProxyType({})


def slug(text: str) -> str:
    """ASCII slug for IRIs.

    >>> slug("Khaldiyé (Homs)")
    'khaldiye-homs'
    """
    s = norm(text).replace("'", " ")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s[:80] or "x"


# ------------------------------------------------------------------------------ records
@dataclass(frozen=True, slots=True)
class Entity:
    """One real thing: an actor or a place, with what the gazetteers and the texts say of it."""

    id: str
    kind: str
    cls: str
    label: str
    gazetteer: bool = False
    located_in: str | None = None
    affiliated_with: str | None = None
    geonames: int | None = None
    lat: float | None = None
    long: float | None = None
    wikidata: str | None = None


@dataclass(frozen=True, slots=True)
class MergeStats:
    """How the mentions of one entity were resolved: its surface forms and classes with their
    counts (sorted), the rules that applied, the lowest score, and the articles that name it."""

    forms: tuple[tuple[str, int], ...]
    classes: tuple[tuple[str, int], ...]
    rules: tuple[str, ...]
    min_score: float
    articles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ResolvedToll:
    count: int
    qualifier: str
    group: str | None  # entity id, CIVILIANS, or None


@dataclass(frozen=True, slots=True)
class ResolvedEvent:
    id: str
    article: str
    type: str
    place: str | None
    agents: tuple[str, ...]
    targets: tuple[str, ...]
    sources: tuple[str, ...]
    disputed_by: tuple[str, ...]
    date: TimeValue | None
    start_date: TimeValue | None
    end_date: TimeValue | None
    tolls: tuple[ResolvedToll, ...]
    confidence: float
    evidence: tuple[str, ...]
    triggers: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class SharedEvent:
    """What the members of a coreference group share: one id, the most specific place, the most
    precise dates and the highest confidence."""

    id: str
    place: str | None
    date: TimeValue | None
    start_date: TimeValue | None
    confidence: float


@dataclass(frozen=True)
class Coreference:
    """The coreference table: ``merged`` maps (article id, index of the event in its
    extraction) to what its group shares; ``shared`` maps each event id that more than one
    event carries to the most casualty counts any of them has; ``count`` is the number of events."""

    merged: Mapping[tuple[str, int], SharedEvent] = field(default_factory=lambda: _EMPTY)
    shared: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    count: int = 0


@dataclass(frozen=True)
class Tables:
    """What the passes read and write. Every field is frozen; a pass returns a new ``Tables``
    (:func:`dataclasses.replace`) with the tables it makes."""

    extractions: ExtractionTable
    gazetteer: Gazetteer
    overrides: Mapping
    #: entity id → :class:`Entity`
    entities: Mapping[str, Entity] = field(default_factory=lambda: _EMPTY)
    #: article id → the entity id of each of its mentions (aligned with ``Extraction.mentions``)
    mentions: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    #: entity id → :class:`MergeStats`
    merges: Mapping[str, MergeStats] = field(default_factory=lambda: _EMPTY)
    coreference: Coreference = field(default_factory=Coreference)


# ------------------------------------------------------------------------------ the result
@dataclass(frozen=True)
class ResolvedArticle:
    """One article as emission reads it: its extraction, the entity of each of its mentions
    (aligned with ``extraction.mentions``) and its resolved events."""

    extraction: Extraction
    entity_ids: tuple[str, ...]
    events: tuple[ResolvedEvent, ...]

    @cached_property
    def _by_mention(self) -> dict[Mention, str]:
        return dict(zip(self.extraction.mentions, self.entity_ids, strict=True))

    def entity_of(self, m: Mention) -> str | None:
        """The entity a mention of this article resolved to (None for a mention it does not list)."""
        return self._by_mention.get(m)


@dataclass(frozen=True)
class Resolution:
    """The frozen tables of a resolved build; emission and the exports read only this."""

    extractions: ExtractionTable
    entities: Mapping[str, Entity]
    mentions: Mapping[str, tuple[str, ...]]
    merges: Mapping[str, MergeStats]
    coreference: Coreference

    def articles(self) -> Iterator[ResolvedArticle]:
        """Each article in id order, with its entities and events (made as they are read)."""
        for ex in self.extractions:
            ids = self.mentions[ex.article.id]
            yield ResolvedArticle(ex, ids, article_events(ex, ids, self.coreference))

    def iter_events(self) -> Iterator[ResolvedEvent]:
        """Every event, article by article (in id order), without keeping them."""
        for art in self.articles():
            yield from art.events

    @cached_property
    def events(self) -> tuple[ResolvedEvent, ...]:
        """Every event (all held in memory: for small builds, tests and notebooks)."""
        return tuple(self.iter_events())

    @property
    def event_count(self) -> int:
        return self.coreference.count

    def entity_of(self, article: str, m: Mention) -> str:
        """The entity of mention ``m`` of article ``article`` (KeyError when it has none)."""
        i = bisect.bisect_left(self.extractions.ids, article)
        if i == len(self.extractions.ids) or self.extractions.ids[i] != article:
            raise KeyError(article)
        ex = self.extractions[i]
        eid = dict(zip(ex.mentions, self.mentions[article], strict=True)).get(m)
        if eid is None:
            raise KeyError((article, m))
        return eid

    def used_entities(self) -> set[str]:
        """The entities some mention resolved to."""
        return {eid for ids in self.mentions.values() for eid in ids}


def _freeze(d: dict) -> Mapping:
    return MappingProxyType(d)


# ------------------------------------------------------------------------------ overrides
def load_overrides(path: str | Path | None) -> dict:
    """The user's overrides file (``--overrides``), checked: ``{"merge": {form: entity id}, "split": [form]}``.

    Raises :class:`~kg.errors.UsageError` naming the file and the first problem (what ``kg build``
    checks before it parses anything).
    """
    if not path:
        return {"merge": {}, "split": []}
    p = Path(path)
    shape = 'expected JSON {"merge": {"surface form": "entity-id"}, "split": ["surface form"]}'
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{p}: cannot read overrides ({exc}); {shape}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{p}: overrides must be a JSON object, not {type(data).__name__}; {shape}")
    unknown = sorted(set(data) - {"merge", "split"})
    merge, split = data.get("merge", {}), data.get("split", [])
    if unknown:
        raise UsageError(f"{p}: unknown overrides key {unknown[0]!r}; {shape}")
    if not isinstance(merge, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                              for k, v in merge.items()):
        raise UsageError(f"{p}: \"merge\" must map surface forms to entity ids (strings); {shape}")
    if not isinstance(split, list) or not all(isinstance(s, str) for s in split):
        raise UsageError(f"{p}: \"split\" must be a list of surface forms (strings); {shape}")
    return {"merge": {norm(k): v for k, v in merge.items()}, "split": [norm(s) for s in split]}



# ------------------------------------------------------------------------------ pass 1: mentions
class _Assigner:
    """The working state of :func:`assign_mentions` (local to the pass)."""

    def __init__(self, gaz: Gazetteer, overrides: Mapping):
        self.gaz = gaz
        self.overrides = overrides
        self.entities: dict[str, Entity] = {}
        self.by_norm: dict[tuple[str, str], str] = {}
        self._names: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._forms: dict[tuple[str, str], tuple[list[str], list[str]]] = {}

    def _seen_names(self, kind: str, cls: str) -> tuple[list[str], list[str]]:
        """Normalised names already resolved to entities of this kind and class, sorted (for fuzzy matching)."""
        if (kind, cls) not in self._names:
            self._names[(kind, cls)] = sorted((name, eid) for (k, name), eid in self.by_norm.items()
                                              if k == kind and self.entities[eid].cls == cls)
        pairs = self._names[(kind, cls)]
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def _remember(self, m: Mention, name: str, eid: str) -> None:
        self.by_norm[(m.kind, name)] = eid
        if (m.kind, m.cls) in self._names:
            bisect.insort(self._names[(m.kind, m.cls)], (name, eid))

    def _gaz_forms(self, kind: str, cls: str) -> tuple[list[str], list[str]]:
        if (kind, cls) not in self._forms:
            forms = [(norm(f), e.id) for e in self.gaz.entries.values() if e.kind == kind and e.cls == cls
                     for f in (e.label, *e.aliases)]
            self._forms[(kind, cls)] = ([f for f, _ in forms], [i for _, i in forms])
        return self._forms[(kind, cls)]

    def new(self, eid: str, kind: str, cls: str, label: str) -> Entity:
        if eid in self.entities:
            return self.entities[eid]
        e = _gaz_or_new(self.gaz, eid, kind, cls, label)
        self.entities[eid] = e
        return e

    def gaz_entity(self, gid: str) -> Entity:
        e = self.new(gid, self.gaz[gid].kind, self.gaz[gid].cls, self.gaz[gid].label)
        _add_gaz_chain(self.entities, self.gaz, gid)
        return e

    def resolve_mention(self, m: Mention, same_article: tuple[Mention, ...]) -> tuple[str, str, float]:
        key = norm(m.text)
        if key in self.overrides["merge"]:
            target = self.overrides["merge"][key]
            if target in self.gaz:
                self.gaz_entity(target)
            else:
                self.new(target, m.kind, m.cls, m.text)
            return target, "override", 1.0
        split = key in self.overrides["split"]
        if m.gaz_id and m.gaz_id in self.gaz and not split:
            self.gaz_entity(m.gaz_id)
            return m.gaz_id, "gazetteer", 1.0
        if not split:
            # same name and same class: "le village de Khalidiya" is not the Khaldiyé district
            hits = [h for h in self.gaz.lookup(m.text, m.kind) if h.cls == m.cls]
            if len(hits) == 1:
                self.gaz_entity(hits[0].id)
                return hits[0].id, "alias", 1.0
        nk = (m.kind, key)
        if nk in self.by_norm:
            return self.by_norm[nk], "normalised", 1.0
        if not split and m.cls == "Person":
            toks = set(key.split())
            for other in same_article:
                if other is m or other.cls != "Person":
                    continue
                ok = set(norm(other.text).split())
                if len(toks) < len(ok) and toks <= ok:
                    oid = self.by_norm.get((other.kind, norm(other.text)))
                    if oid:
                        return oid, "person-part", 1.0
        if not split:
            best, best_score = None, 0.0
            names, ids = self._seen_names(m.kind, m.cls)
            hit = process.extractOne(key, names, scorer=fuzz.token_sort_ratio) if names else None
            if hit is not None:
                best, best_score = ids[hit[2]], hit[1]
            if len(key) >= 5:
                forms, gids = self._gaz_forms(m.kind, m.cls)
                hit = process.extractOne(key, forms, scorer=fuzz.token_sort_ratio) if forms else None
                if hit is not None and hit[1] > best_score:
                    best, best_score = gids[hit[2]], hit[1]
            if best is not None and best_score >= FUZZY_THRESHOLD:
                if best in self.gaz:
                    self.gaz_entity(best)
                self._remember(m, key, best)
                return best, "fuzzy", round(best_score / 100, 3)
        eid = slug(m.text)
        while eid in self.entities and (self.entities[eid].kind != m.kind or self.entities[eid].cls != m.cls):
            eid += "-" + m.cls.lower()
        self.new(eid, m.kind, m.cls, m.text)
        self._remember(m, key, eid)
        return eid, "new", 1.0


def _gaz_or_new(gaz: Gazetteer, eid: str, kind: str, cls: str, label: str) -> Entity:
    """A new entity; a gazetteer id brings its class, label, location, affiliation and identifiers."""
    if eid not in gaz:
        return Entity(eid, kind, cls, label)
    g = gaz[eid]
    return Entity(eid, kind, g.cls, g.label, True, g.located_in, g.affiliated_with, g.geonames, g.lat, g.long,
                  g.wikidata)


def _add_gaz_chain(entities: dict[str, Entity], gaz: Gazetteer, gid: str) -> None:
    """Add the gazetteer places that contain ``gid`` (for the ``locatedIn`` chain), nearest first."""
    parent = gaz[gid].located_in if gid in gaz else None
    while parent and parent in gaz and parent not in entities:
        p = gaz[parent]
        entities[parent] = _gaz_or_new(gaz, parent, p.kind, p.cls, p.label)
        parent = p.located_in


class _Tally:
    __slots__ = ("forms", "classes", "rules", "min_score", "articles")

    def __init__(self) -> None:
        self.forms: Counter = Counter()
        self.classes: Counter = Counter()
        self.rules: set[str] = set()
        self.min_score = 1.0
        self.articles: set[str] = set()

    def freeze(self) -> MergeStats:
        return MergeStats(tuple(sorted(self.forms.items())), tuple(sorted(self.classes.items())),
                          tuple(sorted(self.rules)), self.min_score, tuple(sorted(self.articles)))


def assign_mentions(t: Tables) -> Tables:
    """Pass 1: the entity of every mention (``mentions``), the entities so far (``entities``)
    and how each entity's forms were merged (``merges``)."""
    r = _Assigner(t.gazetteer, t.overrides)
    mentions: dict[str, list[str | None]] = {}
    tallies: dict[str, _Tally] = {}
    for pass_gaz in (True, False):
        for ex in t.extractions:
            aid = ex.article.id
            ms = ex.mentions
            ids = mentions.setdefault(aid, [None] * len(ms))
            order = sorted(range(len(ms)), key=lambda i, ms=ms: (-len(ms[i].text), ms[i].start))
            for i in order:
                m = ms[i]
                if bool(m.gaz_id) != pass_gaz:
                    continue
                eid, rule, score = r.resolve_mention(m, ms)
                ids[i] = eid
                tally = tallies.get(eid)
                if tally is None:
                    tally = tallies[eid] = _Tally()
                tally.forms[m.text] += 1
                tally.classes[m.cls] += 1
                tally.rules.add(rule)
                tally.min_score = min(tally.min_score, score)
                tally.articles.add(aid)
    return replace(t, entities=_freeze(r.entities), mentions=_freeze({a: tuple(v) for a, v in mentions.items()}),
                   merges=_freeze({eid: tally.freeze() for eid, tally in tallies.items()}))


# ------------------------------------------------------------------------------ passes 2-6: entities
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
    return replace(t, entities=_freeze(out))


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
            out[located] = _gaz_or_new(t.gazetteer, located, g.kind, g.cls, g.label)
        if located:
            _add_gaz_chain(out, t.gazetteer, located)
    return replace(t, entities=_freeze(out))


def _entity_pairs(t: Tables, pairs: Callable[[Extraction], Iterable[tuple[Mention, Mention]]]
                  ) -> Iterator[tuple[str, str]]:
    """``(entity, entity)`` of the mention pairs ``pairs(extraction)`` of every article, in order."""
    for ex in t.extractions:
        by_mention = dict(zip(ex.mentions, t.mentions[ex.article.id], strict=True))
        for a, b in pairs(ex):
            ea, eb = by_mention.get(a), by_mention.get(b)
            if ea and eb and ea != eb:
                yield ea, eb


def located_chain(entities: Mapping[str, Entity], eid: str) -> list[str]:
    """The ``located_in`` chain of an entity, nearest first (cycle-safe)."""
    out: list[str] = []
    cur = entities.get(eid)
    while cur is not None and cur.located_in and cur.located_in not in out:
        out.append(cur.located_in)
        cur = entities.get(cur.located_in)
    return out


def locate_stated(t: Tables) -> Tables:
    """Pass 4: containment stated in the texts, for places the gazetteers do not locate: the
    container named most often, unless that would make a cycle."""
    contained: dict[str, Counter] = defaultdict(Counter)
    for a, b in _entity_pairs(t, lambda ex: ex.containment):
        contained[a][b] += 1
    out = dict(t.entities)
    for eid, counter in contained.items():
        if out[eid].located_in is None:
            target = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            if target not in t.gazetteer.ancestors(eid) and eid not in located_chain(out, target):
                out[eid] = replace(out[eid], located_in=target)
    return replace(t, entities=_freeze(out))


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
    return replace(t, entities=_freeze(out))


def affiliate(t: Tables) -> Tables:
    """Pass 6: a person's group stated in the texts (the first one, in article order), for
    persons the gazetteer does not affiliate."""
    first: dict[str, str] = {}
    for p, g in _entity_pairs(t, lambda ex: ((af.person, af.group) for af in ex.affiliations)):
        first.setdefault(p, g)
    out = dict(t.entities)
    for p, g in first.items():
        if out[p].affiliated_with is None:
            out[p] = replace(out[p], affiliated_with=g)
    return replace(t, entities=_freeze(out))


# ------------------------------------------------------------------------------ events
def _event_id(article: str, ev: EventRecord, place: str | None) -> str:
    first = ev.triggers[0] if ev.triggers else (0, 0)
    return hashlib.sha1(f"{article}|{ev.type}|{place or ''}|{first[0]}".encode()).hexdigest()[:16]


def _base_events(ex: Extraction, entity_ids: tuple[str, ...]) -> list[ResolvedEvent]:
    """The events of one article with their roles resolved, before coreference."""
    aid = ex.article.id
    by_mention = dict(zip(ex.mentions, entity_ids, strict=True))

    def ids(ms: Iterable[Mention]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(by_mention[m] for m in ms if m in by_mention))

    out = []
    for ev in ex.events:
        place = by_mention.get(ev.place) if ev.place is not None else None
        tolls = tuple(ResolvedToll(tl.count, tl.qualifier, CIVILIANS if tl.civilians else
                                   (by_mention.get(tl.group) if tl.group is not None else None))
                      for tl in ev.tolls)
        agents = ids(ev.agents)
        out.append(ResolvedEvent(
            id=_event_id(aid, ev, place), article=aid, type=ev.type, place=place, agents=agents,
            targets=tuple(x for x in ids(ev.targets) if x not in agents), sources=ids(ev.sources),
            disputed_by=ids(ev.disputed_by), date=ev.date, start_date=ev.start_date, end_date=ev.end_date,
            tolls=tuple(dict.fromkeys(tolls)), confidence=ev.confidence, evidence=ev.evidence,
            triggers=ev.triggers))
    return out


def article_events(ex: Extraction, entity_ids: tuple[str, ...], coreference: Coreference
                   ) -> tuple[ResolvedEvent, ...]:
    """The resolved events of one article: roles resolved, coreference groups applied."""
    merged = coreference.merged
    out = _base_events(ex, entity_ids)
    if merged:
        aid = ex.article.id
        for i, ev in enumerate(out):
            s = merged.get((aid, i))
            if s is not None:
                out[i] = replace(ev, id=s.id, place=s.place, date=s.date, start_date=s.start_date,
                                 confidence=s.confidence)
    return tuple(out)


class _Candidate(NamedTuple):
    """What coreference needs of an event (small: no evidence, no offsets)."""

    key: tuple[str, int]  # (article id, index in its extraction)
    id: str
    type: str
    place: str
    who: tuple[str, ...]  # agents and targets
    date: TimeValue | None
    start_date: TimeValue | None
    when: TimeValue
    confidence: float
    tolls: int


def _groups(cands: list[_Candidate], entities: Mapping[str, Entity]) -> list[list[int]]:
    """Coreference groups (indices into ``cands``, two members or more), by union-find."""
    chains: dict[str, list[str]] = {}

    def chain(pid: str) -> list[str]:
        if pid not in chains:
            chains[pid] = located_chain(entities, pid)
        return chains[pid]

    parent = list(range(len(cands)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # candidates share type and year (overlapping times share a year) and one's place is the other's or
    # an ancestor of it: index events by (type, year, place) and look up each event's place and ancestors
    by_key: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for i, c in enumerate(cands):
        by_key[(c.type, c.when.year, c.place)].append(i)
    for (etype, year, place), members in sorted(by_key.items()):
        near: list[int] = []
        for p in [place, *chain(place)]:
            near.extend(by_key.get((etype, year, p), ()))
        for i in members:
            a = cands[i]
            for j in near:
                if j <= i and cands[j].place == place:
                    continue  # same-place pairs are seen once
                b = cands[j]
                if a.key[0] == b.key[0] or i == j:
                    continue
                if not a.when.overlaps(b.when):
                    continue
                if not set(a.who) & set(b.who):
                    continue
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(cands)):
        groups[find(i)].append(i)
    return [members for members in groups.values() if len(members) >= 2]


_PRECISION = {"year": 0, "month": 1, "day": 2}


def _share(members: list[_Candidate], entities: Mapping[str, Entity]) -> SharedEvent:
    place = max((c.place for c in members), key=lambda p: (len(located_chain(entities, p)), p))
    dates = [c.date for c in members if c.date is not None]
    starts = [c.start_date for c in members if c.start_date is not None]
    date = max(dates, key=lambda d: (_PRECISION[d.precision], d.iso())) if dates else None
    start = max(starts, key=lambda d: (_PRECISION[d.precision], d.iso())) if starts else None
    return SharedEvent(min(c.id for c in members), place, date, start, max(c.confidence for c in members))


def _candidate(ev: ResolvedEvent, key: tuple[str, int], published: TimeValue | None) -> _Candidate | None:
    when = ev.date or ev.start_date or published
    if not ev.place or when is None or not (ev.agents or ev.targets):
        return None  # events without a place, any time or a participant stay apart
    return _Candidate(key, ev.id, ev.type, ev.place, ev.agents + ev.targets, ev.date, ev.start_date, when,
                      ev.confidence, len(ev.tolls))


def corefer(t: Tables) -> Tables:
    """Pass 7: the coreference table (:class:`Coreference`) of every article's events
    (see :func:`corefer_events` for when two events corefer)."""
    cands: list[_Candidate] = []
    repeats: list[list[tuple[tuple[str, int], str, int]]] = []  # events of one article with one base id
    count = 0
    for ex in t.extractions:
        aid, published = ex.article.id, ex.article.published
        events = _base_events(ex, t.mentions[aid])
        count += len(events)
        same: dict[str, list[tuple[tuple[str, int], str, int]]] = defaultdict(list)
        for i, ev in enumerate(events):
            c = _candidate(ev, (aid, i), published)
            if c is not None:
                cands.append(c)
            same[ev.id].append(((aid, i), ev.id, len(ev.tolls)))
        repeats.extend(v for v in same.values() if len(v) > 1)
    merged: dict[tuple[str, int], SharedEvent] = {}
    shared: dict[str, int] = {}
    for members in _groups(cands, t.entities):
        group = [cands[i] for i in members]
        s = _share(group, t.entities)
        for c in group:
            merged[c.key] = s
        shared[s.id] = max(shared.get(s.id, 0), *(c.tolls for c in group))
    # an id carried twice within one article (events that are not all in one group)
    for rep in repeats:
        final = Counter(merged[k].id if k in merged else eid for k, eid, _n in rep)
        for k, eid, n in rep:
            fid = merged[k].id if k in merged else eid
            if final[fid] > 1 or fid in shared:
                shared[fid] = max(shared.get(fid, 0), n)
    cands.clear()
    return replace(t, coreference=Coreference(_freeze(dict(sorted(merged.items()))), _freeze(shared), count))


def corefer_events(events: list[ResolvedEvent], entities: Mapping[str, Entity],
                   published: Mapping[str, TimeValue | None]) -> list[ResolvedEvent]:
    """One event for the same happening told by several articles.

    Two events of different articles corefer when they have the same type, compatible places (the
    same, or one inside the other), compatible times (their dates — or, failing one, the article's
    publication date — overlap at their precision) and share a participant (agent or target). Each
    member keeps its article, its roles, sources and evidence; they share one id, the most specific
    place, the most precise date and the highest confidence. Events without a place or any time stay apart.
    """
    cands = [c for i, ev in enumerate(events) if (c := _candidate(ev, (ev.article, i), published.get(ev.article)))]
    out = list(events)
    for members in _groups(cands, entities):
        group = [cands[i] for i in members]
        s = _share(group, entities)
        for c in group:
            i = c.key[1]
            out[i] = replace(out[i], id=s.id, place=s.place, date=s.date, start_date=s.start_date,
                             confidence=s.confidence)
    return out


# ------------------------------------------------------------------------------ the passes
#: the passes of :func:`resolve`, in order
PASSES: tuple[Callable[[Tables], Tables], ...] = (
    assign_mentions, name_entities, locate_towns, locate_stated, locate_by_context, affiliate, corefer)


def resolve(extractions: Iterable[Extraction] | ExtractionTable, *, gazetteer: Gazetteer | None = None,
            overrides: str | Path | None = None) -> Resolution:
    """Give every mention a canonical entity and every event its ids (deterministic): run
    :data:`PASSES` over the extractions (a list, or an :class:`~kg.schema.spool.ExtractionTable`)."""
    table = extractions if isinstance(extractions, ExtractionTable) else ExtractionTable.of(extractions)
    t = Tables(table, gazetteer or load_gazetteer(), _freeze(load_overrides(overrides)))
    for step in PASSES:
        t = step(t)
    return Resolution(t.extractions, t.entities, t.mentions, t.merges, t.coreference)


# ------------------------------------------------------------------------------ the merge log
ENTITY_COLUMNS = ["entity", "kind", "class", "label", "located_in", "affiliated_with", "geonames", "surface_forms",
                  "rules", "min_score", "articles"]


def entity_rows(res: Resolution) -> list[dict]:
    """The merge log, one row per entity: which surface forms became it, by which rules, with which score.

    ``kg build`` writes it to ``entities.csv``; ``kg entities`` prints it.
    """
    rows = []
    for eid in sorted(res.merges):
        e = res.entities[eid]
        stats = res.merges[eid]
        rows.append({
            "entity": eid, "kind": e.kind, "class": e.cls, "label": e.label, "located_in": e.located_in or "",
            "affiliated_with": e.affiliated_with or "", "geonames": e.geonames or "",
            "surface_forms": " | ".join(f"{f} ×{n}" for f, n in sorted(stats.forms, key=lambda kv: (-kv[1], kv[0]))),
            "rules": " ".join(stats.rules), "min_score": stats.min_score, "articles": " ".join(stats.articles),
        })
    return rows
