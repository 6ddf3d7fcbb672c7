"""Pass 7 — :func:`corefer`: one event id for the same happening told by several articles (the
rule is :func:`corefer_events`'s, which does the same on a list of events).

Must not import rdflib, pyoxigraph or spaCy (resolve sits below rdf; ``lint-imports`` checks).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import replace
from typing import NamedTuple

from kg.resolve.events import base_events
from kg.resolve.places import located_chain
from kg.resolve.records import Coreference, Entity, ResolvedEvent, SharedEvent, Tables, freeze
from kg.schema.time import TimeValue

__all__ = ["corefer", "corefer_events"]


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
        events = base_events(ex, t.mentions[aid])
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
    return replace(t, coreference=Coreference(freeze(dict(sorted(merged.items()))), freeze(shared), count))


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
