"""French numbers and quantities in news dispatches.

``find_quantities`` finds counts such as "au moins 13", "plus de 20.000", "une trentaine",
"des centaines" or "vingt-deux" and returns them as plain :class:`Quantity` records with a
qualifier (``Exactly``, ``AtLeast``, ``MoreThan``, ``Approximately``).  Dates ("en 2012",
"le 14 avril 2018", "14/04/2018"), clock times ("6 heures", "13h30"), ordinals ("1er",
"4e") and numbers inside identifiers ("T-72", "A320") are not quantities.

The grammar runs on :func:`kg.schema.text.fold`-ed text (one character in for one character
out), so offsets found in the folded text are offsets in the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kg.schema.text import fold

__all__ = [
    "Quantity",
    "QUALIFIERS",
    "WORD_NUMBER_PATTERN",
    "find_quantities",
    "parse_number",
]

QUALIFIERS = ("Exactly", "AtLeast", "MoreThan", "Approximately")

# ------------------------------------------------------------------- number grammar

_S = r"(?:-|\s+)"  # separator between number words
_UNIT1_9 = "une|un|deux|trois|quatre|cinq|six|sept|huit|neuf"
_UNIT2_9 = "deux|trois|quatre|cinq|six|sept|huit|neuf"
_TEEN = rf"dix{_S}sept|dix{_S}huit|dix{_S}neuf|onze|douze|treize|quatorze|quinze|seize|dix"
_B100 = (
    rf"quatre{_S}vingts?(?:{_S}(?:{_TEEN}|{_UNIT1_9}))?"
    rf"|soixante(?:{_S}et{_S}(?:une|un|onze)|{_S}(?:{_TEEN}|{_UNIT2_9}))?"
    rf"|(?:vingt|trente|quarante|cinquante)(?:{_S}et{_S}(?:une|un)|{_S}(?:{_UNIT2_9}))?"
    rf"|{_TEEN}|{_UNIT1_9}|zero"
)
_B1000 = rf"(?:(?:{_UNIT2_9}){_S})?cents?(?:{_S}(?:{_B100}))?|{_B100}"
_B1M = rf"(?:(?:{_B1000}){_S})?mille(?:{_S}(?:{_B1000}))?|{_B1000}"
_SCALE = r"millions?|milliards?"

#: Regex source (no groups) for a French cardinal in words, in :func:`fold`-ed text.
WORD_NUMBER_PATTERN = rf"(?:(?:{_B1000}){_S}(?:{_SCALE})(?:{_S}(?:{_B1M}))?|{_B1M})"

_WORD_VALUES = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "trente": 30, "quarante": 40,
    "cinquante": 50, "soixante": 60,
}  # fmt: skip
_SCALES = {"million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9}

# "une trentaine" (about 30), "des centaines" (at least two hundred)
_APPROX_BASE = {
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
    "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60, "centaine": 100,
    "millier": 1000, "million": 10**6,
}  # fmt: skip
_APPROX_SG = (
    r"(?:une|un)\s+(?P<asg>dizaine|douzaine|quinzaine|vingtaine|trentaine|quarantaine"
    r"|cinquantaine|soixantaine|centaine|millier)(?:\s+d(?:e\s+|')(?P<asgm>milliers|millions))?"
)
_APPROX_PL = (
    r"(?P<det>des|plusieurs|quelques)\s+(?P<apl>dizaines|vingtaines|centaines|milliers|millions)"
    r"(?:\s+d(?:e\s+|')(?P<aplm>milliers|millions))?"
)
_DIGITS = r"[0-9]{1,3}(?:(?P<sep>[. ])[0-9]{3})(?:(?P=sep)[0-9]{3})*(?![0-9])|[0-9]+"
_DIGIT_NUMBER = (
    rf"(?P<digits>{_DIGITS})(?P<dec>[.,][0-9]+)?(?:\s*(?P<scale>millions?|milliards?|mille)(?![\w-]))?"
)

_MAX_DIGITS = 15
_DIGIT_RE = re.compile(_DIGIT_NUMBER)
_WORD_RE = re.compile(WORD_NUMBER_PATTERN)
_APPROX_RE = re.compile(rf"{_APPROX_SG}|{_APPROX_PL}")
_SPACES_RE = re.compile(r"\s+")
_WORD_SPLIT_RE = re.compile(r"[\s-]+")


def _words_value(words: str) -> int:
    """Value of a string already matched by ``WORD_NUMBER_PATTERN``."""
    total = current = 0
    previous = ""
    for token in _WORD_SPLIT_RE.split(words):
        if token == "et" or not token:
            continue
        if token in ("cent", "cents"):
            current = (current or 1) * 100
        elif token == "mille":
            total += (current or 1) * 1000
            current = 0
        elif token in _SCALES:
            total = (total + (current or 1)) * _SCALES[token]
            current = 0
        elif token in ("vingt", "vingts") and previous == "quatre":
            current += 76  # quatre (4) + 76 = quatre-vingt (80)
        else:
            current += _WORD_VALUES[token]
        previous = token
    return total + current


def _scale_value(scale: str | None) -> int:
    if scale is None:
        return 1
    return 1000 if scale == "mille" else _SCALES[scale]


def _digit_value(m: re.Match[str]) -> int | None:
    digits = m.group("digits").replace(".", "").replace(" ", "")
    if len(digits) > _MAX_DIGITS:
        return None  # a serial number or garbage, not a count
    dec = m.group("dec")
    scale = m.group("scale")
    if dec is not None:
        if scale is None:
            return None  # "3,5" is not a count
        try:
            number = Decimal(digits + "." + dec[1:]) * _scale_value(scale)
        except InvalidOperation:  # pragma: no cover - the regex admits only digits
            return None
        return int(number) if number == number.to_integral_value() else None
    return int(digits) * _scale_value(scale)


def _approx_value(m: re.Match[str]) -> int:
    if m.group("asg"):
        base, tail = _APPROX_BASE[m.group("asg")], m.group("asgm")
    else:
        base, tail = 2 * _APPROX_BASE[m.group("apl").rstrip("s")], m.group("aplm")
    if tail:
        base *= 1000 if tail == "milliers" else 10**6
    return base


def parse_number(s: str) -> int | None:
    """Parse a French number written in digits or words; ``None`` when it is not one.

    Thousands may be grouped with ".", a space or a (narrow) no-break space; a decimal
    comma needs a scale word ("1,5 million").  Vague amounts get a conventional value:
    "une trentaine" is 30, "des centaines" 200 (twice the unit), "des milliers" 2000.

    >>> parse_number("20.000"), parse_number("1,5 million"), parse_number("quatre-vingt-quinze")
    (20000, 1500000, 95)
    >>> parse_number("des centaines"), parse_number("une trentaine"), parse_number("hier")
    (200, 30, None)
    """
    text = _SPACES_RE.sub(" ", fold(s).strip())
    if not text:
        return None
    if m := _DIGIT_RE.fullmatch(text):
        return _digit_value(m)
    if m := _APPROX_RE.fullmatch(text):
        return _approx_value(m)
    if _WORD_RE.fullmatch(text):
        return _words_value(text)
    return None


# ------------------------------------------------------------------------ quantities


@dataclass(frozen=True)
class Quantity:
    """A count found in text: span (qualifier words included), value and qualifier."""

    start: int
    end: int
    text: str
    value: int
    qualifier: str
    approximate_word: bool = False


_DE = r"d(?:e\s+|')"
_QUALIFIER_WORDS = {
    "au moins": "AtLeast",
    "au minimum": "AtLeast",
    "pas moins d": "AtLeast",
    "plus d": "MoreThan",
    "au-dela d": "MoreThan",
    "au dela d": "MoreThan",
    "environ": "Approximately",
    "pres d": "Approximately",
    "quelque": "Approximately",
    "quelques": "Approximately",
    "quasiment": "Approximately",
    "approximativement": "Approximately",
    "autour d": "Approximately",
    "presque": "Approximately",
    "aux alentours d": "Approximately",
    "a peu pres": "Approximately",
}
_QUAL = (
    rf"(?P<qual>au\s+moins|au\s+minimum|pas\s+moins\s+{_DE}|plus\s+{_DE}|au[- ]dela\s+{_DE}"
    rf"|environ|pres\s+{_DE}|quelques|quelque|quasiment|approximativement|autour\s+{_DE}"
    rf"|presque|aux\s+alentours\s+{_DE}|a\s+peu\s+pres)"
)
_QUANTITY_RE = re.compile(
    rf"(?<![\w/-])(?<!\w[.,])(?:{_QUAL}\s*)?"
    rf"(?P<num>{_APPROX_SG}|{_APPROX_PL}|{_DIGIT_NUMBER}|(?P<words>{WORD_NUMBER_PATTERN}))"
    r"(?![\w/-]|[.,][0-9])"
)


def _qual_key(qual: str) -> str:
    key = " ".join(qual.split())
    if key.endswith("'"):
        return key[:-1]
    return key[:-1] if key.endswith(" de") else key


_MONTHS = "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
_DAY_OF_MONTH_RE = re.compile(
    rf"\s+(?:(?:{_MONTHS})\b|(?:au|et(?:\s+le)?)\s+[0-9]{{1,2}}(?:er)?\s+(?:{_MONTHS})\b)"
)
_CLOCK_RE = re.compile(r"\s*(?:h|heures?)\b")
_YEAR_BEFORE_RE = re.compile(
    rf"(?:(?<!\w)(?P<word>en|depuis|fin|debut|mi|des|avant|apres|jusqu'en|vers|annees?|an|ete"
    rf"|printemps|automne|hiver|{_MONTHS})[\s-]+|(?<!\w)(?P<de>de\s+|d'))$"
)
_YEAR_AFTER_DE_RE = re.compile(r"\s*(?:$|[^\w\s]|(?:a|au|et|jusqu'[a-z]*)\b)")
_END_OF_CLAUSE_RE = re.compile(r"\s*(?:$|[.,;:!?)\]»\"])")
_NEGATIVE_BEFORE_RE = re.compile(rf"(?:(?<!\w)moins\s+{_DE}|jusqu'a\s+|(?<!\w)pas\s+plus\s+{_DE})$")
_NOT_BEFORE_RE = re.compile(r"(?<!\w)(?:pas|ne|n')\s*$")
_POUR_RE = re.compile(r"(?<!\w)pour\s+$")


def _is_year(folded: str, start: int, end: int) -> bool:
    """A bare 4-digit 1900-2099 read as a year from its neighbours."""
    token = folded[start:end]
    if not (len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2099):
        return False
    after = folded[end : end + 20]
    if m := _YEAR_BEFORE_RE.search(folded[max(0, start - 20) : start]):
        return not m.group("de") or bool(_YEAR_AFTER_DE_RE.match(after))
    return bool(_END_OF_CLAUSE_RE.match(after))


def find_quantities(text: str) -> list[Quantity]:
    """Find counts in French text, sorted and non-overlapping.

    >>> [(q.text, q.value, q.qualifier) for q in find_quantities(
    ...     "au moins 13 morts et plus de 20.000 déplacés en 2012")]
    [('au moins 13', 13, 'AtLeast'), ('plus de 20.000', 20000, 'MoreThan')]
    >>> q = find_quantities("des centaines de civils")[0]
    >>> q.value, q.qualifier, q.approximate_word
    (200, 'AtLeast', True)
    """
    folded = fold(text)
    found: list[Quantity] = []
    for m in _QUANTITY_RE.finditer(folded):
        qual = m.group("qual")
        n_start, n_end = m.span("num")
        before = folded[max(0, m.start() - 30) : m.start()]
        approximate = False
        if m.group("asg") or m.group("apl"):
            value = _approx_value(m)
            approximate = True
            default = "AtLeast" if m.group("det") in ("des", "plusieurs") else "Approximately"
        elif m.group("digits") is not None:
            maybe = _digit_value(m)
            if maybe is None:
                continue
            value, default = maybe, "Exactly"
            plain = m.group("scale") is None and m.group("dec") is None
            if plain and qual is None and _is_year(folded, n_start, n_end):
                continue
            if plain and len(m.group("digits")) <= 2 and _DAY_OF_MONTH_RE.match(folded, n_end):
                continue
            if plain and _CLOCK_RE.match(folded, n_end):
                continue
        else:
            words = m.group("words")
            if words in ("un", "une") and qual is None:
                continue  # the article, not a count
            if words == "cent" and _POUR_RE.search(before):
                continue  # "40 pour cent"
            value, default = _words_value(words), "Exactly"
        if qual is None:
            if _NEGATIVE_BEFORE_RE.search(before):
                continue  # "moins de 10", "jusqu'à 300": upper bounds have no qualifier here
            qualifier = default
        else:
            if _NOT_BEFORE_RE.search(before):
                continue  # "pas plus de 10"
            qualifier = _QUALIFIER_WORDS[_qual_key(qual)]
        found.append(Quantity(m.start(), m.end(), text[m.start() : m.end()], value, qualifier, approximate))
    return found
