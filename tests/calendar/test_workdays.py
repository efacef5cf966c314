"""The pure working-day module (DESIGN rule 6, STYLE rule 8), on hand-built calendars."""

from __future__ import annotations

import datetime
import random

import pytest

from guanwu.calendar.workdays import (
    WorkCalendar,
    add_workdays,
    is_provisional,
    is_workday,
    next_workday,
    unknown_years,
    workdays_between,
    years_touched,
)

D = datetime.date


def _span(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


# The State Council schedule for 2026 as FACTS.md records it (chinesecalendar 1.11.0):
# whole holiday periods, weekends included, and the swapped working weekend days.
HOLIDAYS_2026 = [
    *_span(D(2026, 1, 1), D(2026, 1, 3)),
    *_span(D(2026, 2, 15), D(2026, 2, 23)),
    *_span(D(2026, 4, 4), D(2026, 4, 6)),
    *_span(D(2026, 5, 1), D(2026, 5, 5)),
    *_span(D(2026, 6, 19), D(2026, 6, 21)),
    *_span(D(2026, 9, 25), D(2026, 9, 27)),
    *_span(D(2026, 10, 1), D(2026, 10, 7)),
]
WORKDAYS_2026 = [
    D(2026, 1, 4),
    D(2026, 2, 14),
    D(2026, 2, 28),
    D(2026, 5, 9),
    D(2026, 9, 20),
    D(2026, 10, 10),
]
CAL_2026 = WorkCalendar(
    holidays=frozenset(HOLIDAYS_2026), workdays=frozenset(WORKDAYS_2026), known_years={2026}
)
PLAIN = WorkCalendar()


def test_rule_6_spring_festival_2026():
    # Friday 13 Feb, then Saturday 14 Feb is a swapped working day (调休上班).
    assert add_workdays(D(2026, 2, 13), 1, CAL_2026) == D(2026, 2, 14)
    # Then the nine days off, 15–23 Feb: the next working day is Tuesday 24 Feb.
    assert add_workdays(D(2026, 2, 14), 1, CAL_2026) == D(2026, 2, 24)
    assert add_workdays(D(2026, 2, 13), 2, CAL_2026) == D(2026, 2, 24)
    assert workdays_between(D(2026, 2, 14), D(2026, 2, 24), CAL_2026) == 1


def test_rule_6_working_saturday_28_february_2026():
    assert is_workday(D(2026, 2, 28), CAL_2026)
    assert add_workdays(D(2026, 2, 27), 1, CAL_2026) == D(2026, 2, 28)
    assert add_workdays(D(2026, 2, 27), 2, CAL_2026) == D(2026, 3, 2)


def test_rule_6_national_day_2026_and_working_saturday_10_october():
    # Wednesday 30 Sep; 1–7 Oct off; Thursday 8, Friday 9, Saturday 10 (worked), Monday 12.
    assert add_workdays(D(2026, 9, 30), 1, CAL_2026) == D(2026, 10, 8)
    assert add_workdays(D(2026, 9, 30), 2, CAL_2026) == D(2026, 10, 9)
    assert add_workdays(D(2026, 9, 30), 3, CAL_2026) == D(2026, 10, 10)
    assert add_workdays(D(2026, 9, 30), 4, CAL_2026) == D(2026, 10, 12)
    assert workdays_between(D(2026, 9, 30), D(2026, 10, 12), CAL_2026) == 4
    # Without the swap the Saturday would be skipped.
    assert add_workdays(D(2026, 9, 30), 3, PLAIN) == D(2026, 10, 5)


def test_rule_6_working_sunday_20_september_2026():
    assert not is_workday(D(2026, 9, 19), CAL_2026)
    assert is_workday(D(2026, 9, 20), CAL_2026)
    assert add_workdays(D(2026, 9, 18), 1, CAL_2026) == D(2026, 9, 20)
    # Mid-autumn: Friday 25 Sep is off, so from Thursday 24 the next is Monday 28.
    assert add_workdays(D(2026, 9, 24), 1, CAL_2026) == D(2026, 9, 28)


def test_add_zero_gives_start_even_on_a_holiday():
    assert add_workdays(D(2026, 2, 16), 0, CAL_2026) == D(2026, 2, 16)
    assert add_workdays(D(2026, 2, 21), 0, CAL_2026) == D(2026, 2, 21)
    # Counting from a holiday starts after it.
    assert add_workdays(D(2026, 2, 16), 1, CAL_2026) == D(2026, 2, 24)


def test_negative_n_is_refused():
    with pytest.raises(ValueError):
        add_workdays(D(2026, 1, 5), -1, CAL_2026)


def test_overflow_past_year_9999():
    with pytest.raises(OverflowError):
        add_workdays(D(9999, 12, 31), 1, PLAIN)


def test_next_workday():
    assert next_workday(D(2026, 2, 13), CAL_2026) == D(2026, 2, 14)
    assert next_workday(D(2026, 2, 13), CAL_2026, inclusive=True) == D(2026, 2, 13)
    assert next_workday(D(2026, 2, 16), CAL_2026, inclusive=True) == D(2026, 2, 24)
    assert next_workday(D(2026, 1, 1), CAL_2026) == D(2026, 1, 4)  # a working Sunday


def test_workdays_between_is_negative_backwards_and_zero_on_the_same_day():
    assert workdays_between(D(2026, 3, 2), D(2026, 3, 2), CAL_2026) == 0
    assert workdays_between(D(2026, 3, 9), D(2026, 3, 2), CAL_2026) == -5
    # Weekend holidays in the calendar are harmless: they were rest days anyway.
    assert workdays_between(D(2026, 4, 3), D(2026, 4, 7), CAL_2026) == 1


def test_plain_weeks_when_no_exception_is_known():
    monday = D(2030, 3, 4)
    assert add_workdays(monday, 5, PLAIN) == D(2030, 3, 11)
    assert add_workdays(D(2030, 3, 8), 1, PLAIN) == D(2030, 3, 11)
    assert workdays_between(monday, D(2030, 4, 1), PLAIN) == 20


def test_provisional_when_a_year_crossed_is_not_known():
    result = add_workdays(D(2026, 12, 31), 1, CAL_2026)
    assert result == D(2027, 1, 1)  # a plain Friday: 2027 is not known
    assert list(years_touched(D(2026, 12, 31), result)) == [2027]
    assert is_provisional(D(2026, 12, 31), result, CAL_2026)
    assert not is_provisional(D(2026, 12, 30), D(2026, 12, 31), CAL_2026)
    # Only the days after start matter: 2026-01-01 onwards here, then 31 Dec 2025 too.
    assert not is_provisional(D(2025, 12, 31), D(2026, 1, 5), CAL_2026)
    assert is_provisional(D(2025, 12, 30), D(2026, 1, 5), CAL_2026)
    assert not is_provisional(D(2025, 12, 31), D(2025, 12, 31), CAL_2026)
    # add=0 depends on no day at all, so it is never provisional.
    assert not is_provisional(D(2030, 5, 1), D(2030, 5, 1), CAL_2026)
    assert unknown_years([(D(2026, 12, 1), D(2028, 1, 3))], CAL_2026) == [2027, 2028]


def test_calendar_refuses_a_day_both_off_and_worked():
    with pytest.raises(ValueError):
        WorkCalendar(holidays={D(2026, 2, 14)}, workdays={D(2026, 2, 14)})


def test_calendar_accepts_any_iterable_and_stays_hashable():
    cal = WorkCalendar(holidays=[D(2026, 1, 1)], workdays=[], known_years=[2026])
    assert cal.holidays == frozenset({D(2026, 1, 1)}) and cal.known_years == frozenset({2026})
    assert hash(cal) == hash(WorkCalendar(holidays={D(2026, 1, 1)}, known_years={2026}))


# --- properties, checked on random dates with a fixed seed -------------------------------


def _random_calendar(rng: random.Random) -> WorkCalendar:
    """A random calendar over 2024–2027: weekday holidays, worked weekends, weekend holidays."""
    days = _span(D(2024, 1, 1), D(2027, 12, 31))
    chosen = rng.sample(days, 160)
    holidays = set(chosen[:100])
    workdays = {d for d in chosen[100:] if d.weekday() >= 5}
    return WorkCalendar(holidays=holidays, workdays=workdays, known_years={2024, 2025})


def _naive_between(start: datetime.date, end: datetime.date, cal: WorkCalendar) -> int:
    if end < start:
        return -_naive_between(end, start, cal)
    return sum(is_workday(d, cal) for d in _span(start, end)[1:])


@pytest.mark.parametrize("seed", range(5))
def test_properties_of_add_and_between(seed):
    rng = random.Random(seed)
    cal = _random_calendar(rng)
    for _ in range(200):
        start = D(2023, 10, 1) + datetime.timedelta(days=rng.randrange(4 * 366))
        a, b = rng.randrange(60), rng.randrange(60)
        result = add_workdays(start, a, cal)
        # The n-th working day after start: n working days in (start, result].
        assert workdays_between(start, result, cal) == a
        assert _naive_between(start, result, cal) == a
        if a:
            assert result > start and is_workday(result, cal)
            assert add_workdays(start, a - 1, cal) < result
        # Adding in two steps is adding once.
        assert add_workdays(result, b, cal) == add_workdays(start, a + b, cal)
        # The fast count agrees with counting day by day, both ways.
        other = start + datetime.timedelta(days=rng.randrange(-120, 120))
        assert workdays_between(start, other, cal) == _naive_between(start, other, cal)
        # Provisional exactly when a day in (start, result] lies in an unknown year.
        expected = any(d.year not in cal.known_years for d in _span(start, result)[1:])
        assert is_provisional(start, result, cal) == expected
