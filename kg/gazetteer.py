"""Curated domain knowledge: the actor and place gazetteers in ``kg/data/*.jsonl``.

Each entry names one real-world actor or place with its contract class, French label,
surface forms, containing place or affiliation, and where its facts come from
(``kg/data/README.md``). :func:`norm` is the one normalisation used to compare names.

>>> norm("L'Armée syrienne")
'armee syrienne'
>>> norm("Qousseir") == norm("qousseïr")
True
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import KgError

__all__ = ["Entry", "Gazetteer", "norm", "load_gazetteer", "ACTOR_CLASSES", "PLACE_CLASSES", "DATA_DIR"]

DATA_DIR = Path(__file__).resolve().parent / "data"
ACTOR_CLASSES = ("StateForce", "RebelGroup", "JihadistGroup", "Militia", "ForeignState", "Civilians",
                 "GovernmentBody", "Organization", "MediaOutlet", "Person")
PLACE_CLASSES = ("Country", "Region", "City", "Neighbourhood", "Site")

_ARTICLE = re.compile(r"^(?:l'|le |la |les |du |des |de la |de l'|d')")
_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u0153": "oe", "\u0152": "oe",
                       "\u00e6": "ae", "\u00c6": "ae"})


_SPACES = re.compile(r"[-_\s]+")


@lru_cache(maxsize=1 << 16)
def norm(s: str) -> str:
    """Lower-case, strip accents, unify apostrophes and hyphens, drop a leading French article
    (cached: resolution asks for the same names again and again)."""
    s = unicodedata.normalize("NFKD", s.translate(_APOS)).encode("ascii", "ignore").decode().lower()
    s = _SPACES.sub(" ", s).strip()
    return _ARTICLE.sub("", s).strip()


@dataclass(frozen=True)
class Entry:
    """One gazetteer record."""

    id: str
    kind: str  # "actor" | "place"
    cls: str
    label: str
    aliases: tuple[str, ...]
    located_in: str | None = None
    affiliated_with: str | None = None
    geonames: int | None = None
    lat: float | None = None
    long: float | None = None
    wikidata: str | None = None
    source: str = ""
    label_en: str | None = None


class Gazetteer:
    """Entries by id, and an index from normalised surface form to entry ids."""

    def __init__(self, entries: list[Entry]):
        self.entries: dict[str, Entry] = {}
        self.index: dict[str, list[str]] = {}
        for e in entries:
            if e.id in self.entries:
                raise KgError(f"gazetteer: duplicate id {e.id!r}")
            self.entries[e.id] = e
            for form in {e.label, *e.aliases}:
                key = norm(form)
                if key and e.id not in self.index.setdefault(key, []):
                    self.index[key].append(e.id)

    def __getitem__(self, key: str) -> Entry:
        return self.entries[key]

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def lookup(self, surface: str, kind: str | None = None) -> list[Entry]:
        """Entries whose label or an alias normalises like ``surface`` (optionally of one kind)."""
        return [self.entries[i] for i in self.index.get(norm(surface), [])
                if kind is None or self.entries[i].kind == kind]

    def ancestors(self, place_id: str) -> list[str]:
        """The ``located_in`` chain of a place, nearest first (cycle-safe)."""
        out: list[str] = []
        cur = self.entries.get(place_id)
        while cur is not None and cur.located_in and cur.located_in not in out and cur.located_in != place_id:
            out.append(cur.located_in)
            cur = self.entries.get(cur.located_in)
        return out


def _read_jsonl(path: Path, kind: str) -> list[Entry]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            rec = json.loads(line)
            out.append(Entry(
                id=rec["id"], kind=kind, cls=rec["class"], label=rec["label"],
                aliases=tuple(rec.get("aliases", [])), located_in=rec.get("in"),
                affiliated_with=rec.get("affiliatedWith"), geonames=rec.get("geonames"),
                lat=rec.get("lat"), long=rec.get("long"), wikidata=rec.get("wikidata"),
                source=rec.get("source", ""), label_en=rec.get("label_en")))
        except (ValueError, KeyError) as exc:
            raise KgError(f"{path}: line {n}: bad gazetteer record ({exc}); fix the JSON line") from None
    return out


@lru_cache(maxsize=4)
def load_gazetteer(data_dir: str | None = None) -> Gazetteer:
    """Load ``actors.jsonl`` and ``places.jsonl`` (cached)."""
    d = Path(data_dir) if data_dir else DATA_DIR
    entries = []
    for name, kind in (("actors.jsonl", "actor"), ("places.jsonl", "place")):
        p = d / name
        if p.exists():
            entries.extend(_read_jsonl(p, kind))
    return Gazetteer(entries)
