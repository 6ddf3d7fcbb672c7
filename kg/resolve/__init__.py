"""Stage 4 — resolve: one node per real thing, across all articles.

Resolution is an ordered list of pure passes (:data:`PASSES`). Each pass reads frozen tables
(:class:`Tables`: the extractions, the gazetteer, the entity table, the mention table…) and
returns new ones; nothing is edited in place. The result, a :class:`Resolution`, is all that
emission and the exports read.

1. :func:`assign_mentions` — every mention gets a canonical entity id by the first rule that
   applies, in order:

   1. ``override``   — the user's merge/split file (``--overrides``), when given;
   2. ``gazetteer``  — the mention was matched on a gazetteer name (``kg/data/*.jsonl``);
   3. ``alias``      — its normalised text is a gazetteer alias of the same kind;
   4. ``normalised`` — same normalised name and kind as an entity already seen;
   5. ``person-part``— a person named by part of a fuller name in the same article ("Abdel Rahmane");
   6. ``fuzzy``      — a name of the same kind and class close enough (rapidfuzz ``token_sort_ratio``
      ≥ :data:`FUZZY_THRESHOLD`) to an entity already seen;
   7. ``new``        — a new entity.

   Gazetteer-matched mentions go first, then the rest, so unknown names meet known ones. How
   each entity's surface forms were merged is kept in :class:`MergeStats` (``kg entities``).
2. :func:`name_entities` — entities the gazetteers do not know take their most frequent form and class.
3. :func:`locate_towns` — towns the gazetteer does not list: GeoNames id, coordinates, governorate.
4. :func:`locate_stated` — containment stated in the texts ("Khaldiyé, un quartier de Homs").
5. :func:`locate_by_context` — places still unlocated go inside what their sentences and articles name.
6. :func:`affiliate` — a person's group, stated in the texts, for persons the gazetteer does not place.
7. :func:`corefer` — one event id for the same happening told by several articles
   (:func:`corefer_events`).

Events keep their article; their ids are a hash of article, type, place and trigger offset.
The events of an article are made from its extraction and the tables when they are read
(:meth:`Resolution.articles`), so a build holds tables, not every event — the extractions
themselves may live on disk (:mod:`kg.schema.spool`).
"""

from kg.resolve.coreference import corefer, corefer_events
from kg.resolve.entities import affiliate, name_entities
from kg.resolve.events import article_events
from kg.resolve.mentions import FUZZY_THRESHOLD, MERGE_RULES, assign_mentions, slug
from kg.resolve.overrides import load_overrides
from kg.resolve.passes import PASSES, resolve
from kg.resolve.places import locate_by_context, locate_stated, locate_towns, located_chain
from kg.resolve.records import (
    CIVILIANS,
    Coreference,
    Entity,
    MergeStats,
    ResolvedEvent,
    ResolvedToll,
    SharedEvent,
    Tables,
)
from kg.resolve.resolution import ENTITY_COLUMNS, Resolution, ResolvedArticle, entity_rows

__all__ = ["Entity", "ResolvedEvent", "ResolvedToll", "MergeStats", "SharedEvent", "Coreference", "Tables",
           "Resolution", "ResolvedArticle", "resolve", "PASSES", "assign_mentions", "name_entities",
           "locate_towns", "locate_stated", "locate_by_context", "affiliate", "corefer", "article_events",
           "slug", "corefer_events", "entity_rows", "ENTITY_COLUMNS", "located_chain", "FUZZY_THRESHOLD",
           "CIVILIANS", "load_overrides", "MERGE_RULES"]
