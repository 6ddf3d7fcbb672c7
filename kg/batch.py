"""The pure batch function of a build: articles in, extractions out (parse with spaCy, extract).

:func:`extract_batch` is what :func:`kg.runner.run_batches` maps over batches of articles, in
this process, in worker processes or on Dask workers: it returns plain
:class:`~kg.extract.Extraction` records — never spaCy ``Doc`` objects — and its result depends
only on the articles (and the code, data and model versions that :func:`fingerprint` names).
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.extract import Extraction
from kg.ingest import Article

__all__ = ["nlp_text", "extract_batch", "warm_up", "fingerprint"]


def nlp_text(article: Article) -> str:
    """The text given to spaCy: the article text with the date header blanked (same offsets).

    The blank ends with a line break so that the body's first word starts a sentence.

    >>> from kg.ingest import article_from_text
    >>> nlp_text(article_from_text("a", " date 2024-11-27\\nLes rebelles ont pris Alep."))[:18]
    '                \\nL'
    """
    text = article.text
    if article.body_start:
        text = " " * (article.body_start - 1) + "\n" + text[article.body_start:]
    if article.dateline:
        # the dateline ("BEYROUTH, 5 juin 2013 (AFP) -") is its own sentence: a line break replaces its dash
        end = article.dateline[1]
        dash = max(text.rfind(d, article.dateline[0], end) for d in "-–—")
        if dash >= 0:
            text = text[:dash] + "\n" + text[dash + 1:]
    return text


def extract_batch(articles: Sequence[Article]) -> list[Extraction]:
    """Parse and extract a batch of articles in this process (the model is loaded once per process)."""
    from kg.extract import extract
    from kg.gazetteer import load_gazetteer
    from kg.nlp import load_nlp

    nlp = load_nlp()
    gaz = load_gazetteer()
    docs = nlp.pipe((nlp_text(a) for a in articles), batch_size=max(1, len(articles)))
    return [extract(doc, art, gaz) for art, doc in zip(articles, docs, strict=True)]


def warm_up() -> None:
    """Load the model and the gazetteer (what a worker does once, before its first batch)."""
    from kg.gazetteer import load_gazetteer
    from kg.nlp import load_nlp

    load_nlp()
    load_gazetteer()


def fingerprint() -> str:
    """The extraction version key of this process (code, data, spaCy and model versions): a
    Dask worker must give the same one."""
    from kg.incremental import version_key

    return version_key()
