"""Business-time maths against a brute-force reference that steps UTC minutes and reads the wall clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla.businesstime import BusinessCalendar

MINUTE = timedelta(minutes=1)
CHICAGO = ZoneInfo("America/Chicago")
ZONES = ["America/Chicago", "Europe/Madrid", "America/Sao_Paulo", "Australia/Lord_Howe", "Asia/Kolkata"]
OFFICE = {day: [("08:00", "17:00")] for day in range(5)}
ALWAYS = {day: [("00:00", "24:00")] for day in range(7)}
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# The reference: obviously correct, slow. Every offset in these zones is a whole number of minutes,
# so stepping whole UTC minutes from a whole-minute start sees every opening and closing.


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class Reference:
    zone: ZoneInfo
    weekly_hours: dict[int, list[tuple[str, str]]]
    holidays: frozenset[date]

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.zone)
        today = local.date()
        if today in self.holidays:
            return False
        minute = local.hour * 60 + local.minute
        for opens, closes in self.weekly_hours.get(today.weekday(), []):
            start, end = _minutes(opens), _minutes(closes)
            if end <= start:
                end += 1440
            if start <= minute < end:
                return True
        for opens, closes in self.weekly_hours.get((today.weekday() - 1) % 7, []):
            start, end = _minutes(opens), _minutes(closes)
            if end <= start and minute < end:  # the after-midnight tail of yesterday's overnight interval
                return True
        return False

    def add(self, start: datetime, minutes: int) -> datetime:
        at, counted = start, 0
        while counted < minutes:
            if self.is_open(at):
                counted += 1
            at += MINUTE
        return at

    def between(self, start: datetime, end: datetime) -> timedelta:
        at, counted = start, 0
        while at < end:
            counted += self.is_open(at)
            at += MINUTE
        return counted * MINUTE

    def next_open(self, at: datetime, limit: int) -> datetime | None:
        for _ in range(limit):
            if self.is_open(at):
                return at
            at += MINUTE
        return None


@cache
def transitions(zone_name: str) -> list[datetime]:
    """UTC hours just before each offset change, 2016–2027 (scanned hourly, once per zone)."""
    zone = ZoneInfo(zone_name)
    found: list[datetime] = []
    at = datetime(2016, 1, 1, tzinfo=UTC)
    previous = at.astimezone(zone).utcoffset()
    while at.year < 2028:
        at += timedelta(hours=1)
        offset = at.astimezone(zone).utcoffset()
        if offset != previous:
            found.append(at - timedelta(hours=1))
            previous = offset
    return found


hhmm = st.integers(0, 1439).map(lambda m: f"{m // 60:02d}:{m % 60:02d}")
round_hhmm = st.integers(0, 47).map(lambda m: f"{m // 2:02d}:{m % 2 * 30:02d}")


@st.composite
def intervals(draw: st.DrawFn) -> tuple[str, str]:
    opens = draw(st.one_of(round_hhmm, hhmm))
    closes = draw(st.one_of(round_hhmm, hhmm, st.just("24:00"), st.just(opens)))
    return opens, closes


weekly_hours = st.dictionaries(st.integers(0, 6), st.lists(intervals(), min_size=1, max_size=3), min_size=1, max_size=7)


@st.composite
def starts(draw: st.DrawFn, zone_name: str) -> datetime:
    """Whole UTC minutes, often within two days of a DST change, sometimes anywhere in 2016–2027."""
    near = transitions(zone_name)
    if near and draw(st.booleans()):
        anchor = draw(st.sampled_from(near))
        return anchor + draw(st.integers(-2 * 1440, 2 * 1440)) * MINUTE
    day = draw(st.integers(0, (date(2027, 12, 31) - date(2016, 1, 1)).days))
    return datetime(2016, 1, 1, tzinfo=UTC) + timedelta(days=day) + draw(st.integers(0, 1439)) * MINUTE


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[BusinessCalendar, Reference, datetime]:
    zone_name = draw(st.sampled_from(ZONES))
    hours = draw(weekly_hours)
    start = draw(starts(zone_name))
    first = start.astimezone(ZoneInfo(zone_name)).date()
    holidays = draw(st.frozensets(st.integers(-2, 12).map(lambda n: first + timedelta(days=n)), max_size=5))
    return BusinessCalendar(zone_name, hours, holidays), Reference(ZoneInfo(zone_name), hours, holidays), start


def weekly_open_minutes(reference: Reference) -> int:
    return len(
        {
            (day * 1440 + _minutes(opens) + m) % (7 * 1440)
            for day, spans in reference.weekly_hours.items()
            for opens, closes in spans
            for m in range(((_minutes(closes) - _minutes(opens) - 1) % 1440) + 1)
        }
    )


# Properties ------------------------------------------------------------------------------------------


@PROPERTY
@given(scenario=scenarios(), data=st.data())
def test_add_agrees_with_the_minute_stepping_reference(scenario, data):
    calendar, reference, start = scenario
    # At most about two weeks of wall clock for the reference to step through.
    minutes = data.draw(st.integers(0, min(2 * 1440, weekly_open_minutes(reference))), label="minutes")
    due = calendar.add(start, minutes * MINUTE)
    assert due == reference.add(start, minutes)
    assert due.tzinfo is UTC
    assert calendar.between(start, due) == minutes * MINUTE


@PROPERTY
@given(scenario=scenarios(), minutes=st.integers(0, 3 * 1440), seconds=st.integers(0, 59))
def test_between_undoes_add(scenario, minutes, seconds):
    calendar, _, start = scenario
    start += timedelta(seconds=seconds, microseconds=seconds * 1001)
    duration = timedelta(minutes=minutes, seconds=seconds)
    due = calendar.add(start, duration)
    assert calendar.between(start, due) == duration
    assert calendar.between(due, start) == -duration
    if duration:
        assert calendar.is_open(due - timedelta(microseconds=1))


@PROPERTY
@given(scenario=scenarios(), minutes=st.integers(0, 3 * 1440))
def test_between_agrees_with_the_reference(scenario, minutes):
    calendar, reference, start = scenario
    end = start + minutes * MINUTE
    assert calendar.between(start, end) == reference.between(start, end)


@PROPERTY
@given(scenario=scenarios())
def test_is_open_and_next_open_agree_with_the_reference(scenario):
    calendar, reference, start = scenario
    assert calendar.is_open(start) == reference.is_open(start)
    expected = reference.next_open(start, limit=16 * 1440)
    if expected is not None:
        assert calendar.next_open(start) == expected
    local = start.astimezone(calendar.zone)
    assert calendar.is_open(local) == calendar.is_open(start)


# Examples --------------------------------------------------------------------------------------------


def chicago(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=CHICAGO, fold=fold)


def test_friday_afternoon_plus_a_day_of_office_hours_is_wednesday_lunchtime():
    calendar = BusinessCalendar("America/Chicago", OFFICE)
    friday = chicago(2026, 11, 20, 16, 0)
    assert calendar.add(friday, timedelta(hours=24)) == chicago(2026, 11, 25, 13, 0)


def test_a_monday_holiday_moves_it_to_thursday():
    calendar = BusinessCalendar("America/Chicago", OFFICE, {date(2026, 11, 23)})
    friday = chicago(2026, 11, 20, 16, 0)
    assert calendar.add(friday, timedelta(hours=24)) == chicago(2026, 11, 26, 13, 0)
    explained = calendar.explain_add(friday, timedelta(hours=24))
    assert explained.holidays_skipped == [date(2026, 11, 23)]
    assert explained.transitions == []
    assert sum((end - start for start, end in explained.spans), timedelta()) == timedelta(hours=24)


def test_a_deadline_at_closing_time_is_closing_time():
    calendar = BusinessCalendar("America/Chicago", OFFICE)
    assert calendar.add(chicago(2026, 11, 23, 8, 0), timedelta(hours=9)) == chicago(2026, 11, 23, 17, 0)
    assert calendar.next_open(chicago(2026, 11, 23, 17, 0)) == chicago(2026, 11, 24, 8, 0)
    assert not calendar.is_open(chicago(2026, 11, 23, 17, 0))


def test_round_the_clock_adds_real_time_across_the_spring_change():
    calendar = BusinessCalendar("America/Chicago", ALWAYS)
    one_am = chicago(2026, 3, 8, 1, 0)
    due = calendar.add(one_am, timedelta(hours=2))
    assert due == one_am.astimezone(UTC) + timedelta(hours=2)  # real time, not wall-clock arithmetic
    assert due.astimezone(CHICAGO).hour == 4  # 02:00–03:00 did not exist that night
    [change] = calendar.explain_add(one_am, timedelta(hours=2)).transitions
    assert (change.offset_before, change.offset_after) == (timedelta(hours=-6), timedelta(hours=-5))


def test_the_repeated_autumn_hour_counts_twice():
    calendar = BusinessCalendar("America/Chicago", {6: [("01:00", "02:00")]})
    first_pass = chicago(2026, 11, 1, 1, 0)
    assert calendar.between(first_pass, chicago(2026, 11, 1, 3, 0)) == timedelta(hours=2)
    # Aware datetimes in a repeated hour compare unequal across zones (PEP 495), so compare in UTC.
    assert calendar.add(first_pass, timedelta(minutes=90)) == chicago(2026, 11, 1, 1, 30, fold=1).astimezone(UTC)


def test_an_overnight_interval_runs_past_midnight():
    calendar = BusinessCalendar("America/Chicago", {0: [("22:00", "06:00")]})
    monday_night = chicago(2026, 11, 23, 21, 0)
    assert calendar.add(monday_night, timedelta(hours=3)) == chicago(2026, 11, 24, 1, 0)
    assert calendar.add(monday_night, timedelta(hours=8)) == chicago(2026, 11, 24, 6, 0)
    assert calendar.add(monday_night, timedelta(hours=9)) == chicago(2026, 11, 30, 23, 0)
    assert calendar.is_open(chicago(2026, 11, 24, 5, 59))
    assert not calendar.is_open(chicago(2026, 11, 24, 6, 0))


def test_a_holiday_closes_the_tail_of_last_nights_interval_on_its_date():
    calendar = BusinessCalendar("America/Chicago", {0: [("22:00", "06:00")]}, {date(2026, 11, 24)})
    assert calendar.between(chicago(2026, 11, 23, 0, 0), chicago(2026, 11, 25, 0, 0)) == timedelta(hours=2)


def test_naive_datetimes_are_refused():
    calendar = BusinessCalendar("America/Chicago", OFFICE)
    naive = datetime(2026, 11, 20, 16, 0)
    for call in (
        lambda: calendar.add(naive, MINUTE),
        lambda: calendar.between(naive, naive),
        lambda: calendar.is_open(naive),
        lambda: calendar.next_open(naive),
    ):
        with pytest.raises(ValueError, match="naive"):
            call()


def test_a_calendar_without_open_time_refuses_to_add_rather_than_loop():
    calendar = BusinessCalendar("America/Chicago", {})
    start = chicago(2026, 11, 20, 16, 0)
    with pytest.raises(ValueError, match="no open time"):
        calendar.add(start, MINUTE)
    with pytest.raises(ValueError, match="no open time"):
        calendar.next_open(start)
    assert calendar.add(start, timedelta(0)) == start
    assert calendar.between(start, start + timedelta(days=30)) == timedelta(0)


@pytest.mark.parametrize(
    "hours", [{7: [("08:00", "17:00")]}, {0: [("8:00", "17:00")]}, {0: [("24:00", "17:00")]}, {0: [("08:00", "24:01")]}]
)
def test_bad_weekly_hours_are_refused(hours):
    with pytest.raises(ValueError):
        BusinessCalendar("America/Chicago", hours)


def test_negative_durations_are_refused():
    with pytest.raises(ValueError, match="negative"):
        BusinessCalendar("America/Chicago", OFFICE).add(chicago(2026, 11, 20, 16, 0), -MINUTE)


def test_long_targets_cross_years_exactly():
    calendar = BusinessCalendar("America/Chicago", OFFICE, {date(2027, 1, 1)})
    start = chicago(2026, 11, 20, 16, 0)
    due = calendar.add(start, timedelta(hours=2000))
    assert calendar.between(start, due) == timedelta(hours=2000)
    assert due.astimezone(CHICAGO).hour in range(8, 18)
