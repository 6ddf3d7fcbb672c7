"""Making a staged build current in the output folder, in the order of :data:`PUBLICATION_STEPS`.

A build writes everything into a hidden staging folder (``OUT/.build-…``, :data:`STAGE_PREFIX`)
and then publishes: each step leaves the folder holding whole files only, and a build killed
between two steps is repaired by the next (:mod:`kg.pipeline.outdir` keeps the journal). Also
here: the check, before anything is parsed, that ``OUT/store`` is kg's to replace.

Works on files and on :class:`~kg.pipeline.outdir.OutputFolder` only (of :mod:`kg.store`, its folder names):
imports no extraction, resolution or RDF.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from kg.errors import UsageError
from kg.pipeline.incremental import MANIFEST_NAME
from kg.pipeline.outdir import OutputFolder
from kg.pipeline.report import REPORT_NAME, sha256
from kg.store import STORE_DIR_NAME, STORE_MARKER, STORE_PREFIX
from kg.store.atomic import file_mode

__all__ = ["PUBLICATION_STEPS", "STAGE_PREFIX", "publish", "check_store_target"]

#: the hidden folders of a build in its output folder (staged exports, spooled extractions)
STAGE_PREFIX = ".build-"

#: The order in which a build makes its staged result current (:func:`publish`). Between two
#: steps the folder holds whole files only; until "report" the store differs from what
#: report.json names, which readers check (kg.store.graph_source); "tidy" deletes what the
#: build replaced. tests/test_reliability.py kills a build after each file operation of these.
PUBLICATION_STEPS = ("store", "exports", "report", "tidy")


def check_store_target(folder: OutputFolder) -> None:
    """Refuse, before anything is parsed, an ``OUT/store`` that kg did not make: a build replaces
    ``OUT/store`` and deletes the store it pointed to, so it must be kg's (see :mod:`kg.pipeline.outdir`)."""
    link = folder.path / STORE_DIR_NAME
    if not os.path.lexists(link):
        return
    if link.is_symlink():
        if folder.store_home is not None and os.readlink(link) == folder.store_home.name:
            return
        what = f"a link to {os.readlink(link)}, not to a store this kg made in {folder.path}"
    elif link.is_dir() and (link / STORE_MARKER).is_file():
        return  # the store folder of an earlier kg (before the link): moved aside and deleted
    else:
        what = "not a store written by kg"
    raise UsageError(f"{link}: {what}; kg would replace it. Move it away, or build with --no-store")


def publish(folder: OutputFolder, stage: Path, names: list[str], store: bool) -> None:
    """Make the staged build current in the order of :data:`PUBLICATION_STEPS`."""
    out = folder.path
    mode = file_mode()
    # 1. store: the new one moved beside the link, then the link swapped to it (or an old one unlinked)
    if store:
        _publish_store(folder, stage)
    else:
        _unlink_store(folder)
    stale = _stale_exports(out, names)
    # 2. exports: each data file, then the article manifest, replaced in one os.replace; an export
    # of the previous build that this one does not write (graph.html after --no-html) removed
    for name in names + [MANIFEST_NAME]:
        os.chmod(stage / name, mode)
        os.replace(stage / name, out / name)
    for name in stale:
        (out / name).unlink(missing_ok=True)
    # 3. report: report.json, which names them all
    os.chmod(stage / REPORT_NAME, mode)
    os.replace(stage / REPORT_NAME, out / REPORT_NAME)
    _sync_folder(out)
    # 4. tidy: the store this build replaced, and the staging folder (in the caller)
    folder.tidy()


def _stale_exports(out: Path, names: list[str]) -> list[str]:
    """The exports the current ``report.json`` names that a build writing ``names`` does not
    write (``graph.html`` after ``--no-html``), each still the very file the report names (its
    SHA-256): left, they would show the previous build beside the new one. A file of that name
    that is not the one kg wrote is not touched."""
    try:
        files = json.loads((out / REPORT_NAME).read_text(encoding="utf-8")).get("files") or {}
    except (OSError, ValueError, AttributeError):
        return []
    stale = []
    for name, digest in sorted(files.items()) if isinstance(files, dict) else ():
        if (
            not isinstance(name, str)
            or name in names
            or Path(name).name != name
            or name.startswith(".")
            or name in (REPORT_NAME, MANIFEST_NAME, STORE_DIR_NAME)
        ):
            continue  # written by this build, or not a name of an export beside report.json
        path = out / name
        if path.is_file() and not path.is_symlink() and sha256(path) == digest:
            stale.append(name)
    return stale


def _publish_store(folder: OutputFolder, stage: Path) -> None:
    out = folder.path
    link = out / STORE_DIR_NAME
    if link.is_dir() and not link.is_symlink():  # an earlier kg's store folder (checked: it has the marker)
        aside = folder.reserve(STORE_PREFIX)
        os.replace(link, aside)
    home = folder.reserve(STORE_PREFIX)
    os.replace(stage / STORE_DIR_NAME, home)
    os.symlink(home.name, stage / "store.link")
    os.replace(stage / "store.link", link)
    folder.set_store_home(home)


def _unlink_store(folder: OutputFolder) -> None:
    """--no-store: a store this kg made would no longer match the exports; unlink it (its home is
    deleted when the build tidies). A store that is not kg's is left alone."""
    link = folder.path / STORE_DIR_NAME
    if link.is_symlink() and folder.store_home is not None and os.readlink(link) == folder.store_home.name:
        link.unlink()
        folder.set_store_home(None)
    elif link.is_dir() and not link.is_symlink() and (link / STORE_MARKER).is_file():
        os.replace(link, folder.reserve(STORE_PREFIX))


def _sync_folder(out: Path) -> None:
    try:
        fd = os.open(out, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
