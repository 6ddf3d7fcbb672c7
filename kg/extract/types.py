"""What each event type does beyond its cues: the type records of ``patterns/events.jsonl``.

A type record (``{"type": "Shelling", ...}``) sits beside the patterns of its type; a flag it
does not give is false. Adding an event type is one ontology class plus its records there.

| flag | meaning |
|---|---|
| ``toll_cause`` | in a sentence that reports a toll, "dans les combats" is the toll's cause, not a new event |
| ``object_is_target`` | the direct object is the target ("bombarder les rebelles") |
| ``opposing_side_target`` | with no stated target, an actor of the other side in the clause is the target |
| ``on_civilians`` | the type an action aimed at civilians becomes ("ouvrir le feu sur des manifestants") |
| ``noun_complement_is_place`` | "la prise de X": the noun's "de" complement is the place, not the agent |
| ``not_by_civilians`` | not an event when civilians are the subject ("des civils ont fui") |
| ``unclaimed`` | does not inherit the agent of earlier events (bombings are rarely claimed) |
| ``aerial_type``, ``aerial_lemmas`` | these cues become that type in a sentence about aircraft |
| ``punctual`` | happens at one time: "depuis …" in its clause dates a state after it ("tenue depuis 2014"), not it |
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

from kg.lang.fr import event_patterns
from kg.schema.taxonomy import EVENT_TYPES

__all__ = ["TypeRules", "type_rules", "CASUALTY_REPORT", "TYPE_FLAGS"]

#: The type of a toll reported for an area and a period (ckg:CasualtyReport).
CASUALTY_REPORT = "CasualtyReport"
assert CASUALTY_REPORT in EVENT_TYPES


@dataclass(frozen=True)
class TypeRules:
    """The behaviour flags of one event type."""

    type: str
    toll_cause: bool = False
    object_is_target: bool = False
    opposing_side_target: bool = False
    on_civilians: str | None = None
    noun_complement_is_place: bool = False
    not_by_civilians: bool = False
    unclaimed: bool = False
    aerial_type: str | None = None
    aerial_lemmas: tuple[str, ...] = ()
    punctual: bool = False


#: Field names a type record may hold.
TYPE_FLAGS = tuple(f.name for f in fields(TypeRules))


@lru_cache(maxsize=1)
def type_rules() -> dict[str, TypeRules]:
    """Event type -> its rules (every type of the ontology has one, flags false by default)."""
    out = {t: TypeRules(t) for t in EVENT_TYPES}
    for rec in event_patterns():
        if "type" in rec:
            values = {k: (tuple(v) if isinstance(v, list) else v) for k, v in rec.items()}
            out[rec["type"]] = TypeRules(**values)
    return out
