"""Shared, cached builds for the tests that need the spaCy model (loaded once per test process)."""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


@lru_cache(maxsize=1)
def seed_build() -> Path:
    """Build the seed articles once (no HTML, no SHACL) and return the output folder."""
    from kg.pipeline import build

    out = Path(tempfile.mkdtemp(prefix="kg-seeds-"))
    build([SEEDS], out, html=False, validate=False, progress=None)
    return out


@lru_cache(maxsize=1)
def seed_resolution():
    """Extractions and resolution of the seeds (cached)."""
    from kg.ingest import ingest
    from kg.pipeline import extract_articles
    from kg.resolve import resolve

    report = ingest([SEEDS])
    return resolve(extract_articles(report.articles, progress=None))


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every file under ``folder`` (links as their target), for before/after comparisons."""
    out: dict[str, bytes | str] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = Path(root) / name
            rel = str(p.relative_to(folder))
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_file():
                out[rel] = p.read_bytes()
    return out
