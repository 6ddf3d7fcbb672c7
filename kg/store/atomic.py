"""The one atomic file writer of kg: write to a temporary file beside the target, then rename it
over the target, so a reader (or a build stopped half-way) never sees a half-written file.

Every module of kg that replaces a file in place uses :func:`atomic_write` (the exports, the
report, the journal of the output folder, the extraction cache, the explorer page, the charts,
the networks' GraphML/GEXF). It is also the one place where the operating system's refusal to
write an output becomes kg's error (:class:`kg.errors.OutputError`, one line naming the path).

Imports nothing of kg but :mod:`kg.errors` (and the standard library), so any layer above
:mod:`kg.store` may use it.
"""

from __future__ import annotations

import errno
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import OutputError

__all__ = ["atomic_write", "file_mode", "output_error"]

#: errors of a write itself (raised inside the ``with`` block): the file's, whatever the caller does
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def output_error(path: str | Path, exc: OSError) -> OutputError:
    """``exc``, raised while writing ``path``, as one line that names ``path`` and the problem.

    >>> import pathlib, tempfile
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> (tmp / "afile").touch()
    >>> str(output_error(tmp / "afile" / "x.png", FileExistsError(17, "File exists"))).replace(str(tmp), "TMP")
    'TMP/afile/x.png: cannot be written (TMP/afile is a file, not a folder); choose another path'
    """
    path = Path(path)
    parent = next((p for p in path.parents if os.path.lexists(p)), None)
    if parent is not None and not parent.is_dir():
        kind = "a file, not a folder" if parent.is_file() else "not a folder"
        problem = f"cannot be written ({parent} is {kind}); choose another path"
    elif path.is_dir():
        problem = "cannot be written (it is a folder); name a file"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        problem = f"cannot be written ({exc.strerror}); check the permissions of {path.parent}"
    else:
        problem = f"cannot be written ({exc.strerror or exc})"
    return OutputError(str(path), problem, exc)


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8", *,
                 fsync: bool = True, permissions: int | None = None) -> Iterator[io.IOBase]:
    """Write to a temporary file beside ``path``, then rename it over ``path``.

    Text modes write ``encoding`` with no newline translation. ``fsync`` flushes the file to disk
    before the rename (off for files a checksum guards, such as the extraction cache). The file
    gets ``permissions`` (e.g. ``0o644``), by default those ``open(path, "w")`` would give a new
    file (``0o666`` minus the umask), never the temporary file's owner-only ``0o600``.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "sub" / "a.txt"
    >>> with atomic_write(target) as fh:
    ...     _ = fh.write("one\\n")
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('one\\n', ['a.txt'])
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise output_error(path, exc) from None
    written = False  # the caller's block has run to its end
    try:
        kwargs = {"encoding": encoding, "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            try:
                yield fh
            except OSError as exc:
                if exc.errno in _WRITE_ERRNOS and exc.filename is None:  # the file's write, not the caller's
                    raise output_error(path, exc) from None
                raise
            written = True
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, file_mode() if permissions is None else permissions)
        os.replace(tmp, path)
    except OSError as exc:
        _unlink(tmp)
        if not written or isinstance(exc, OutputError):  # the caller's error, or already kg's
            raise
        raise output_error(path, exc) from None  # flushing, closing, renaming: the output's
    except BaseException:
        _unlink(tmp)
        raise


def file_mode() -> int:
    """The mode ``open(path, "w")`` gives a new file: ``0o666`` minus the process's umask (read from
    ``/proc/self/status`` where it is, which leaves the umask alone for the other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            umask = next(int(line.split()[1], 8) for line in fh if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError, IndexError):
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def _unlink(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass
