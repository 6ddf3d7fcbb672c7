"""Score a built graph against gold annotations: the product's own scorer.

The gold has the format of the team's ``shared/gold`` (see its ``README.md``): an entity
catalogue (JSON, keyed by slug) and one JSON file per article listing the catalogue keys of
the entities it names and its events as ``(type, place)`` records with their roles.

:func:`evaluate` computes exactly the figures of the team's reference scorer
``shared/tools/score.py`` on the same inputs (same label matching, allowed keys per
article, optional entities and events, ``place_alt``, role checks, cross-article
consistency and mention offsets), and adds what users need beyond them: precision, recall
and F1 per article for entities, events and event families, the ``disputed_by`` role, a
breakdown per event type, and misses and extras per article. :func:`format_table` prints
it; :meth:`Evaluation.to_dict` gives a JSON-ready superset of ``score.py --json``.

Matching, as the reference scorer does it:

- a produced actor or place matches the gold keys one of whose aliases, normalised with
  :func:`kg.gazetteer.norm`, equals one of its labels (``skos:prefLabel``,
  ``skos:altLabel``, ``rdfs:label`` or a mention's ``nif:anchorOf`` in that article), of the
  same kind (actor or place); keys the article's gold lists win over others;
- an entity counts right the first time it brings a new allowed key (listed or optional)
  and wrong otherwise, so a duplicate node of a found entity counts against precision;
- a state and its country share a name: a ``ForeignState`` node and a ``Country`` node
  match each other's key ("twins"), and the second of such a pair in one article is neither
  right nor wrong;
- each non-optional gold event needs a produced event of its own with an accepted
  ``(type, place)`` (``place_alt`` accepted): two gold events of one type at one place need
  two produced events; among the unused candidates, the one agreeing best on date and roles
  is taken (ties go to the first in IRI order). Optional gold events are neither counted as
  found nor missed, and produced pairs that match them are not counted wrong; produced pairs
  matching no gold event count against precision, extra events on a matched pair do not;
  families are the same pairs with the type replaced by its family;
- a role of a matched gold event is right when the produced event matched to it carries one
  of the listed values.

The code lives in submodules: :mod:`~kg.evaluate.gold` (vocabulary and readers of the gold),
:mod:`~kg.evaluate.results` (the figures), :mod:`~kg.evaluate.matching` (produced nodes to gold
keys), :mod:`~kg.evaluate.scoring` (per article and overall) and :mod:`~kg.evaluate.report`
(the table). Nothing here imports spaCy or the pipeline.
"""

from __future__ import annotations

from kg.evaluate.gold import (
    ACTOR_CLASSES,
    FAMILIES,
    PLACE_CLASSES,
    ROLES,
    CatalogueError,
    GoldError,
    load_catalog,
    load_gold,
)
from kg.evaluate.report import format_table
from kg.evaluate.results import ArticleScore, Counts, Evaluation, Share
from kg.evaluate.scoring import check_offsets, evaluate, score_article

__all__ = [
    "ACTOR_CLASSES",
    "ArticleScore",
    "CatalogueError",
    "Counts",
    "Evaluation",
    "FAMILIES",
    "GoldError",
    "PLACE_CLASSES",
    "ROLES",
    "Share",
    "check_offsets",
    "evaluate",
    "format_table",
    "load_catalog",
    "load_gold",
    "score_article",
]
