"""The bottom layer of kg: records passed between stages, the taxonomy, the text normaliser.

Everything above imports from here; this package imports nothing of kg but
:mod:`kg.errors`, and neither spaCy nor rdflib.
"""

from kg.schema.records import Affiliation, Article, EventRecord, Extraction, Mention, Toll
from kg.schema.taxonomy import (
    ACLED_EVENT_TYPE,
    ACLED_SUB_EVENT_TYPE,
    ACTOR_CLASSES,
    EVENT_FAMILIES,
    EVENT_TYPES,
    FAMILY,
    PLACE_CLASSES,
    PLACE_RANK,
)
from kg.schema.text import fold, key, norm
from kg.schema.time import TimeValue

__all__ = [
    "ACLED_EVENT_TYPE",
    "ACLED_SUB_EVENT_TYPE",
    "ACTOR_CLASSES",
    "Affiliation",
    "Article",
    "EVENT_FAMILIES",
    "EVENT_TYPES",
    "EventRecord",
    "Extraction",
    "FAMILY",
    "Mention",
    "PLACE_CLASSES",
    "PLACE_RANK",
    "TimeValue",
    "Toll",
    "fold",
    "key",
    "norm",
]
