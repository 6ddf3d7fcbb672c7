"""The table exports of a build: ``events.csv`` (one row per event, ACLED-like columns) and
``entities.csv`` (the resolution's merge log), with every cell made safe for spreadsheets
(:func:`csv_cell`).

Reads the resolution (:mod:`kg.resolve`) and the taxonomy; imports neither rdflib, pyoxigraph nor
spaCy.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kg.errors import QueryError, printable
from kg.resolve import CIVILIANS, Resolution, located_chain
from kg.schema.taxonomy import ACLED_EVENT_TYPE, ACLED_SUB_EVENT_TYPE, FAMILY
from kg.store.atomic import atomic_write

__all__ = ["EVENT_COLUMNS", "event_rows", "iter_event_rows", "csv_cell", "write_events_csv",
           "write_entities_csv", "read_entities_csv", "ENTITY_READ_COLUMNS"]

#: the columns of ``entities.csv`` that ``kg entities`` reads (a build writes :data:`kg.resolve.ENTITY_COLUMNS`)
ENTITY_READ_COLUMNS = ("entity", "class", "label", "surface_forms", "rules", "min_score")

EVENT_COLUMNS = ["event_id", "event_date", "start_date", "end_date", "time_precision", "event_type",
                 "family", "acled_event_type", "acled_sub_event_type", "actor1", "actor1_class", "assoc_actor_1",
                 "actor2", "actor2_class", "location", "location_class", "admin1", "country", "latitude",
                 "longitude", "geonames_id", "fatalities", "fatalities_detail", "sources", "disputed_by",
                 "article", "confidence", "notes"]


def _event_row(res: Resolution, ev) -> dict:
    """The ``events.csv`` row of one event (actor1 = agent, actor2 = target)."""
    def label(eid: str) -> str:
        return res.entities[eid].label

    place = res.entities.get(ev.place) if ev.place else None
    chain = [res.entities[p] for p in located_chain(res.entities, ev.place)] if ev.place else []
    country = next((p.label for p in ([place] if place else []) + chain if p.cls == "Country"), "")
    admin1 = next((p.label for p in ([place] if place else []) + chain if p.cls == "Region"), "")
    when = ev.date or ev.start_date
    total = sum(t.count for t in ev.tolls if t.group is None) or sum(t.count for t in ev.tolls)
    detail = "; ".join(
        f"{ {'Exactly': '', 'AtLeast': '>=', 'MoreThan': '>', 'Approximately': '~'}[t.qualifier]}{t.count}"
        + (f" {'civilians' if t.group == CIVILIANS else label(t.group)}" if t.group else "")
        for t in ev.tolls)
    acled = (ACLED_EVENT_TYPE[ev.type], ACLED_SUB_EVENT_TYPE[ev.type])  # the ontology's
    if ev.type == "TerritoryCapture" and ev.agents:
        state = res.entities[ev.agents[0]].cls in ("StateForce", "ForeignState", "GovernmentBody")
        acled = (acled[0], "Government regains territory" if state else "Non-state actor overtakes territory")
    return {
        "event_id": ev.id, "event_date": ev.date.iso() if ev.date else "",
        "start_date": ev.start_date.iso() if ev.start_date else "",
        "end_date": ev.end_date.iso() if ev.end_date else "",
        "time_precision": when.precision if when else "",
        "event_type": ev.type, "family": FAMILY[ev.type], "acled_event_type": acled[0],
        "acled_sub_event_type": acled[1],
        "actor1": label(ev.agents[0]) if ev.agents else "",
        "actor1_class": res.entities[ev.agents[0]].cls if ev.agents else "",
        "assoc_actor_1": "; ".join(label(a) for a in ev.agents[1:]),
        "actor2": "; ".join(label(a) for a in ev.targets),
        "actor2_class": res.entities[ev.targets[0]].cls if ev.targets else "",
        "location": place.label if place else "", "location_class": place.cls if place else "",
        "admin1": admin1, "country": country,
        "latitude": "" if not place or place.lat is None else place.lat,
        "longitude": "" if not place or place.long is None else place.long,
        "geonames_id": (place.geonames or "") if place else "",
        "fatalities": total if ev.tolls else "", "fatalities_detail": detail,
        "sources": "; ".join(label(s) for s in ev.sources),
        "disputed_by": "; ".join(label(s) for s in ev.disputed_by),
        "article": ev.article, "confidence": ev.confidence, "notes": " | ".join(ev.evidence),
    }


def iter_event_rows(res: Resolution) -> Iterator[dict]:
    """One row per event, by article and then by trigger offset, made as they are read."""
    for art in res.articles():
        for ev in sorted(art.events, key=lambda e: (e.triggers[0] if e.triggers else (0, 0), e.type, e.id)):
            yield _event_row(res, ev)


def event_rows(res: Resolution) -> list[dict]:
    """One row per event with ACLED-like columns (actor1 = agent, actor2 = target)."""
    return list(iter_event_rows(res))


_MERGED_COLUMNS = ("sources", "article", "notes", "assoc_actor_1", "actor2")


def _merge_row(first: dict, row: dict) -> None:
    for col in _MERGED_COLUMNS:
        parts = [p for p in (first[col] + "; " + row[col]).split("; ") if p]
        first[col] = "; ".join(dict.fromkeys(parts))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    r"""A table cell made safe to open in a spreadsheet (OWASP, CSV injection): a text starting
    with ``= + - @``, a tab or a carriage return gets a leading ``'`` so that it stays text and is
    never run as a formula; bidirectional overrides (U+202A-U+202E, U+2066-U+2069), which make a
    cell show other text than it holds, and control characters (an ESC sequence runs in the
    terminal that shows the file) are written as visible ``\u202e``, ``\u001b`` escapes. Numbers stay.

    >>> csv_cell('=HYPERLINK("http://x")'), csv_cell("-12 morts"), csv_cell(-12), csv_cell("a\u202eb")
    ('\'=HYPERLINK("http://x")', "'-12 morts", -12, 'a\\u202eb')
    >>> csv_cell("Idleb\x1b[2J")
    'Idleb\\u001b[2J'
    """
    if not isinstance(value, str):
        return value
    value = printable(value, keep_lines=True)  # bidi and control characters, as kg prints them
    return "'" + value if value.startswith(_FORMULA_START) else value


def _safe_row(row: dict) -> dict:
    return {k: csv_cell(v) for k, v in row.items()}


def write_events_csv(store, res: Resolution, path: str | Path) -> None:
    """``events.csv``: one row per event; an event several articles tell (or one article twice)
    is one row at its first place, with every source, article, note and actor kept. Streams:
    only the rows of such events are held (``res.coreference.shared``)."""
    shared = res.coreference.shared
    merged: dict[str, dict] = {}
    if shared:
        for row in iter_event_rows(res):
            if row["event_id"] in shared:
                first = merged.setdefault(row["event_id"], row)
                if first is not row:
                    _merge_row(first, row)
    with atomic_write(path) as fh:
        w = csv.DictWriter(fh, fieldnames=EVENT_COLUMNS, lineterminator="\n")
        w.writeheader()
        for row in iter_event_rows(res):
            eid = row["event_id"]
            if eid in shared:
                row = merged.pop(eid, None)
                if row is None:
                    continue  # written at its first row
            w.writerow(_safe_row(row))


def write_entities_csv(store, res: Resolution, path: str | Path) -> None:
    """The resolution's merge log (:func:`kg.resolve.entity_rows`), one row per entity."""
    from kg.resolve import ENTITY_COLUMNS, entity_rows

    with atomic_write(path) as fh:
        w = csv.DictWriter(fh, fieldnames=ENTITY_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(_safe_row(r) for r in entity_rows(res))


def read_entities_csv(path: str | Path) -> list[dict]:
    """The rows of a build's ``entities.csv``. Raises :class:`QueryError` naming the file (and the
    line) when it cannot be read, is not UTF-8, has no header, lacks one of
    :data:`ENTITY_READ_COLUMNS`, or has a row that is short of cells or whose ``min_score`` is not a number."""
    p = Path(path)
    again = "; run 'kg build' again"
    try:
        with p.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames
            if not header:
                raise QueryError(f"{p}: empty, no header line; not an entities.csv of kg{again}")
            missing = [c for c in ENTITY_READ_COLUMNS if c not in header]
            if missing:
                raise QueryError(f"{p}: no column {', '.join(missing)} (the columns: {', '.join(header)}); "
                                 f"not an entities.csv of kg{again}")
            rows = []
            for row in reader:
                line = reader.line_num
                if any(row[c] is None for c in ENTITY_READ_COLUMNS):
                    cells = sum(v is not None for k, v in row.items() if k is not None)
                    raise QueryError(f"{p}: line {line}: {cells} cell(s) for "
                                     f"{len(header)} columns{again}")
                try:
                    float(row["min_score"])
                except ValueError:
                    raise QueryError(f"{p}: line {line}: min_score {row['min_score']!r} is not a number{again}") \
                        from None
                rows.append(row)
    except OSError as exc:
        raise QueryError(f"{p}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise QueryError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start}){again}") from None
    except csv.Error as exc:
        raise QueryError(f"{p}: not a CSV file ({exc}){again}") from None
    return rows
