"""The result of resolution: :class:`Resolution` (the frozen tables emission and the exports read),
its articles (:class:`ResolvedArticle`, events made as they are read) and its merge log
(:func:`entity_rows`, ``entities.csv``).

Must not import rdflib, pyoxigraph or spaCy (resolve sits below rdf; ``lint-imports`` checks).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from kg.resolve.events import article_events
from kg.resolve.records import Coreference, Entity, MergeStats, ResolvedEvent
from kg.schema.records import Extraction, Mention
from kg.schema.spool import ExtractionTable

__all__ = ["ResolvedArticle", "Resolution", "ENTITY_COLUMNS", "entity_rows"]


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
