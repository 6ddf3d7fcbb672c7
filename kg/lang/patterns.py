"""The schema of event pattern files (``kg/lang/<lang>/patterns/events.jsonl``), checked.

A file holds two kinds of records, one JSON object per line:

- **type records** — ``{"type": "Shelling", "toll_cause": true, ...}``: what an event type does
  beyond its cues (:class:`TypeRules`; a flag not given is false);
- **pattern records** — ``{"id": "Shelling/obus", "label": "Shelling", "pattern": [...],
  "needs": "kg.needs.in_action.v1"}``: a spaCy ``Matcher`` pattern labelled with the event type
  it cues, optionally with a registered condition.

:func:`check_event_records` lists every problem of a file (unknown or misspelt field, unknown
event type, unregistered condition, duplicate id, a pattern the ``Matcher`` refuses); the
``kg_triggers`` component refuses to start on a file with problems, and a test checks the
shipped files.

>>> check_event_records([{"id": "x", "label": "Airstrik", "pattern": [{"LOWER": "raid"}]}],
...                     event_types={"Airstrike"}, conditions=set())
["record 1 (x): unknown event type 'Airstrik' in 'label'"]
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["TypeRules", "TYPE_FIELDS", "PATTERN_FIELDS", "check_event_records", "needs_of", "type_rules_of"]


@dataclass(frozen=True)
class TypeRules:
    """The behaviour flags of one event type (see ``docs/DESIGN.md`` for each)."""

    type: str
    toll_cause: bool = False  # in a sentence reporting a toll, "dans les combats" is its cause, not an event
    object_is_target: bool = False  # the direct object is the target ("bombarder les rebelles")
    opposing_side_target: bool = False  # no stated target: an actor of the other side in the clause
    on_civilians: str | None = None  # the type an action aimed at civilians becomes
    noun_complement_is_place: bool = False  # "la prise de X": "de X" is the place, not the agent
    not_by_civilians: bool = False  # not an event when civilians are the subject ("des civils ont fui")
    unclaimed: bool = False  # does not inherit the agents of earlier events (bombings are rarely claimed)
    aerial_type: str | None = None  # these cues become that type in a sentence about aircraft …
    aerial_lemmas: tuple[str, ...] = ()  # … when their lemma is one of these
    attempt_type: str | None = None  # what an attempt at it is ("tentent de prendre X": an Offensive)
    toward_place: bool = False  # its place is where it heads ("avancer vers X"); else a destination is not its place
    chemical_type: str | None = None  # what the cue is when its phrase names a chemical ("roquettes au sarin")
    punctual: bool = False  # happens at one time: "depuis …" in its clause dates a state after it, not it


#: Fields a type record may hold, and their types.
TYPE_FIELDS: dict[str, tuple[type, ...]] = {
    "type": (str,),
    "toll_cause": (bool,),
    "object_is_target": (bool,),
    "opposing_side_target": (bool,),
    "on_civilians": (str, type(None)),
    "noun_complement_is_place": (bool,),
    "not_by_civilians": (bool,),
    "unclaimed": (bool,),
    "aerial_type": (str, type(None)),
    "aerial_lemmas": (list,),
    "attempt_type": (str, type(None)),
    "toward_place": (bool,),
    "chemical_type": (str, type(None)),
    "punctual": (bool,),
}
assert set(TYPE_FIELDS) == {f.name for f in fields(TypeRules)}
#: Fields a pattern record may hold (``needs`` is optional).
PATTERN_FIELDS = ("id", "label", "pattern", "needs")
_EVENT_TYPE_FIELDS = ("type", "on_civilians", "aerial_type", "attempt_type", "chemical_type")


def needs_of(rec: dict[str, Any]) -> tuple[str, ...]:
    """The condition names of a pattern record: ``"needs"`` is one name or a list of names (all must hold)."""
    needs = rec.get("needs")
    if needs is None:
        return ()
    return (needs,) if isinstance(needs, str) else tuple(needs)


def type_rules_of(records: Iterable[dict[str, Any]], event_types: Iterable[str]) -> dict[str, TypeRules]:
    """Event type -> its :class:`TypeRules` (default flags for a type without a record)."""
    out = {t: TypeRules(t) for t in event_types}
    for rec in records:
        if "type" in rec:
            out[rec["type"]] = TypeRules(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in rec.items()})
    return out


def _check_type_record(rec: dict[str, Any], event_types: Collection[str]) -> list[str]:
    out = []
    for name, value in rec.items():
        if name not in TYPE_FIELDS:
            out.append(f"unknown field {name!r} in a type record (known: {', '.join(TYPE_FIELDS)})")
        elif not isinstance(value, TYPE_FIELDS[name]):
            out.append(f"field {name!r} must be {' or '.join(t.__name__ for t in TYPE_FIELDS[name])}")
        elif name in _EVENT_TYPE_FIELDS and value is not None and value not in event_types:
            out.append(f"unknown event type {value!r} in {name!r}")
    return out


def _check_pattern_record(rec: dict[str, Any], event_types: Collection[str], conditions: Collection[str]) -> list[str]:
    out = [f"unknown field {name!r} (known: {', '.join(PATTERN_FIELDS)})" for name in rec if name not in PATTERN_FIELDS]
    out += [f"missing field {name!r}" for name in PATTERN_FIELDS[:3] if name not in rec]
    if "label" in rec and rec["label"] not in event_types:
        out.append(f"unknown event type {rec['label']!r} in 'label'")
    for name in needs_of(rec):
        if name not in conditions:
            out.append(f"unregistered condition {name!r} in 'needs'")
    pattern = rec.get("pattern")
    if "pattern" in rec and (not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern)):
        out.append("'pattern' must be a non-empty list of token specs")
    return out


def check_event_records(
    records: Iterable[dict[str, Any]], *, event_types: Collection[str], conditions: Collection[str]
) -> list[str]:
    """Every problem of a pattern file's records, as ``"record N (id): problem"`` lines (none: ``[]``)."""
    problems = []
    ids: set[str] = set()
    types: set[str] = set()
    for n, rec in enumerate(records, 1):
        if not isinstance(rec, dict):
            problems.append(f"record {n}: not a JSON object")
            continue
        if "type" in rec:
            name, errs = rec.get("type"), _check_type_record(rec, event_types)
            if rec.get("type") in types:
                errs.append("a second type record for this type")
            types.add(rec.get("type"))
        else:
            name, errs = rec.get("id"), _check_pattern_record(rec, event_types, conditions)
            if name in ids:
                errs.append("duplicate id")
            ids.add(name)
        problems += [f"record {n} ({name}): {e}" for e in errs]
    return problems
