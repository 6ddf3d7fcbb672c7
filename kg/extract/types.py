"""What each event type does beyond its cues: the type records of ``patterns/events.jsonl``.

A type record (``{"type": "Shelling", ...}``) sits beside the patterns of its type; a flag it
does not give is false (:class:`kg.lang.patterns.TypeRules` lists them). Adding an event type is
one ontology class plus its records there.
"""

from __future__ import annotations

from functools import lru_cache

from kg.lang.fr import event_patterns
from kg.lang.patterns import TypeRules, type_rules_of
from kg.schema.taxonomy import EVENT_TYPES

__all__ = ["TypeRules", "type_rules", "CASUALTY_REPORT"]

#: The type of a toll reported for an area and a period (ckg:CasualtyReport).
CASUALTY_REPORT = "CasualtyReport"
if CASUALTY_REPORT not in EVENT_TYPES:  # pragma: no cover - the ontology defines it
    raise ImportError(f"the ontology has no {CASUALTY_REPORT} event type")


@lru_cache(maxsize=1)
def type_rules() -> dict[str, TypeRules]:
    """Event type -> its rules (every type of the ontology has one, flags false by default)."""
    return type_rules_of(event_patterns(), EVENT_TYPES)
