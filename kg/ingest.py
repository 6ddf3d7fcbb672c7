"""Stage 1 — ingest: read article files into :class:`Article` records.

An article file is UTF-8 text. Its first line may start with a header `` date YYYY[-MM[-DD]]``
giving the publication date; the article text may follow on the same line. The article id is
the file stem. Character offsets everywhere in kg refer to ``Article.text``: the file decoded
with universal newlines (``\\r\\n`` and ``\\r`` read as ``\\n``), i.e. exactly what
``open(path, encoding=...).read()`` returns.

Bad inputs never stop a batch: :func:`ingest` returns them as :class:`Rejected` records
(path, reason code, message) and the problems it worked around as :class:`Notice` warnings
(a ``str`` that also carries ``path`` and ``code``). See ``docs/robustness.md`` for the list.

>>> art = article_from_text("004_x", " date 2018-04 Les forces du régime ont progressé.")
>>> art.published.iso(), art.text[art.body_start:art.body_start + 10]
('2018-04', 'Les forces')
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import BuildError, InputError
from kg.lang.fr import dateline_pattern, lexicon
from kg.lang.fr.timex import find_times, parse_header_date
from kg.schema.ids import id_problem
from kg.schema.records import Article
from kg.schema.text import key
from kg.schema.time import TimeValue

__all__ = [
    "Article",
    "Rejected",
    "Notice",
    "make_notice",
    "IngestReport",
    "InputRejected",
    "NoInputError",
    "article_from_text",
    "read_article",
    "discover",
    "ingest",
    "DEFAULT_MAX_BYTES",
]

DEFAULT_MAX_BYTES = 5_000_000
# ` date TOKEN` at the very start (after an optional BOM), spaces of any kind (a no-break space pasted
# from a word processor) around "date"; TOKEN is judged by parse_header_date
_HEADER = re.compile(r"\A\ufeff?[^\S\n]*(date)[^\S\n]+(\S*)[^\S\n]*(?:\n)?", re.IGNORECASE)
_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(r"</(?:p|div|span|a|li|td|tr|table|script|style|h[1-6]|body|html|head)>", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_DATELINE_WITHIN = 1000  # characters from the start of the body where a dateline may stand
_MIN_WORDS_FOR_LANGUAGE = 25
_MIN_FRENCH_RATIO = 0.12


class InputRejected(InputError):
    """An input that cannot be built, with a machine-readable reason ``code``."""

    def __init__(self, path: str, code: str, problem: str):
        super().__init__(path, problem)
        self.code = code


class NoInputError(BuildError):
    """No input file was found at all (a usage error: wrong folder, or no ``.txt`` in it)."""


class Notice(str):
    """A warning: a one-line message (this string) that also carries ``path`` and reason ``code``.

    >>> n = Notice("a.txt", "bad_date", "line 1: malformed date header")
    >>> str(n), n.code
    ('a.txt: line 1: malformed date header', 'bad_date')
    """

    path: str
    code: str

    def __new__(cls, path: str, code: str, message: str) -> Notice:
        obj = super().__new__(cls, f"{path}: {message}" if path else message)
        obj.path, obj.code = path, code
        return obj

    def __reduce__(self):
        return (make_notice, (self.path, self.code, str(self)))

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": str(self)}


def make_notice(path: str, code: str, text: str) -> Notice:
    """A :class:`Notice` (a warning about one input file) with its ``path`` and reason ``code``."""
    obj = str.__new__(Notice, text)
    obj.path, obj.code = path, code
    return obj


@dataclass(frozen=True)
class Rejected:
    """An input that was not built, and why (``code`` is a stable reason code)."""

    path: str
    problem: str
    code: str = "unreadable"

    @property
    def message(self) -> str:
        return f"{self.path}: {self.problem}"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


@dataclass
class IngestReport:
    articles: list[Article] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # Notice objects
    ignored: list[str] = field(default_factory=list)  # files in input folders that are not .txt


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _language_notice(name: str, body: str) -> Notice | None:
    """A warning when ``body`` does not look like French (ratio of French function words)."""
    words = _WORD.findall(body[:20_000].lower())
    if len(words) < _MIN_WORDS_FOR_LANGUAGE:
        return None
    fr = sum(key(w) in lexicon().set("function_words") for w in words) / len(words)
    if fr >= _MIN_FRENCH_RATIO:
        return None
    en = sum(key(w) in lexicon().set("english_function_words") for w in words) / len(words)
    guess = "; looks English" if en > fr else ""
    return Notice(name, "not_french", f"does not look like French ({fr:.0%} French function words in "
                                      f"{len(words)} words{guess}); built anyway, expect few results")


# the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _future_notice(name: str, published: TimeValue | None, today: datetime.date | None = None) -> Notice | None:
    """A warning when the publication date begins after tomorrow (UTC): a typo, usually, and every
    relative date of the text ("samedi", "la semaine dernière") is resolved against it.

    >>> _future_notice("a.txt", TimeValue(2031, 5), datetime.date(2026, 12, 1)).code
    'future_date'
    >>> _future_notice("a.txt", TimeValue(2026, 12), datetime.date(2026, 12, 1)) is None
    True
    """
    if published is None:
        return None
    today = today or datetime.datetime.now(datetime.UTC).date()
    first = datetime.date(published.year, published.month or 1, published.day or 1)
    if first <= today + datetime.timedelta(days=1):
        return None
    return Notice(name, "future_date", f"publication date {published.iso()} is in the future (today is "
                                       f"{today.isoformat()}); relative dates in the text are resolved against it")


def article_from_text(article_id: str, text: str, *, path: str = "", published: TimeValue | None = None,
                      warnings: Iterable[str] = ()) -> Article:
    """Make an :class:`Article` from decoded text, parsing the optional date header.

    A first line `` date TOKEN`` is a header: when TOKEN is not a date (`` date 2024-13``,
    `` date hier``) the date is unknown and a warning is added. A capitalised ``Date …`` whose
    next word has no digit is ordinary text, not a header.

    >>> art = article_from_text("x", " date hier\\nLes rebelles.")
    >>> art.published is None, art.body, art.warnings[0].code
    (True, 'Les rebelles.', 'bad_date')
    """
    text = _normalise_newlines(text)
    name = path or article_id
    warns = list(warnings)
    body_start = 1 if text.startswith("\ufeff") else 0
    m = _HEADER.match(text)
    if m:
        value = parse_header_date("date " + m.group(2))
        if value is not None:
            if published is None:
                published = value
            body_start = m.end()
        elif m.group(1) == "date" or any(c.isdigit() for c in m.group(2)):
            header = m.group(0).strip("\ufeff \t\n")
            header = header if len(header) <= 60 else header[:59] + "…"  # one line of a terminal, not 10 kB
            warns.append(Notice(name, "bad_date", f"line 1: malformed date header {header!r}; "
                                                  "publication date treated as unknown"))
            body_start = m.end()
    dateline = None
    # the dateline opens the dispatch, possibly after a title and photo captions
    d = dateline_pattern().search(text, body_start, body_start + _DATELINE_WITHIN)
    if d:
        dateline = (d.start(), d.end())
        if published is None and d.group("date"):
            times = [t for t in find_times(d.group("date"), None) if t.value is not None and t.kind == "point"]
            published = times[0].value if times else None
    future = _future_notice(name, published)
    if future is not None:
        warns.append(future)
    bidi = _BIDI.search(text)
    if bidi is not None:
        warns.append(Notice(name, "bidi", f"bidirectional control character U+{ord(bidi.group(0)):04X} at offset "
                                          f"{bidi.start()} (it makes text display in another order); kept in the "
                                          "graph, escaped in the CSV files"))
    digest = hashlib.sha256(text[body_start:].strip().encode("utf-8")).hexdigest()
    lang = _language_notice(name, text[body_start:])
    if lang is not None:
        warns.append(lang)
    return Article(id=article_id, text=text, body_start=body_start, published=published, path=path,
                   sha256=digest, warnings=tuple(warns), dateline=dateline)


def _decode(path: str, raw: bytes) -> tuple[str, list[str]]:
    """Bytes to text: UTF-8 (BOM kept as U+FEFF), UTF-16/32 with a BOM, UTF-16 without one (a NUL
    byte every other byte), else Windows-1252."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputRejected(path, "encoding", f"{codec.upper()} byte-order mark but invalid "
                                                      f"{codec.upper()} at byte {exc.start}; re-save as UTF-8") from None
            return text, [Notice(path, "encoding", f"decoded as {codec.upper()} (byte-order mark found); "
                                                   "offsets refer to the decoded text")]
    codec = _utf16_without_bom(raw)
    if codec is not None:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: binary, below
        else:
            return text, [Notice(path, "encoding", f"decoded as {codec.upper()} (no byte-order mark, a NUL byte "
                                                   "every other byte); offsets refer to the decoded text")]
    if b"\x00" in raw[:4096]:
        raise InputRejected(path, "binary", "binary file (NUL bytes), not text; skipped")
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    as_utf8 = raw.decode("utf-8", errors="replace")
    bad = as_utf8.count("\ufffd")
    good = sum(1 for ch in as_utf8 if ord(ch) > 0x7F and ch != "\ufffd")
    if good >= max(1, bad):  # mostly UTF-8 with a few stray bytes: keep UTF-8, mark the bad bytes
        return as_utf8, [Notice(path, "encoding", f"{bad} invalid UTF-8 byte(s) (first at byte {first_bad}) "
                                                  "replaced by U+FFFD; offsets refer to the decoded text")]
    text = raw.decode("cp1252", errors="replace")
    return text, [Notice(path, "encoding", f"not valid UTF-8 (byte {first_bad}); decoded as Windows-1252/"
                                           "Latin-1; offsets refer to the decoded text")]


def _utf16_without_bom(raw: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``raw`` looks like UTF-16 saved without a byte-order
    mark (``iconv -t UTF-16LE``): an even length, and in its first 4 KB a NUL byte at every other
    position (the high byte of Latin letters) and almost none at the others; else None.

    >>> _utf16_without_bom("Les rebelles ont pris Alep.".encode("utf-16-le"))
    'utf-16-le'
    >>> _utf16_without_bom(bytes(range(256)) * 4) is None  # binary: NUL bytes here and there
    True
    """
    sample = raw[:4096]
    if len(raw) % 2 or len(sample) < 8:
        return None
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= half // 2 and even <= half // 100:
        return "utf-16-le"
    if even >= half // 2 and odd <= half // 100:
        return "utf-16-be"
    return None


def _read_bytes(p: Path, name: str, max_bytes: int) -> bytes:
    try:
        with open(p, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except IsADirectoryError:
        raise InputRejected(name, "not_a_file", "a folder, not an article file") from None
    except OSError as exc:
        raise InputRejected(name, "unreadable", f"cannot be read ({exc.strerror or exc}); "
                                                "check its permissions") from None
    if len(raw) > max_bytes:
        try:
            size = f"{p.stat().st_size:,} bytes"
        except OSError:
            size = "size unknown"
        raise InputRejected(name, "too_large", f"too large ({size} > limit {max_bytes:,}); "
                                               "raise --max-bytes to accept it")
    return raw


#: formats a file may be in that are not text, told by their first bytes (the signatures of file(1)'s
#: magic database, https://github.com/file/file/tree/master/magic/Magdir: archive, compress, pdf,
#: rtf, msooxml, ole2compounddocs, images, sql): (signature, rejection code, what it is, what to do).
#: Checked before decoding: a ZIP header's bytes also read as UTF-16 without a byte-order mark, and an
#: RTF or a PDF holds no NUL byte in its first 4 KB.
_SIGNATURES = tuple((re.compile(sig, re.DOTALL), code, what, todo) for sig, code, what, todo in (
    (rb"%PDF-", "document", "a PDF document", "save its text as .txt first"),
    (rb"\{\\rtf", "document", "an RTF document", "save its text as .txt first"),
    (rb"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "document", "a Word 97-2003 (OLE2) document", "save its text as .txt first"),
    (rb"PK(?:\x03\x04|\x05\x06|\x07\x08)", "document",
     "a ZIP archive (as a .docx or .odt document is)", "save its text as .txt, or unzip it, first"),
    (rb"\x1f\x8b", "binary", "a gzip-compressed file", "decompress it first (gunzip)"),
    (rb"BZh[1-9]1AY&SY", "binary", "a bzip2-compressed file", "decompress it first (bunzip2)"),
    (rb"\xfd7zXZ\x00", "binary", "an xz-compressed file", "decompress it first (unxz)"),
    (rb"\x28\xb5\x2f\xfd", "binary", "a zstd-compressed file", "decompress it first (unzstd)"),
    (rb"7z\xbc\xaf\x27\x1c", "binary", "a 7-Zip archive", "extract it first"),
    (rb"\x89PNG\r\n\x1a\n", "binary", "a PNG image", "it is not text"),
    (rb"\xff\xd8\xff", "binary", "a JPEG image", "it is not text"),
    (rb"GIF8[79]a", "binary", "a GIF image", "it is not text"),
    (rb"SQLite format 3\x00", "binary", "an SQLite database", "it is not text"),
))


def _format_problem(raw: bytes) -> tuple[str, str] | None:
    """(rejection code, message) when ``raw`` begins as a known format that is not text.

    >>> _format_problem(b"%PDF-1.7 ...")
    ('document', 'a PDF document, not text; save its text as .txt first')
    >>> _format_problem("Damas, 3 mars 2024 (AFP) - PK".encode()) is None
    True
    """
    for sig, code, what, todo in _SIGNATURES:
        if sig.match(raw):
            return code, f"{what}, not text; {todo}"
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # control characters but tab, line breaks, form feed
# a character that shows: not a space of any script (U+3000, U+2003…), a byte-order mark or a zero-width one
_VISIBLE = re.compile(r"[^\s\ufeff\u200b-\u200d\u2060]")


def read_article(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one article file; raise :class:`InputRejected` naming the file and the problem."""
    p = Path(path)
    name = str(p)
    bad = id_problem(p.stem)
    if bad is not None:
        raise InputRejected(name, "bad_name", f"file name cannot be an article id (contains {bad}); "
                                              "rename the file")
    if p.is_symlink() and not p.exists():
        raise InputRejected(name, "broken_link", "broken symbolic link (its target does not exist)")
    if p.exists() and not p.is_file():
        code, what = ("not_a_file", "a folder") if p.is_dir() else ("not_a_file", "not a regular file")
        raise InputRejected(name, code, f"{what}, not an article file")
    raw = _read_bytes(p, name, max_bytes)
    known = _format_problem(raw)
    if known is not None:
        raise InputRejected(name, *known)
    text, warns = _decode(name, raw)
    if not _VISIBLE.search(text):
        raise InputRejected(name, "empty", "empty file (no text)")
    control = len(_CONTROL.findall(text, 0, 4096))
    if control > 8:
        raise InputRejected(name, "binary", "looks binary (control characters), not text; skipped")
    art = article_from_text(p.stem, text, path=name, warnings=warns)
    if not _VISIBLE.search(art.body):
        raise InputRejected(name, "header_only", "no article text after the date header")
    if _HTML_START.match(art.body) or len(_HTML_TAG.findall(art.body[:20_000])) >= 5:
        raise InputRejected(name, "html", "an HTML page, not article text; save its text as .txt first")
    return art


def _identity(path: str | os.PathLike) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _same(a: Path, b: Path) -> bool:
    ident = _identity(a)
    return ident is not None and ident == _identity(b)


def _scan(paths: Iterable[str | os.PathLike], skip: Iterable[str | os.PathLike] = ()
          ) -> tuple[list[Path], list[Rejected], list[str]]:
    files: list[Path] = []
    rejected: list[Rejected] = []
    ignored: list[str] = []
    skipped = {ident for ident in map(_identity, skip) if ident is not None}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.iterdir()):
                if child.name.startswith("."):
                    continue  # hidden files (.DS_Store, ._x.txt resource forks, editors' backups)
                if skipped and (child.suffix.lower() != ".txt" or child.is_dir()) and _identity(child) in skipped:
                    continue  # the build's output folder or exports in an input folder: kg's, not inputs
                if child.suffix.lower() != ".txt":
                    ignored.append(str(child))
                elif child.is_file():
                    files.append(child)
                elif child.is_symlink() and not child.exists():
                    rejected.append(Rejected(str(child), "broken symbolic link (its target does not exist)",
                                             "broken_link"))
                elif child.is_dir():
                    rejected.append(Rejected(str(child), "a folder named .txt, not an article file",
                                             "not_a_file"))
                else:
                    rejected.append(Rejected(str(child), "not a regular file (pipe, socket or device)",
                                             "not_a_file"))
        elif p.is_file():
            files.append(p)
        elif p.is_symlink():
            rejected.append(Rejected(str(p), "broken symbolic link (its target does not exist)", "broken_link"))
        elif p.exists():
            rejected.append(Rejected(str(p), "not a regular file (pipe, socket or device)", "not_a_file"))
        else:
            raise NoInputError(f"{p}: no such file or folder")
    return files, rejected, ignored


def _unique_ids(files: list[Path], rejected: list[Rejected]) -> list[Path]:
    # same stem twice would mint the same article IRI: keep the first, reject the others. Stems that
    # differ only in Unicode normalisation ("é" as one code point or as "e" and a combining accent, as
    # macOS writes names) mint two IRIs that read the same everywhere: one article id too.
    seen: dict[str, Path] = {}
    unique: list[Path] = []
    for f in sorted(set(files), key=lambda x: (x.stem, str(x))):
        key = unicodedata.normalize("NFC", f.stem)
        if key in seen and _same(seen[key], f):
            continue  # one file named twice (as a file and in its folder, or by two spellings of its path)
        if key in seen:
            how = "" if seen[key].stem == f.stem else " once Unicode-normalised (NFC)"
            rejected.append(Rejected(str(f), f"same article id {f.stem!r} as {seen[key]}{how}; rename one of them",
                                     "duplicate_id"))
            continue
        seen[key] = f
        unique.append(f)
    return unique


def discover(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Rejected]]:
    """Expand files and folders into a sorted list of ``.txt`` files (folders are not recursed)."""
    files, rejected, _ignored = _scan(paths)
    return _unique_ids(files, rejected), rejected


def ingest(paths: Iterable[str | os.PathLike], *, max_bytes: int = DEFAULT_MAX_BYTES,
           skip: Iterable[str | os.PathLike] = ()) -> IngestReport:
    """Read every article under ``paths``; bad inputs are reported, not raised. A file or folder
    of ``skip`` (the build's output folder and its exports) found in an input folder is passed
    over, unlisted; a file named twice (``seeds`` and ``seeds/a.txt``) is read once.

    Raises :class:`NoInputError` when a path does not exist.
    """
    report = IngestReport()
    files, report.rejected, report.ignored = _scan(paths, skip)
    files = _unique_ids(files, report.rejected)
    by_hash: dict[str, int] = {}
    for f in files:
        try:
            art = read_article(f, max_bytes=max_bytes)
        except InputError as exc:
            report.rejected.append(Rejected(exc.path, exc.problem, getattr(exc, "code", "unreadable")))
            continue
        report.warnings.extend(art.warnings)
        if art.sha256 in by_hash:
            i = by_hash[art.sha256]
            first = report.articles[i]
            report.articles[i] = dataclasses.replace(first, also_as=first.also_as + (art.id,))
            report.warnings.append(Notice(str(f), "duplicate", f"same text as {first.path}; built once as "
                                                                f"{first.id!r} (this name kept as an alias)"))
            continue
        by_hash[art.sha256] = len(report.articles)
        report.articles.append(art)
    report.rejected.sort(key=lambda r: r.path)
    return report
