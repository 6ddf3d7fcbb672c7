"""Extraction records as a frozen table, in memory or spilled to disk (large builds).

Resolution reads the extractions of every article several times, in article-id order
(:class:`ExtractionTable`). A small build keeps them in memory (:meth:`ExtractionTable.of`); a
large one writes each record as it arrives to a *spool* file (:class:`SpoolWriter`) and reads
them back one at a time, so the parent process holds only what resolution keeps — not ~20 kB
of records per article.

The spool is a line format with a version: the first line is a JSON header
(``{"format": "kg-extractions", "version": 1}``); each further line is one article's
extraction as a JSON array (:func:`encode`), its mentions listed once and referred to by
index. The :class:`~kg.ingest.Article` itself is not written: the table joins each record
with the article it was read from, which the build holds anyway.

>>> from kg.extract import EventRecord, Extraction, Mention
>>> from kg.ingest import article_from_text
>>> art = article_from_text("a", "Obus sur Alep.")
>>> alep = Mention(9, 13, "Alep", "place", "City", "aleppo")
>>> ex = Extraction(art, (alep,), (EventRecord("Shelling", ((0, 4),), alep),))
>>> decode(encode(ex), art) == ex
True
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from kg.errors import BuildError
from kg.schema.records import Affiliation, Article, EventRecord, Extraction, Mention, Toll
from kg.schema.time import TimeValue

__all__ = ["ExtractionTable", "SpoolWriter", "encode", "decode", "FORMAT", "VERSION"]

FORMAT = "kg-extractions"
#: bump when the encoding of a record changes (a spool of another version is refused)
VERSION = 1


# ------------------------------------------------------------------------------ codec
def _time(t: TimeValue | None):
    return None if t is None else [t.year, t.month, t.day]


def _untime(v) -> TimeValue | None:
    return None if v is None else TimeValue(v[0], v[1], v[2])


def encode(ex: Extraction) -> str:
    """One extraction (without its article) as a line of JSON."""
    index: dict[Mention, int] = {}
    mentions: list[list] = []

    def ref(m: Mention | None) -> int:
        if m is None:
            return -1
        i = index.get(m)
        if i is None:
            i = index[m] = len(mentions)
            mentions.append([m.start, m.end, m.text, m.kind, m.cls, m.gaz_id, m.sentence])
        return i

    own = [ref(m) for m in ex.mentions]
    events = [[ev.type, [list(t) for t in ev.triggers], ref(ev.place), [ref(m) for m in ev.agents],
               [ref(m) for m in ev.targets], [ref(m) for m in ev.sources], [ref(m) for m in ev.disputed_by],
               _time(ev.date), _time(ev.start_date), _time(ev.end_date),
               [[t.count, t.qualifier, ref(t.group), t.civilians, t.start, t.end] for t in ev.tolls],
               ev.confidence, list(ev.evidence), ev.sentence] for ev in ex.events]
    affiliations = [[ref(a.person), ref(a.group)] for a in ex.affiliations]
    published_by = [ref(m) for m in ex.published_by]
    containment = [[ref(a), ref(b)] for a, b in ex.containment]
    return json.dumps([ex.article.id, mentions, own, events, affiliations, published_by, containment],
                      ensure_ascii=False, separators=(",", ":"))


def decode(line: str, article: Article) -> Extraction:
    """The extraction of ``article`` from its line (:func:`encode`)."""
    aid, mentions, own, events, affiliations, published_by, containment = json.loads(line)
    if aid != article.id:
        raise BuildError(f"extraction spool: record of {aid!r} read for article {article.id!r}")
    ms = [Mention(*m) for m in mentions]

    def get(i: int) -> Mention | None:
        return None if i < 0 else ms[i]

    def many(ids: list[int]) -> tuple[Mention, ...]:
        return tuple(ms[i] for i in ids)

    evs = tuple(EventRecord(
        type=e[0], triggers=tuple((a, b) for a, b in e[1]), place=get(e[2]), agents=many(e[3]), targets=many(e[4]),
        sources=many(e[5]), disputed_by=many(e[6]), date=_untime(e[7]), start_date=_untime(e[8]),
        end_date=_untime(e[9]), tolls=tuple(Toll(c, q, get(g), civ, s, end) for c, q, g, civ, s, end in e[10]),
        confidence=e[11], evidence=tuple(e[12]), sentence=e[13]) for e in events)
    return Extraction(article=article, mentions=many(own), events=evs,
                      affiliations=tuple(Affiliation(ms[p], ms[g]) for p, g in affiliations),
                      published_by=many(published_by), containment=tuple((ms[a], ms[b]) for a, b in containment))


# ------------------------------------------------------------------------------ tables
class ExtractionTable(Sequence[Extraction]):
    """The extractions of a build in article-id order: a frozen, re-iterable table.

    Made with :meth:`of` (records in memory) or by :meth:`SpoolWriter.table` (records on
    disk, decoded one at a time as they are read). ``ids`` lists the article ids in order.
    """

    def __init__(self, ids: tuple[str, ...]):
        self.ids = ids

    @staticmethod
    def of(extractions: Iterable[Extraction]) -> ExtractionTable:
        """A table of records held in memory (sorted by article id)."""
        return _MemoryTable(sorted(extractions, key=lambda x: x.article.id))

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i):  # pragma: no cover - overridden
        raise NotImplementedError

    def __iter__(self) -> Iterator[Extraction]:
        for i in range(len(self)):
            yield self[i]

    @property
    def spilled(self) -> bool:
        """Whether the records live on disk."""
        return False

    def close(self) -> None:
        """Release what the table holds (its spool file, if it has one)."""


class _MemoryTable(ExtractionTable):
    def __init__(self, records: list[Extraction]):
        super().__init__(tuple(x.article.id for x in records))
        self._records = tuple(records)

    def __getitem__(self, i):
        return self._records[i]

    def __iter__(self) -> Iterator[Extraction]:
        return iter(self._records)


class _SpoolTable(ExtractionTable):
    def __init__(self, path: Path, entries: list[tuple[str, int, int, Article]], owned: bool):
        entries.sort(key=lambda e: e[0])
        super().__init__(tuple(e[0] for e in entries))
        self.path, self._entries, self._owned = path, entries, owned
        self._fh = None

    @property
    def spilled(self) -> bool:
        return True

    def _file(self):
        if self._fh is None:
            self._fh = open(self.path, "rb")  # noqa: SIM115 - closed by close()
        return self._fh

    def __getitem__(self, i):
        _aid, offset, length, article = self._entries[i]
        fh = self._file()
        fh.seek(offset)
        return decode(fh.read(length).decode("utf-8"), article)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._owned:
            self.path.unlink(missing_ok=True)

    def __del__(self):  # pragma: no cover - a safety net; builds call close()
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass


class SpoolWriter:
    """Append extractions to a spool file as they come; :meth:`table` reads them back.

    >>> import tempfile
    >>> from kg.ingest import article_from_text
    >>> w = SpoolWriter(Path(tempfile.mkdtemp()) / "x.jsonl")
    >>> for aid in ("b", "a"):
    ...     w.add(Extraction(article_from_text(aid, "Alep."), (), ()))
    >>> t = w.table()
    >>> t.ids, [x.article.id for x in t], t.spilled
    (('a', 'b'), ['a', 'b'], True)
    >>> t.close()
    """

    def __init__(self, path: str | os.PathLike, *, owned: bool = True):
        self.path = Path(path)
        self._fh = open(self.path, "xb")  # noqa: SIM115 - closed by table()
        self._fh.write((json.dumps({"format": FORMAT, "version": VERSION}) + "\n").encode("utf-8"))
        self._entries: list[tuple[str, int, int, Article]] = []
        self._owned = owned

    def add(self, ex: Extraction) -> None:
        data = encode(ex).encode("utf-8")
        self._entries.append((ex.article.id, self._fh.tell(), len(data), ex.article))
        self._fh.write(data + b"\n")

    def table(self) -> ExtractionTable:
        """The records written so far, as a table in article-id order (closes the writer)."""
        self._fh.close()
        check_header(self.path)
        return _SpoolTable(self.path, self._entries, self._owned)


def check_header(path: str | os.PathLike) -> None:
    """Refuse a spool of another format or version (a clear :class:`BuildError`)."""
    with open(path, "rb") as fh:
        first = fh.readline()
    try:
        head = json.loads(first)
    except ValueError:
        head = None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise BuildError(f"{path}: not a kg extraction spool")
    if head.get("version") != VERSION:
        raise BuildError(f"{path}: extraction spool version {head.get('version')!r}, this kg reads {VERSION}")
