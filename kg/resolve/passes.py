"""The ordered passes of resolution (:data:`PASSES`) and :func:`resolve`, which runs them over
frozen :class:`~kg.resolve.records.Tables`.

Must not import rdflib, pyoxigraph or spaCy (resolve sits below rdf; ``lint-imports`` checks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from kg.gazetteer import Gazetteer, load_gazetteer
from kg.resolve.coreference import corefer
from kg.resolve.entities import affiliate, name_entities
from kg.resolve.mentions import assign_mentions
from kg.resolve.overrides import load_overrides
from kg.resolve.places import locate_by_context, locate_stated, locate_towns
from kg.resolve.records import Tables, freeze
from kg.resolve.resolution import Resolution
from kg.schema.records import Extraction
from kg.schema.spool import ExtractionTable

__all__ = ["PASSES", "resolve"]

#: the passes of :func:`resolve`, in order
PASSES: tuple[Callable[[Tables], Tables], ...] = (
    assign_mentions, name_entities, locate_towns, locate_stated, locate_by_context, affiliate, corefer)


def resolve(extractions: Iterable[Extraction] | ExtractionTable, *, gazetteer: Gazetteer | None = None,
            overrides: str | Path | None = None) -> Resolution:
    """Give every mention a canonical entity and every event its ids (deterministic): run
    :data:`PASSES` over the extractions (a list, or an :class:`~kg.schema.spool.ExtractionTable`)."""
    table = extractions if isinstance(extractions, ExtractionTable) else ExtractionTable.of(extractions)
    t = Tables(table, gazetteer or load_gazetteer(), freeze(load_overrides(overrides)))
    for step in PASSES:
        t = step(t)
    return Resolution(t.extractions, t.entities, t.mentions, t.merges, t.coreference)
