"""The output folder of a build: whose it is, one build at a time, and what a killed build leaves.

A folder kg builds into holds a marker file, :data:`MARKER` (``OUT/.kg-output``, JSON with a format
:data:`VERSION`). kg writes into a folder only when it

- does not exist or is empty, or
- holds the marker (it is kg's), or
- holds the complete exports of an earlier kg that had no marker (``report.json`` and every file
  whose hash it lists, unchanged): the marker is then added;

any other folder is refused with :class:`~kg.errors.UsageError` (``kg build`` exits with 2) unless
``force`` is given. Whatever the folder, kg deletes only names it created itself: before a build
creates a hidden staging folder or store home it records the name in the journal
:data:`STATE` (``OUT/.kg-state.json``), and the next build into the folder removes the names a
killed build left there — never a name it did not record, however it looks.

An exclusive lock (``fcntl.flock`` on :data:`LOCK`) is held from before the first write to the end
of the build: a second build into the same folder waits for the first one to finish (``on_wait`` is
told once, with the holder's process id). The operating system releases the lock when a process
dies, so a killed build never leaves the folder locked.

>>> import tempfile
>>> with OutputFolder(tempfile.mkdtemp()) as folder:
...     (folder.path / MARKER).is_file()
True
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from kg.errors import BuildError, UsageError
from kg.store.atomic import atomic_write
from kg.store.integrity import BUILD_FILES, BUILD_MARKER

__all__ = ["OutputFolder", "MARKER", "LOCK", "STATE", "VERSION", "check_output_folder", "KG_EXPORTS",
           "ForeignFolderError"]

#: the marker file: kg's own output folder (JSON ``{"format": "kg-output", "version": N}``)
MARKER = BUILD_MARKER
#: the lock file (its content: the process id of the build holding it)
LOCK = ".kg-lock"
#: the journal: hidden names a build created and has not deleted yet, and the live store's home
STATE = ".kg-state.json"
#: format version of the output folder (the marker, the journal, report.json's "store" and "manifest")
VERSION = 1
#: the visible exports a build writes (report.json last)
KG_EXPORTS = BUILD_FILES
_MARKER_TEXT = json.dumps({"format": "kg-output", "version": VERSION,
                           "note": "a kg build folder: kg deletes only what it created here"}, indent=1) + "\n"


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _legacy_build(out: Path) -> bool:
    """Whether ``out`` holds the complete exports of a kg build made before the marker existed."""
    report = _read_json(out / "report.json")
    files = report.get("files") if isinstance(report, dict) else None
    if not isinstance(files, dict) or not files or not set(files) <= set(KG_EXPORTS):
        return False
    try:
        return all((out / name).is_file() and _sha256(out / name) == digest for name, digest in files.items())
    except OSError:
        return False


class ForeignFolderError(UsageError):
    """An output folder kg did not make (``kg build`` writes into it only with ``--force``);
    ``what`` says what the folder is, without the remedy (which depends on the command)."""

    def __init__(self, out: Path, what: str, remedy: str):
        self.out = out
        self.what = what
        super().__init__(f"{out}: {what}; {remedy}")


def check_output_folder(out: str | Path, *, force: bool = False) -> str:
    """Whether kg may write into ``out``: ``"new"`` (absent or empty), ``"kg"`` (marked) or
    ``"legacy"`` (an earlier kg's complete build); else raise :class:`UsageError` naming the folder.

    ``force`` accepts any folder (the marker is then added; still nothing kg did not create is deleted).
    """
    out = Path(out)
    if not out.exists():
        if out.is_symlink():
            raise UsageError(f"{out}: a broken symbolic link; pass another output folder")
        return "new"
    if not out.is_dir():
        raise UsageError(f"{out}: exists and is not a folder; pass another output folder (-o DIR)")
    marker = out / MARKER
    if marker.exists():
        data = _read_json(marker)
        if not (isinstance(data, dict) and data.get("format") == "kg-output" and isinstance(data.get("version"), int)):
            if force:
                return "kg"
            raise ForeignFolderError(out, f"{MARKER} is not a kg marker file",
                                     "not writing into this folder (pass --force to write into it anyway)")
        if data["version"] > VERSION:
            raise UsageError(f"{out}: made by a newer kg (output format {data['version']}, this kg reads "
                             f"{VERSION}); use that version or another output folder")
        return "kg"
    try:
        names = [p.name for p in out.iterdir() if p.name != LOCK]
    except OSError as exc:
        raise BuildError(f"{out}: cannot read the output folder ({exc.strerror})") from None
    if not names:
        return "new"
    if _legacy_build(out):
        return "legacy"
    if force:
        return "new"
    shown = ", ".join(sorted(names)[:3]) + (", …" if len(names) > 3 else "")
    raise ForeignFolderError(out, f"not empty and not a kg output folder (holds {shown})",
                             f"kg writes only into a new or empty folder or one it made (with {MARKER}). Pass "
                             "another -o folder, or --force to write into this one (files named like the exports "
                             "are then replaced; nothing else is touched)")


class OutputFolder:
    """An output folder opened for one build: checked, locked, its journal read (see the module doc).

    Use as a context manager, or call :meth:`open` and :meth:`close`.
    """

    def __init__(self, path: str | Path, *, force: bool = False,
                 on_wait: Callable[[str], None] | None = None):
        self.path = Path(path)
        self.force = force
        self.on_wait = on_wait
        self._fd: int | None = None
        self.kind = ""
        self.state: dict = {"pending": [], "store": None}

    # -- opening: check, lock, mark, tidy --------------------------------------------------
    def open(self, precheck: Callable[[OutputFolder], None] | None = None) -> OutputFolder:
        """Check, lock and mark the folder, and delete what a killed build left (see the module doc).

        ``precheck`` (given this object, locked, its journal read) may raise to refuse the folder
        before the marker is written.
        """
        out = self.path
        check_output_folder(out, force=self.force)  # before anything is created in a folder that is not kg's
        try:
            out.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise BuildError(f"{out}: cannot write in the output folder ({exc.strerror}); "
                             "check its permissions or pass another -o folder") from None
        try:
            self._lock()
            self.kind = check_output_folder(out, force=self.force)  # again, now that no other build runs
            self.state = self._read_state()
            self._reconcile_store()
            if self.state["store"] is None:
                self._adopt_store()
            if precheck is not None:
                precheck(self)
            if not (out / MARKER).is_file() or self.kind == "legacy":
                self._write(MARKER, _MARKER_TEXT)
            self._save_state()
            self.tidy()
        except BaseException:
            self.close()
            raise
        return self

    def _lock(self) -> None:
        assert self._fd is not None
        try:
            _try_lock(self._fd)
        except BlockingIOError:
            try:
                holder = os.pread(self._fd, 64, 0).decode("ascii", "replace").strip() or "?"
            except OSError:
                holder = "?"
            if self.on_wait is not None:
                self.on_wait(f"{self.path}: another kg build (process {holder}) is writing here; waiting for it "
                             "to finish (Ctrl-C to stop)")
            _wait_lock(self._fd)
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()}\n".encode("ascii"), 0)

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)  # releases the lock
            finally:
                self._fd = None

    def __enter__(self) -> OutputFolder:
        return self if self._fd is not None else self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the journal ----------------------------------------------------------------------
    def _write(self, name: str, text: str) -> None:
        """Replace ``OUT/name`` atomically (:func:`kg.store.atomic_write`; only the lock holder writes)."""
        with atomic_write(self.path / name, permissions=0o644) as fh:
            fh.write(text)

    def _read_state(self) -> dict:
        data = _read_json(self.path / STATE)
        if not isinstance(data, dict):
            return {"pending": [], "store": None}
        pending = [n for n in data.get("pending", []) if isinstance(n, str) and _own_name(n)]
        store = data.get("store") if isinstance(data.get("store"), str) and _own_name(data["store"]) else None
        return {"pending": pending, "store": store}

    def _save_state(self) -> None:
        self._write(STATE, json.dumps(self.state, indent=1, sort_keys=True) + "\n")

    def reserve(self, prefix: str) -> Path:
        """A new hidden name ``OUT/<prefix><pid>-<random>`` for something this build will create,
        recorded in the journal first (so a killed build's leftovers are known to be kg's)."""
        name = f"{prefix}{os.getpid()}-{secrets.token_hex(4)}"
        self.state["pending"].append(name)
        self._save_state()
        return self.path / name

    def forget(self, names: Iterable[str]) -> None:
        """Drop names from the journal (they are gone, or have become the live store)."""
        drop = set(names)
        self.state["pending"] = [n for n in self.state["pending"] if n not in drop]
        self._save_state()

    @property
    def store_home(self) -> Path | None:
        """The hidden folder the live ``OUT/store`` link points to, if kg made it."""
        return self.path / self.state["store"] if self.state["store"] else None

    def set_store_home(self, home: Path | None) -> None:
        """Record ``home`` as the live store; the previous one becomes pending (deleted by :meth:`tidy`)."""
        old = self.state["store"]
        if old and (home is None or old != home.name):
            self.state["pending"].append(old)
        self.state["store"] = home.name if home is not None else None
        self.state["pending"] = [n for n in self.state["pending"] if n != self.state["store"]]
        self._save_state()

    def owns(self, path: Path) -> bool:
        """Whether ``path`` is a hidden name of this folder that the journal says kg made."""
        return path.parent == self.path and (path.name in self.state["pending"] or path.name == self.state["store"])

    def tidy(self) -> list[str]:
        """Delete what the journal lists as pending (a killed build's staging folders, old store
        homes) — those names only, and a link only as a link; return the names removed."""
        gone = []
        for name in list(self.state["pending"]):
            p = self.path / name
            if p.is_symlink() or p.is_file():
                p.unlink(missing_ok=True)
            elif p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            if not os.path.lexists(p):
                gone.append(name)
        if gone or self.state["pending"]:
            self.forget(gone)
        return gone

    def _reconcile_store(self) -> None:
        """A build killed between swapping the ``OUT/store`` link and recording it: the link points
        to a home the journal lists as pending. That home is the live store; the recorded one is old."""
        link = self.path / "store"
        if not link.is_symlink():
            return
        target = os.readlink(link)
        if target in self.state["pending"] and target != self.state["store"]:
            old = self.state["store"]
            self.state["pending"] = [n for n in self.state["pending"] if n != target] + ([old] if old else [])
            self.state["store"] = target

    def _adopt_store(self) -> None:
        """An ``OUT/store`` link that an earlier kg made (to a hidden ``.store-*`` folder of ``OUT``
        holding kg's store marker) without this journal: record its home as kg's."""
        link = self.path / "store"
        if link.is_symlink():
            target = os.readlink(link)
            home = self.path / target
            if _own_name(target) and target.startswith(".store-") and home.is_dir() and not home.is_symlink() \
                    and (home / ".kg-store").is_file():
                self.state["store"] = target


def _try_lock(fd: int) -> None:
    """Take the exclusive lock of ``fd`` or raise ``BlockingIOError``."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows (untested): a byte-range lock
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            raise BlockingIOError from None
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _wait_lock(fd: int) -> None:
    """Wait for the exclusive lock of ``fd``."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows (untested)
        import time

        while True:
            try:
                _try_lock(fd)
                return
            except BlockingIOError:
                time.sleep(0.5)
    fcntl.flock(fd, fcntl.LOCK_EX)


def _own_name(name: str) -> bool:
    """Names kg may record: hidden staging folders and store homes directly in the folder."""
    return "/" not in name and "\\" not in name and name.startswith((".build-", ".store-")) and ".." not in name
