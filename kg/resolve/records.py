"""The frozen records of resolution: entities, resolved events, merge stats, the coreference table
and :class:`Tables`, what the passes read and write.

Plain dataclasses and constants only; no pass lives here.

Must not import rdflib, pyoxigraph or spaCy (resolve sits below rdf; ``lint-imports`` checks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from kg.gazetteer import Gazetteer
from kg.schema.spool import ExtractionTable
from kg.schema.time import TimeValue

__all__ = ["Entity", "MergeStats", "ResolvedToll", "ResolvedEvent", "SharedEvent", "Coreference", "Tables",
           "CIVILIANS", "freeze"]

CIVILIANS = "__civilians__"
_EMPTY: Mapping = MappingProxyType({})


def freeze(d: dict) -> Mapping:
    """A read-only view of ``d`` (the tables a pass returns)."""
    return MappingProxyType(d)


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
