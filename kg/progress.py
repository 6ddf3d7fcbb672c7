"""Progress of a long build, or of a long read (``kg view``, ``kg network``), as people expect it (#13).

Imports only the standard library and ``rich``: the readers show progress without importing the
pipeline (and spaCy).

A build goes through stages — ``read``, ``model load``, ``parse``, ``resolve``, ``write``,
``store``, ``SHACL``, ``view`` — and reports each one to a :class:`Progress`:

- on a terminal, :class:`RichProgress` draws one line per stage with ``rich`` (PyPI): a bar,
  ``done/total``, the rate and the time left for stages that count something (articles parsed,
  article graphs written), a spinner and the elapsed time for the others; a finished stage
  stays on screen with its duration;
- elsewhere (a log file, a pipe, CI), :class:`PlainProgress` writes whole lines, never ``\\r``:
  a line when a stage starts, one every ``interval`` seconds with ``[done/total]``, the rate and
  the time left, and one when it ends;
- ``kg build -q`` (and library calls with ``progress=None``) use :class:`Progress` itself, which
  prints nothing.

:func:`auto_progress` picks between the first two from ``stream.isatty()``.

>>> import io
>>> out = io.StringIO()
>>> p = PlainProgress(out, interval=0, clock=iter(range(100)).__next__)
>>> with p.stage("parse", total=2, unit="article") as st:
...     st.advance(1, "a1")
...     st.advance(1, "a2")
>>> print(out.getvalue(), end="")
kg: parse: 2 articles
kg: parse [1/2]  50 %  1.0 articles/s  ETA 1 s  a1
kg: parse [2/2]  100 %  1.0 articles/s  ETA 0 s  a2
kg: parse: done in 3 s
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

__all__ = ["Progress", "Stage", "PlainProgress", "RichProgress", "CallbackProgress", "auto_progress",
           "terminal_progress", "as_progress", "duration"]


def duration(seconds: float) -> str:
    """``"42 s"``, ``"3 min 05 s"``, ``"1 h 02 min"``.

    >>> duration(4.2), duration(185), duration(3720)
    ('4 s', '3 min 05 s', '1 h 02 min')
    """
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class Stage:
    """One stage of a build: :meth:`advance` it as items are done (a no-op here); :meth:`note` what
    it waits for before its first item, and :meth:`begin` when the work proper starts (the rate and
    the time left are measured from then: a Dask cluster starting is no parsing)."""

    def __init__(self, name: str, total: int | None = None, unit: str = "item", done: int = 0):
        self.name, self.total, self.unit, self.done = name, total, unit, done

    def advance(self, n: int = 1, detail: str = "") -> None:
        self.done += n

    def note(self, text: str) -> None:
        """Say what the stage is doing before its items come (``starting Dask cluster…``)."""

    def begin(self) -> None:
        """The items start coming: the rate and the time left are measured from now."""


class Progress:
    """Receives the stages of a build; this base class shows nothing (``-q``)."""

    def stage(self, name: str, total: int | None = None, unit: str = "item", done: int = 0):
        """A context manager yielding a :class:`Stage`; ``done`` items are already done (cached)."""
        return self._stage(name, total, unit, done)

    @contextmanager
    def _stage(self, name: str, total: int | None, unit: str, done: int) -> Iterator[Stage]:
        yield Stage(name, total, unit, done)

    def close(self) -> None:
        """Release the display (the rich live view); further stages are not shown."""


def _plural(unit: str, n: float) -> str:
    return unit if n == 1 or unit.endswith("s") else unit + "s"


class _PlainStage(Stage):
    def __init__(self, owner: PlainProgress, name: str, total: int | None, unit: str, done: int):
        super().__init__(name, total, unit, done)
        self.owner = owner
        self.start = self.since = owner.clock()  # the stage's start; since: what the rate is measured from
        self.first = done
        self.last_line: float | None = None

    def note(self, text: str) -> None:
        self.owner.line(f"{self.name}: {text}")

    def begin(self) -> None:
        self.since = self.owner.clock()

    def advance(self, n: int = 1, detail: str = "") -> None:
        super().advance(n)
        now = self.owner.clock()
        final = self.total is not None and self.done >= self.total
        if self.last_line is not None and not final and now - self.last_line < self.owner.interval:
            return
        self.last_line = now
        self.owner.line(self._status(now, detail))

    def _status(self, now: float, detail: str) -> str:
        elapsed = max(now - self.since, 1e-9)
        made = self.done - self.first
        rate = made / elapsed
        count = f"[{self.done}/{self.total}]" if self.total is not None else f"[{self.done}]"
        parts = [f"{self.name} {count}"]
        if self.total:
            parts.append(f"{100 * self.done // self.total} %")
        if made > 0:
            parts.append(f"{rate:.1f} {_plural(self.unit, 2)}/s")
            if self.total is not None:
                parts.append(f"ETA {duration((self.total - self.done) / rate)}")
        if detail:
            parts.append(detail[:60])
        return "  ".join(parts)


class PlainProgress(Progress):
    """Whole lines on ``stream`` (default stderr), for logs: no ``\\r``, no colour, at most one
    progress line per stage every ``interval`` seconds (the first and the last always)."""

    def __init__(self, stream: IO[str] | None = None, interval: float = 5.0,
                 clock: Callable[[], float] = time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self.clock = clock

    def line(self, text: str) -> None:
        print(f"kg: {text}", file=self.stream, flush=True)

    @contextmanager
    def _stage(self, name: str, total: int | None, unit: str, done: int) -> Iterator[Stage]:
        st = _PlainStage(self, name, total, unit, done)
        what = f": {total} {_plural(unit, total)}" if total is not None else " …"
        if done:
            what += f" ({done} already done)"
        self.line(f"{name}{what}")
        yield st
        self.line(f"{name}: done in {duration(self.clock() - st.start)}")


class _RichStage(Stage):
    def __init__(self, bars, task, name: str, total: int | None, unit: str, done: int):
        super().__init__(name, total, unit, done)
        self.bars, self.task = bars, task
        self.since, self.first = time.monotonic(), done

    def rate(self) -> str:
        made, spent = self.done - self.first, time.monotonic() - self.since
        return f"{made / spent:.1f} {_plural(self.unit, 2)}/s" if made and spent > 0 else ""

    def note(self, text: str) -> None:
        self.bars.update(self.task, detail=text[:40])

    def begin(self) -> None:
        self.since = time.monotonic()
        self.bars.update(self.task, detail="")

    def advance(self, n: int = 1, detail: str = "") -> None:
        super().advance(n)
        self.bars.update(self.task, advance=n, detail=detail[:40], rate=self.rate())


class RichProgress(Progress):
    """A live ``rich`` display on a terminal: one line per stage, with a bar, ``done/total``, the
    rate and the time left when the stage counts items, a spinner and the elapsed time otherwise."""

    def __init__(self, stream: IO[str] | None = None, console=None):
        from rich.console import Console
        from rich.progress import BarColumn, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bars
        from rich.table import Column
        from rich.text import Text

        class Counted(ProgressColumn):  # done/total, %, rate and time left: only for stages that count
            def render(self, task) -> Text:
                if not task.fields.get("counted"):
                    return Text("")
                left = "" if task.finished else (
                    f"  ETA {duration(task.time_remaining)}" if task.time_remaining is not None else "  ETA …")
                pct = 100 * task.completed // task.total if task.total else 100
                rate = task.fields.get("rate") or ""
                return Text(f"{int(task.completed)}/{int(task.total)} {pct:3.0f} %  {rate}{left}")

        console = console or Console(file=stream if stream is not None else sys.stderr)
        self.bars = Bars(SpinnerColumn(finished_text="[green]✓"), TextColumn("{task.description:<10}"),
                         BarColumn(bar_width=20), Counted(table_column=Column(no_wrap=True)),
                         TimeElapsedColumn(table_column=Column(no_wrap=True, min_width=7)),
                         TextColumn("[dim]{task.fields[detail]}",
                                    table_column=Column(no_wrap=True, overflow="ellipsis", max_width=24)),
                         console=console, transient=False, refresh_per_second=8)
        self.started = False

    @contextmanager
    def _stage(self, name: str, total: int | None, unit: str, done: int) -> Iterator[Stage]:
        if not self.started:
            self.bars.start()
            self.started = True
        task = self.bars.add_task(name, total=total, completed=done, detail="", rate="", counted=total is not None)
        st = _RichStage(self.bars, task, name, total, unit, done)
        try:
            yield st
        finally:
            end = total if total is not None else 1
            self.bars.update(task, total=end, completed=end, detail="", rate=st.rate())
            self.bars.stop_task(task)

    def close(self) -> None:
        if self.started:
            self.bars.stop()
            self.started = False


class CallbackProgress(Progress):
    """The older interface: ``callback(done, total, article_id)`` for each article parsed."""

    def __init__(self, callback: Callable[[int, int, str], None]):
        self.callback = callback

    @contextmanager
    def _stage(self, name: str, total: int | None, unit: str, done: int) -> Iterator[Stage]:
        st = Stage(name, total, unit, done)
        if name == "parse":
            def advance(n: int = 1, detail: str = "") -> None:
                Stage.advance(st, n)
                self.callback(st.done, st.total or 0, detail)

            st.advance = advance  # type: ignore[method-assign]
        yield st


def auto_progress(stream: IO[str] | None = None, quiet: bool = False) -> Progress:
    """A :class:`RichProgress` when ``stream`` (default stderr) is a terminal, else a
    :class:`PlainProgress`; a silent :class:`Progress` when ``quiet``."""
    if quiet:
        return Progress()
    stream = stream if stream is not None else sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return RichProgress(stream) if tty else PlainProgress(stream)


def terminal_progress(stream: IO[str] | None = None, quiet: bool = False) -> Progress:
    """What a reader (``kg view``, ``kg network``) shows while it reads and computes: a
    :class:`RichProgress` when ``stream`` (default stderr) is a terminal, else nothing — its
    output is the answer, often piped or parsed, and a log gains nothing from its steps.

    >>> import io
    >>> type(terminal_progress(io.StringIO())).__name__
    'Progress'
    """
    stream = stream if stream is not None else sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return RichProgress(stream) if tty and not quiet else Progress()


def as_progress(progress) -> Progress:
    """Whatever a caller passed as ``progress`` as a :class:`Progress`: a Progress as is, None as a
    silent one, ``"auto"`` as :func:`auto_progress`, a callable as a :class:`CallbackProgress`."""
    if progress is None:
        return Progress()
    if isinstance(progress, Progress):
        return progress
    if progress == "auto":
        return auto_progress()
    if callable(progress):
        return CallbackProgress(progress)
    raise TypeError(f"progress={progress!r}: pass a kg.progress.Progress, a callable, 'auto' or None")
