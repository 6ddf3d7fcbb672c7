"""Stage 1 — ingest: read article files into :class:`Article` records.

An article file is UTF-8 text. Its first line may start with a header `` date YYYY[-MM[-DD]]``
giving the publication date; the article text may follow on the same line. The article id is
the file stem. Character offsets everywhere in kg refer to ``Article.text``: the file decoded
with universal newlines (``\\r\\n`` and ``\\r`` read as ``\\n``), i.e. exactly what
``open(path, encoding=...).read()`` returns.

>>> art = article_from_text("004_x", " date 2018-04 Les forces du régime ont progressé.")
>>> art.published.iso(), art.text[art.body_start:art.body_start + 10]
('2018-04', 'Les forces')
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import BuildError, InputError
from kg.timex import TimeValue, parse_header_date

__all__ = ["Article", "Rejected", "IngestReport", "article_from_text", "read_article", "discover", "ingest"]

DEFAULT_MAX_BYTES = 5_000_000
_HEADER = re.compile(r"\A\ufeff?[ \t]*date[ \t]+(\S*)[ \t]*(?:\n)?", re.IGNORECASE)
_HTML = re.compile(r"\A\s*(<!doctype html|<html[\s>])", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    """One input article, as read."""

    id: str
    text: str
    body_start: int = 0
    published: TimeValue | None = None
    path: str = ""
    sha256: str = ""
    warnings: tuple[str, ...] = ()
    also_as: tuple[str, ...] = ()  # other file names with the same content

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


@dataclass(frozen=True)
class Rejected:
    """An input that was not built, and why."""

    path: str
    problem: str


@dataclass
class IngestReport:
    articles: list[Article] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def article_from_text(article_id: str, text: str, *, path: str = "", published: TimeValue | None = None,
                      warnings: Iterable[str] = ()) -> Article:
    """Make an :class:`Article` from decoded text, parsing the optional date header."""
    text = _normalise_newlines(text)
    warns = list(warnings)
    body_start = 0
    m = _HEADER.match(text)
    if m:
        value = parse_header_date("date " + m.group(1))
        if value is None:
            warns.append(f"{path or article_id}: line 1: malformed date header {m.group(0).strip()!r}; "
                         "publication date treated as unknown")
        elif published is None:
            published = value
        body_start = m.end()
    elif text.startswith("\ufeff"):
        body_start = 1
    digest = hashlib.sha256(text[body_start:].strip().encode("utf-8")).hexdigest()
    return Article(id=article_id, text=text, body_start=body_start, published=published, path=path,
                   sha256=digest, warnings=tuple(warns))


def _decode(path: str, raw: bytes) -> tuple[str, list[str]]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), [f"{path}: decoded as UTF-16 (BOM found); offsets refer to the decoded text"]
    if b"\x00" in raw[:4096]:
        raise InputError(path, "binary file (NUL bytes), not text; skipped")
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        text = raw.decode("cp1252", errors="replace")
        return text, [f"{path}: not valid UTF-8 (byte {exc.start}); decoded as Windows-1252/Latin-1; "
                      "offsets refer to the decoded text"]


def read_article(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one article file; raise :class:`InputError` naming the file and the problem."""
    p = Path(path)
    name = str(p)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from None
    if size > max_bytes:
        raise InputError(name, f"too large ({size:,} bytes > limit {max_bytes:,}); raise --max-bytes to accept it")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from None
    text, warns = _decode(name, raw)
    if not text.strip("\ufeff \t\r\n"):
        raise InputError(name, "empty file (no text)")
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n\f")
    if control > 8:
        raise InputError(name, "looks binary (control characters), not text; skipped")
    if _HTML.match(text):
        raise InputError(name, "an HTML page, not article text; extract its text first")
    art = article_from_text(p.stem, text, path=name, warnings=warns)
    if not art.body.strip():
        raise InputError(name, "no article text after the date header")
    return art


def discover(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Rejected]]:
    """Expand files and folders into a sorted list of ``.txt`` files."""
    files: list[Path] = []
    rejected: list[Rejected] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.iterdir()):
                if child.suffix.lower() == ".txt":
                    if child.is_file():
                        files.append(child)
                    else:
                        rejected.append(Rejected(str(child), "not a readable file (broken link or folder)"))
        elif p.is_file():
            files.append(p)
        elif p.is_symlink():
            rejected.append(Rejected(str(p), "broken symbolic link"))
        else:
            raise BuildError(f"{p}: no such file or folder")
    # same stem twice would mint the same article IRI: keep the first, reject the others
    seen: dict[str, Path] = {}
    unique: list[Path] = []
    for f in sorted(set(files), key=lambda x: (x.stem, str(x))):
        if f.stem in seen:
            rejected.append(Rejected(str(f), f"same article id {f.stem!r} as {seen[f.stem]}; rename one of them"))
            continue
        seen[f.stem] = f
        unique.append(f)
    return unique, rejected


def ingest(paths: Iterable[str | os.PathLike], *, max_bytes: int = DEFAULT_MAX_BYTES) -> IngestReport:
    """Read every article under ``paths``; bad inputs are reported, not raised."""
    report = IngestReport()
    files, report.rejected = discover(paths)
    by_hash: dict[str, int] = {}
    for f in files:
        try:
            art = read_article(f, max_bytes=max_bytes)
        except InputError as exc:
            report.rejected.append(Rejected(exc.path, exc.problem))
            continue
        report.warnings.extend(art.warnings)
        if art.sha256 in by_hash:
            i = by_hash[art.sha256]
            first = report.articles[i]
            report.articles[i] = Article(**{**first.__dict__, "also_as": first.also_as + (art.id,)})
            report.warnings.append(f"{f}: same text as {first.path}; built once as {first.id!r}")
            continue
        by_hash[art.sha256] = len(report.articles)
        report.articles.append(art)
    return report


def iter_texts(articles: Iterable[Article]) -> Iterator[str]:
    for a in articles:
        yield a.text
