"""The regular expressions of French dates, each paired with its handler.

:data:`PATTERNS` are expressions resolved against the publication date (handlers in
:mod:`kg.lang.fr.timex_handlers`); :data:`RELATIVE_PATTERNS` are counted from a day the text has
just named ("la veille", "deux jours plus tard") and give offsets that :mod:`kg.lang.fr.timex`
resolves in reading order. Text is matched folded (no accents, lower case).

Imports only the handlers and French numbers; not the finder (:mod:`kg.lang.fr.timex`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.lang.fr.numbers import WORD_NUMBER_PATTERN, parse_number
from kg.lang.fr.timex_handlers import (
    Handler,
    h_ago,
    h_day_month,
    h_deictic,
    h_edge,
    h_month,
    h_month_rel,
    h_night_days,
    h_night_weekdays,
    h_numeric,
    h_recent,
    h_season,
    h_since_duration,
    h_span_days,
    h_span_months,
    h_span_months_shared,
    h_span_years,
    h_week,
    h_weekday,
    h_year,
    h_year_rel,
)

__all__ = ["PATTERNS", "POD_NAME", "RELATIVE_PATTERNS", "Relative", "pod_of"]

POD_NAME = {
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


def pod_of(m: re.Match[str]) -> str | None:
    raw = m.groupdict().get("pod")
    return POD_NAME[" ".join(raw.split())] if raw else None


PATTERNS: list[tuple[re.Pattern[str], Handler]] = [
    (
        re.compile(
            rf"{_L}(?:le\s+|ce\s+)?(?:(?P<wd>{_WD})\s+)?(?P<d>{_DAY})\s*(?P<m>{_MONTH})(?:\s+(?P<y>{_YEAR}))?{_POD_TAIL}{_R}"
        ),
        h_day_month,
    ),
    (
        re.compile(r"(?<![0-9/.])(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[12][0-9]{3})(?![0-9/])"),
        h_numeric,
    ),
    (re.compile(r"(?<![\w-])(?P<y>[12][0-9]{3})-(?P<m>[01][0-9])-(?P<d>[0-3][0-9])(?![\w-])"), h_numeric),
    (re.compile(rf"{_L}(?:{_PREP_MONTH}\s*)?(?P<m>{_MONTH})\s+(?P<y>{_YEAR}){_R}"), h_month),
    (re.compile(rf"{_L}{_PREP_MONTH}\s*(?P<m>{_MONTH}){_R}(?!\s+[0-9])"), h_month),
    (re.compile(rf"{_L}{_PREP_YEAR}\s*(?P<y>{_YEAR}){_R}"), h_year),
    (
        re.compile(
            rf"{_L}(?<!chaque\s)(?<!les\s)(?:le\s+)?(?P<wd>{_WD})(?:\s+(?P<rel>dernier|prochain))?{_POD_TAIL}{_R}"
        ),
        h_weekday,
    ),
    (
        re.compile(
            rf"{_L}(?:(?:dans|pendant|durant)\s+)?la\s+(?P<pod>nuit)\s+de\s+(?P<wd>{_WD})\s+(?:a|au)\s+(?:{_WD}){_R}"
        ),
        h_night_weekdays,
    ),
    (
        re.compile(
            rf"{_L}(?:(?:dans|pendant|durant)\s+)?la\s+(?P<pod>nuit)\s+du\s+(?P<d>{_DAY})(?:\s+(?P<m1>{_MONTH}))?"
            rf"\s+au\s+{_DAY}\s+(?P<m>{_MONTH})(?:\s+(?P<y>{_YEAR}))?{_R}"
        ),
        h_night_days,
    ),
    (
        re.compile(
            rf"{_L}(?P<w>avant[- ]hier|hier|aujourd'hui|la\s+nuit\s+derniere|cette\s+nuit"
            rf"|ce\s+(?:matin|soir)|cet\s+apres[- ]midi|cette\s+(?:matinee|soiree))"
            rf"{_POD_TAIL}{_R}"
        ),
        h_deictic,
    ),
    (re.compile(rf"{_L}(?:cette\s+semaine|la\s+semaine\s+(?P<last>derniere|passee)){_R}"), h_week),
    (re.compile(rf"{_L}(?:ce\s+mois(?:-ci)?|le\s+mois\s+(?P<last>dernier|passe)){_R}"), h_month_rel),
    (
        re.compile(rf"{_L}(?:cette\s+annee|l'(?:an|annee)\s+(?P<last>derniere|dernier|passee|passe)){_R}"),
        h_year_rel,
    ),
    (
        re.compile(
            rf"{_L}(?:(?:au|le|en|des\s+le|a\s+la)\s+)?(?:debut|fin|milieu)\s+"
            rf"(?:de\s+l'|d')?(?P<scope>annee|mois)(?:\s+(?P<last>derniere|dernier|passee|passe))?{_R}"
        ),
        h_edge,
    ),
    (
        re.compile(
            rf"{_L}(?:(?:au|le|en|des\s+le|a\s+la)\s+)?(?:debut|fin|milieu)\s+du\s+(?P<scope>mois)"
            rf"(?:\s+(?P<last>dernier|passe))?(?!\s+d[e'])\b"
        ),
        h_edge,
    ),
    (re.compile(rf"{_L}depuis\s+{_DUR_MOD}{_NUM}\s+{_UNIT}{_R}"), h_since_duration),
    (re.compile(rf"{_L}il\s+y\s+a\s+{_DUR_MOD}{_NUM}\s+{_UNIT}{_R}"), h_ago),
    (
        re.compile(
            rf"{_L}(?:du|entre\s+le|entre\s+les)\s+(?P<d1>{_DAY})(?:\s+(?P<m1>{_MONTH})(?:\s+(?P<y1>{_YEAR}))?)?"
            rf"\s+(?:au|et\s+le|et)\s+(?P<d2>{_DAY})\s+(?P<m2>{_MONTH})(?:\s+(?P<y2>{_YEAR}))?{_R}"
        ),
        h_span_days,
    ),
    (
        re.compile(
            rf"{_L}(?:de\s+|d'|entre\s+)(?P<m1>{_MONTH})(?:\s+(?P<y1>{_YEAR}))?\s+(?:a|au|et|jusqu'en|jusqu'a)\s+"
            rf"(?P<m2>{_MONTH})(?:\s+(?P<y2>{_YEAR}))?{_R}"
        ),
        h_span_months,
    ),
    (
        re.compile(rf"{_L}(?:de|entre)\s+(?P<y1>{_YEAR})\s+(?:a|au|et|jusqu'en)\s+(?P<y2>{_YEAR}){_R}"),
        h_span_years,
    ),
    (  # "en mai et juin 2015": two months sharing a year
        re.compile(
            rf"{_L}en\s+(?P<m1>{_MONTH})\s+(?:et|puis)\s+(?:en\s+)?(?P<m2>{_MONTH})(?:\s+(?P<y2>{_YEAR}))?{_R}"
        ),
        h_span_months_shared,
    ),
    (
        re.compile(
            rf"{_L}(?:depuis\s+|des\s+|au\s+|en\s+|a\s+l'|l'|le\s+|cet\s+|ce\s+|cette\s+)"
            rf"(?P<season>printemps|ete|automne|hiver)(?:\s+(?P<last>dernier|passe))?{_R}(?!\s+(?:arabe|[0-9]))"
        ),
        h_season,
    ),
    (re.compile(rf"{_L}(?:ces|au\s+cours\s+des)\s+(?:derniers|dernieres)\s+(?P<unit>heures|jours|semaines|mois){_R}"),
     h_recent),
]

# -------------------------------------------------------- expressions counted from the text's day

_REL_NUM = rf"(?P<n>[0-9]{{1,3}}|{WORD_NUMBER_PATTERN}|quelques|plusieurs)"
_REL_DAYS = {
    "la veille": -1, "l'avant-veille": -2, "le lendemain": 1, "le surlendemain": 2, "le jour meme": 0,
    "le meme jour": 0, "ce jour-la": 0, "ce jour la": 0, "le premier jour": 0,
}  # fmt: skip
Relative = tuple[str, int, int, str]  # kind ("point" | "span"), first and last offset, unit ("day" | "month" | "year")


def _r_day_word(m: re.Match[str]) -> Relative | None:
    i = m.start()
    if m.string[max(0, i - 2) : i] == "a " and (i < 3 or not (m.string[i - 3].isalnum() or m.string[i - 3] == "-")):
        return None  # "à la veille de": on the eve of, not the day before
    n = _REL_DAYS[" ".join(m["w"].split())]
    return "point", n, n, "day"


def _r_later(m: re.Match[str]) -> Relative | None:
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


def _r_lasting(m: re.Match[str]) -> Relative | None:
    """ "pendant cinq jours" (from the reference day on), "au terme de trois jours de" (up to it)."""
    n = parse_number(m["n"])
    if n is None:
        return None
    days = n * (7 if m["unit"].startswith("semaine") else 1)
    if m["prep"].startswith(("pendant", "durant")):
        return "span", 0, days, "day"
    return "span", -days, 0, "day"


RELATIVE_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Relative | None]]] = [
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
