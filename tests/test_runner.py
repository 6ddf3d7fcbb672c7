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


@pytest.mark.parametrize("dask", ["bogus", "tcp://10.0.0.5", "http://10.0.0.5:8786", "local:x", "local:0"])
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
                        "distributed.diagnostics.plugin"}, imported
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
