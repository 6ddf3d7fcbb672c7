"""What every ``kg`` command shares: the default graph path, the output formats, and the way
errors and warnings are printed (one line on stderr, then the exit code).

Imports only typer and :mod:`kg.errors` at module level; the library is imported inside the
helpers that need it, so that ``kg --help`` stays fast.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import NoReturn, TypeVar

import typer

from kg.errors import KgError, UsageError, printable

__all__ = ["DEFAULT_GRAPH", "OutputFormat", "fail", "warn", "usage_or_error", "names_of", "run_interruptible"]

DEFAULT_GRAPH = Path("exports/graph.ttl")

T = TypeVar("T")


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def fail(exc: Exception | str, code: int = 1) -> NoReturn:
    """Print ``kg: error: ...`` on stderr and exit with ``code`` — 2 for a
    :class:`~kg.errors.UsageError` whatever ``code`` says (the README's exit codes: every usage
    error exits 2)."""
    if isinstance(exc, UsageError):
        code = 2
    typer.echo(f"kg: error: {printable(str(exc))}", err=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    """Print ``kg: warning: ...`` on stderr."""
    typer.echo(f"kg: warning: {printable(message)}", err=True)


def usage_or_error(exc: Exception) -> NoReturn:
    """A name, a parameter or a filter the user typed that designates nothing is a usage error
    (exit 2, with the suggestions of the message); anything else exits 1."""
    from kg.names import NameError_
    from kg.view import FilterError

    fail(exc, 2 if isinstance(exc, NameError_ | FilterError) else 1)


def guard_output(path: Path | None, option: str = "-o") -> None:
    """Exit with 2 when ``path`` is a published file of a kg build (``kg view -o OUT/graph.ttl``):
    see :func:`kg.store.integrity.refuse_build_file`."""
    from kg.errors import UsageError
    from kg.store.integrity import refuse_build_file

    if path is not None:
        try:
            refuse_build_file(path, option)
        except UsageError as exc:
            fail(exc, 2)


def beside(graph: Path, name: str) -> Path:
    """The default output ``name`` of a command that reads ``graph``: in the graph's folder (the
    build folder when ``graph`` is one), never in the current folder."""
    return (graph if graph.is_dir() else graph.parent) / name


def names_of(g):
    """The :class:`kg.names.NameIndex` of an rdflib graph (what --actor, --ego, --path resolve in)."""
    from kg.names import NameIndex

    return NameIndex.from_graph(g)


#: set by :func:`kg.cli.main`: the app runs as the ``kg`` process (and may change its signal handling)
IN_KG_PROCESS = False


def _interrupt(signum, frame) -> NoReturn:
    raise KeyboardInterrupt


def run_interruptible(call: Callable[[], T], usage_errors: tuple[type[Exception], ...]) -> T:
    """Run a build or a removal: Ctrl-C exits 130 (the previous exports are kept), one of
    ``usage_errors`` exits 2, any other :class:`KgError` exits 1.

    In the ``kg`` process, SIGTERM (``kill``, a service manager, a batch system's time limit) stops it
    as Ctrl-C does: its worker processes stopped and waited for, its staging folder removed, exit 130.
    Python's default ended the process at once: the workers went on parsing for a dead parent and the
    system was left their semaphores ("resource_tracker: There appear to be 6 leaked semaphore objects")."""
    own = IN_KG_PROCESS and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if own else None
    try:
        result = call()
    except KeyboardInterrupt:
        typer.echo("kg: interrupted; previous exports kept", err=True)
        raise typer.Exit(130) from None
    except usage_errors as exc:
        fail(exc, 2)
    except KgError as exc:
        fail(exc, 1)
    finally:
        if own:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
    # done and published: a Ctrl-C now, while the summary prints and the process ends, would say
    # "interrupted" (exit 130) of a build that is complete. Only in the kg process (main()), not in
    # a program that runs the app in its own process (typer's CliRunner, a notebook)
    if IN_KG_PROCESS and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    return result
