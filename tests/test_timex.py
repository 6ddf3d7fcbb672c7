"""Tests for kg.lang.fr.timex: French temporal expressions resolved against publication dates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.lang.fr.timex import TimeMention, find_times, parse_header_date, resolve_weekday
from kg.schema.time import TimeValue

SAT = TimeValue(2024, 12, 7)  # a Saturday
WED = TimeValue(2012, 8, 1)  # a Wednesday
DEC = TimeValue(2024, 12)
APR = TimeValue(2018, 4)
Y2024 = TimeValue(2024)


def _only(text: str, published: TimeValue | None) -> TimeMention:
    found = find_times(text, published)
    assert len(found) == 1, found
    return found[0]


def _iso(value: TimeValue | None) -> str | None:
    return None if value is None else value.iso()


# ------------------------------------------------------------------------- TimeValue


@pytest.mark.parametrize(
    ("value", "iso", "precision"),
    [
        (TimeValue(2024), "2024", "year"),
        (TimeValue(2024, 11), "2024-11", "month"),
        (TimeValue(2024, 11, 27), "2024-11-27", "day"),
        (TimeValue(987, 1, 2), "0987-01-02", "day"),
    ],
)
def test_timex_timevalue_iso_and_precision(value: TimeValue, iso: str, precision: str) -> None:
    assert value.iso() == iso
    assert value.precision == precision


@pytest.mark.parametrize(
    ("outer", "inner", "contains"),
    [
        (TimeValue(2024, 11), TimeValue(2024, 11, 27), True),
        (TimeValue(2024), TimeValue(2024, 11, 27), True),
        (TimeValue(2024, 11, 27), TimeValue(2024, 11, 27), True),
        (TimeValue(2024, 11, 27), TimeValue(2024, 11), False),
        (TimeValue(2024, 10), TimeValue(2024, 11, 27), False),
        (TimeValue(2023), TimeValue(2024, 1), False),
    ],
)
def test_timex_timevalue_contains(outer: TimeValue, inner: TimeValue, contains: bool) -> None:
    assert outer.contains(inner) is contains
    assert outer.overlaps(inner) is (contains or inner.contains(outer))
    assert inner.overlaps(outer) is outer.overlaps(inner)


def test_timex_timevalue_orders_chronologically() -> None:
    values = [TimeValue(2024, 11, 27), TimeValue(2024), TimeValue(2023, 12), TimeValue(2024, 11)]
    assert sorted(values) == [
        TimeValue(2023, 12),
        TimeValue(2024),
        TimeValue(2024, 11),
        TimeValue(2024, 11, 27),
    ]


@pytest.mark.parametrize(
    ("year", "month", "day"), [(2024, 13, None), (2023, 2, 29), (2024, None, 3), (0, None, None)]
)
def test_timex_timevalue_rejects_impossible_dates(year: int, month: int | None, day: int | None) -> None:
    with pytest.raises(ValueError):
        TimeValue(year, month, day)


# ---------------------------------------------------------------------- header dates


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (" date 2024-12", TimeValue(2024, 12)),
        ("date 2018-04-07", TimeValue(2018, 4, 7)),
        (" date 2011", TimeValue(2011)),
        (" date 2024-12 L'Observatoire syrien des droits de l'homme", TimeValue(2024, 12)),
        ("DATE 2012-02-29", TimeValue(2012, 2, 29)),
        ("date 2024-13", None),
        ("date 2023-02-29", None),
        ("date hier", None),
        ("date 24-12", None),
        ("date 2024-1", None),
        ("date 2024-12x", None),
        ("la date 2024-12", None),
        ("", None),
    ],
)
def test_timex_parse_header_date(line: str, expected: TimeValue | None) -> None:
    assert parse_header_date(line) == expected


# ---------------------------------------------------------------------- find_times

# (sentence, publication, mention text, kind, value ISO, part of day)
# fmt: off
POINT_CASES: list[tuple[str, TimeValue | None, str, str, str | None, str | None]] = [
    # weekdays
    ("L'OSDH a annoncé samedi soir que les rebelles étaient entrés à Homs.", SAT, "samedi soir", "point", "2024-12-07", "soir"),
    ("L'OSDH a annoncé samedi soir que les rebelles étaient entrés à Homs.", DEC, "samedi soir", "point", "2024-12", "soir"),
    ("L'OSDH a annoncé samedi soir que les rebelles étaient entrés à Homs.", Y2024, "samedi soir", "point", "2024", "soir"),
    ("L'OSDH a annoncé samedi soir que les rebelles étaient entrés à Homs.", None, "samedi soir", "point", None, "soir"),
    ("ont indiqué lundi à l'AFP les protagonistes du conflit", WED, "lundi", "point", "2012-07-30", None),
    ("L'armée a lancé mercredi une vaste offensive", WED, "mercredi", "point", "2012-08-01", None),
    ("avait fait état mercredi matin d'au moins 13 morts", WED, "mercredi matin", "point", "2012-08-01", "matin"),
    ("Mardi, au moins 122 personnes ont été tuées", WED, "Mardi", "point", "2012-07-31", None),
    ("Le régime a bombardé Alep jeudi dans la soirée.", WED, "jeudi dans la soirée", "point", "2012-07-26", "soir"),
    ("Les rebelles ont attaqué dimanche à l'aube.", WED, "dimanche à l'aube", "point", "2012-07-29", "aube"),
    ("mardi après-midi, des tirs", WED, "mardi après-midi", "point", "2012-07-31", "après-midi"),
    ("L'émissaire est arrivé samedi dernier à Damas.", SAT, "samedi dernier", "point", "2024-11-30", None),
    ("L'émissaire arrivera jeudi prochain à Damas.", SAT, "jeudi prochain", "point", "2024-12-12", None),
    ("Dimanche 28 juillet, l'armée a bombardé Salaheddine.", WED, "Dimanche 28 juillet", "point", "2012-07-28", None),
    ("L'armée a bombardé Alep dans la nuit de samedi à dimanche.", WED,
     "dans la nuit de samedi à dimanche", "point", "2012-07-28", "nuit"),
    ("Des explosions ont secoué Damas dans la nuit de vendredi.", WED, "dans la nuit de vendredi", "point", "2012-07-27", "nuit"),
    # deictics
    ("Des combats ont éclaté hier à Alep.", SAT, "hier", "point", "2024-12-06", None),
    ("Des combats ont éclaté hier soir à Alep.", SAT, "hier soir", "point", "2024-12-06", "soir"),
    ("Des combats ont éclaté avant-hier à Alep.", SAT, "avant-hier", "point", "2024-12-05", None),
    ("Des combats ont éclaté hier à Alep.", DEC, "hier", "point", "2024-12", None),
    ("Des combats ont éclaté hier à Alep.", None, "hier", "point", None, None),
    ("Aujourd'hui, l'armée contrôle le quartier.", SAT, "Aujourd'hui", "point", "2024-12-07", None),
    ("Aujourd’hui, l’armée contrôle le quartier.", SAT, "Aujourd’hui", "point", "2024-12-07", None),
    ("une nouvelle offensive ce matin à l’aube", WED, "ce matin à l’aube", "point", "2012-08-01", "aube"),
    ("nous avons tiré des décombres ce matin le corps", WED, "ce matin", "point", "2012-08-01", "matin"),
    # Monday 30 July .. Sunday 5 August: only the year covers the whole week
    ("Les bombardements ont repris cette semaine.", WED, "cette semaine", "point", "2012", None),
    ("Les bombardements ont repris cette semaine.", SAT, "cette semaine", "point", "2024-12", None),
    ("Les bombardements ont repris la semaine dernière.", TimeValue(2024, 12, 18), "la semaine dernière", "point", "2024-12", None),
    ("Les bombardements ont repris la semaine dernière.", SAT, "la semaine dernière", "point", "2024", None),
    ("Le régime avait repris la ville le mois dernier.", SAT, "le mois dernier", "point", "2024-11", None),
    ("Le régime avait repris la ville le mois dernier.", TimeValue(2024, 1), "le mois dernier", "point", "2023-12", None),
    ("Le régime avait repris la ville le mois dernier.", Y2024, "le mois dernier", "point", None, None),
    ("L'an dernier, l'ONU avait dénombré 5000 morts.", SAT, "L'an dernier", "point", "2023", None),
    ("l'année dernière, l'ONU", Y2024, "l'année dernière", "point", "2023", None),
    ("Il y a trois jours, les rebelles ont pris la ville.", SAT, "Il y a trois jours", "point", "2024-12-04", None),
    ("il y a deux semaines", SAT, "il y a deux semaines", "point", "2024-11-23", None),
    ("il y a 10 jours", DEC, "il y a 10 jours", "point", None, None),
    ("Il y a un mois, l'armée avait repris Khaldiyé.", WED, "Il y a un mois", "point", "2012-07", None),
    ("il y a quatre mois", SAT, "il y a quatre mois", "point", "2024-08", None),
    ("il y a deux ans", SAT, "il y a deux ans", "point", "2022-12", None),
    ("il y a vingt et un ans", Y2024, "il y a vingt et un ans", "point", "2003", None),
    ("il y a quelques jours", SAT, "il y a quelques jours", "point", None, None),
    # explicit calendar dates
    ("Le 27 novembre, une coalition a lancé une offensive.", DEC, "Le 27 novembre", "point", "2024-11-27", None),
    ("le 27 novembre", SAT, "le 27 novembre", "point", "2024-11-27", None),
    ("le 27 décembre", TimeValue(2024, 1, 5), "le 27 décembre", "point", "2023-12-27", None),
    ("le 27 decembre", TimeValue(2024, 1, 5), "le 27 decembre", "point", "2023-12-27", None),
    ("le 7 décembre", DEC, "le 7 décembre", "point", "2024-12-07", None),
    ("le 8 décembre", SAT, "le 8 décembre", "point", "2023-12-08", None),
    ("27 novembre", Y2024, "27 novembre", "point", "2024-11-27", None),
    ("le 27 novembre", None, "le 27 novembre", "point", None, None),
    ("Le 1er mars, les rebelles", SAT, "Le 1er mars", "point", "2024-03-01", None),
    ("le premier mai", SAT, "le premier mai", "point", "2024-05-01", None),
    ("le 14 avril 2018, des frappes occidentales", SAT, "le 14 avril 2018", "point", "2018-04-14", None),
    ("le 14 avril 2018", None, "le 14 avril 2018", "point", "2018-04-14", None),
    ("le 14/04/2018 à Douma", None, "14/04/2018", "point", "2018-04-14", None),
    ("le 14 août au soir", SAT, "le 14 août au soir", "point", "2024-08-14", "soir"),
    ("le 3 aout", SAT, "le 3 aout", "point", "2024-08-03", None),
    ("le 30 février", SAT, "le 30 février", "point", None, None),
    # months
    ("mi-mars, l'armée", SAT, "mi-mars", "point", "2024-03", None),
    ("à la mi-mars", SAT, "à la mi-mars", "point", "2024-03", None),
    ("fin mars", TimeValue(2024, 2, 10), "fin mars", "point", "2023-03", None),
    ("début avril", SAT, "début avril", "point", "2024-04", None),
    ("Début Avril, l'armée", SAT, "Début Avril", "point", "2024-04", None),
    ("en décembre", DEC, "en décembre", "point", "2024-12", None),
    ("au mois de mai", SAT, "au mois de mai", "point", "2024-05", None),
    ("au début du mois de mars", SAT, "au début du mois de mars", "point", "2024-03", None),
    ("en mars 2012", SAT, "en mars 2012", "point", "2012-03", None),
    ("mars 2012", None, "mars 2012", "point", "2012-03", None),
    ("septembre 2011", None, "septembre 2011", "point", "2011-09", None),
    ("Fevrier 2012", None, "Fevrier 2012", "point", "2012-02", None),
    ("en février", None, "en février", "point", None, None),
    # years
    ("en 2012", None, "en 2012", "point", "2012", None),
    ("fin 2011", None, "fin 2011", "point", "2011", None),
    ("début 2012", None, "début 2012", "point", "2012", None),
    ("l'été 2012", None, "l'été 2012", "point", "2012", None),
    ("cette année", SAT, "cette année", "point", "2024", None),
    ("au début de l'année", SAT, "au début de l'année", "point", "2024", None),
    # open spans
    ("Depuis le 19 avril, l'offensive vise Yarmouk.", APR, "Depuis le 19 avril", "since", "2018-04-19", None),
    ("depuis le 19 avril", TimeValue(2024, 3), "depuis le 19 avril", "since", "2023-04-19", None),
    ("théâtre d'affrontements depuis le 20 juillet", WED, "depuis le 20 juillet", "since", "2012-07-20", None),
    ("depuis fin 2011", None, "depuis fin 2011", "since", "2011", None),
    ("depuis septembre 2011", None, "depuis septembre 2011", "since", "2011-09", None),
    ("depuis 2012", None, "depuis 2012", "since", "2012", None),
    ("depuis mars", SAT, "depuis mars", "since", "2024-03", None),
    ("depuis le début de l'année", SAT, "depuis le début de l'année", "since", "2024", None),
    ("depuis lundi", SAT, "depuis lundi", "since", "2024-12-02", None),
    ("à partir du 1er mars", SAT, "à partir du 1er mars", "since", "2024-03-01", None),
    ("La ville est assiégée depuis quatre mois.", SAT, "depuis quatre mois", "since", "2024-08", None),
    ("depuis plus d'un an", SAT, "depuis plus d'un an", "since", "2023-12", None),
    ("depuis plus d’un an", WED, "depuis plus d’un an", "since", "2011-08", None),
    ("depuis huit jours", SAT, "depuis huit jours", "since", "2024-11-29", None),
    ("depuis deux semaines", SAT, "depuis deux semaines", "since", "2024-11-23", None),
    ("depuis près de deux ans", SAT, "depuis près de deux ans", "since", "2022-12", None),
    ("depuis 18 mois", DEC, "depuis 18 mois", "since", "2023-06", None),
    # durations that cannot be anchored
    ("depuis quatre mois", None, "depuis quatre mois", "duration", None, None),
    ("depuis huit jours", APR, "depuis huit jours", "duration", None, None),
    ("depuis des mois", SAT, "depuis des mois", "duration", None, None),
    ("depuis 48 heures", SAT, "depuis 48 heures", "duration", None, None),
]
# fmt: on


@pytest.mark.parametrize(("text", "published", "mention", "kind", "iso", "part"), POINT_CASES)
def test_timex_find_times_resolves(
    text: str, published: TimeValue | None, mention: str, kind: str, iso: str | None, part: str | None
) -> None:
    found = _only(text, published)
    assert (found.text, found.kind, _iso(found.value), found.part_of_day) == (mention, kind, iso, part)
    assert found.text == text[found.start : found.end]


@pytest.mark.parametrize(
    ("text", "published", "mention", "start", "end"),
    [
        ("du 3 au 5 mars", SAT, "du 3 au 5 mars", "2024-03-03", "2024-03-05"),
        ("entre le 3 et le 5 mars", SAT, "entre le 3 et le 5 mars", "2024-03-03", "2024-03-05"),
        ("du 28 février au 2 mars 2012", None, "du 28 février au 2 mars 2012", "2012-02-28", "2012-03-02"),
        ("du 28 décembre au 2 janvier", SAT, "du 28 décembre au 2 janvier", "2023-12-28", "2024-01-02"),
        ("de 2011 à 2013", None, "de 2011 à 2013", "2011", "2013"),
        ("entre 2011 et 2013", None, "entre 2011 et 2013", "2011", "2013"),
        ("de mars à mai 2012", None, "de mars à mai 2012", "2012-03", "2012-05"),
    ],
)
def test_timex_find_times_spans(
    text: str, published: TimeValue | None, mention: str, start: str, end: str
) -> None:
    found = _only(text, published)
    assert (found.text, found.kind, _iso(found.value), _iso(found.end_value)) == (mention, "span", start, end)


@pytest.mark.parametrize(
    "text",
    [
        "La sonde a photographié la planète Mars.",
        "Mars est une planète.",
        "Le président a reçu son homologue.",
        "Les manifestations de chaque vendredi",
        "tous les vendredis, des manifestations",
        "un char T-2012",
        "2012 morts",
    ],
)
def test_timex_ignores_non_dates(text: str) -> None:
    found = find_times(text, SAT)
    assert found == []


@pytest.mark.parametrize(
    ("text", "mention"),
    [("Le mois de mai a été meurtrier", "Le mois de mai"), ("l'offensive de mai", "de mai")],
)
def test_timex_month_with_preposition_is_a_date(text: str, mention: str) -> None:
    assert [(t.text, _iso(t.value)) for t in find_times(text, SAT)] == [(mention, "2024-05")]


def test_timex_several_mentions_in_a_dispatch() -> None:
    text = (
        "L'armée a achevé dimanche l'envoi de renforts à Alep, théâtre d'affrontements depuis le 20 juillet. "
        "Mardi, au moins 122 personnes ont été tuées. Le conflit a éclaté en mars 2011."
    )
    got = [(t.text, t.kind, _iso(t.value)) for t in find_times(text, WED)]
    assert got == [
        ("dimanche", "point", "2012-07-29"),
        ("depuis le 20 juillet", "since", "2012-07-20"),
        ("Mardi", "point", "2012-07-31"),
        ("en mars 2011", "point", "2011-03"),
    ]


@pytest.mark.parametrize(
    ("weekday", "published", "expected"),
    [
        (5, SAT, TimeValue(2024, 12, 7)),
        (6, SAT, TimeValue(2024, 12, 1)),
        (0, SAT, TimeValue(2024, 12, 2)),
        (4, SAT, TimeValue(2024, 12, 6)),
        (2, TimeValue(2024, 1, 1), TimeValue(2023, 12, 27)),
        (0, DEC, DEC),
        (0, Y2024, Y2024),
        (0, None, None),
    ],
)
def test_timex_resolve_weekday(weekday: int, published: TimeValue | None, expected: TimeValue | None) -> None:
    assert resolve_weekday(weekday, published) == expected


# ------------------------------------------------------------------------ properties

valid_dates = st.one_of(
    st.builds(TimeValue, st.integers(1, 9999)),
    st.builds(TimeValue, st.integers(1, 9999), st.integers(1, 12)),
    st.dates().map(lambda d: TimeValue(d.year, d.month, d.day)),
)
publications = st.one_of(
    st.none(),
    valid_dates,
    st.sampled_from(
        [TimeValue(1, 1, 1), TimeValue(1), TimeValue(1, 1), TimeValue(9999, 12, 31), TimeValue(9999)]
    ),
)


@given(st.text())
def test_timex_parse_header_date_never_raises(line: str) -> None:
    result = parse_header_date(line)
    assert result is None or isinstance(result, TimeValue)


@given(valid_dates, st.sampled_from(["", " ", "  "]), st.sampled_from(["", " suite du texte", "\n"]))
def test_timex_parse_header_date_roundtrips(value: TimeValue, lead: str, tail: str) -> None:
    assert parse_header_date(f"{lead}date {value.iso()}{tail}") == value


def _assert_sound(text: str, found: list[TimeMention]) -> None:
    previous_end = 0
    for t in found:
        assert previous_end <= t.start < t.end <= len(text)
        assert t.text == text[t.start : t.end]
        assert t.kind in ("point", "since", "span", "duration")
        previous_end = t.end


@given(st.text(), publications)
def test_timex_find_times_never_raises_and_spans_are_sound(text: str, published: TimeValue | None) -> None:
    _assert_sound(text, find_times(text, published))


_PIECES = [
    "le ", "du ", "au ", "depuis ", "il y a ", "dans la nuit de ", "samedi", " soir", "lundi ", "hier ",
    "27 ", "1er ", "31 ", "février ", "mars", " 2012", "2011 ", "fin ", "mi-", "début ", "en ", "à ",
    "quatre ", "mois", "ans ", "jours ", "plus d'un ", "semaine dernière ", "entre ", " et ", "/", "04",
]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join), publications)
def test_timex_find_times_sound_on_date_like_text(text: str, published: TimeValue | None) -> None:
    found = find_times(text, published)
    _assert_sound(text, found)
    for t in found:
        if t.kind == "span" and t.value is not None and t.end_value is not None:
            assert t.value <= t.end_value or t.value.overlaps(t.end_value)


@pytest.mark.parametrize(
    "text",
    ["hier", "cette nuit", "la semaine dernière", "cette semaine", "il y a 9999 semaines", "le 27 décembre",
     "depuis 3000 ans", "samedi dernier", "jeudi prochain", "du 28 décembre au 2 janvier"],
)  # fmt: skip
@pytest.mark.parametrize(
    "published", [TimeValue(1, 1, 1), TimeValue(9999, 12, 31), TimeValue(1), TimeValue(9999, 12)]
)
def test_timex_calendar_edges_give_none_not_errors(text: str, published: TimeValue) -> None:
    for t in find_times(text, published):
        assert t.value is None or 1 <= t.value.year <= 9999


# ------------------------------------------------ expressions counted from the text's own days (#12)

TUE = TimeValue(2019, 3, 12)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "published", "mention", "iso"),
    [
        # the day before / after the latest day the text names, not the publication
        ("Les insurgés ont pris lundi la colline, attaquée la veille par l'aviation.", TUE, "la veille", "2019-03-10"),
        ("Le 2 mars, l'armée est entrée à Saraqeb ; le lendemain, elle a pris l'hôpital.", TUE, "le lendemain",
         "2019-03-03"),
        ("L'offensive a débuté le 4 février. Trois jours plus tard, les rebelles ont reculé.", TUE,
         "Trois jours plus tard", "2019-02-07"),
        ("Le 4 février, un raid a visé Ariha. Deux semaines plus tôt, la ville avait été bombardée.", TUE,
         "Deux semaines plus tôt", "2019-01-21"),
        ("Le 4 février, un raid a visé Ariha ; quelques heures plus tard, un second.", TUE,
         "quelques heures plus tard", "2019-02-04"),
        ("Le 4 février, un convoi est parti ; le même jour, une bombe a explosé.", TUE, "le même jour", "2019-02-04"),
        ("Le 4 février, les rebelles ont lancé leur assaut. Dès le premier jour, ils ont pris un village.", TUE,
         "le premier jour", "2019-02-04"),
        # no day named before: the publication's
        ("La veille, un raid avait visé Ariha.", TUE, "La veille", "2019-03-11"),
        ("La veille, un raid avait visé Ariha.", None, "La veille", None),
    ],
)
def test_timex_relative_days_count_from_the_texts_day(text, published, mention, iso) -> None:
    found = {t.text: t for t in find_times(text, published)}
    assert mention in found, list(found)
    assert _iso(found[mention].value) == iso


def test_timex_on_the_eve_of_is_not_the_day_before() -> None:
    texts = [t.text for t in find_times("Le 4 février, à la veille des pourparlers, Ariha a été bombardée.", TUE)]
    assert texts == ["Le 4 février"]


@pytest.mark.parametrize(
    ("text", "mention", "start", "end"),
    [
        ("L'assaut est lancé le 3 mai. Pendant six jours, l'aviation pilonne la ville.", "Pendant six jours",
         "2018-05-03", "2018-05-09"),
        ("Le 3 mai, au terme de quatre jours de combats, la ville est tombée.", "au terme de quatre jours",
         "2018-04-29", "2018-05-03"),
    ],
)
def test_timex_durations_are_spans_from_the_texts_day(text, mention, start, end) -> None:
    found = {t.text: t for t in find_times(text, TimeValue(2018, 5, 20))}
    assert (found[mention].kind, _iso(found[mention].value), _iso(found[mention].end_value)) == ("span", start, end)


@pytest.mark.parametrize(
    ("text", "mention", "iso"),
    [
        # an encyclopaedic page: a date without a year takes the year the story is in
        ("La bataille commence en avril 2017. Le 3 juin, la ville tombe.", "Le 3 juin", "2017-06-03"),
        ("Conquise en mars 2013, la ville est reprise le 12 octobre.", "le 12 octobre", "2013-10-12"),
        # a bare year looking back does not move the story ("depuis ... en 1982")
        ("Le massacre du 5 mai 2016 est le pire depuis celui de Hama en 1982. Le 9 mai, l'ONU a réagi.", "Le 9 mai",
         "2016-05-09"),
        ("Les combats durent de janvier 2014 à mars 2014. En 2015, la ville est reprise le 4 juin.", "le 4 juin",
         "2015-06-04"),
        # two months sharing a year
        ("Une offensive menée en avril et mai 2016 contre la ville.", "en avril et mai 2016", "2016-04"),
    ],
)
def test_timex_year_from_the_story_without_a_publication_date(text, mention, iso) -> None:
    found = {t.text: t for t in find_times(text, None)}
    assert mention in found, list(found)
    assert _iso(found[mention].value) == iso


@pytest.mark.parametrize(
    ("text", "published", "mention", "kind", "iso"),
    [
        ("La ville est encerclée depuis le printemps.", TimeValue(2016, 8, 2), "depuis le printemps", "since", "2016"),
        ("La ville est encerclée depuis le printemps.", TimeValue(2016, 2, 2), "depuis le printemps", "since", "2015"),
        ("Les rebelles ont perdu la colline l'été dernier.", TimeValue(2016, 8, 2), "l'été dernier", "point", "2015"),
        ("Les rebelles ont perdu la colline l'été dernier.", TimeValue(2016, 11, 2), "l'été dernier", "point",
         "2016"),
        ("Ces derniers jours, des obus sont tombés sur Kilis.", TimeValue(2016, 4, 20), "Ces derniers jours",
         "point", "2016-04"),
        ("Ces dernières semaines, des obus sont tombés sur Kilis.", TimeValue(2016, 4, 2), "Ces dernières semaines",
         "point", "2016"),
        ("Les rebelles tiennent le village dès la mi-juin.", TimeValue(2016, 8, 2), "dès la mi-juin", "since",
         "2016-06"),
    ],
)
def test_timex_seasons_recent_stretches_and_des(text, published, mention, kind, iso) -> None:
    found = _only(text, published)
    assert (found.text, found.kind, _iso(found.value)) == (mention, kind, iso)


def test_timex_the_arab_spring_is_no_date() -> None:
    assert find_times("Le printemps arabe a gagné la Syrie.", TimeValue(2012, 5, 1)) == []


@pytest.mark.parametrize(("text", "days"), [("hier", -1), ("aujourd'hui", 0), ("ce matin", 0), ("avant-hier", -2)])
def test_timex_deictic_days_keep_their_distance_from_speech(text, days) -> None:
    assert _only(f"« Nous avons repris la ville {text} », a dit le chef.", SAT).speech_days == days
