"""Calendar values at year, month or day precision: the time of every record in kg."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

__all__ = ["TimeValue", "empty_period"]

_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, slots=True)
class TimeValue:
    """A calendar value at year, month or day precision (ordered chronologically).

    >>> TimeValue(2024, 11).iso(), TimeValue(2024, 11, 27).precision
    ('2024-11', 'day')
    >>> TimeValue(2024, 11).contains(TimeValue(2024, 11, 27))
    True
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"TimeValue: year {self.year} is outside 1..9999")
        if self.month is None:
            if self.day is not None:
                raise ValueError("TimeValue: a day needs a month")
            return
        if not 1 <= self.month <= 12:
            raise ValueError(f"TimeValue: month {self.month} is outside 1..12")
        if self.day is not None and not 1 <= self.day <= calendar.monthrange(self.year, self.month)[1]:
            raise ValueError(f"TimeValue: {self.year}-{self.month:02d} has no day {self.day}")

    @classmethod
    def from_iso(cls, text: str) -> TimeValue:
        """The value ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` writes; :class:`ValueError` when the text
        is not one, or names no day, month or year of the calendar (2024-13, 2024-02-30).

        >>> TimeValue.from_iso("2024-02"), TimeValue.from_iso("2024-02-29").precision
        (TimeValue(year=2024, month=2, day=None), 'day')
        """
        m = _ISO.fullmatch(text)
        if m is None:
            raise ValueError(f"{text!r}: not YYYY, YYYY-MM or YYYY-MM-DD")
        return cls(*(int(g) if g else None for g in m.groups()))

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, TimeValue):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, TimeValue):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, TimeValue):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, TimeValue):
            return NotImplemented
        return self._key() >= other._key()

    def iso(self) -> str:
        """ISO 8601 text at the value's precision (an xsd:gYear, gYearMonth or date)."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def precision(self) -> str:
        """``"year"``, ``"month"`` or ``"day"``."""
        if self.month is None:
            return "year"
        return "month" if self.day is None else "day"

    def contains(self, other: TimeValue) -> bool:
        """True when ``other`` lies within this value (a value contains itself)."""
        if self.year != other.year:
            return False
        if self.month is None:
            return True
        if self.month != other.month:
            return False
        return self.day is None or self.day == other.day

    def overlaps(self, other: TimeValue) -> bool:
        """True when one value contains the other."""
        return self.contains(other) or other.contains(self)


def empty_period(since: str | None, until: str | None) -> bool:
    """True when no date can lie in [``since``, ``until``]: ``since`` is after ``until``, compared at
    the coarser of their precisions, as the filters compare an event's date with each bound (cut to
    the bound's length). ``2020-06`` .. ``2020`` is not empty (June to December 2020).

    >>> empty_period("2020", "2012"), empty_period("2020-06", "2020"), empty_period("2020-06-15", "2020-06-10")
    (True, False, True)
    >>> empty_period("2020", None)
    False
    """
    if not since or not until:
        return False
    common = min(len(since), len(until))
    return since[:common] > until[:common]
