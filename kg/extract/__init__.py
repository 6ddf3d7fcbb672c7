"""Stage 3 — extract: events, roles, dates, tolls and sources from a parsed article.

:func:`extract` reads a spaCy ``Doc`` made by :func:`kg.nlp.load_nlp` (whose components have
already found the entities, cues, modality and attribution: see :mod:`kg.nlp`) and returns an
:class:`~kg.schema.records.Extraction` of plain frozen records — no RDF here (that is
:mod:`kg.rdf`). The discourse logic that patterns cannot hold runs here, in three passes over an
explicit frozen state:

1. :mod:`kg.extract.sources` — sentences: attribution zones, sources, places;
2. :mod:`kg.extract.events` (``collect``) with :mod:`~kg.extract.clauses` and
   :mod:`~kg.extract.tolls` — the asserted cues of each sentence with their clauses, tolls, denials;
3. :mod:`kg.extract.events` (``read_events``) — each item folded into the discourse with the role
   functions of :mod:`~kg.extract.places`, :mod:`~kg.extract.agents`, :mod:`~kg.extract.targets`,
   :mod:`~kg.extract.dates`, :mod:`~kg.extract.references`; then records are merged per
   (type, place) and persons get their affiliations (:mod:`~kg.extract.affiliations`).
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract.affiliations import affiliations, published_by
from kg.extract.context import ArticleContext, View
from kg.extract.episodes import dated_and_merged
from kg.extract.events import collect, merge_events, read_events
from kg.extract.sources import read_sentences
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.nlp.pipeline import ensure_rule_annotations
from kg.schema.records import Affiliation, Article, EventRecord, Extraction, Mention, Toll
from kg.schema.taxonomy import EVENT_TYPES, FAMILY

__all__ = ["Mention", "Toll", "EventRecord", "Affiliation", "Extraction", "extract", "FAMILY", "EVENT_TYPES"]


def extract(doc: Doc, article: Article, gazetteer: Gazetteer | None = None) -> Extraction:
    """Extract mentions and events from ``doc`` (made by :func:`kg.nlp.load_nlp` from ``article``).

    A ``Doc`` from another pipeline (a blank one in tests, say) gets the rule components' spans
    computed here first.
    """
    ensure_rule_annotations(doc)
    ctx = ArticleContext.build(doc, article, gazetteer or load_gazetteer())
    frames = read_sentences(ctx)
    st = read_events(ctx, frames, collect(ctx, frames))
    view = View(ctx, st)
    return Extraction(
        article,
        view.mentions,
        tuple(dated_and_merged(ctx, st.events, merge_events)),
        tuple(affiliations(view)),
        tuple(published_by(view)),
        ctx.containment,
    )
