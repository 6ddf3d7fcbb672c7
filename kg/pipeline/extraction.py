"""The extraction stage of a build: articles → :class:`~kg.extract.Extraction` records, in input order.

The batches go through :mod:`kg.pipeline.runner` (here, in worker processes or on Dask); with an
:class:`~kg.pipeline.incremental.ExtractionCache`, cached articles are not parsed again. The
records are then held as an :class:`~kg.schema.spool.ExtractionTable`: in memory, or spilled to
a spool file in the output folder for large builds (:data:`SPILL_ARTICLES`).

Imports extraction, the runner and the cache; nothing of RDF, the store or the exports.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from kg.errors import BuildError, UsageError
from kg.extract import Extraction
from kg.extract.batch import extract_batch, warm_up
from kg.ingest import Article
from kg.pipeline.incremental import CACHE_DIR_NAME, ExtractionCache, fingerprint
from kg.pipeline.outdir import OutputFolder
from kg.pipeline.publish import STAGE_PREFIX
from kg.pipeline.runner import batches, resolve_jobs, run_batches
from kg.progress import Progress, as_progress
from kg.schema.spool import ExtractionTable, SpoolWriter

__all__ = ["extract_articles", "iter_extractions", "build_extractions", "open_cache", "extraction_table",
           "BATCH_SIZE", "SPILL_ARTICLES"]

#: articles per batch of extraction (a worker's unit of work)
BATCH_SIZE = 8
#: builds of more articles than this spill their extraction records to disk (see :mod:`kg.schema.spool`)
SPILL_ARTICLES = 5000


def extract_articles(articles: Sequence[Article], *,
                     progress: Progress | Callable[[int, int, str], None] | None = None,
                     batch_size: int = 8, jobs: int | str = 1, cache: ExtractionCache | None = None,
                     dask: str | object | None = None) -> list[Extraction]:
    """Run the NLP pipeline and the extractor over articles; return the extractions in input order.

    The batches of ``batch_size`` articles go through :func:`kg.pipeline.runner.run_batches`: in this
    process, in ``jobs`` worker processes (``"auto"``: one per core), or on the Dask cluster
    ``dask`` (a scheduler address, ``"local[:N]"`` or a ``distributed.Client``); the results are
    the same either way. With a ``cache`` (:class:`~kg.pipeline.incremental.ExtractionCache`), articles
    whose extraction is cached are not parsed again, and new extractions are added to it.
    ``progress`` (a :class:`kg.progress.Progress`, or a callable ``(done, total, article id)``)
    is told of the ``model load`` (in this process) and ``parse`` stages.
    """
    return list(iter_extractions(articles, progress=progress, batch_size=batch_size, jobs=jobs, cache=cache,
                                 dask=dask))


def iter_extractions(articles: Sequence[Article], *,
                     progress: Progress | Callable[[int, int, str], None] | None = None,
                     batch_size: int = 8, jobs: int | str = 1, cache: ExtractionCache | None = None,
                     dask: str | object | None = None,
                     on_wait: Callable[[str], None] | None = None) -> Iterator[Extraction]:
    """:func:`extract_articles` as a stream: each extraction as soon as it (and every one before
    it) is ready, in input order; nothing is kept (cached extractions are read when their turn comes).
    ``on_wait`` is told when the Dask cluster has no worker to run them (see :func:`run_batches`)."""
    rep = as_progress(progress)
    # entries that will be used: one that is there but refused (truncated, edited, another version) is
    # parsed with the others, and not counted as done
    cached = [cache is not None and cache.usable(art) for art in articles]
    todo = [art for art, hit in zip(articles, cached, strict=True) if not hit]
    work = list(batches(todo, batch_size))
    if work and dask is None and min(resolve_jobs(jobs), len(work)) <= 1:
        with rep.stage("model load"):  # in this process (workers load their own)
            warm_up()
    with rep.stage("parse", total=len(articles), unit="article", done=len(articles) - len(todo)) as st:
        # on Dask, the cluster's start and its workers' model load are said, and not timed as parsing
        def step(text: str | None) -> None:
            if text is None:
                st.begin()
            else:
                st.note(text)

        fresh = (ex for batch in run_batches(extract_batch, work, jobs=jobs, dask=dask, setup=warm_up,
                                             fingerprint=fingerprint, on_wait=on_wait, on_step=step)
                 for ex in batch)
        for art, hit in zip(articles, cached, strict=True):
            ex = cache.get(art) if hit else None
            if ex is None:
                if hit:  # unreadable since it was checked (changed meanwhile, or undecodable): parse it here
                    ex = extract_batch([art])[0]
                else:
                    ex = next(fresh)
                    if ex.article is not art:  # a worker's copy: keep one copy of the text (this one)
                        if ex.article.id != art.id:
                            raise BuildError(f"extraction of {ex.article.id!r} came back for article {art.id!r}")
                        ex = dataclasses.replace(ex, article=art)
                    st.advance(1, ex.article.id)
                if cache is not None:
                    cache.put(ex)
            yield ex


def build_extractions(articles: Sequence[Article], rep: Progress, *, jobs: int | str = 1,
                      cache: ExtractionCache | None = None, dask: str | object | None = None,
                      on_wait: Callable[[str], None] | None = None) -> Iterator[Extraction]:
    """The extraction stream of a build: :func:`iter_extractions` in batches of :data:`BATCH_SIZE`
    (both looked up here when called, so a test may replace either)."""
    return iter_extractions(articles, progress=rep, jobs=jobs, cache=cache, dask=dask, batch_size=BATCH_SIZE,
                            on_wait=on_wait)


def open_cache(cache: bool | str | Path | None, out: Path) -> ExtractionCache | None:
    """The extraction cache a build's ``cache`` option names: ``True`` for ``out/.kg-cache``, a folder,
    or None (no cache) for None or False."""
    if cache is None or cache is False:
        return None
    xcache = ExtractionCache(out / CACHE_DIR_NAME if cache is True else Path(cache))
    for folder in (xcache.root, xcache.dir):  # found now, not when the first extraction is stored
        if (folder.exists() or folder.is_symlink()) and not folder.is_dir():
            raise UsageError(f"{folder}: not a folder, so the extraction cache cannot be kept there; remove it "
                             "(kg keeps its --incremental cache there) or build without --incremental")
    return xcache


@contextmanager
def extraction_table(stream: Iterator[Extraction], n: int, folder: OutputFolder, spill: bool | None
                     ) -> Iterator[ExtractionTable]:
    """The extractions of ``stream`` as a table: in memory, or — with ``spill``, or beyond
    :data:`SPILL_ARTICLES` articles when ``spill`` is None — in a spool file written as they
    arrive, in a hidden ``.build-…`` folder of the output folder that is removed afterwards."""
    if not (spill if spill is not None else n > SPILL_ARTICLES):
        yield ExtractionTable.of(stream)
        return
    try:
        spool = folder.reserve(STAGE_PREFIX)
        spool.mkdir()
    except OSError as exc:
        raise BuildError(f"{folder.path}: cannot write in the output folder ({exc.strerror})") from None
    table = None
    try:
        writer = SpoolWriter(spool / "extractions.jsonl")
        for ex in stream:
            writer.add(ex)
        table = writer.table()
        yield table
    finally:
        if table is not None:
            table.close()
        shutil.rmtree(spool, ignore_errors=True)
        if not os.path.lexists(spool):
            folder.forget([spool.name])
