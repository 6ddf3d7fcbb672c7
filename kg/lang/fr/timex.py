"""French temporal expressions, normalised against a dispatch's publication date.

``find_times`` finds dates ("le 27 novembre", "mi-mars", "fin 2011", "14/04/2018"),
weekdays ("samedi soir"), deictics ("hier", "la semaine dernière", "il y a trois mois"),
open spans ("depuis le 19 avril", "depuis quatre mois") and closed spans ("du 3 au 5
mars") and returns :class:`TimeMention` records holding :class:`TimeValue` values at
year, month or day precision.  A value is only as precise as the text and the
publication date allow; what cannot be resolved is ``None``, never a guess.

Conventions (AFP style):

* a weekday is the most recent such day on or before publication ("a annoncé samedi" in
  a Saturday dispatch is that Saturday); "samedi dernier" is strictly before it;
* a day and month without a year take the year that makes them the latest date not
  after publication; when publication has only a month, that month counts as not after;
  when it has only a year, that year is used;
* with a publication date of month (or year) precision, expressions about the dispatch's
  own days ("hier", "lundi", "cette semaine") resolve to that month (or year);
* expressions counted from a day the text has just named ("la veille", "le lendemain",
  "deux jours plus tard", "pendant cinq jours") take the latest day-precise date before them
  (the narrative's reference day), else the publication date;
* a text without a publication date (an encyclopaedic page) gives a calendar date without a
  year ("le 23 juin") the year of the latest date before it ("en mai et juin 2015").

Month names count as dates only next to a day number, a year or a preposition ("en",
"début", "fin", "mi-", "depuis", "de", "au mois de"), so "Mars" the planet and "mai"
stay out.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from kg.lang.fr.numbers import WORD_NUMBER_PATTERN, parse_number
from kg.schema.text import fold
from kg.schema.time import TimeValue

__all__ = [
    "TimeMention",
    "TimeValue",
    "find_times",
    "parse_header_date",
    "resolve_weekday",
]


@dataclass(frozen=True)
class TimeMention:
    """A temporal expression in a text and its normalised value.

    ``kind`` is ``"point"``, ``"since"`` (the start of an open span), ``"span"`` (``value``
    to ``end_value``) or ``"duration"`` (a "depuis quatre mois" whose start cannot be
    resolved: ``value`` is None).
    """

    start: int
    end: int
    text: str
    kind: str
    value: TimeValue | None
    end_value: TimeValue | None = None
    part_of_day: str | None = None
    speech_days: int | None = None  # a deictic day ("hier" = -1): days from the moment of speaking


# ------------------------------------------------------------------------ calendar help


def _tv(year: int, month: int | None = None, day: int | None = None) -> TimeValue | None:
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


def _shift_days(pub: TimeValue | None, days: int) -> TimeValue | None:
    """``pub`` moved by ``days``: exact for a day, the covering value otherwise."""
    return _around(pub, days, days)


def _deictic(pub: TimeValue | None, days: int) -> TimeValue | None:
    """A day near publication ("hier", "lundi"): exact, or the publication's month/year."""
    if pub is None:
        return None
    if pub.day is None:
        return pub
    return _shift_days(pub, days)


def _minus_months(pub: TimeValue | None, months: int) -> TimeValue | None:
    if pub is None or pub.month is None:
        return None
    index = pub.year * 12 + pub.month - 1 - months
    return _tv(index // 12, index % 12 + 1)


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


# ----------------------------------------------------------------------- header dates

_HEADER_RE = re.compile(r"\s*date\s+([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?(?:\s|$)", re.IGNORECASE)


def parse_header_date(line: str) -> TimeValue | None:
    """Read a dispatch header line such as ``" date 2024-12"``; None when malformed.

    Text after the date on the same line (the header is sometimes glued to the lead
    sentence) is ignored.

    >>> parse_header_date(" date 2024-12"), parse_header_date("date 2018-04-07").iso()
    (TimeValue(year=2024, month=12, day=None), '2018-04-07')
    >>> parse_header_date("date 2024-13") is None, parse_header_date("date hier") is None
    (True, True)
    """
    m = _HEADER_RE.match(line)
    if m is None:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    assert year is not None
    return _tv(year, month, day)


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
_POD_NAME = {
    "matin": "matin", "matinee": "matin", "soir": "soir", "soiree": "soir", "nuit": "nuit",
    "aube": "aube", "apres-midi": "après-midi", "apres midi": "après-midi",
}  # fmt: skip

_MONTH = "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
_WD = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
_DAY = r"(?:1er|premier|[0-9]{1,2})(?![0-9])"
_YEAR = r"[12][0-9]{3}(?![0-9])"
_POD = r"matinee|matin|soiree|soir|nuit|aube|apres-midi|apres\s+midi"
_POD_TAIL = rf"(?:\s+(?:au\s+|dans\s+la\s+|dans\s+l'|a\s+l'|en\s+|tot\s+le\s+|tard\s+le\s+)?(?P<pod>{_POD}))?"
_DE = r"d(?:e\s+|')"
_NUM = rf"(?P<n>[0-9]{{1,4}}|{WORD_NUMBER_PATTERN}|quelques|plusieurs|des|de\s+longs|de\s+nombreux|de\s+nombreuses)"
_UNIT = r"(?P<unit>jours?|semaines?|mois|ans|an|annees?|heures?)"
_DUR_MOD = (
    rf"(?:(?:plus\s+{_DE}|pres\s+{_DE}|environ|au\s+moins|quelque|bientot|maintenant|deja|"
    rf"moins\s+{_DE}|presque)\s*)?"
)
_L = r"(?<![\w-])"  # left word boundary
_R = r"(?![\w-])"  # right word boundary
_PREP_MONTH = (
    r"(?P<prep>(?:(?:a\s+la\s+|au\s+|en\s+|des\s+(?:la\s+)?|des\s+le\s+|depuis\s+(?:la\s+|le\s+)?)?"
    r"(?:debut|fin|mi-|mi\s+|courant|milieu)\s*(?:(?:du\s+mois\s+)?d(?:e\s+|'))?"
    r"|(?:au|du|le|ce)\s+mois\s+d(?:e\s+|')|jusqu'en\s+|depuis\s+|des\s+|en\s+|d(?:e\s+|')))"
)
_SEASON = (
    r"(?:(?:l'|au\s+|en\s+|a\s+l'|cet\s+|ce\s+|cette\s+|l'\s*)?(?:ete|printemps|automne|hiver)\s+(?:de\s+)?)"
)
_PREP_YEAR = (
    r"(?P<prep>(?:(?:a\s+la\s+|au\s+|en\s+|des\s+(?:la\s+)?|depuis\s+(?:la\s+|le\s+)?)?"
    r"(?:debut|fin|mi-|mi\s+|courant|milieu)\s*(?:(?:de\s+l'annee|d'annee)\s+)?"
    rf"|{_SEASON}|en\s+|depuis\s+|des\s+|jusqu'en\s+|avant\s+|apres\s+|(?:l'|cette\s+)?an(?:nee)?\s+))"
)

_Resolved = tuple[str, TimeValue | None, TimeValue | None] | None  # kind, value, end value; None: no mention
_Handler = Callable[[re.Match[str], TimeValue | None], _Resolved]


def _pod(m: re.Match[str]) -> str | None:
    raw = m.groupdict().get("pod")
    return _POD_NAME[" ".join(raw.split())] if raw else None


def _day_number(raw: str) -> int:
    return 1 if raw in ("1er", "premier") else int(raw)


def _date(day: str | None, month: str, year: str | None, pub: TimeValue | None) -> TimeValue | None:
    m = _MONTH_NUM[month]
    d = _day_number(day) if day else None
    y = int(year) if year else _infer_year(m, d, pub)
    return None if y is None else _tv(y, m, d)


def _h_day_month(m: re.Match[str], pub: TimeValue | None):
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


def _h_numeric(m: re.Match[str], pub: TimeValue | None):
    return "point", _tv(int(m["y"]), int(m["m"]), int(m["d"])), None


def _h_month(m: re.Match[str], pub: TimeValue | None):
    return "point", _date(None, m["m"], m.groupdict().get("y"), pub), None


def _h_year(m: re.Match[str], pub: TimeValue | None):
    return "point", _tv(int(m["y"])), None


def _h_weekday(m: re.Match[str], pub: TimeValue | None):
    weekday = _WEEKDAY_NUM[m["wd"]]
    d = _pub_date(pub)
    rel = m["rel"]
    if d is None or rel is None:
        return "point", resolve_weekday(weekday, pub), None
    if rel == "dernier":
        return "point", _shift_days(pub, -((d.weekday() - weekday - 1) % 7 + 1)), None
    return "point", _shift_days(pub, (weekday - d.weekday() - 1) % 7 + 1), None


def _h_night_weekdays(m: re.Match[str], pub: TimeValue | None):
    return "point", resolve_weekday(_WEEKDAY_NUM[m["wd"]], pub), None


def _h_night_days(m: re.Match[str], pub: TimeValue | None):
    return "point", _date(m["d"], m["m1"] or m["m"], m["y"], pub), None


_DEICTIC_DAYS = {"avant-hier": -2, "avant hier": -2, "hier": -1, "aujourd'hui": 0}
#: Deictic days counted from the moment of speaking (re-anchored in a quotation by extraction).
_DEICTIC_SPEECH = {
    **_DEICTIC_DAYS, "la nuit derniere": -1, "ce matin": 0, "ce soir": 0, "cet apres-midi": 0,
    "cet apres midi": 0, "cette matinee": 0, "cette soiree": 0,
}  # fmt: skip


def _h_deictic(m: re.Match[str], pub: TimeValue | None):
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


def _h_week(m: re.Match[str], pub: TimeValue | None):
    last = m["last"] is not None
    if pub is None:
        return "point", None, None
    if pub.day is None and not last:
        return "point", pub, None
    lo, hi = _bounds(pub)  # Monday of the first week to Sunday of the last
    back = 7 if last else 0
    return "point", _around(pub, -lo.weekday() - back, 6 - hi.weekday() - back), None


def _h_month_rel(m: re.Match[str], pub: TimeValue | None):
    if pub is not None and pub.month is None and not m["last"]:
        return "point", pub, None
    return "point", _minus_months(pub, 1 if m["last"] else 0), None


def _h_year_rel(m: re.Match[str], pub: TimeValue | None):
    return "point", None if pub is None else _tv(pub.year - (1 if m["last"] else 0)), None


def _h_edge(m: re.Match[str], pub: TimeValue | None):
    """Start or end of the year or month: "début de l'année", "fin du mois dernier"."""
    back = 1 if m["last"] else 0
    if m["scope"] == "mois":
        return "point", _minus_months(pub, back), None
    return "point", None if pub is None else _tv(pub.year - back), None


def _minus_duration(n: int | None, unit: str, pub: TimeValue | None) -> TimeValue | None:
    """Publication minus a duration, at month precision for months and years, day
    precision for days and weeks; None when the publication date is too coarse."""
    if n is None or pub is None:
        return None
    if unit.startswith(("an", "annee")):
        return _minus_months(pub, 12 * n) if pub.month is not None else _tv(pub.year - n)
    if unit == "mois":
        return _minus_months(pub, n)
    if unit.startswith(("jour", "semaine")) and pub.day is not None:
        return _shift_days(pub, -n * (7 if unit.startswith("semaine") else 1))
    return None


def _h_since_duration(m: re.Match[str], pub: TimeValue | None):
    value = _minus_duration(parse_number(m["n"]), m["unit"], pub)
    return ("since" if value is not None else "duration"), value, None


def _h_ago(m: re.Match[str], pub: TimeValue | None):
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
    start = _tv(year, _MONTH_NUM[first_month], _day_number(d1) if d1 else None)
    return start, end


def _h_span_days(m: re.Match[str], pub: TimeValue | None):
    start, end = _span_values(m["d1"], m["m1"], m["y1"], m["d2"], m["m2"], m["y2"], pub)
    return "span", start, end


def _h_span_months(m: re.Match[str], pub: TimeValue | None):
    start, end = _span_values(None, m["m1"], m["y1"], None, m["m2"], m["y2"], pub)
    return "span", start, end


def _h_span_months_shared(m: re.Match[str], pub: TimeValue | None):
    start, end = _span_values(None, m["m1"], None, None, m["m2"], m["y2"], pub)
    return "span", start, end


def _h_span_years(m: re.Match[str], pub: TimeValue | None):
    if int(m["y1"]) > int(m["y2"]):
        return None  # "de 2013 à 2011" is no span
    return "span", _tv(int(m["y1"])), _tv(int(m["y2"]))


_SEASON_START = {"printemps": (3, 20), "ete": (6, 21), "automne": (9, 22), "hiver": (12, 21)}
_SEASON_END = {"printemps": (6, 20), "ete": (9, 21), "automne": (12, 20), "hiver": (3, 19)}


def _h_season(m: re.Match[str], pub: TimeValue | None):
    """A season without a year: the latest one begun (or, with "dernier", ended) by publication;
    its year is that of its first day (winter runs into the next year)."""
    if pub is None:
        return "point", None, None
    season = m["season"]
    if pub.month is None:
        return "point", _tv(pub.year - (1 if m["last"] else 0)), None
    when = (pub.month, pub.day or 31)
    if m["last"]:
        end = _SEASON_END[season]
        year = pub.year if end < when else pub.year - 1
        return "point", _tv(year - 1 if season == "hiver" else year), None
    return "point", _tv(pub.year if _SEASON_START[season] <= when else pub.year - 1), None


_RECENT_DAYS = {"heures": 1, "jours": 7, "semaines": 28, "mois": 90}


def _h_recent(m: re.Match[str], pub: TimeValue | None):
    """ "ces derniers jours", "ces dernières semaines": the covering value of that stretch before publication."""
    return "point", _around(pub, -_RECENT_DAYS[m["unit"]], 0), None


_PATTERNS: list[tuple[re.Pattern[str], _Handler]] = [
    (
        re.compile(
            rf"{_L}(?:le\s+|ce\s+)?(?:(?P<wd>{_WD})\s+)?(?P<d>{_DAY})\s*(?P<m>{_MONTH})(?:\s+(?P<y>{_YEAR}))?{_POD_TAIL}{_R}"
        ),
        _h_day_month,
    ),
    (
        re.compile(r"(?<![0-9/.])(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[12][0-9]{3})(?![0-9/])"),
        _h_numeric,
    ),
    (re.compile(r"(?<![\w-])(?P<y>[12][0-9]{3})-(?P<m>[01][0-9])-(?P<d>[0-3][0-9])(?![\w-])"), _h_numeric),
    (re.compile(rf"{_L}(?:{_PREP_MONTH}\s*)?(?P<m>{_MONTH})\s+(?P<y>{_YEAR}){_R}"), _h_month),
    (re.compile(rf"{_L}{_PREP_MONTH}\s*(?P<m>{_MONTH}){_R}(?!\s+[0-9])"), _h_month),
    (re.compile(rf"{_L}{_PREP_YEAR}\s*(?P<y>{_YEAR}){_R}"), _h_year),
    (
        re.compile(
            rf"{_L}(?<!chaque\s)(?<!les\s)(?:le\s+)?(?P<wd>{_WD})(?:\s+(?P<rel>dernier|prochain))?{_POD_TAIL}{_R}"
        ),
        _h_weekday,
    ),
    (
        re.compile(
            rf"{_L}(?:(?:dans|pendant|durant)\s+)?la\s+(?P<pod>nuit)\s+de\s+(?P<wd>{_WD})\s+(?:a|au)\s+(?:{_WD}){_R}"
        ),
        _h_night_weekdays,
    ),
    (
        re.compile(
            rf"{_L}(?:(?:dans|pendant|durant)\s+)?la\s+(?P<pod>nuit)\s+du\s+(?P<d>{_DAY})(?:\s+(?P<m1>{_MONTH}))?"
            rf"\s+au\s+{_DAY}\s+(?P<m>{_MONTH})(?:\s+(?P<y>{_YEAR}))?{_R}"
        ),
        _h_night_days,
    ),
    (
        re.compile(
            rf"{_L}(?P<w>avant[- ]hier|hier|aujourd'hui|la\s+nuit\s+derniere|cette\s+nuit"
            rf"|ce\s+(?:matin|soir)|cet\s+apres[- ]midi|cette\s+(?:matinee|soiree))"
            rf"{_POD_TAIL}{_R}"
        ),
        _h_deictic,
    ),
    (re.compile(rf"{_L}(?:cette\s+semaine|la\s+semaine\s+(?P<last>derniere|passee)){_R}"), _h_week),
    (re.compile(rf"{_L}(?:ce\s+mois(?:-ci)?|le\s+mois\s+(?P<last>dernier|passe)){_R}"), _h_month_rel),
    (
        re.compile(rf"{_L}(?:cette\s+annee|l'(?:an|annee)\s+(?P<last>derniere|dernier|passee|passe)){_R}"),
        _h_year_rel,
    ),
    (
        re.compile(
            rf"{_L}(?:(?:au|le|en|des\s+le|a\s+la)\s+)?(?:debut|fin|milieu)\s+"
            rf"(?:de\s+l'|d')?(?P<scope>annee|mois)(?:\s+(?P<last>derniere|dernier|passee|passe))?{_R}"
        ),
        _h_edge,
    ),
    (
        re.compile(
            rf"{_L}(?:(?:au|le|en|des\s+le|a\s+la)\s+)?(?:debut|fin|milieu)\s+du\s+(?P<scope>mois)"
            rf"(?:\s+(?P<last>dernier|passe))?(?!\s+d[e'])\b"
        ),
        _h_edge,
    ),
    (re.compile(rf"{_L}depuis\s+{_DUR_MOD}{_NUM}\s+{_UNIT}{_R}"), _h_since_duration),
    (re.compile(rf"{_L}il\s+y\s+a\s+{_DUR_MOD}{_NUM}\s+{_UNIT}{_R}"), _h_ago),
    (
        re.compile(
            rf"{_L}(?:du|entre\s+le|entre\s+les)\s+(?P<d1>{_DAY})(?:\s+(?P<m1>{_MONTH})(?:\s+(?P<y1>{_YEAR}))?)?"
            rf"\s+(?:au|et\s+le|et)\s+(?P<d2>{_DAY})\s+(?P<m2>{_MONTH})(?:\s+(?P<y2>{_YEAR}))?{_R}"
        ),
        _h_span_days,
    ),
    (
        re.compile(
            rf"{_L}(?:de\s+|d'|entre\s+)(?P<m1>{_MONTH})(?:\s+(?P<y1>{_YEAR}))?\s+(?:a|au|et|jusqu'en|jusqu'a)\s+"
            rf"(?P<m2>{_MONTH})(?:\s+(?P<y2>{_YEAR}))?{_R}"
        ),
        _h_span_months,
    ),
    (
        re.compile(rf"{_L}(?:de|entre)\s+(?P<y1>{_YEAR})\s+(?:a|au|et|jusqu'en)\s+(?P<y2>{_YEAR}){_R}"),
        _h_span_years,
    ),
    (  # "en mai et juin 2015": two months sharing a year
        re.compile(
            rf"{_L}en\s+(?P<m1>{_MONTH})\s+(?:et|puis)\s+(?:en\s+)?(?P<m2>{_MONTH})(?:\s+(?P<y2>{_YEAR}))?{_R}"
        ),
        _h_span_months_shared,
    ),
    (
        re.compile(
            rf"{_L}(?:depuis\s+|des\s+|au\s+|en\s+|a\s+l'|l'|le\s+|cet\s+|ce\s+|cette\s+)"
            rf"(?P<season>printemps|ete|automne|hiver)(?:\s+(?P<last>dernier|passe))?{_R}(?!\s+(?:arabe|[0-9]))"
        ),
        _h_season,
    ),
    (re.compile(rf"{_L}(?:ces|au\s+cours\s+des)\s+(?:derniers|dernieres)\s+(?P<unit>heures|jours|semaines|mois){_R}"),
     _h_recent),
]

_SINCE_START_RE = re.compile(r"(?:depuis|a\s+partir|a\s+compter)\b")
_SINCE_BEFORE_RE = re.compile(r"(?<![\w-])(?:depuis|a\s+partir\s+d(?:u|e|')|a\s+compter\s+d(?:u|e|'))\s*$")
_DES = "dès"  # "dès la mi-juin": since (folded, it is the article "des")
_POD_BEFORE_RE = re.compile(
    r"(?<![\w-])(?:(?:dans|pendant|durant)\s+)?la\s+(?P<pod>nuit|soiree|matinee|apres-midi|journee)\s+d(?:u|e|')\s*$"
)
_LOOKBACK = 40

# -------------------------------------------------------- expressions counted from the text's day

_REL_NUM = rf"(?P<n>[0-9]{{1,3}}|{WORD_NUMBER_PATTERN}|quelques|plusieurs)"
_REL_DAYS = {
    "la veille": -1, "l'avant-veille": -2, "le lendemain": 1, "le surlendemain": 2, "le jour meme": 0,
    "le meme jour": 0, "ce jour-la": 0, "ce jour la": 0, "le premier jour": 0,
}  # fmt: skip
_Relative = tuple[str, int, int, str]  # kind ("point" | "span"), first and last offset, unit ("day" | "month" | "year")


def _r_day_word(m: re.Match[str]) -> _Relative | None:
    i = m.start()
    if m.string[max(0, i - 2) : i] == "a " and (i < 3 or not (m.string[i - 3].isalnum() or m.string[i - 3] == "-")):
        return None  # "à la veille de": on the eve of, not the day before
    n = _REL_DAYS[" ".join(m["w"].split())]
    return "point", n, n, "day"


def _r_later(m: re.Match[str]) -> _Relative | None:
    """ "deux jours plus tard", "trois semaines plus tôt", "quelques heures plus tard"."""
    unit, n = m["unit"], parse_number(m["n"])
    sign = -1 if m["dir"].startswith(("plus tot", "auparavant", "avant")) else 1
    if unit.startswith("heure"):
        return "point", 0, 0, "day"
    if n is None:
        return None
    if unit.startswith(("jour", "semaine")):
        days = sign * n * (7 if unit.startswith("semaine") else 1)
        return "point", days, days, "day"
    if unit == "mois":
        return "point", sign * n, sign * n, "month"
    return "point", sign * n, sign * n, "year"


def _r_lasting(m: re.Match[str]) -> _Relative | None:
    """ "pendant cinq jours" (from the reference day on), "au terme de trois jours de" (up to it)."""
    n = parse_number(m["n"])
    if n is None:
        return None
    days = n * (7 if m["unit"].startswith("semaine") else 1)
    if m["prep"].startswith(("pendant", "durant")):
        return "span", 0, days, "day"
    return "span", -days, 0, "day"


_RELATIVE_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], _Relative | None]]] = [
    (
        re.compile(
            rf"{_L}(?P<w>la\s+veille|l'avant-veille|le\s+lendemain|le\s+surlendemain|le\s+jour\s+meme"
            rf"|le\s+meme\s+jour|ce\s+jour-la|ce\s+jour\s+la|le\s+premier\s+jour){_POD_TAIL}{_R}"
        ),
        _r_day_word,
    ),
    (
        re.compile(
            rf"{_L}{_REL_NUM}\s+(?P<unit>jours?|semaines?|mois|ans|annees?|heures?)\s+"
            rf"(?P<dir>plus\s+tard|plus\s+tot|auparavant|(?:apres|avant)(?=\s*[,.;]))"
        ),
        _r_later,
    ),
    (
        re.compile(
            rf"{_L}(?P<prep>pendant\s+|durant\s+|au\s+terme\s+d(?:e\s+|')|apres\s+){_REL_NUM}\s+"
            rf"(?P<unit>jours|semaines)(?=\s+d(?:e\s|')|\s*[,.;])"
        ),
        _r_lasting,
    ),
]

#: Handlers whose value needs a year from outside the expression (the publication's, or the text's).
_YEARLESS = frozenset({"_h_day_month", "_h_month", "_h_span_days", "_h_span_months", "_h_span_months_shared",
                       "_h_night_days", "_h_season"})


@dataclass(frozen=True)
class _Candidate:
    mention: TimeMention
    match: re.Match[str]
    handler: _Handler | None = None
    relative: _Relative | None = None


def _candidates(text: str, folded: str, published: TimeValue | None) -> list[_Candidate]:
    found: list[_Candidate] = []
    for pattern, handler in _PATTERNS:
        for m in pattern.finditer(folded):
            result = handler(m, published)
            if result is None:
                continue
            kind, value, end_value = result
            start, end = m.span()
            pod = _pod(m)
            if pod is None and (words := m.groupdict().get("w")):
                pod = next((_POD_NAME[w] for w in words.split() if w in _POD_NAME), None)
            if kind == "point":
                if pm := _POD_BEFORE_RE.search(folded, max(0, start - _LOOKBACK), start):
                    start = pm.start()
                    pod = _POD_NAME.get(pm["pod"], pod)
                if _SINCE_START_RE.match(folded, start) or text[start : start + len(_DES)].lower() == _DES:
                    kind = "since"
                elif sm := _SINCE_BEFORE_RE.search(folded, max(0, start - _LOOKBACK), start):
                    start, kind = sm.start(), "since"
            speech = _DEICTIC_SPEECH.get(" ".join(m["w"].split())) if handler is _h_deictic else None
            found.append(_Candidate(TimeMention(start, end, text[start:end], kind, value, end_value, pod, speech), m,
                                    handler))
    for pattern, rel in _RELATIVE_PATTERNS:
        for m in pattern.finditer(folded):
            spec = rel(m)
            if spec is not None:
                start, end = m.span()
                found.append(_Candidate(TimeMention(start, end, text[start:end], spec[0], None, None, _pod(m)), m,
                                        relative=spec))
    return found


def _shift(anchor: TimeValue | None, offset: int, unit: str) -> TimeValue | None:
    if anchor is None:
        return None
    if unit == "day":
        return _shift_days(anchor, offset)
    if unit == "month":
        return _minus_months(anchor, -offset)
    return _tv(anchor.year + offset) if 1 <= anchor.year + offset <= 9999 else None


def _resolve_relative(t: TimeMention, spec: _Relative, anchor: TimeValue | None) -> TimeMention:
    kind, first, last, unit = spec
    if kind == "span":
        return replace(t, value=_shift(anchor, first, unit), end_value=_shift(anchor, last, unit))
    return replace(t, value=_shift(anchor, first, unit))


_SENTENCE_END = re.compile(r"[.!?\n]")


def _day_of(t: TimeMention) -> TimeValue | None:
    """The day a mention ends on, when it names one (a span's last day)."""
    v = t.end_value if t.kind == "span" else t.value
    return v if v is not None and v.day is not None else None


def _in_context(chosen: list[_Candidate], published: TimeValue | None) -> list[TimeMention]:
    """Resolve, in reading order, what needs the text's own reference day or year."""
    out: list[TimeMention] = []
    day: TimeValue | None = None
    year: int | None = None
    for c in chosen:
        t = c.mention
        if c.relative is not None:
            last = out[-1] if out else None
            same_sentence = last is not None and not _SENTENCE_END.search(c.match.string, last.end, t.start)
            near = (last.end_value or last.value) if same_sentence and last is not None else None
            t = _resolve_relative(t, c.relative, near or day or published)
        elif published is None and t.value is None and year is not None and c.handler is not None \
                and c.handler.__name__ in _YEARLESS:
            result = c.handler(c.match, TimeValue(year))
            if result is not None:
                t = replace(t, value=result[1], end_value=result[2])
        day = _day_of(t) or day
        if t.value is not None:
            y = (t.end_value or t.value).year if t.kind == "span" else t.value.year
            if year is None or t.value.month is not None or y > year:
                year = y  # a bare year looking back ("depuis le gazage de 1988") does not move the story
        out.append(t)
    return out


def find_times(text: str, published: TimeValue | None) -> list[TimeMention]:
    """Find French temporal expressions, resolved against the publication date.

    Mentions come sorted by start and never overlap; of overlapping candidates the
    longest wins (then the earliest). Expressions counted from a day of the text take
    the latest day-precise mention before them.

    >>> pub = TimeValue(2024, 12, 7)
    >>> [(t.text, t.kind, t.value.iso()) for t in find_times(
    ...     "L'OSDH a annoncé samedi soir que, depuis le 27 novembre, les rebelles", pub)]
    [('samedi soir', 'point', '2024-12-07'), ('depuis le 27 novembre', 'since', '2024-11-27')]
    >>> [(t.text, t.value) for t in find_times("il y a quatre mois", None)]
    [('il y a quatre mois', None)]
    >>> [(t.text, t.value.iso()) for t in find_times("Ils ont pris le 3 mai la ville, attaquée la veille.", pub)]
    [('le 3 mai', '2024-05-03'), ('la veille', '2024-05-02')]
    """
    folded = fold(text)
    candidates = _candidates(text, folded, published)
    candidates.sort(key=lambda c: (-(c.mention.end - c.mention.start), c.mention.start))
    chosen: list[_Candidate] = []
    taken: list[tuple[int, int]] = []
    for cand in candidates:
        t = cand.mention
        if t.start == t.end:
            continue
        if any(t.start < e and s < t.end for s, e in taken):
            continue
        chosen.append(cand)
        taken.append((t.start, t.end))
    chosen.sort(key=lambda c: c.mention.start)
    return _in_context(chosen, published)
