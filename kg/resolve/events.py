"""The events of one article: roles resolved to entities (:func:`base_events`), then the
coreference table applied (:func:`article_events`). Event ids are a hash of article, type, place
and trigger offset.

Must not import rdflib, pyoxigraph or spaCy (resolve sits below rdf; ``lint-imports`` checks).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace

from kg.resolve.records import CIVILIANS, Coreference, ResolvedEvent, ResolvedToll
from kg.schema.records import EventRecord, Extraction, Mention

__all__ = ["base_events", "article_events"]


def _event_id(article: str, ev: EventRecord, place: str | None) -> str:
    first = ev.triggers[0] if ev.triggers else (0, 0)
    return hashlib.sha1(f"{article}|{ev.type}|{place or ''}|{first[0]}".encode()).hexdigest()[:16]


def base_events(ex: Extraction, entity_ids: tuple[str, ...]) -> list[ResolvedEvent]:
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
    out = base_events(ex, entity_ids)
    if merged:
        aid = ex.article.id
        for i, ev in enumerate(out):
            s = merged.get((aid, i))
            if s is not None:
                out[i] = replace(ev, id=s.id, place=s.place, date=s.date, start_date=s.start_date,
                                 confidence=s.confidence)
    return tuple(out)
