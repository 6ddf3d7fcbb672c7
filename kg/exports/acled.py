"""``kg export --format acled``: the events of a build in ACLED's columns, order and conventions (#13).

ACLED (Armed Conflict Location & Event Data) publishes one row per event with fixed columns
(:data:`ACLED_COLUMNS`); tools written for ACLED files read them by name and type. kg's
``events.csv`` keeps kg's own columns; this export follows ACLED's codebook
(``kg/data/acled.json`` says where each convention comes from):

- ``event_id_cnty``: the country's ISO alpha-3 code and a number taken from kg's event IRI
  (``SYR…``), so the same event keeps its id from build to build;
- ``event_date`` (``YYYY-MM-DD``), ``year`` and ``time_precision``: 1 for a day, 3 for a month
  (the event is dated to the 15th, the middle of the month); ACLED has no precision for a year
  or an unknown date: such events are left out unless ``undated`` says otherwise;
- ``disorder_type``, ``event_type``, ``sub_event_type``: from the ontology's
  ``ckg:acledSubEventType`` of the event type (a capture by state forces or their allies is
  "Government regains territory"); casualty reports (tolls of a period) are not ACLED events and
  are left out;
- ``actor1`` / ``assoc_actor_1`` the agents, ``actor2`` / ``assoc_actor_2`` the targets, in
  English where the gazetteer has an English label (``label_en``), else French; ``inter1`` /
  ``inter2`` their ACLED codes (``inter2`` 0 without a second actor) and ``interaction`` the two
  codes, lowest first (``12``; ``10`` for one actor); an event without agent has ACLED's "Unidentified Armed Group (Country)"; violence
  against civilians always has "Civilians (Country)" as actor 2, and ``civilian_targeting`` says
  "Civilian targeting";
- ``iso`` (ISO 3166 numeric: 760 for Syria), ``region`` ("Middle East"), ``country``, ``admin1``
  (the governorate, "Homs"), ``admin2``, ``admin3``, ``location`` ("Homs - Khaldiyeh" for a district);
- ``latitude`` / ``longitude`` of the place, else of the nearest containing place that has them,
  with ``geo_precision`` 1 (the town, district or site itself), 2 (a district or site placed at
  its town) or 3 (a region or a country: its main town, the centroid of its towns, or the capital);
- ``source`` (the sources the article names, then the agency), ``source_scale``, ``notes``
  (the evidence sentences, in French), ``fatalities`` (0 when none is reported; the figure of
  the toll, its lower bound for "at least"), ``tags`` (kg's type, qualifiers), ``timestamp``
  (when the graph was built, Unix seconds).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.exports.acled_places import english_label, geonames_countries, place_point
from kg.gazetteer import DATA_DIR
from kg.schema.taxonomy import ACLED_SUB_EVENT_TYPE
from kg.store.tables import BuildTables, EntityInfo, EventInfo

__all__ = ["ACLED_COLUMNS", "UNDATED", "AcledExport", "acled_rows", "write_acled", "english_label",
           "acled_conventions", "place_point"]

#: ACLED's columns, in ACLED's order
ACLED_COLUMNS: tuple[str, ...] = tuple("""
    event_id_cnty event_date year time_precision disorder_type event_type sub_event_type
    actor1 assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting
    iso region country admin1 admin2 admin3 location latitude longitude geo_precision
    source source_scale notes fatalities tags timestamp""".split())
#: what to do with events that have no date at month precision (or no place):
#: ``drop`` them (ACLED needs both), date them by the ``publication`` of the article that tells
#: them (time_precision 3, tagged), or ``keep`` them with an empty date
UNDATED = ("drop", "publication", "keep")
_STATE = frozenset({"StateForce", "GovernmentBody", "ForeignState"})
_QUALIFIER_TAG = {"AtLeast": "at least", "MoreThan": "more than", "Approximately": "about"}


@lru_cache(maxsize=1)
def acled_conventions() -> dict:
    """``kg/data/acled.json``: sub-event types, inter codes, regions, source scales."""
    return json.loads((DATA_DIR / "acled.json").read_text(encoding="utf-8"))


@dataclass
class AcledExport:
    """The rows of an ACLED export and the events left out, by reason."""

    rows: list[dict]
    left_out: Counter = field(default_factory=Counter)


def _mid_month(iso: str) -> str:
    return f"{iso[:7]}-15"


def _when(ev: EventInfo, tables: BuildTables, undated: str) -> tuple[str, str, int | str, list[str]] | None:
    """(event_date, year, time_precision, tags) or None to leave the event out."""
    value = ev.date or ev.start
    if value and len(value) >= 10:
        return value[:10], value[:4], 1, []
    if value and len(value) == 7:
        return _mid_month(value), value[:4], 3, []
    if undated == "publication":
        published = (tables.articles[a].date for a in ev.articles if a in tables.articles)
        dates = sorted(d for d in published if d and len(d) >= 7 and (not value or d.startswith(value)))
        if dates:
            d = dates[0]
            return (d[:10] if len(d) >= 10 else _mid_month(d)), d[:4], 3, ["date=publication of the report"]
    if undated == "keep":
        return "", (value[:4] if value else ""), "", []
    return None


def _inter(iri: str | None, tables: BuildTables) -> int:
    codes = acled_conventions()["inter_codes"]
    ent = tables.entities.get(iri) if iri else None
    if ent is None:
        return codes["Actor"]
    if ent.cls == "Person" and ent.affiliated_with in tables.entities:
        return codes.get(tables.entities[ent.affiliated_with].cls, codes["Person"])
    return codes.get(ent.cls, codes["Actor"])


def _actor_name(iri: str, tables: BuildTables) -> str:
    ent = tables.entities.get(iri)
    return english_label(ent) if ent is not None else tables.label(iri)


def _fatalities(ev: EventInfo) -> tuple[int, list[str]]:
    unspecified = [t for t in ev.tolls if t.group is None]
    counted = unspecified or ev.tolls
    tags = sorted({f"fatalities={_QUALIFIER_TAG[t.qualifier]}" for t in counted if t.qualifier in _QUALIFIER_TAG})
    return sum(t.count for t in counted), tags


def _event_id(ev: EventInfo, iso3: str, used: set[str]) -> str:
    digits = ev.id if ev.id and all(c in "0123456789abcdef" for c in ev.id) else \
        hashlib.blake2b(ev.iri.encode("utf-8"), digest_size=8).hexdigest()
    number = int(digits[:12], 16)
    out = f"{iso3}{number}"
    if out in used:  # two events share their first 48 bits: the whole 64
        out = f"{iso3}{int(digits, 16)}"
    used.add(out)
    return out


def acled_rows(tables: BuildTables, *, undated: str = "drop", timestamp: int = 0) -> AcledExport:
    """The ACLED rows of a build's events (see the module docstring for the conventions).

    Parameters
    ----------
    tables : kg.store.tables.BuildTables
        The build's events, entities and articles (:func:`kg.store.tables.read_build`).
    undated : {"drop", "publication", "keep"}
        Events with no date at month precision or better (and events without a place): left
        out; dated by the publication of their article (``time_precision`` 3, tag
        ``date=publication of the report``; those whose article has no date are still left out);
        or kept with empty ``event_date`` and ``time_precision``.
    timestamp : int
        The ``timestamp`` column (Unix seconds).

    Returns
    -------
    AcledExport
        Rows (dicts keyed by :data:`ACLED_COLUMNS`) sorted by date then id, and the events left
        out by reason.
    """
    if undated not in UNDATED:
        raise ValueError(f"undated={undated!r}: use one of {', '.join(UNDATED)}")
    out = AcledExport([])
    used: set[str] = set()
    for ev in tables.events.values():
        row = _row(ev, tables, undated, used, timestamp)
        if isinstance(row, str):
            out.left_out[row] += 1
        else:
            out.rows.append(row)
    out.rows.sort(key=lambda r: (r["event_date"] or "9999", r["event_id_cnty"]))
    return out


def _row(ev: EventInfo, tables: BuildTables, undated: str, used: set[str], timestamp: int) -> dict | str:
    """The ACLED row of one event (keyed by :data:`ACLED_COLUMNS`, in order), or why it is left out."""
    if ev.type == "CasualtyReport":
        return "casualty report (a toll of a period, not an ACLED event)"
    sub = ACLED_SUB_EVENT_TYPE.get(ev.type)
    if not sub:
        return f"type {ev.type} has no ACLED sub-event type"
    chain = tables.chain(ev.place)
    if not chain and undated != "keep":
        return "no place"
    when = _when(ev, tables, undated)
    if when is None:
        return "no date at month precision"
    event_date, year, precision, tags = when
    iso3, places, origin = _place_columns(chain)
    if origin:
        tags.append(f"coordinates=of {origin}")
    sub = _sub_event(ev, sub, tables)
    event_type, disorder = acled_conventions()["sub_event_types"][sub]
    fatalities, toll_tags = _fatalities(ev)
    columns = dict(
        event_id_cnty=_event_id(ev, iso3, used),
        event_date=event_date,
        year=year,
        time_precision=precision,
        disorder_type=disorder,
        event_type=event_type,
        sub_event_type=sub,
        **_actor_columns(ev, tables, event_type, places["country"]),
        **places,
        **_source_columns(ev, tables),
        notes=" | ".join(ev.evidence),
        fatalities=fatalities,
        tags="; ".join([f"kg type={ev.type}"] + toll_tags + tags),
        timestamp=timestamp,
    )
    return {c: columns[c] for c in ACLED_COLUMNS}


def _sub_event(ev: EventInfo, sub: str, tables: BuildTables) -> str:
    """ACLED's sub-event type: a capture by state forces or their allies regains territory."""
    first = tables.entities.get(ev.agents[0]) if ev.agents else None
    if ev.type == "TerritoryCapture" and first is not None and first.cls in _STATE:
        return "Government regains territory"
    return sub


def _place_columns(chain: list[EntityInfo]) -> tuple[str, dict, str]:
    """(ISO alpha-3 code, the columns ``iso`` to ``geo_precision``, where the point comes from)."""
    conv = acled_conventions()
    country = next((e for e in chain if e.cls == "Country"), None)
    record = geonames_countries().get(country.geonames) if country is not None and country.geonames else None
    iso3 = record["iso3"] if record else ""
    regions = [e for e in chain if e.cls == "Region"]
    # outermost region first, named as ACLED names them: "Homs", not "Homs Governorate"
    admins = [english_label(e).removesuffix(" Governorate") for e in reversed(regions)][:3]
    place = chain[0] if chain else None
    town = next((e for e in chain if e.cls == "City"), None)
    location = ""
    if place is not None:
        location = english_label(place)
        if place.cls in ("Neighbourhood", "Site") and town is not None:
            location = f"{english_label(town)} - {location}"
    lat, long, geo_precision, origin = place_point(chain)
    columns = dict(
        iso=record["isonumeric"] if record else "",
        region=conv["regions"].get(iso3, ""),
        country=english_label(country) if country is not None else "",
        admin1=admins[0] if admins else "",
        admin2=admins[1] if len(admins) > 1 else "",
        admin3=admins[2] if len(admins) > 2 else "",
        location=location,
        latitude=lat,
        longitude=long,
        geo_precision=geo_precision,
    )
    return iso3, columns, origin


def _actor_columns(ev: EventInfo, tables: BuildTables, event_type: str, country_name: str) -> dict:
    """The columns ``actor1`` to ``civilian_targeting``."""
    conv = acled_conventions()
    where = country_name or "Unknown"
    agents, targets = list(ev.agents), list(ev.targets)
    if agents:
        actor1, inter1 = _actor_name(agents[0], tables), _inter(agents[0], tables)
    else:
        name, inter1 = conv["unidentified_actor"]
        actor1 = name.format(country=where)
    if targets:
        actor2, inter2 = _actor_name(targets[0], tables), _inter(targets[0], tables)
    elif event_type == "Violence against civilians":
        name, inter2 = conv["civilians_actor"]
        actor2 = name.format(country=where)
    else:
        actor2, inter2 = "", 0  # ACLED: no second actor, inter2 0 ("10": sole state action)
    civilian = event_type == "Violence against civilians" or inter2 == 7
    return dict(
        actor1=actor1,
        assoc_actor_1="; ".join(_actor_name(a, tables) for a in agents[1:]),
        inter1=inter1,
        actor2=actor2,
        assoc_actor_2="; ".join(_actor_name(t, tables) for t in targets[1:]),
        inter2=inter2,
        interaction=int("".join(sorted(f"{inter1}{inter2}"))) if inter2 else inter1 * 10,
        civilian_targeting="Civilian targeting" if civilian else "",
    )


def _source_columns(ev: EventInfo, tables: BuildTables) -> dict:
    """``source`` (the sources the article names, then the agency) and ``source_scale``."""
    scales = acled_conventions()["source_scales"]
    sources = [_actor_name(s, tables) for s in ev.sources]
    publishers = sorted({p for a in ev.articles if a in tables.articles for p in tables.articles[a].published_by})
    kinds = {
        scales.get(tables.entities[s].cls, scales["default"]) if s in tables.entities else scales["default"]
        for s in ev.sources
    }
    if publishers:
        kinds.add(scales["publisher"])
    return dict(
        source="; ".join(dict.fromkeys(sources + [_actor_name(p, tables) for p in publishers])),
        source_scale="-".join(k for k in scales["order"] if k in kinds),
    )


def write_acled(graph: str | Path, dest: str | Path, *, undated: str = "drop",
                timestamp: int | None = None, progress=None, warn=None) -> AcledExport:
    """Write the ACLED export of a build (its store, or its graph file) to ``dest`` (CSV, atomically).

    ``timestamp`` defaults to the modification time of the build's graph (when it was built), so
    exporting the same build twice gives the same bytes. Text cells are made safe to open in a
    spreadsheet as in ``events.csv`` (:func:`kg.store.csv_cell`: ``notes`` starting ``=HYPERLINK(``
    gets a leading ``'``); numbers (``fatalities``, ``latitude``…) stay numbers. ``progress`` (a
    :class:`kg.progress.Progress`) is told the steps: ``read``, ``rows``, ``write``; ``warn`` what the
    readers say of the build's store and ``report.json`` (:func:`kg.store.graph_source`).
    """
    from kg.progress import as_progress
    from kg.store import atomic_write, csv_cell
    from kg.store.tables import read_build

    steps = as_progress(progress)
    src = Path(graph)
    if timestamp is None:
        stamp_of = src / "graph.ttl" if src.is_dir() else src
        timestamp = int(stamp_of.stat().st_mtime) if stamp_of.exists() else int(dt.datetime.now().timestamp())
    with steps.stage("read"):
        tables = read_build(src, warn=warn)
    with steps.stage("rows"):
        export = acled_rows(tables, undated=undated, timestamp=timestamp)
    with steps.stage("write", total=len(export.rows), unit="row") as writing, atomic_write(dest) as fh:
        w = csv.DictWriter(fh, fieldnames=list(ACLED_COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows({k: csv_cell(v) for k, v in row.items()} for row in export.rows)
        writing.advance(len(export.rows))
    return export
