"""The event taxonomy and entity classes, generated from ``ontology/ckg.ttl``.

The data lives in the generated ``kg/schema/_taxonomy.py`` (``python -m kg.rdf.ontology``
rewrites it; a test checks it is current). Adding an event type to the ontology adds it
here, to extraction's type checks, to emission and to the exports.

>>> FAMILY["Airstrike"], ACLED_EVENT_TYPE["Airstrike"]
('RemoteViolence', 'Explosions/Remote violence')
>>> PLACE_RANK["City"] > PLACE_RANK["Region"]
True
"""

from __future__ import annotations

from kg.schema._taxonomy import (
    ACLED_EVENT_TYPE,
    ACLED_SUB_EVENT_TYPE,
    ACTOR_CLASSES,
    EVENT_FAMILIES,
    EVENT_TYPES,
    FAMILY,
    PLACE_CLASSES,
    PLOVER_CODE,
)

__all__ = [
    "ACLED_EVENT_TYPE",
    "ACLED_SUB_EVENT_TYPE",
    "ACTOR_CLASSES",
    "EVENT_FAMILIES",
    "EVENT_TYPES",
    "FAMILY",
    "PLACE_CLASSES",
    "PLACE_RANK",
    "PLOVER_CODE",
    "kind_of_class",
]

#: Place class -> rank, from the largest (Country, 0) to the smallest (Site).
PLACE_RANK: dict[str, int] = {cls: i for i, cls in enumerate(PLACE_CLASSES)}


def kind_of_class(cls: str) -> str | None:
    """``"actor"``, ``"place"``, ``"event"`` or None for a ckg class name.

    >>> kind_of_class("Militia"), kind_of_class("Site"), kind_of_class("Siege"), kind_of_class("X")
    ('actor', 'place', 'event', None)
    """
    if cls in ACTOR_CLASSES:
        return "actor"
    if cls in PLACE_CLASSES:
        return "place"
    if cls in FAMILY or cls in EVENT_FAMILIES:
        return "event"
    return None
