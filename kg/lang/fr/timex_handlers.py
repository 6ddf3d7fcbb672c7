"""Calendar arithmetic and the handlers that turn a matched French date into a value.

:mod:`kg.lang.fr.timex_patterns` pairs each regular expression with one of the ``h_*`` handlers
here; a handler takes the match and the publication date and returns ``(kind, value, end value)``
(or None: no mention). The conventions (the year of a day without one, a weekday's day, what a
coarse publication date allows) are those of :mod:`kg.lang.fr.timex`.

Imports only the schema's time values and French numbers; not the finder (:mod:`kg.lang.fr.timex`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from kg.lang.fr.numbers import parse_number
from kg.schema.time import TimeValue

__all__ = ["DEICTIC_SPEECH", "Handler", "Resolved", "minus_months", "resolve_weekday", "shift_days",
           "time_value",
           # the handlers, in the order of the table in timex_patterns
           "h_day_month", "h_numeric", "h_month", "h_year", "h_weekday", "h_night_weekdays", "h_night_days",
           "h_deictic", "h_week", "h_month_rel", "h_year_rel", "h_edge", "h_since_duration", "h_ago",
           "h_span_days", "h_span_months", "h_span_months_shared", "h_span_years", "h_season", "h_recent"]


# ------------------------------------------------------------------------ calendar help


def time_value(year: int, month: int | None = None, day: int | None = None) -> TimeValue | None:
    try:
        return TimeValue(year, month, day)
    except ValueError:
        return None


def _from_date(d: date) -> TimeValue:
    return TimeValue(d.year, d.month, d.day)


def _pub_date(pub: TimeValue | None) -> date | None:
    if pub is None or pub.day is None or pub.month is None:
        return None
    return date(pub.year, pub.month, pub.day)


def _bounds(pub: TimeValue) -> tuple[date, date]:
    """First and last day a (possibly coarse) publication value can be."""
    if pub.month is None:
        return date(pub.year, 1, 1), date(pub.year, 12, 31)
    if pub.day is None:
        return date(pub.year, pub.month, 1), date(
            pub.year, pub.month, calendar.monthrange(pub.year, pub.month)[1]
        )
    d = date(pub.year, pub.month, pub.day)
    return d, d


def _container(lo: date, hi: date) -> TimeValue | None:
    """The finest TimeValue holding every day from ``lo`` to ``hi``."""
    if lo == hi:
        return _from_date(lo)
    if (lo.year, lo.month) == (hi.year, hi.month):
        return TimeValue(lo.year, lo.month)
    if lo.year == hi.year:
        return TimeValue(lo.year)
    return None


def _around(pub: TimeValue | None, before: int, after: int) -> TimeValue | None:
    """The value covering ``pub``'s first day + ``before`` to its last day + ``after``."""
    if pub is None:
        return None
    lo, hi = _bounds(pub)
    try:
        return _container(lo + timedelta(days=before), hi + timedelta(days=after))
    except OverflowError:  # beyond year 1 or 9999
        return None


def shift_days(pub: TimeValue | None, days: int) -> TimeValue | None:
    """``pub`` moved by ``days``: exact for a day, the covering value otherwise."""
    return _around(pub, days, days)


def _deictic(pub: TimeValue | None, days: int) -> TimeValue | None:
    """A day near publication ("hier", "lundi"): exact, or the publication's month/year."""
    if pub is None:
        return None
    if pub.day is None:
        return pub
    return shift_days(pub, days)


def minus_months(pub: TimeValue | None, months: int) -> TimeValue | None:
    if pub is None or pub.month is None:
        return None
    index = pub.year * 12 + pub.month - 1 - months
    return time_value(index // 12, index % 12 + 1)


def _infer_year(month: int, day: int | None, pub: TimeValue | None) -> int | None:
    """The year making (month, day) the latest date not after publication."""
    if pub is None:
        return None
    if pub.month is None:
        return pub.year
    if pub.day is None or day is None:
        return pub.year if month <= pub.month else pub.year - 1
    return pub.year if (month, day) <= (pub.month, pub.day) else pub.year - 1


def resolve_weekday(weekday: int, published: TimeValue | None) -> TimeValue | None:
    """The day meant by a bare weekday (0 = lundi … 6 = dimanche) in a dispatch.

    With a day-precision publication date it is the most recent such weekday on or
    before it; with a coarser date, the publication's month or year; with none, None.

    >>> resolve_weekday(5, TimeValue(2024, 12, 7)).iso()   # samedi, in a Saturday dispatch
    '2024-12-07'
    >>> resolve_weekday(0, TimeValue(2024, 12, 7)).iso(), resolve_weekday(0, TimeValue(2024, 12)).iso()
    ('2024-12-02', '2024-12')
    """
    d = _pub_date(published)
    if d is None:
        return published
    return _deictic(published, -((d.weekday() - weekday) % 7))


# ----------------------------------------------------------------------------- lexicon

_MONTH_NUM = {
    name: i + 1
    for i, name in enumerate(
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split()
    )
}
_WEEKDAY_NUM = {
    name: i for i, name in enumerate("lundi mardi mercredi jeudi vendredi samedi dimanche".split())
}

Resolved = tuple[str, TimeValue | None, TimeValue | None] | None  # kind, value, end value; None: no mention
Handler = Callable[[re.Match[str], TimeValue | None], Resolved]


def _day_number(raw: str) -> int:
    return 1 if raw in ("1er", "premier") else int(raw)


def _date(day: str | None, month: str, year: str | None, pub: TimeValue | None) -> TimeValue | None:
    m = _MONTH_NUM[month]
    d = _day_number(day) if day else None
    y = int(year) if year else _infer_year(m, d, pub)
    return None if y is None else time_value(y, m, d)


def h_day_month(m: re.Match[str], pub: TimeValue | None):
    value = _date(m["d"], m["m"], m["y"], pub)
    if value is not None and not m["y"] and m["wd"] and (pub is None or pub.month is None) and value.day is not None:
        value = _agreeing_year(value, _WEEKDAY_NUM[m["wd"]])  # a dispatch's own date is trusted over a slip
    return "point", value, None


def _agreeing_year(value: TimeValue, weekday: int) -> TimeValue:
    """ "dimanche 28 juillet" without a year in a text without a publication date: the nearest year
    to the story's in which that day is that weekday, when the story's year disagrees."""
    assert value.month is not None and value.day is not None

    def fits(y: int) -> bool:
        try:
            return date(y, value.month, value.day).weekday() == weekday
        except ValueError:
            return False

    if fits(value.year):
        return value
    for delta in (1, -1, 2, -2, 3, -3):
        y = value.year + delta
        if 1 <= y <= 9999 and fits(y):
            return TimeValue(y, value.month, value.day)
    return value


def h_numeric(m: re.Match[str], pub: TimeValue | None):
    return "point", time_value(int(m["y"]), int(m["m"]), int(m["d"])), None


def h_month(m: re.Match[str], pub: TimeValue | None):
    return "point", _date(None, m["m"], m.groupdict().get("y"), pub), None


def h_year(m: re.Match[str], pub: TimeValue | None):
    return "point", time_value(int(m["y"])), None


def h_weekday(m: re.Match[str], pub: TimeValue | None):
    weekday = _WEEKDAY_NUM[m["wd"]]
    d = _pub_date(pub)
    rel = m["rel"]
    if d is None or rel is None:
        return "point", resolve_weekday(weekday, pub), None
    if rel == "dernier":
        return "point", shift_days(pub, -((d.weekday() - weekday - 1) % 7 + 1)), None
    return "point", shift_days(pub, (weekday - d.weekday() - 1) % 7 + 1), None


def h_night_weekdays(m: re.Match[str], pub: TimeValue | None):
    return "point", resolve_weekday(_WEEKDAY_NUM[m["wd"]], pub), None


def h_night_days(m: re.Match[str], pub: TimeValue | None):
    return "point", _date(m["d"], m["m1"] or m["m"], m["y"], pub), None


_DEICTIC_DAYS = {"avant-hier": -2, "avant hier": -2, "hier": -1, "aujourd'hui": 0}
#: Deictic days counted from the moment of speaking (re-anchored in a quotation by extraction).
DEICTIC_SPEECH = {
    **_DEICTIC_DAYS, "la nuit derniere": -1, "ce matin": 0, "ce soir": 0, "cet apres-midi": 0,
    "cet apres midi": 0, "cette matinee": 0, "cette soiree": 0,
}  # fmt: skip


def h_deictic(m: re.Match[str], pub: TimeValue | None):
    word = " ".join(m["w"].split())
    if word in _DEICTIC_DAYS:
        return "point", _deictic(pub, _DEICTIC_DAYS[word]), None
    if word == "la nuit derniere":
        return "point", _deictic(pub, -1), None
    if word == "cette nuit":  # the night before or after: whichever, its covering value
        if pub is None or pub.day is None:
            return "point", pub, None
        return "point", _around(pub, -1, 0), None
    return "point", _deictic(pub, 0), None  # ce matin, ce soir, cet après-midi


def h_week(m: re.Match[str], pub: TimeValue | None):
    last = m["last"] is not None
    if pub is None:
        return "point", None, None
    if pub.day is None and not last:
        return "point", pub, None
    lo, hi = _bounds(pub)  # Monday of the first week to Sunday of the last
    back = 7 if last else 0
    return "point", _around(pub, -lo.weekday() - back, 6 - hi.weekday() - back), None


def h_month_rel(m: re.Match[str], pub: TimeValue | None):
    if pub is not None and pub.month is None and not m["last"]:
        return "point", pub, None
    return "point", minus_months(pub, 1 if m["last"] else 0), None


def h_year_rel(m: re.Match[str], pub: TimeValue | None):
    return "point", None if pub is None else time_value(pub.year - (1 if m["last"] else 0)), None


def h_edge(m: re.Match[str], pub: TimeValue | None):
    """Start or end of the year or month: "début de l'année", "fin du mois dernier"."""
    back = 1 if m["last"] else 0
    if m["scope"] == "mois":
        return "point", minus_months(pub, back), None
    return "point", None if pub is None else time_value(pub.year - back), None


def _minus_duration(n: int | None, unit: str, pub: TimeValue | None) -> TimeValue | None:
    """Publication minus a duration, at month precision for months and years, day
    precision for days and weeks; None when the publication date is too coarse."""
    if n is None or pub is None:
        return None
    if unit.startswith(("an", "annee")):
        return minus_months(pub, 12 * n) if pub.month is not None else time_value(pub.year - n)
    if unit == "mois":
        return minus_months(pub, n)
    if unit.startswith(("jour", "semaine")) and pub.day is not None:
        return shift_days(pub, -n * (7 if unit.startswith("semaine") else 1))
    return None


def h_since_duration(m: re.Match[str], pub: TimeValue | None):
    value = _minus_duration(parse_number(m["n"]), m["unit"], pub)
    return ("since" if value is not None else "duration"), value, None


def h_ago(m: re.Match[str], pub: TimeValue | None):
    return "point", _minus_duration(parse_number(m["n"]), m["unit"], pub), None


def _span_values(
    d1: str | None,
    m1: str | None,
    y1: str | None,
    d2: str | None,
    m2: str,
    y2: str | None,
    pub: TimeValue | None,
) -> tuple[TimeValue | None, TimeValue | None]:
    end = _date(d2, m2, y2, pub)
    if end is None:
        return None, None
    first_month = m1 or m2
    if y1:
        year = int(y1)
    else:
        k1 = (_MONTH_NUM[first_month], _day_number(d1) if d1 else 0)
        k2 = (_MONTH_NUM[m2], _day_number(d2) if d2 else 0)
        year = end.year if k1 <= k2 else end.year - 1
    start = time_value(year, _MONTH_NUM[first_month], _day_number(d1) if d1 else None)
    return start, end


def h_span_days(m: re.Match[str], pub: TimeValue | None):
    start, end = _span_values(m["d1"], m["m1"], m["y1"], m["d2"], m["m2"], m["y2"], pub)
    return "span", start, end


def h_span_months(m: re.Match[str], pub: TimeValue | None):
    start, end = _span_values(None, m["m1"], m["y1"], None, m["m2"], m["y2"], pub)
    return "span", start, end


def h_span_months_shared(m: re.Match[str], pub: TimeValue | None):
    start, end = _span_values(None, m["m1"], None, None, m["m2"], m["y2"], pub)
    return "span", start, end


def h_span_years(m: re.Match[str], pub: TimeValue | None):
    if int(m["y1"]) > int(m["y2"]):
        return None  # "de 2013 à 2011" is no span
    return "span", time_value(int(m["y1"])), time_value(int(m["y2"]))


_SEASON_START = {"printemps": (3, 20), "ete": (6, 21), "automne": (9, 22), "hiver": (12, 21)}
_SEASON_END = {"printemps": (6, 20), "ete": (9, 21), "automne": (12, 20), "hiver": (3, 19)}


def h_season(m: re.Match[str], pub: TimeValue | None):
    """A season without a year: the latest one begun (or, with "dernier", ended) by publication;
    its year is that of its first day (winter runs into the next year)."""
    if pub is None:
        return "point", None, None
    season = m["season"]
    if pub.month is None:
        return "point", time_value(pub.year - (1 if m["last"] else 0)), None
    when = (pub.month, pub.day or 31)
    if m["last"]:
        end = _SEASON_END[season]
        year = pub.year if end < when else pub.year - 1
        return "point", time_value(year - 1 if season == "hiver" else year), None
    return "point", time_value(pub.year if _SEASON_START[season] <= when else pub.year - 1), None


_RECENT_DAYS = {"heures": 1, "jours": 7, "semaines": 28, "mois": 90}


def h_recent(m: re.Match[str], pub: TimeValue | None):
    """ "ces derniers jours", "ces dernières semaines": the covering value of that stretch before publication."""
    return "point", _around(pub, -_RECENT_DAYS[m["unit"]], 0), None
