"""One runner: map a pure batch function over batches, here, in local processes or on Dask.

A build's slow stage is a pure function of a batch of inputs (:func:`kg.extract.batch.extract_batch`:
articles → extractions). :func:`run_batches` maps such a function over a list of batches and
yields the results in the order of the batches, wherever they are computed:

- in this process (``jobs=1``, or a single batch);
- in ``jobs`` worker processes (``multiprocessing``, forked from a fork server; ``jobs="auto"``:
  the cores this process may use);
- on a Dask cluster (``dask="tcp://HOST:8786"``, ``dask="local"`` / ``"local:N"`` for a
  ``LocalCluster`` of N worker processes started here, or a ``distributed.Client``).

The function and its arguments travel by pickle, so the function must be importable (a
module-level function); ``setup`` runs once in each worker before its first batch (to load a
model), and ``fingerprint`` (a callable returning a string) must give the same answer on every
Dask worker as here, or the run is refused: workers with other code would give other results.

Only a bounded number of batches is in flight at a time (:data:`IN_FLIGHT` per worker), so
neither the inputs nor the results pile up in memory when the consumer is slower.

>>> list(run_batches(sum, [[1, 2], [3], [4, 5, 6]]))
[3, 3, 15]
>>> [len(b) for b in batches(range(10), 4)]
[4, 4, 2]
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from kg.errors import BuildError, UsageError

__all__ = ["run_batches", "batches", "resolve_jobs", "check_dask", "IN_FLIGHT"]

T = TypeVar("T")
R = TypeVar("R")

#: batches submitted ahead per worker (process pool and Dask)
IN_FLIGHT = 3


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last one shorter)."""
    if size < 1:
        raise ValueError(f"batch size must be >= 1, not {size}")
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def resolve_jobs(jobs: int | str) -> int:
    """The number of worker processes ``jobs`` asks for: a positive integer, or ``"auto"`` for
    the cores this process may run on.

    >>> resolve_jobs(3), resolve_jobs("2"), resolve_jobs("auto") >= 1
    (3, 2, True)
    """
    if isinstance(jobs, str):
        if jobs.strip().lower() == "auto":
            try:
                return max(1, len(os.sched_getaffinity(0)))
            except (AttributeError, OSError):  # pragma: no cover - not Linux
                return max(1, os.cpu_count() or 1)
        try:
            jobs = int(jobs)
        except ValueError:
            raise BuildError(f"--jobs {jobs!r}: expected a number of processes or 'auto'") from None
    if jobs < 1:
        raise BuildError(f"--jobs {jobs}: expected at least 1 process (or 'auto')")
    return jobs


def run_batches(fn: Callable[[T], R], work: Sequence[T], *, jobs: int | str = 1, dask: Any = None,
                setup: Callable[[], None] | None = None,
                fingerprint: Callable[[], str] | None = None) -> Iterator[R]:
    """``fn(b)`` for each batch ``b`` of ``work``, in order: here, in worker processes, or on Dask.

    ``fn`` must be pure (its result depends only on its argument), so that every way of
    running it gives the same results. See the module docstring for ``jobs``, ``dask``,
    ``setup`` and ``fingerprint``.
    """
    if not work:
        return iter(())
    if dask is not None:
        return _on_dask(fn, work, dask, setup=setup, fingerprint=fingerprint)
    n = min(resolve_jobs(jobs), len(work))
    if n <= 1:
        return _here(fn, work, setup)
    return _in_pool(fn, work, n, setup)


def _here(fn, work, setup) -> Iterator:
    if setup is not None:
        setup()
    for batch in work:
        yield fn(batch)


# ------------------------------------------------------------------------------ process pool
def _worker_init(setup) -> None:
    """Pool workers leave Ctrl-C to the parent, which stops them (no traceback per worker)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if setup is not None:
        setup()


#: what the workers' fork server imports before forking them: nothing — each worker imports what its
#: function needs (it loads its own model anyway), and the server stays small (~15 MB; with the
#: extraction code preloaded it held ~100 MB for the whole build)
PRELOAD: list[str] = []


def _pool_context():
    """Workers come from a *fork server* (a clean, small process), not from
    this process: a fork of this one would carry everything the build holds (every article's text)
    into each worker's memory — pages shared until touched, but counted in each worker's RSS, so the
    summed RSS grew by three times the texts' size with two workers. ``spawn`` where there is no
    fork server (Windows)."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _wait(async_result):
    """An ``AsyncResult``'s value, waited for in short slices so that Ctrl-C (SIGINT) is handled at
    once even when the signal reaches another thread than the one waiting."""
    from multiprocessing import TimeoutError as PoolTimeout

    while True:
        try:
            return async_result.get(timeout=0.2)
        except PoolTimeout:
            continue


#: seconds a stopped build (Ctrl-C, an error) waits for its pool's workers to be stopped
TERMINATE_WAIT = 10.0


def _terminate(pool) -> None:
    """Stop the pool's workers — in a thread, so that another Ctrl-C cannot break off the stopping
    half-way (which left the pool running: ``ValueError: Pool is still running`` from the join that
    followed), and waited for at most :data:`TERMINATE_WAIT` seconds: ``Pool.terminate`` can wait
    forever on a worker stopped while it held the pool's task queue, and the build then hung with its
    folder locked. The workers read their tasks from this process: they end when it does."""
    import threading

    stopper = threading.Thread(target=pool.terminate, name="kg-pool-terminate", daemon=True)
    stopper.start()
    stopper.join(TERMINATE_WAIT)


def _in_pool(fn, work, jobs: int, setup) -> Iterator:
    pool = _pool_context().Pool(jobs, initializer=_worker_init, initargs=(setup,))
    try:
        pending: deque = deque()
        todo = iter(work)
        for batch in todo:
            pending.append(pool.apply_async(fn, (batch,)))
            if len(pending) >= IN_FLIGHT * jobs:
                break
        while pending:
            result = _wait(pending.popleft())
            for batch in todo:  # one in, one out: a bounded window
                pending.append(pool.apply_async(fn, (batch,)))
                break
            yield result
        pool.close()
        pool.join()
    except BaseException:
        _terminate(pool)
        raise


# ------------------------------------------------------------------------------ Dask
_DASK_FORMS = "a scheduler address such as tcp://HOST:8786, or local / local:N for N worker processes started here"


def check_dask(dask) -> None:
    """Raise :class:`UsageError` when ``dask`` (a ``--dask`` value) is neither ``"local"``,
    ``"local:N"`` nor a scheduler address ``distributed`` can connect to (``tcp://HOST:PORT``,
    ``tls://…``, ``HOST:PORT``…); checked before anything is parsed. A ``distributed.Client`` passes.

    >>> check_dask("local:2"), check_dask("tcp://10.0.0.5:8786")
    (None, None)
    """
    if dask is None or not isinstance(dask, str):
        return
    if dask == "local" or dask.startswith("local:"):
        n = dask.partition(":")[2]
        if n and not (n.strip().isdigit() and int(n) >= 1 or n.strip().lower() == "auto"):
            raise UsageError(f"--dask {dask!r}: N must be a number of worker processes >= 1; expected {_DASK_FORMS}")
        return
    try:
        from distributed import comm
    except ImportError:
        raise BuildError("--dask needs the 'distributed' package: pip install 'dask[distributed]'") from None
    try:
        scheme, location = comm.parse_address(dask)
        if scheme not in comm.registry.backends:
            raise ValueError(f"unknown scheme {scheme}://")
        if scheme in ("tcp", "tls"):
            comm.parse_host_port(location)  # a port is required: distributed has no default for a client
    except (ValueError, TypeError) as exc:
        raise UsageError(f"--dask {dask!r}: not a Dask scheduler address ({exc}); expected {_DASK_FORMS}") from None


def _client(dask):
    """``(client, cluster)``: a client of the scheduler ``dask`` names; ``cluster`` is the
    ``LocalCluster`` started here for ``"local[:N]"`` (None otherwise)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BuildError("--dask needs the 'distributed' package: pip install 'dask[distributed]'") from None
    if isinstance(dask, Client):
        return dask, None, False
    text = str(dask)
    check_dask(text)
    if text == "local" or text.startswith("local:"):
        n = resolve_jobs(text.partition(":")[2] or "auto")
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=40)
        return Client(cluster), cluster, True
    try:
        return Client(text, timeout="30s"), None, True
    except (OSError, TimeoutError) as exc:
        raise BuildError(f"--dask {text}: cannot reach the Dask scheduler ({exc})") from None


def _setup_plugin(setup):
    """A ``distributed`` worker plugin that runs ``setup`` when a worker starts."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class _Setup(WorkerPlugin):
        name = "kg-setup"

        def setup(self, worker) -> None:
            setup()

    return _Setup()


def _on_dask(fn, work, dask, *, setup, fingerprint) -> Iterator:
    client, cluster, own = _client(dask)
    try:
        if fingerprint is not None:
            mine = fingerprint()
            theirs = set(client.run(fingerprint).values())
            if theirs and theirs != {mine}:
                raise BuildError(f"--dask: the workers run another kg version ({', '.join(sorted(theirs))}; "
                                 f"here {mine}); install the same checkout on every worker")
        if setup is not None:
            client.register_plugin(_setup_plugin(setup), name="kg-setup")
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        pending: deque = deque()
        todo = iter(work)
        try:
            for batch in todo:
                pending.append(client.submit(fn, batch, pure=False))
                if len(pending) >= IN_FLIGHT * workers:
                    break
            while pending:
                fut = pending.popleft()
                result = fut.result()
                fut.release()
                for batch in todo:
                    pending.append(client.submit(fn, batch, pure=False))
                    break
                yield result
        finally:
            if pending:
                client.cancel(list(pending))
    finally:
        if own:
            client.close()
        if cluster is not None:
            cluster.close()
