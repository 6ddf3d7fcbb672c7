"""The one atomic file writer of kg: write to a temporary file beside the target, then rename it
over the target, so a reader (or a build stopped half-way) never sees a half-written file.

Every module of kg that replaces a file in place uses :func:`atomic_write` (the exports, the
report, the journal of the output folder, the extraction cache, the explorer page).

Imports nothing of kg (the standard library only), so any layer above :mod:`kg.store` may use it.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_write"]


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8", *,
                 fsync: bool = True, permissions: int | None = None) -> Iterator[io.IOBase]:
    """Write to a temporary file beside ``path``, then rename it over ``path``.

    Text modes write ``encoding`` with no newline translation. ``fsync`` flushes the file to disk
    before the rename (off for files a checksum guards, such as the extraction cache);
    ``permissions`` (e.g. ``0o644``) replaces the temporary file's owner-only mode.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "sub" / "a.txt"
    >>> with atomic_write(target) as fh:
    ...     _ = fh.write("one\\n")
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('one\\n', ['a.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        kwargs = {"encoding": encoding, "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        if permissions is not None:
            os.chmod(tmp, permissions)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
