"""Stage 4 — resolve: one node per real thing, across all articles.

Every mention gets a canonical entity id by the first rule that applies, in order:

1. ``override``   — the user's merge/split file (``--overrides``), when given;
2. ``gazetteer``  — the mention was matched on a gazetteer name (``kg/data/*.jsonl``);
3. ``alias``      — its normalised text is a gazetteer alias of the same kind;
4. ``normalised`` — same normalised name and kind as an entity already seen;
5. ``person-part``— a person named by part of a fuller name in the same article ("Abdel Rahmane");
6. ``fuzzy``      — a name of the same kind and class close enough (rapidfuzz ``token_sort_ratio``
   ≥ :data:`FUZZY_THRESHOLD`) to an entity already seen;
7. ``new``        — a new entity.

Every decision is kept as a :class:`MergeRecord` (``kg entities`` lists them).
Events keep their article; their ids are a hash of article, type, place and trigger offset.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from kg.errors import UsageError
from kg.extract import EventRecord, Extraction, Mention
from kg.gazetteer import Gazetteer, load_gazetteer, norm
from kg.geo import container_for, find_place
from kg.schema.time import TimeValue

__all__ = ["Entity", "ResolvedEvent", "ResolvedToll", "MergeRecord", "Resolution", "resolve", "slug", "corefer_events",
           "entity_rows", "ENTITY_COLUMNS", "located_chain",
           "FUZZY_THRESHOLD", "CIVILIANS", "load_overrides", "MERGE_RULES"]

FUZZY_THRESHOLD = 90
#: the merge rules, in the order they are tried (the ``rules`` column of entities.csv)
MERGE_RULES = ("override", "gazetteer", "alias", "normalised", "person-part", "fuzzy", "new")
CIVILIANS = "__civilians__"
_PLACE_RANK = {"Country": 0, "Region": 1, "City": 2, "Neighbourhood": 3, "Site": 4}


def slug(text: str) -> str:
    """ASCII slug for IRIs.

    >>> slug("Khaldiyé (Homs)")
    'khaldiye-homs'
    """
    s = norm(text).replace("'", " ")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s[:80] or "x"


@dataclass
class Entity:
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
    surface: Counter = field(default_factory=Counter)
    classes: Counter = field(default_factory=Counter)
    mentions: list[tuple[str, Mention]] = field(default_factory=list)


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
class MergeRecord:
    surface: str
    entity: str
    rule: str
    score: float
    article: str


@dataclass
class Resolution:
    entities: dict[str, Entity]
    mention_entity: dict[tuple[str, Mention], str]
    events: list[ResolvedEvent]
    merges: list[MergeRecord]
    extractions: list[Extraction]
    affiliations: dict[str, str]

    def entity_of(self, article: str, m: Mention) -> str:
        return self.mention_entity[(article, m)]


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


_load_overrides = load_overrides


class _Resolver:
    def __init__(self, gaz: Gazetteer, overrides: dict):
        self.gaz = gaz
        self.overrides = overrides
        self.entities: dict[str, Entity] = {}
        self.by_norm: dict[tuple[str, str], str] = {}
        self.merges: list[MergeRecord] = []
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

    def _new(self, eid: str, kind: str, cls: str, label: str) -> Entity:
        if eid in self.entities:
            return self.entities[eid]
        e = self.entities[eid] = Entity(eid, kind, cls, label)
        if eid in self.gaz:
            g = self.gaz[eid]
            e.cls, e.label, e.gazetteer = g.cls, g.label, True
            e.located_in, e.affiliated_with = g.located_in, g.affiliated_with
            e.geonames, e.lat, e.long, e.wikidata = g.geonames, g.lat, g.long, g.wikidata
        return e

    def _gaz_entity(self, gid: str) -> Entity:
        g = self.gaz[gid]
        e = self._new(gid, g.kind, g.cls, g.label)
        # a gazetteer place brings its containing places along (for the locatedIn chain)
        parent = g.located_in
        while parent and parent in self.gaz and parent not in self.entities:
            p = self.gaz[parent]
            self._new(parent, p.kind, p.cls, p.label)
            parent = p.located_in
        return e

    def resolve_mention(self, article: str, m: Mention, same_article: list[Mention]) -> tuple[str, str, float]:
        key = norm(m.text)
        if key in self.overrides["merge"]:
            target = self.overrides["merge"][key]
            if target in self.gaz:
                self._gaz_entity(target)
            else:
                self._new(target, m.kind, m.cls, m.text)
            return target, "override", 1.0
        split = key in self.overrides["split"]
        if m.gaz_id and m.gaz_id in self.gaz and not split:
            self._gaz_entity(m.gaz_id)
            return m.gaz_id, "gazetteer", 1.0
        if not split:
            # same name and same class: "le village de Khalidiya" is not the Khaldiyé district
            hits = [h for h in self.gaz.lookup(m.text, m.kind) if h.cls == m.cls]
            if len(hits) == 1:
                self._gaz_entity(hits[0].id)
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
                    self._gaz_entity(best)
                self._remember(m, key, best)
                return best, "fuzzy", round(best_score / 100, 3)
        prefix = "" if m.kind == "place" else ""
        eid = prefix + slug(m.text)
        while eid in self.entities and (self.entities[eid].kind != m.kind or self.entities[eid].cls != m.cls):
            eid += "-" + m.cls.lower()
        self._new(eid, m.kind, m.cls, m.text)
        self._remember(m, key, eid)
        return eid, "new", 1.0


def _event_id(article: str, ev: EventRecord, place: str | None) -> str:
    first = ev.triggers[0] if ev.triggers else (0, 0)
    h = hashlib.sha1(f"{article}|{ev.type}|{place or ''}|{first[0]}".encode()).hexdigest()[:16]
    return h


def resolve(extractions: Iterable[Extraction], *, gazetteer: Gazetteer | None = None,
            overrides: str | Path | None = None) -> Resolution:
    """Give every mention a canonical entity and every event its ids (deterministic)."""
    gaz = gazetteer or load_gazetteer()
    r = _Resolver(gaz, _load_overrides(overrides))
    exs = sorted(extractions, key=lambda x: x.article.id)
    mention_entity: dict[tuple[str, Mention], str] = {}
    # gazetteer-matched mentions first, then the rest, so unknown names meet known ones
    for pass_gaz in (True, False):
        for ex in exs:
            aid = ex.article.id
            ordered = sorted(ex.mentions, key=lambda m: (-len(m.text), m.start))
            for m in ordered:
                if bool(m.gaz_id) != pass_gaz:
                    continue
                eid, rule, score = r.resolve_mention(aid, m, list(ex.mentions))
                mention_entity[(aid, m)] = eid
                e = r.entities[eid]
                e.surface[m.text] += 1
                e.classes[m.cls] += 1
                e.mentions.append((aid, m))
                r.merges.append(MergeRecord(m.text, eid, rule, score, aid))
    # labels and classes of entities the gazetteers do not know
    for e in r.entities.values():
        if not e.gazetteer and e.surface:
            e.label = sorted(e.surface.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
            e.cls = sorted(e.classes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    # towns the curated gazetteer does not list: GeoNames id, coordinates and governorate
    for e in r.entities.values():
        if e.gazetteer or e.kind != "place" or e.cls != "City":
            continue
        gp = find_place(e.label)
        if gp is not None:
            e.geonames, e.lat, e.long = gp.id, gp.lat, gp.long
            e.located_in = e.located_in or container_for(gp, gaz)
            if e.located_in:
                _ensure_chain(r, e.located_in)
    # containment stated in the texts, for places the gazetteers do not locate
    contained: dict[str, Counter] = defaultdict(Counter)
    affiliations: dict[str, str] = {}
    for ex in exs:
        aid = ex.article.id
        for a, b in ex.containment:
            ea, eb = mention_entity.get((aid, a)), mention_entity.get((aid, b))
            if ea and eb and ea != eb:
                contained[ea][eb] += 1
        for af in ex.affiliations:
            p, g = mention_entity.get((aid, af.person)), mention_entity.get((aid, af.group))
            if p and g and p != g:
                affiliations.setdefault(p, g)
    for eid, counter in contained.items():
        e = r.entities[eid]
        if e.located_in is None:
            target = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            if target not in gaz.ancestors(eid) and eid not in located_chain(r.entities, target):
                e.located_in = target
    _locate_by_context(r, exs, mention_entity)
    for p, g in affiliations.items():
        if r.entities[p].affiliated_with is None:
            r.entities[p].affiliated_with = g
    events: list[ResolvedEvent] = []
    for ex in exs:
        aid = ex.article.id

        def ids(ms: Iterable[Mention], _aid: str = aid) -> tuple[str, ...]:
            return tuple(dict.fromkeys(mention_entity[(_aid, m)] for m in ms if (_aid, m) in mention_entity))

        for ev in ex.events:
            place = mention_entity.get((aid, ev.place)) if ev.place is not None else None
            tolls = tuple(ResolvedToll(t.count, t.qualifier, CIVILIANS if t.civilians else
                                       (mention_entity.get((aid, t.group)) if t.group is not None else None))
                          for t in ev.tolls)
            events.append(ResolvedEvent(
                id=_event_id(aid, ev, place), article=aid, type=ev.type, place=place,
                agents=ids(ev.agents), targets=tuple(t for t in ids(ev.targets) if t not in ids(ev.agents)),
                sources=ids(ev.sources),
                disputed_by=ids(ev.disputed_by), date=ev.date, start_date=ev.start_date, end_date=ev.end_date,
                tolls=tuple(dict.fromkeys(tolls)), confidence=ev.confidence, evidence=ev.evidence,
                triggers=ev.triggers))
    events = corefer_events(events, r.entities, {ex.article.id: ex.article.published for ex in exs})
    return Resolution(r.entities, mention_entity, events, r.merges, exs, affiliations)


def located_chain(entities: dict[str, Entity], eid: str) -> list[str]:
    """The ``located_in`` chain of an entity, nearest first (cycle-safe)."""
    out: list[str] = []
    cur = entities.get(eid)
    while cur is not None and cur.located_in and cur.located_in not in out:
        out.append(cur.located_in)
        cur = entities.get(cur.located_in)
    return out


def _ensure_chain(r: _Resolver, place_id: str) -> None:
    if place_id in r.gaz:
        r._gaz_entity(place_id)


def _locate_by_context(r: _Resolver, exs: list[Extraction], mention_entity: dict) -> None:
    """Places still unlocated: inside what the texts name around them.

    A town goes in the region of the known places of its sentence ("al-Atifiyeh, près de Qousseir"
    → the province of Homs), a district or site in the city of its sentence, else in the city (or
    region, or country) its articles name most — so every place has a ``locatedIn`` chain.
    """
    wanted = {"City": ("Region", "Country"), "Neighbourhood": ("City",), "Site": ("Neighbourhood", "City"),
              "Region": ("Country",)}
    votes: dict[str, Counter] = defaultdict(Counter)
    for ex in exs:
        aid = ex.article.id
        places = [(m, mention_entity.get((aid, m))) for m in ex.mentions if m.kind == "place"]
        article_counts = Counter(eid for _, eid in places if eid)
        for m, eid in places:
            e = r.entities.get(eid) if eid else None
            if e is None or e.located_in is not None or e.cls == "Country":
                continue
            for other, oid in places:
                if oid is None or oid == eid:
                    continue
                same_sentence = other.sentence == m.sentence
                for cand in [oid, *located_chain(r.entities, oid)]:
                    ce = r.entities[cand]
                    if ce.cls in wanted.get(e.cls, ()) and cand != eid and eid not in located_chain(r.entities, cand):
                        votes[eid][cand] += (100 if same_sentence else 1) * article_counts[oid]
                        break
    for eid, counter in votes.items():
        e = r.entities[eid]
        if e.located_in is None and counter:
            e.located_in = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def corefer_events(events: list[ResolvedEvent], entities: dict[str, Entity],
                   published: dict[str, TimeValue | None]) -> list[ResolvedEvent]:
    """One event for the same happening told by several articles.

    Two events of different articles corefer when they have the same type, compatible places (the
    same, or one inside the other), compatible times (their dates — or, failing one, the article's
    publication date — overlap at their precision) and share a participant (agent or target). Each
    member keeps its article, its roles, sources and evidence; they share one id, the most specific
    place, the most precise date and the highest confidence. Events without a place or any time stay apart.
    """
    def when(ev: ResolvedEvent) -> TimeValue | None:
        return ev.date or ev.start_date or published.get(ev.article)

    chains: dict[str, list[str]] = {}

    def chain(pid: str) -> list[str]:
        if pid not in chains:
            chains[pid] = located_chain(entities, pid)
        return chains[pid]

    n = len(events)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # candidates share type and year (overlapping times share a year) and one's place is the other's or
    # an ancestor of it: index events by (type, year, place) and look up each event's place and ancestors
    by_key: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for i, ev in enumerate(events):
        if ev.place and when(ev) is not None and (ev.agents or ev.targets):
            by_key[(ev.type, when(ev).year, ev.place)].append(i)
    for (etype, year, place), members in sorted(by_key.items()):
        cands: list[int] = []
        for p in [place, *chain(place)]:
            cands.extend(by_key.get((etype, year, p), ()))
        for i in members:
            a = events[i]
            for j in cands:
                if j <= i and events[j].place == place:
                    continue  # same-place pairs are seen once
                b = events[j]
                if a.article == b.article or i == j:
                    continue
                if not when(a).overlaps(when(b)):
                    continue
                if not (set(a.agents) | set(a.targets)) & (set(b.agents) | set(b.targets)):
                    continue
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    out = list(events)
    for members in groups.values():
        if len(members) < 2:
            continue
        evs = [events[i] for i in members]
        canonical = min(e.id for e in evs)
        place = max((e.place for e in evs), key=lambda p: (len(chain(p)), p))
        dates = [e.date for e in evs if e.date is not None]
        starts = [e.start_date for e in evs if e.start_date is not None]
        precision = {"year": 0, "month": 1, "day": 2}
        date = max(dates, key=lambda d: (precision[d.precision], d.iso())) if dates else None
        start = max(starts, key=lambda d: (precision[d.precision], d.iso())) if starts else None
        conf = max(e.confidence for e in evs)
        for i in members:
            out[i] = replace(events[i], id=canonical, place=place, date=date, start_date=start, confidence=conf)
    return out


ENTITY_COLUMNS = ["entity", "kind", "class", "label", "located_in", "affiliated_with", "geonames", "surface_forms",
                  "rules", "min_score", "articles"]


def entity_rows(res: Resolution) -> list[dict]:
    """The merge log, one row per entity: which surface forms became it, by which rules, with which score.

    ``kg build`` writes it to ``entities.csv``; ``kg entities`` prints it.
    """
    by_entity: dict[str, list[MergeRecord]] = defaultdict(list)
    for m in res.merges:
        by_entity[m.entity].append(m)
    rows = []
    for eid in sorted(by_entity):
        e = res.entities[eid]
        recs = by_entity[eid]
        forms = Counter(m.surface for m in recs)
        rows.append({
            "entity": eid, "kind": e.kind, "class": e.cls, "label": e.label, "located_in": e.located_in or "",
            "affiliated_with": e.affiliated_with or res.affiliations.get(eid, ""), "geonames": e.geonames or "",
            "surface_forms": " | ".join(f"{f} ×{n}" for f, n in sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))),
            "rules": " ".join(sorted({m.rule for m in recs})), "min_score": min(m.score for m in recs),
            "articles": " ".join(sorted({m.article for m in recs})),
        })
    return rows
