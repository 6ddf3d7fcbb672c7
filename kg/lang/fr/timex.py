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

The calendar arithmetic and the handlers are in :mod:`kg.lang.fr.timex_handlers`, the regular
expressions in :mod:`kg.lang.fr.timex_patterns`; this module finds, chooses and resolves the mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kg.lang.fr.timex_handlers import (
    DEICTIC_SPEECH,
    Handler,
    h_deictic,
    minus_months,
    resolve_weekday,
    shift_days,
    time_value,
)
from kg.lang.fr.timex_patterns import PATTERNS, POD_NAME, RELATIVE_PATTERNS, Relative, pod_of
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
    return time_value(year, month, day)


_SINCE_START_RE = re.compile(r"(?:depuis|a\s+partir|a\s+compter)\b")
_SINCE_BEFORE_RE = re.compile(r"(?<![\w-])(?:depuis|a\s+partir\s+d(?:u|e|')|a\s+compter\s+d(?:u|e|'))\s*$")
_DES = "dès"  # "dès la mi-juin": since (folded, it is the article "des")
_POD_BEFORE_RE = re.compile(
    r"(?<![\w-])(?:(?:dans|pendant|durant)\s+)?la\s+(?P<pod>nuit|soiree|matinee|apres-midi|journee)\s+d(?:u|e|')\s*$"
)
_LOOKBACK = 40

#: Handlers whose value needs a year from outside the expression (the publication's, or the text's).
_YEARLESS = frozenset({"h_day_month", "h_month", "h_span_days", "h_span_months", "h_span_months_shared",
                       "h_night_days", "h_season"})


@dataclass(frozen=True)
class _Candidate:
    mention: TimeMention
    match: re.Match[str]
    handler: Handler | None = None
    relative: Relative | None = None


def _candidates(text: str, folded: str, published: TimeValue | None) -> list[_Candidate]:
    found: list[_Candidate] = []
    for pattern, handler in PATTERNS:
        for m in pattern.finditer(folded):
            result = handler(m, published)
            if result is None:
                continue
            kind, value, end_value = result
            start, end = m.span()
            pod = pod_of(m)
            if pod is None and (words := m.groupdict().get("w")):
                pod = next((POD_NAME[w] for w in words.split() if w in POD_NAME), None)
            if kind == "point":
                if pm := _POD_BEFORE_RE.search(folded, max(0, start - _LOOKBACK), start):
                    start = pm.start()
                    pod = POD_NAME.get(pm["pod"], pod)
                if _SINCE_START_RE.match(folded, start) or text[start : start + len(_DES)].lower() == _DES:
                    kind = "since"
                elif sm := _SINCE_BEFORE_RE.search(folded, max(0, start - _LOOKBACK), start):
                    start, kind = sm.start(), "since"
            speech = DEICTIC_SPEECH.get(" ".join(m["w"].split())) if handler is h_deictic else None
            found.append(_Candidate(TimeMention(start, end, text[start:end], kind, value, end_value, pod, speech), m,
                                    handler))
    for pattern, rel in RELATIVE_PATTERNS:
        for m in pattern.finditer(folded):
            spec = rel(m)
            if spec is not None:
                start, end = m.span()
                found.append(_Candidate(TimeMention(start, end, text[start:end], spec[0], None, None, pod_of(m)), m,
                                        relative=spec))
    return found


def _shift(anchor: TimeValue | None, offset: int, unit: str) -> TimeValue | None:
    if anchor is None:
        return None
    if unit == "day":
        return shift_days(anchor, offset)
    if unit == "month":
        return minus_months(anchor, -offset)
    return time_value(anchor.year + offset) if 1 <= anchor.year + offset <= 9999 else None


def _resolve_relative(t: TimeMention, spec: Relative, anchor: TimeValue | None) -> TimeMention:
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
