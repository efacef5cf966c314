"""Working-day arithmetic for time-limited replies (seed 四.五 限时答复; DESIGN rule 6).

DESIGN rule 6: deadlines are counted in the official working days of mainland China — the
State Council holiday schedule with its swapped working weekends (调休上班). This is the one
pure module for that arithmetic (STYLE rule 8): no Django, no database. Callers build a
:class:`WorkCalendar` (``guanwu.calendar.services.load_calendar()`` does it from the
database) and pass it in, so views, admin, API, commands and tasks all count the same way.

A day is a working day when it is a swapped working weekend day, or else when it is a
Monday–Friday that is not an official holiday. Years whose schedule has not been loaded
(``known_years``) are counted as plain Monday–Friday weeks; answers that cross such a year
are *provisional* and must be recomputed once the year is imported.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "WorkCalendar",
    "add_workdays",
    "is_provisional",
    "is_workday",
    "next_workday",
    "unknown_years",
    "workdays_between",
    "years_touched",
]

ONE_DAY = datetime.timedelta(days=1)


def _is_weekend(day: datetime.date) -> bool:
    return day.weekday() >= 5


@dataclass(frozen=True)
class WorkCalendar:
    """The exceptions to the Monday–Friday rule, and the years whose schedule is known.

    ``holidays`` are official days off (weekend dates in it are harmless: they are rest days
    anyway); ``workdays`` are weekend days that are worked (调休上班). A date cannot be both.
    """

    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()
    known_years: frozenset[int] = frozenset()
    # Sorted exceptions that actually change a day's status, for counting by bisection.
    _weekday_holidays: tuple[datetime.date, ...] = field(
        init=False, repr=False, compare=False, default=()
    )
    _weekend_workdays: tuple[datetime.date, ...] = field(
        init=False, repr=False, compare=False, default=()
    )

    def __post_init__(self) -> None:
        # Accept any iterable (lists in tests), but keep the dataclass immutable and hashable.
        for name in ("holidays", "workdays", "known_years"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value))
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"dates both holiday and workday: {sorted(both)}")
        object.__setattr__(
            self,
            "_weekday_holidays",
            tuple(sorted(d for d in self.holidays if not _is_weekend(d))),
        )
        object.__setattr__(
            self, "_weekend_workdays", tuple(sorted(d for d in self.workdays if _is_weekend(d)))
        )


def is_workday(day: datetime.date, cal: WorkCalendar) -> bool:
    """Whether ``day`` is an official working day (DESIGN rule 6)."""
    if day in cal.workdays:
        return True
    if day in cal.holidays:
        return False
    return not _is_weekend(day)


def _weekdays_up_to(day: datetime.date) -> int:
    """Monday–Friday dates from 0001-01-01 (a Monday) up to and including ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def _count_in(
    sorted_days: tuple[datetime.date, ...], start: datetime.date, end: datetime.date
) -> int:
    """How many of ``sorted_days`` fall in (start, end]."""
    return bisect.bisect_right(sorted_days, end) - bisect.bisect_right(sorted_days, start)


def workdays_between(start: datetime.date, end: datetime.date, cal: WorkCalendar) -> int:
    """Working days in (start, end]: the days a reply took, or has left, under rule 6.

    ``start`` itself never counts (the day a case arrives is day 0), ``end`` does. When
    ``end`` is before ``start`` the result is negative — minus the working days in
    (end, start] — so "overdue by N working days" reads naturally. For every n ≥ 0,
    ``workdays_between(s, add_workdays(s, n, cal), cal) == n``.
    """
    if end < start:
        return -workdays_between(end, start, cal)
    count = _weekdays_up_to(end) - _weekdays_up_to(start)
    count -= _count_in(cal._weekday_holidays, start, end)
    count += _count_in(cal._weekend_workdays, start, end)
    return count


def add_workdays(start: datetime.date, n: int, cal: WorkCalendar) -> datetime.date:
    """The n-th working day strictly after ``start`` (DESIGN rule 6 and the API: add=0 → start).

    ``n = 0`` returns ``start`` unchanged even when it is a holiday or a weekend: the API
    contract says "``add=0`` gives ``start``". A case received on a holiday therefore has
    its first working day counted from the next working day, as the count starts after
    ``start``. Raises ``ValueError`` for negative ``n`` and ``OverflowError`` past year 9999.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    remaining = n
    while remaining:
        day += ONE_DAY
        if is_workday(day, cal):
            remaining -= 1
    return day


def next_workday(
    day: datetime.date, cal: WorkCalendar, *, inclusive: bool = False
) -> datetime.date:
    """The first working day after ``day`` (or ``day`` itself when ``inclusive`` and working).

    Under rule 6 this is when the count of a case received on ``day`` really begins.
    """
    if inclusive and is_workday(day, cal):
        return day
    return add_workdays(day, 1, cal)


def years_touched(start: datetime.date, result: datetime.date) -> range:
    """The calendar years of the days in (start, result] — the only days an answer depends on.

    ``add_workdays(start, n)`` looks at no day outside (start, result], and neither does
    ``workdays_between(start, result)``; the order of the two dates does not matter.
    """
    low, high = min(start, result), max(start, result)
    if low == high:
        return range(0)
    return range((low + ONE_DAY).year, high.year + 1)


def is_provisional(start: datetime.date, result: datetime.date, cal: WorkCalendar) -> bool:
    """Whether the answer crossed a year whose official schedule is not known (rule 6).

    Such a year was counted as plain Monday–Friday weeks, so the answer may move once the
    State Council publishes that year's schedule and it is imported.
    """
    return any(year not in cal.known_years for year in years_touched(start, result))


def unknown_years(
    pairs: Iterable[tuple[datetime.date, datetime.date]], cal: WorkCalendar
) -> list[int]:
    """The unknown years any of the (start, result) pairs cross, sorted; for reports."""
    years = {y for s, r in pairs for y in years_touched(s, r) if y not in cal.known_years}
    return sorted(years)
