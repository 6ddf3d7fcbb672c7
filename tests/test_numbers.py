"""Tests for kg.lang.fr.numbers: French numerals, vague amounts and qualified quantities."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.lang.fr.numbers import Quantity, find_quantities, parse_number
from kg.schema.text import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13", 13),
        ("0", 0),
        ("20.000", 20_000),
        ("20 000", 20_000),
        ("20\u202f000", 20_000),
        ("20\u00a0000", 20_000),
        ("350.000", 350_000),
        ("1.000.000", 1_000_000),
        ("3500", 3500),
        ("1,5 million", 1_500_000),
        ("2,3 millions", 2_300_000),
        ("20 millions", 20_000_000),
        ("3 milliards", 3_000_000_000),
        ("un", 1),
        ("treize", 13),
        ("dix-sept", 17),
        ("vingt et un", 21),
        ("vingt-deux", 22),
        ("soixante-dix", 70),
        ("soixante et onze", 71),
        ("quatre-vingts", 80),
        ("quatre-vingt-un", 81),
        ("quatre-vingt-quinze", 95),
        ("quatre-vingt-dix-neuf", 99),
        ("cent", 100),
        ("cent un", 101),
        ("deux cents", 200),
        ("trois cent cinquante", 350),
        ("mille", 1000),
        ("trois mille", 3000),
        ("deux mille cinq cents", 2500),
        ("cent mille", 100_000),
        ("un million", 1_000_000),
        ("deux millions cinq cent mille", 2_500_000),
        ("zéro", 0),
        ("Treize", 13),
        ("une trentaine", 30),
        ("une dizaine", 10),
        ("une centaine", 100),
        ("un millier", 1000),
        ("des dizaines", 20),
        ("des centaines", 200),
        ("des milliers", 2000),
        ("plusieurs centaines", 200),
        ("des dizaines de milliers", 20_000),
        ("une dizaine de milliers", 10_000),
    ],
)
def test_numbers_parse_number(text: str, expected: int) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "hier", "3,5", "1.5", "vingt trente", "deux-roues", "13 morts", "A320", "sept ans", "1.00", "-5"],
)
def test_numbers_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


# (sentence, [(text, value, qualifier, approximate_word), ...])
# fmt: off
QUANTITY_CASES: list[tuple[str, list[tuple[str, int, str, bool]]]] = [
    ("L'OSDH avait fait état d'au moins 13 morts à Alep.", [("au moins 13", 13, "AtLeast", False)]),
    ("Au moins 74 prorégime ont été tués.", [("Au moins 74", 74, "AtLeast", False)]),
    ("Au minimum 40 soldats ont péri.", [("Au minimum 40", 40, "AtLeast", False)]),
    ("Pas moins de 300 obus sont tombés.", [("Pas moins de 300", 300, "AtLeast", False)]),
    ("Le conflit a fait plus de 350.000 morts.", [("plus de 350.000", 350_000, "MoreThan", False)]),
    ("Plus d'un million de réfugiés.", [("Plus d'un million", 1_000_000, "MoreThan", False)]),
    ("plus d\u2019une centaine de blessés", [("plus d\u2019une centaine", 100, "MoreThan", True)]),
    ("au-delà de 5000 combattants", [("au-delà de 5000", 5000, "MoreThan", False)]),
    ("Environ 150 rebelles ont été tués.", [("Environ 150", 150, "Approximately", False)]),
    ("près de 20 000 déplacés", [("près de 20 000", 20_000, "Approximately", False)]),
    ("près d'une trentaine de chars", [("près d'une trentaine", 30, "Approximately", True)]),
    ("quelque 300 familles ont fui", [("quelque 300", 300, "Approximately", False)]),
    ("quasiment 90 civils", [("quasiment 90", 90, "Approximately", False)]),
    ("approximativement 1200 hommes", [("approximativement 1200", 1200, "Approximately", False)]),
    ("autour de 60 jihadistes", [("autour de 60", 60, "Approximately", False)]),
    ("Une trentaine de kilomètres séparent les deux villes.",
     [("Une trentaine", 30, "Approximately", True), ("deux", 2, "Exactly", False)]),
    ("une dizaine de civils ont été tués", [("une dizaine", 10, "Approximately", True)]),
    ("une centaine de soldats", [("une centaine", 100, "Approximately", True)]),
    ("un millier de prisonniers", [("un millier", 1000, "Approximately", True)]),
    ("des centaines de civils ont fui", [("des centaines", 200, "AtLeast", True)]),
    ("des milliers de manifestants", [("des milliers", 2000, "AtLeast", True)]),
    ("des dizaines de blessés", [("des dizaines", 20, "AtLeast", True)]),
    ("plusieurs centaines de combattants", [("plusieurs centaines", 200, "AtLeast", True)]),
    ("des dizaines de milliers de personnes", [("des dizaines de milliers", 20_000, "AtLeast", True)]),
    ("quelques centaines d'habitants", [("quelques centaines", 200, "Approximately", True)]),
    ("au moins une centaine de morts", [("au moins une centaine", 100, "AtLeast", True)]),
    ("Mardi, au moins 122 personnes ont été tuées dont 59 civils, 32 soldats et 31 rebelles.",
     [("au moins 122", 122, "AtLeast", False), ("59", 59, "Exactly", False),
      ("32", 32, "Exactly", False), ("31", 31, "Exactly", False)]),
    ("de 6.000 ou 8.000 soldats", [("6.000", 6000, "Exactly", False), ("8.000", 8000, "Exactly", False)]),
    ("1,5 million de Syriens ont fui", [("1,5 million", 1_500_000, "Exactly", False)]),
    ("vingt-deux soldats tués", [("vingt-deux", 22, "Exactly", False)]),
    ("quatre-vingt-quinze détenus", [("quatre-vingt-quinze", 95, "Exactly", False)]),
    ("Treize civils, dont trois enfants", [("Treize", 13, "Exactly", False), ("trois", 3, "Exactly", False)]),
    ("un garçon de 13 ans", [("13", 13, "Exactly", False)]),
    ("plus de 3500 victimes", [("plus de 3500", 3500, "MoreThan", False)]),
    ("20\u202f000 déplacés", [("20\u202f000", 20_000, "Exactly", False)]),
    ("au moins un enfant", [("au moins un", 1, "AtLeast", False)]),
    ("La guerre a fait 2000 morts.", [("2000", 2000, "Exactly", False)]),
    ("quelque 2000 personnes", [("quelque 2000", 2000, "Approximately", False)]),
    ("un bilan de 1950 morts", [("1950", 1950, "Exactly", False)]),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), QUANTITY_CASES)
def test_numbers_find_quantities(text: str, expected: list[tuple[str, int, str, bool]]) -> None:
    got = [(q.text, q.value, q.qualifier, q.approximate_word) for q in find_quantities(text)]
    assert got == expected


@pytest.mark.parametrize(
    "text",
    [
        "Le conflit a éclaté en 2011.",
        "depuis 2012, l'armée recule",
        "le 14 avril 2018, des frappes",
        "Le 1er mars, les rebelles",
        "le 14/04/2018 au soir",
        "fin 2011 et début 2012",
        "mi-2013 les combats",
        "en mars 2012",
        "de 2011 à 2013",
        "Ils ont attaqué à 6 heures",
        "à 13h30 GMT",
        "un char T-72 et un avion A320",
        "la 4e division blindée",
        "la résolution 2254/2015",
        "une offensive contre une ville",
        "3,5 km au nord",
        "moins de 10 enfants",
        "jusqu'à 300 personnes",
        "pas plus de 20 soldats",
        "du 3 au 5 mars",
        "entre le 3 et le 5 mars",
        "samedi 7 décembre",
    ],
)
def test_numbers_skips_dates_times_ids_and_bounds(text: str) -> None:
    assert find_quantities(text) == []


def test_numbers_pour_cent_is_not_a_hundred() -> None:
    assert [q.value for q in find_quantities("40 pour cent des habitants")] == [40]


def test_numbers_quantity_offsets_point_into_original_text() -> None:
    text = "Selon l’OSDH, près d’une trentaine de chars et au moins 13 morts."
    for q in find_quantities(text):
        assert isinstance(q, Quantity)
        assert text[q.start : q.end] == q.text


@pytest.mark.parametrize(
    ("raw", "folded"), [("Début Août", "debut aout"), ("l’armée", "l'armee"), ("20\u202f000", "20 000")]
)
def test_numbers_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


# ------------------------------------------------------------------------ properties


@given(st.integers(min_value=0, max_value=10**7))
def test_numbers_parse_number_roundtrips_digits(n: int) -> None:
    assert parse_number(str(n)) == n


@given(st.integers(min_value=0, max_value=10**7), st.sampled_from([".", " ", "\u00a0", "\u202f"]))
def test_numbers_parse_number_roundtrips_grouped(n: int, sep: str) -> None:
    assert parse_number(f"{n:,}".replace(",", sep)) == n


@given(st.text())
def test_numbers_find_quantities_never_raises_and_spans_are_sound(text: str) -> None:
    found = find_quantities(text)
    previous_end = 0
    for q in found:
        assert previous_end <= q.start < q.end <= len(text)
        assert q.text == text[q.start : q.end]
        assert q.qualifier in ("Exactly", "AtLeast", "MoreThan", "Approximately")
        previous_end = q.end


@given(
    st.lists(
        st.sampled_from(
            [
                "au moins ",
                "plus de ",
                "des centaines ",
                "13",
                " ",
                "2012",
                ".",
                "000",
                "vingt",
                "-",
                "deux",
                "en ",
                "mars",
            ]
        )
    ).map("".join)
)
def test_numbers_find_quantities_sound_on_number_like_text(text: str) -> None:
    found = find_quantities(text)
    assert all(q.text == text[q.start : q.end] for q in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


@given(st.text())
def test_numbers_parse_number_never_raises(text: str) -> None:
    result = parse_number(text)
    assert result is None or result >= 0


@given(st.text())
def test_numbers_fold_preserves_length(text: str) -> None:
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize("text", ["1" * 5000, "1." * 3000, "9" * 16])
def test_numbers_huge_digit_strings_are_not_counts(text: str) -> None:
    assert parse_number(text) is None
    assert find_quantities(text) == []
