"""The pure batch function of a build: articles in, extractions out (parse with spaCy, extract).

:func:`extract_batch` is what :func:`kg.pipeline.runner.run_batches` maps over batches of articles, in
this process, in worker processes or on Dask workers: it returns plain
:class:`~kg.extract.Extraction` records — never spaCy ``Doc`` objects — and its result depends
only on the articles (and the code, data and model versions that
:func:`kg.pipeline.incremental.fingerprint` names).
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.nlp.segment import join_extractions, offset_extraction, pieces
from kg.schema.records import Article, Extraction

__all__ = ["extract_batch", "warm_up"]


def extract_batch(articles: Sequence[Article]) -> list[Extraction]:
    """Parse and extract a batch of articles in this process (the model is loaded once per process).

    A long article is parsed in pieces (:func:`kg.nlp.segment.pieces`), each piece's extraction moved
    back into the article's offsets; an ordinary one is parsed whole.
    """
    from kg.extract import extract
    from kg.gazetteer import load_gazetteer
    from kg.nlp import load_nlp

    nlp = load_nlp()
    gaz = load_gazetteer()
    jobs = [(k, offset, sub, text) for k, art in enumerate(articles) for offset, sub, text in pieces(art)]
    docs = nlp.pipe((text for *_rest, text in jobs), batch_size=max(1, len(articles)))
    parts: list[list[Extraction]] = [[] for _ in articles]
    sentences = [0] * len(articles)
    for (k, offset, sub, _text), doc in zip(jobs, docs, strict=True):
        ex = extract(doc, sub, gaz)
        if sub is not articles[k]:  # a piece: its offsets and sentence numbers into the whole text's
            ex = offset_extraction(ex, offset, sentences[k])
            sentences[k] += sum(1 for _ in doc.sents)
        parts[k].append(ex)
    return [join_extractions(art, p) for art, p in zip(articles, parts, strict=True)]


def warm_up() -> None:
    """Load the model and the gazetteer (what a worker does once, before its first batch)."""
    from kg.gazetteer import load_gazetteer
    from kg.nlp import load_nlp

    load_nlp()
    load_gazetteer()

