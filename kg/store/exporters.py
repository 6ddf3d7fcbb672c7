"""The exports of a build, by name (:data:`EXPORTERS`): what ``kg build`` writes and publishes."""

from __future__ import annotations

from collections.abc import Callable

from kg.store.csv_export import write_entities_csv, write_events_csv
from kg.store.turtle import write_derived

__all__ = ["EXPORTERS"]

#: every export of a build, by name: its file and, for the tables, the writer ``(store, resolution, path)``
#: (``graph.ttl`` and ``graph.trig`` are streamed by :class:`GraphWriter` while the graph is emitted)
EXPORTERS: dict[str, tuple[str, Callable | None]] = {
    "turtle": ("graph.ttl", None),
    "trig": ("graph.trig", None),
    "csv": ("events.csv", write_events_csv),
    "entities": ("entities.csv", write_entities_csv),
    "derived": ("derived.ttl", write_derived),
}
