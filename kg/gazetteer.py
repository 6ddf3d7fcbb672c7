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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import KgError
from kg.lang.fr import lexicon
from kg.schema.taxonomy import ACTOR_CLASSES, PLACE_CLASSES
from kg.schema.text import norm

__all__ = ["Entry", "Gazetteer", "norm", "hyphen_variants", "load_gazetteer", "ACTOR_CLASSES", "PLACE_CLASSES", "DATA_DIR",
           "FILES"]

DATA_DIR = Path(__file__).resolve().parent / "data"
# norm (kg.schema.text) and the class lists (kg.schema.taxonomy) are re-exported for the gazetteer's callers.




def hyphen_variants(form: str) -> list[str]:
    """The same name with its hyphens written as spaces, or with hyphens after an Arabic article and
    before a compass word: the entity ruler compares tokens, and "-" is a token of its own.

    Each variant normalises (:func:`norm`) like the form itself, so it cannot make a name ambiguous.

    >>> hyphen_variants("Deir ez-Zor"), hyphen_variants("Ghouta est")
    (['Deir ez Zor'], ['Ghouta-est'])
    >>> hyphen_variants("Jisr al Choughour Est")
    ['Jisr al-Choughour-Est']
    """
    out = []
    if "-" in form:
        out.append(re.sub(r"\s*-\s*", " ", form))
    words = form.split(" ")
    joined = words[0]
    for prev, word in zip(words, words[1:], strict=False):
        lex = lexicon()
        glue = "-" if prev.lower() in lex.set("arabic_articles") or word.lower() in lex.set("compass_words") else " "
        joined += glue + word
    if joined != form:
        out.append(joined)
    return [v for v in dict.fromkeys(out) if v != form]


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
    label_en: str | None = None  # the English name (ACLED exports), where one is standard


class Gazetteer:
    """Entries by id, and an index from normalised surface form to entry ids."""

    def __init__(self, entries: list[Entry]):
        self.entries: dict[str, Entry] = {}
        self.index: dict[str, list[str]] = {}
        self._parts: dict[str, list[str]] | None = None  # place → the places inside it (named_part)
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

    def named_part(self, place_id: str, noun: str) -> Entry | None:
        """The one gazetteer place inside ``place_id`` (at any depth) whose label starts with ``noun``,
        or ``None`` when there is none or several: what "sa citadelle", "son poste-frontière", "la
        prison" refer to once the text's place is known (anaphora resolution asks, it does not guess).

        >>> load_gazetteer().named_part("aleppo", "citadelle").id
        'aleppo-citadel'
        """
        key = norm(noun)
        if not key:
            return None
        if self._parts is None:
            parts: dict[str, list[str]] = {}
            for e in self.entries.values():
                if e.kind == "place":
                    for anc in self.ancestors(e.id):
                        parts.setdefault(anc, []).append(e.id)
            self._parts = parts
        hits = [self.entries[i] for i in self._parts.get(place_id, [])
                if (norm(self.entries[i].label) + " ").startswith(key + " ")]
        return hits[0] if len(hits) == 1 else None


def _read_jsonl(path: Path, kind: str) -> list[Entry]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            rec = json.loads(line)
            if "_about" in rec and "id" not in rec:
                continue  # a header line saying where a generated file comes from
            aliases = list(rec.get("aliases", []))
            aliases += [v for a in [rec["label"], *aliases] for v in hyphen_variants(a) if v not in aliases]
            out.append(Entry(
                id=rec["id"], kind=kind, cls=rec["class"], label=rec["label"],
                aliases=tuple(dict.fromkeys(aliases)), located_in=rec.get("in"),
                affiliated_with=rec.get("affiliatedWith"), geonames=rec.get("geonames"),
                lat=rec.get("lat"), long=rec.get("long"), wikidata=rec.get("wikidata"),
                source=rec.get("source", ""), label_en=rec.get("label_en")))
        except (ValueError, KeyError) as exc:
            raise KgError(f"{path}: line {n}: bad gazetteer record ({exc}); fix the JSON line") from None
    return out


#: the gazetteer files, in load order: curated actors and places, then the places generated from GeoNames
#: (``tools/make_places_index.py``; it leaves out every place and name the curated files hold)
FILES = (("actors.jsonl", "actor"), ("places.jsonl", "place"), ("places_geonames.jsonl", "place"))


@lru_cache(maxsize=4)
def load_gazetteer(data_dir: str | None = None, generated: bool = True) -> Gazetteer:
    """Load ``actors.jsonl``, ``places.jsonl`` and (unless ``generated`` is false) ``places_geonames.jsonl``
    (cached)."""
    d = Path(data_dir) if data_dir else DATA_DIR
    entries = []
    for name, kind in FILES if generated else FILES[:2]:
        p = d / name
        if p.exists():
            entries.extend(_read_jsonl(p, kind))
    return Gazetteer(entries)
