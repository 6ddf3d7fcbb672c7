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

Nothing waits forever: a worker process of the pool that dies (the system's out-of-memory killer)
stops the run with a :class:`BuildError`, as does a Dask scheduler that does not answer within
:data:`CONNECT_TIMEOUT` seconds (or answers as something else than a Dask scheduler), or a Dask
cluster left without a worker for :data:`WORKER_WAIT` seconds (``on_wait`` is told at once).

>>> list(run_batches(sum, [[1, 2], [3], [4, 5, 6]]))
[3, 3, 15]
>>> [len(b) for b in batches(range(10), 4)]
[4, 4, 2]
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from kg.errors import BuildError, KgError, UsageError

__all__ = ["run_batches", "batches", "resolve_jobs", "check_dask", "IN_FLIGHT", "CONNECT_TIMEOUT", "WORKER_WAIT"]

T = TypeVar("T")
R = TypeVar("R")

#: batches submitted ahead per worker (process pool and Dask)
IN_FLIGHT = 3
#: seconds to reach a Dask scheduler (connection and distributed's handshake) before a run gives up
CONNECT_TIMEOUT = 30.0
#: seconds a run waits while its Dask cluster has no worker (none started yet, or all gone) before it gives up
WORKER_WAIT = 120.0
#: seconds between two looks at the Dask cluster while a batch is awaited
POLL = 1.0


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
                fingerprint: Callable[[], str] | None = None,
                on_wait: Callable[[str], None] | None = None,
                on_step: Callable[[str | None], None] | None = None) -> Iterator[R]:
    """``fn(b)`` for each batch ``b`` of ``work``, in order: here, in worker processes, or on Dask.

    ``fn`` must be pure (its result depends only on its argument), so that every way of
    running it gives the same results. See the module docstring for ``jobs``, ``dask``,
    ``setup`` and ``fingerprint``; ``on_wait`` is told (one line) when the run waits for a Dask worker.
    On Dask, ``on_step`` is told what the run waits for before its first batch goes out — a few
    words: ``starting Dask cluster…``, ``connecting to scheduler…``, ``waiting for workers…`` (their
    version check and ``setup``) — and then None, when the first batch is submitted.
    """
    if not work:
        return iter(())
    if dask is not None:
        return _on_dask(fn, work, dask, setup=setup, fingerprint=fingerprint, on_wait=on_wait,
                        on_step=on_step or (lambda _text: None))
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


def _wait(async_result, workers: list):
    """An ``AsyncResult``'s value, waited for in short slices so that Ctrl-C (SIGINT) is handled at
    once even when the signal reaches another thread than the one waiting; and so that a worker that
    died is noticed: ``multiprocessing.Pool`` starts another one, but the batch the dead one held is
    lost and its result never comes (the build hung). ``workers`` are the pool's processes, which never
    end on their own while the pool is open."""
    from multiprocessing import TimeoutError as PoolTimeout

    while True:
        try:
            return async_result.get(timeout=0.2)
        except PoolTimeout:
            dead = [w for w in workers if w.exitcode is not None]
            if dead:
                raise BuildError(f"a worker process died while parsing ({_exit_reason(dead[0].exitcode)}); "
                                 "build again, with fewer --jobs if memory is short") from None


def _exit_reason(code: int) -> str:
    """How a process ended, from its exit code: ``'killed by SIGKILL, as by the system when memory
    runs out'``, ``'exit code 1'``.

    >>> _exit_reason(-9), _exit_reason(1)
    ('killed by SIGKILL, as by the system when memory runs out', 'exit code 1')
    """
    import signal

    if code >= 0:
        return f"exit code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    return f"killed by {name}" + (", as by the system when memory runs out" if name == "SIGKILL" else "")


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
    workers = list(pool._pool)  # the processes started now (Pool has no public list of them)
    try:
        pending: deque = deque()
        todo = iter(work)
        for batch in todo:
            pending.append(pool.apply_async(fn, (batch,)))
            if len(pending) >= IN_FLIGHT * jobs:
                break
        while pending:
            result = _wait(pending.popleft(), workers)
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
        if scheme == "inproc":
            raise ValueError("inproc:// names a scheduler inside one process, not one kg can reach")
        if scheme in ("tcp", "tls"):
            _host, port = comm.parse_host_port(location)  # a port is required: no default for a client
            if not 0 < port < 65536:
                raise ValueError(f"port {port} is not between 1 and 65535")
        try:  # a transport distributed lists but cannot use here (ucx:// without ucx-py)
            comm.registry.get_backend(scheme).get_connector()
        except Exception as exc:  # noqa: BLE001 - each backend fails its own way
            raise ValueError(f"{scheme}:// cannot be used here ({type(exc).__name__}: {exc})") from None
    except (ValueError, TypeError) as exc:
        raise UsageError(f"--dask {dask!r}: not a Dask scheduler address ({exc}); expected {_DASK_FORMS}") from None


def _client(dask, most: int, on_step: Callable[[str | None], None]):
    """``(client, cluster, own)``: a client of the scheduler ``dask`` names; ``cluster`` is the
    ``LocalCluster`` started here for ``"local[:N]"`` (None otherwise) — of at most ``most`` workers,
    the number of batches (each worker loads the model: one more than there are batches is only
    slower); ``own``: the client is to be closed at the end. ``on_step`` is told which it does."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BuildError("--dask needs the 'distributed' package: pip install 'dask[distributed]'") from None
    if isinstance(dask, Client):
        return dask, None, False
    text = str(dask)
    check_dask(text)
    if text == "local" or text.startswith("local:"):
        n = min(resolve_jobs(text.partition(":")[2] or "auto"), max(1, most))
        on_step("starting Dask cluster…")
        # the scheduler's HTTP routes on a free port of this machine only: on the default :8787 a second
        # cluster (another build) printed "Port 8787 is already in use" whatever -q said
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                               scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, silence_logs=40)
        return Client(cluster), cluster, True
    on_step("connecting to scheduler…")
    _handshake(text)
    try:
        return Client(text, timeout=f"{CONNECT_TIMEOUT}s"), None, True
    except Exception as exc:  # noqa: BLE001 - it answered the handshake: whatever fails now, say so
        raise BuildError(f"--dask {text}: cannot reach the Dask scheduler ({exc})") from None


def _handshake(address: str) -> None:
    """Connect to ``address`` and exchange distributed's handshake within :data:`CONNECT_TIMEOUT`
    seconds, or raise :class:`BuildError`. ``distributed.Client`` bounds the connection, not the
    handshake: a server that accepts the connection and does not answer (a web server, the dashboard's
    port 8787 for the scheduler's 8786) kept the build waiting forever, one that answers something else
    raised what its bytes happened to mean (``MemoryError: Unable to allocate 3.07 EiB``). Run in a
    thread of its own, so that it works whatever event loop the caller runs."""
    import asyncio
    import socket
    import threading

    from distributed import comm
    from distributed.security import Security

    box: dict = {}

    # connect() tries to connect for CONNECT_TIMEOUT seconds, then waits for the handshake unbounded:
    # give that as long again
    async def shake() -> None:
        link = await asyncio.wait_for(comm.connect(address, timeout=CONNECT_TIMEOUT,
                                                   **Security().get_connection_args("client")),
                                      2 * CONNECT_TIMEOUT)
        await link.close()

    def run() -> None:
        try:
            scheme, location = comm.parse_address(address)
            if scheme in ("tcp", "tls"):
                host, port = comm.parse_host_port(location)
                try:
                    socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                except socket.gaierror as exc:
                    box["error"] = f"cannot find the host {host!r} ({exc.strerror})"
                    return
            asyncio.run(shake())
        except TimeoutError:
            box["error"] = (f"no Dask scheduler answered within {2 * CONNECT_TIMEOUT:g} s: what listens there "
                            "is not one (a scheduler's port is 8786 unless it was started with another; 8787 "
                            "is its dashboard's)")
        except OSError as exc:
            box["error"] = f"cannot reach the Dask scheduler ({exc})"
        except BaseException as exc:  # noqa: BLE001 - whatever the bytes that came back meant
            box["error"] = f"what answers there is not a Dask scheduler ({type(exc).__name__})"

    thread = threading.Thread(target=run, name="kg-dask-handshake", daemon=True)
    thread.start()
    thread.join(2 * CONNECT_TIMEOUT + 10)  # the name lookup is bounded by the system's resolver
    if thread.is_alive():
        box["error"] = f"no Dask scheduler answered within {2 * CONNECT_TIMEOUT:g} s"
    if "error" in box:
        raise BuildError(f"--dask {address}: {box['error']}")


#: on a Dask worker process: why ``setup`` failed there, by worker address (said by :func:`_checked`)
_SETUP_FAILED: dict[str, str] = {}


def _setup_plugin(setup):
    """A ``distributed`` worker plugin that runs ``setup`` when a worker starts. A failure (the spaCy
    model missing on that machine) is kept, not raised: raised, distributed logs it with a traceback
    on the worker, and the client gets it without the worker's name; :func:`_checked` says it, naming
    the worker, when a batch comes to that worker."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class _Setup(WorkerPlugin):
        name = "kg-setup"

        def setup(self, worker) -> None:
            _set_up(setup, worker.address)

    return _Setup()


def _set_up(setup, address: str) -> None:
    """Run ``setup`` on the Dask worker ``address``, keeping why it failed. A module-level function:
    the plugin class, made in a function, travels by value, and so would a dict it named."""
    try:
        setup()
    except Exception as exc:  # noqa: BLE001 - said with the worker's address by _checked
        _SETUP_FAILED[address] = _what(exc)
    else:
        _SETUP_FAILED.pop(address, None)


def _what(exc: BaseException) -> str:
    """An error in one line: kg's own message as it is, any other with its type."""
    return str(exc) if isinstance(exc, KgError) else f"{type(exc).__name__}: {exc}"


def _checked(fn, fingerprint, expected: str, batch):
    """``fn(batch)`` on a Dask worker whose ``fingerprint()`` is ``expected``: a worker that joins
    the cluster after the run began is checked too (the check of the workers there at the start
    missed it, and its results, from other code, went into the build). What fails there for a reason
    of that machine — ``setup`` (a missing model), kg's own errors, a missing package — is a
    :class:`BuildError` that names the worker: the same message from here would point at this machine."""
    if fingerprint is not None:
        theirs = fingerprint()
        if theirs != expected:
            raise BuildError(f"--dask: the worker {_worker_address()} runs another kg version ({theirs}; here "
                             f"{expected}); install the same checkout on every worker")
    failed = _SETUP_FAILED.get(_worker_address())
    if failed is not None:
        raise BuildError(f"--dask: on the Dask worker {_worker_address()}: {failed}")
    try:
        return fn(batch)
    except (KgError, ImportError) as exc:
        raise BuildError(f"--dask: on the Dask worker {_worker_address()}: {_what(exc)}") from None


def _worker_address() -> str:
    """The address of the Dask worker running this task (``?`` outside one)."""
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "?"


def _workers(client) -> int:
    """The number of workers the scheduler has now."""
    return len(client.nthreads())


def _result(fut, client, address: str, on_wait: Callable[[str], None] | None):
    """``fut``'s result. While the cluster has no worker (none started yet, or all gone: its batches
    would wait forever), say so once (``on_wait``) and give up after :data:`WORKER_WAIT` seconds."""
    from distributed import KilledWorker

    alone_since = None
    while True:
        try:
            return fut.result(timeout=POLL)
        except TimeoutError:
            if fut.done():  # finished just after the wait ran out, or the task's own TimeoutError
                return fut.result()
        except KilledWorker:
            raise BuildError(f"--dask {address}: the workers that ran a batch died each time it was "
                             "given to one (out of memory?); see the workers' logs") from None
        try:
            workers = _workers(client)
        except Exception as exc:  # noqa: BLE001 - the scheduler is gone
            raise BuildError(f"--dask {address}: lost the Dask scheduler ({type(exc).__name__}: {exc})") from None
        if workers:
            alone_since = None
            continue
        now = time.monotonic()
        hint = "" if address.startswith("local") else f" (start them with: dask worker {address} --nthreads 1)"
        if alone_since is None:
            alone_since = now
            if on_wait is not None:
                on_wait(f"--dask {address}: the Dask cluster has no worker; waiting {WORKER_WAIT:g} s for "
                        f"one{hint}")
        elif now - alone_since >= WORKER_WAIT:
            raise BuildError(f"--dask {address}: no Dask worker for {WORKER_WAIT:g} s{hint}; build again "
                             "once the cluster has workers")


def _on_dask(fn, work, dask, *, setup, fingerprint, on_wait, on_step) -> Iterator:
    client, cluster, own = _client(dask, len(work), on_step)
    address = dask if isinstance(dask, str) else client.scheduler.address
    try:
        on_step("waiting for workers…")  # their version, then their setup (each loads the model)
        mine = fingerprint() if fingerprint is not None else ""
        if fingerprint is not None:
            theirs = set(client.run(fingerprint).values())
            if theirs and theirs != {mine}:
                raise BuildError(f"--dask: the workers run another kg version ({', '.join(sorted(theirs))}; "
                                 f"here {mine}); install the same checkout on every worker")
        if setup is not None:
            client.register_plugin(_setup_plugin(setup), name="kg-setup")
        workers = max(1, _workers(client))
        pending: deque = deque()
        todo = iter(work)

        def submit(batch):
            return client.submit(_checked, fn, fingerprint, mine, batch, pure=False)

        try:
            for batch in todo:
                pending.append(submit(batch))
                if len(pending) == 1:
                    on_step(None)  # the work proper starts
                if len(pending) >= IN_FLIGHT * workers:
                    break
            while pending:
                fut = pending.popleft()
                result = _result(fut, client, address, on_wait)
                fut.release()
                for batch in todo:
                    pending.append(submit(batch))
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
