"""Exact business-time arithmetic on a weekly calendar with holidays, in one timezone.

Pure Python (no Django): ``sla.models.Calendar.business_calendar()`` builds a
``BusinessCalendar`` from what admins configure.

Semantics
---------
- ``weekly_hours`` maps a weekday (0 = Monday … 6 = Sunday) to intervals of local
  wall-clock time ``("HH:MM", "HH:MM")``, half-open; ``"24:00"`` is allowed as an end.
  An end at or before its start runs past midnight into the next day (``("22:00", "06:00")``;
  ``("08:00", "08:00")`` is 24 hours). Overlapping intervals simply add up to their union.
- An overnight interval belongs to the weekday it starts on; its after-midnight tail is wall-clock
  time of the next date.
- A holiday closes all wall-clock time on its local date, including the after-midnight tail of an
  interval that started the day before. It does not close the tail that runs into the next date of
  an interval starting on the holiday: that time belongs to the next date.
- Open time is real elapsed time while the local wall clock is inside an open interval. Where a DST
  change falls inside an interval that day has an hour more or less open; wall-clock times that do not
  exist are never open, and wall-clock times that happen twice count twice.
- Inputs are aware datetimes (``ValueError`` on a naive one); results are aware UTC datetimes.
- ``add(start, d)`` is the earliest instant by which ``d`` of open time has passed since ``start``:
  a deadline that ends exactly at closing time is closing time, not the next opening.
  ``add(start, 0)`` is ``start``. A negative duration raises ``ValueError``, and so does a calendar
  with no open time at all.
- ``between(a, b)`` is the open time in ``[a, b)``; with ``b < a`` it is negative:
  ``between(b, a) == -between(a, b)``.

How it stays fast
-----------------
For each UTC year the calendar builds, once and lazily, the sorted open spans of that year as integer
microseconds since the epoch plus a running total of open time before each span. ``add`` and ``between``
are then two binary searches (plus one step per whole UTC year crossed), so their cost hardly depends on
the duration. DST transitions are found once per year by sampling the zone every six hours and bisecting
to the second (tzdb has no zone with two changes within six hours).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["AddExplanation", "BusinessCalendar", "Transition"]

_US = 1_000_000
_DAY_US = 86_400 * _US
_MINUTE_US = 60 * _US
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EPOCH_WEEKDAY = date(1970, 1, 1).weekday()
_ONE_US = timedelta(microseconds=1)
_SAMPLE_S = 6 * 3600
_MIN_YEAR, _MAX_YEAR = 2, 9998
_HHMM = re.compile(r"^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$")


@dataclass(frozen=True)
class Transition:
    """A change of the zone's UTC offset (a DST change, or a change of standard time)."""

    at: datetime
    offset_before: timedelta
    offset_after: timedelta


@dataclass(frozen=True)
class AddExplanation:
    """How ``add(start, duration)`` reached ``due``: the open spans used, what was skipped, what was crossed."""

    start: datetime
    duration: timedelta
    due: datetime
    spans: list[tuple[datetime, datetime]] = field(default_factory=list)
    holidays_skipped: list[date] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)


@dataclass
class _Year:
    start: int
    end: int
    starts: list[int]
    ends: list[int]
    cum_start: list[int]
    cum_end: list[int]
    transitions: list[tuple[int, int, int]]  # (instant µs, offset before s, offset after s)

    @property
    def total(self) -> int:
        return self.cum_end[-1] if self.cum_end else 0

    def open_before(self, u: int) -> int:
        """Open microseconds from the start of this year to ``u``."""
        i = bisect_right(self.starts, u) - 1
        if i < 0:
            return 0
        return self.cum_start[i] + min(u - self.starts[i], self.ends[i] - self.starts[i])


def _minutes(value: str, *, end: bool) -> int:
    match = _HHMM.match(value) if isinstance(value, str) else None
    if match is None or (not end and match.group(3)):
        allowed = "00:00 to 24:00" if end else "00:00 to 23:59"
        raise ValueError(f"interval times are 'HH:MM' from {allowed}, got {value!r}")
    hours, minutes = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return int(hours) * 60 + int(minutes)


def _merge(pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(pieces):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _year_start(year: int) -> int:
    return (date(year, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY_US


def _year_of(u: int) -> int:
    return date.fromordinal(_EPOCH_ORDINAL + u // _DAY_US).year


def _to_datetime(u: int) -> datetime:
    return _EPOCH + timedelta(microseconds=u)


class BusinessCalendar:
    def __init__(
        self,
        timezone: str,
        weekly_hours: dict[int, list[tuple[str, str]]],
        holidays: Iterable[date] = (),
    ) -> None:
        self.timezone = timezone
        self.zone = ZoneInfo(timezone)
        self.weekly_hours = {day: list(intervals) for day, intervals in weekly_hours.items()}
        self.holidays = frozenset(date(d.year, d.month, d.day) for d in holidays)
        self._holiday_days = frozenset(d.toordinal() - _EPOCH_ORDINAL for d in self.holidays)

        pieces: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for day, intervals in weekly_hours.items():
            if not isinstance(day, int) or not 0 <= day <= 6:
                raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), got {day!r}")
            for opens, closes in intervals:
                lo, hi = _minutes(opens, end=False), _minutes(closes, end=True)
                if hi <= lo:
                    hi += 1440
                pieces[day].append((lo, min(hi, 1440)))
                if hi > 1440:
                    pieces[(day + 1) % 7].append((0, hi - 1440))
        # Open wall-clock time of each weekday's date, in µs from its local midnight (tails included).
        self._pattern = [[(lo * _MINUTE_US, hi * _MINUTE_US) for lo, hi in _merge(p)] for p in pieces]
        self._weekly_open = sum(hi - lo for p in self._pattern for lo, hi in p)
        self._years: dict[int, _Year] = {}
        self._last: _Year | None = None

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.timezone!r}, {self.weekly_hours!r}, <{len(self.holidays)} holidays>)"

    # Public API -------------------------------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which ``duration`` of open time has passed since ``start`` (UTC)."""
        u = self._micros(start)
        d = self._duration(duration)
        if d == 0:
            return _to_datetime(u)
        year = self._year_at(u)
        target = year.open_before(u) + d
        while target > year.total:
            target -= year.total
            year = self._year(_year_of(year.end))
        i = bisect_left(year.cum_end, target)
        return _to_datetime(year.starts[i] + target - year.cum_start[i])

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Open time in ``[start, end)``; negative when ``end`` is before ``start``."""
        a, b = self._micros(start), self._micros(end)
        return timedelta(microseconds=self._between(a, b) if a <= b else -self._between(b, a))

    def is_open(self, at: datetime) -> bool:
        u = self._micros(at)
        year = self._year_at(u)
        i = bisect_right(year.starts, u) - 1
        return i >= 0 and u < year.ends[i]

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself (in UTC) when open, otherwise the next opening."""
        u = self._micros(at)
        year = self._year_at(u)
        i = bisect_right(year.starts, u) - 1
        if i >= 0 and u < year.ends[i]:
            return _to_datetime(u)
        i += 1
        while i >= len(year.starts):
            self._require_open_time()
            year, i = self._year(_year_of(year.end)), 0
        return _to_datetime(year.starts[i])

    def open_spans(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open spans within ``[start, end)``, clipped to it, in order (UTC)."""
        a, b = self._micros(start), self._micros(end)
        for lo, hi in self._spans(a, b):
            yield _to_datetime(lo), _to_datetime(hi)

    def transitions(self, start: datetime, end: datetime) -> list[Transition]:
        """UTC offset changes at instants in ``(start, end]``."""
        a, b = self._micros(start), self._micros(end)
        found: list[Transition] = []
        if b <= a:
            return found
        year = self._year_at(a)
        while year.start <= b:
            for at, before, after in year.transitions:
                if a < at <= b:
                    found.append(Transition(_to_datetime(at), timedelta(seconds=before), timedelta(seconds=after)))
            if year.end > b:
                break
            year = self._year(_year_of(year.end))
        return found

    def explain_add(self, start: datetime, duration: timedelta) -> AddExplanation:
        """``add`` with its working: the open spans counted, holidays passed over and DST changes crossed."""
        due = self.add(start, duration)
        first = start.astimezone(self.zone).date()
        last = due.astimezone(self.zone).date()
        skipped = sorted(day for day in self.holidays if first <= day <= last and self._pattern[day.weekday()])
        return AddExplanation(
            start=start.astimezone(UTC),
            duration=duration,
            due=due,
            spans=list(self.open_spans(start, due)),
            holidays_skipped=skipped,
            transitions=self.transitions(start, due),
        )

    # Internals --------------------------------------------------------------------------------------

    def _micros(self, value: datetime) -> int:
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: business time needs an aware datetime")
        return (value - _EPOCH) // _ONE_US

    def _duration(self, duration: timedelta) -> int:
        d = duration // _ONE_US
        if d < 0:
            raise ValueError(f"cannot add a negative business duration ({duration})")
        if d > 0:
            self._require_open_time()
        return d

    def _require_open_time(self) -> None:
        if self._weekly_open == 0:
            raise ValueError(f"calendar {self!r} has no open time: no deadline can ever be reached")

    def _between(self, a: int, b: int) -> int:
        ya, yb = self._year_at(a), self._year_at(b)
        if ya is yb:
            return yb.open_before(b) - ya.open_before(a)
        total = ya.total - ya.open_before(a)
        year = self._year(_year_of(ya.end))
        while year is not yb:
            total += year.total
            year = self._year(_year_of(year.end))
        return total + yb.open_before(b)

    def _spans(self, a: int, b: int) -> Iterator[tuple[int, int]]:
        if b <= a:
            return
        year = self._year_at(a)
        while True:
            i = max(bisect_right(year.starts, a) - 1, 0)
            for lo, hi in zip(year.starts[i:], year.ends[i:], strict=True):
                if lo >= b:
                    return
                if hi > a:
                    yield max(lo, a), min(hi, b)
            if year.end >= b:
                return
            year = self._year(_year_of(year.end))

    def _year_at(self, u: int) -> _Year:
        last = self._last
        if last is not None and last.start <= u < last.end:
            return last
        self._last = year = self._year(_year_of(u))
        return year

    def _year(self, number: int) -> _Year:
        year = self._years.get(number)
        if year is None:
            if not _MIN_YEAR <= number <= _MAX_YEAR:
                raise ValueError(f"business time is computed for the years {_MIN_YEAR} to {_MAX_YEAR}, not {number}")
            year = self._years[number] = self._build_year(number)
        return year

    def _offset(self, second: int) -> int:
        """The zone's UTC offset in seconds at a UTC instant given in seconds since the epoch."""
        td = datetime.fromtimestamp(second, self.zone).utcoffset()
        assert td is not None
        return td.days * 86_400 + td.seconds

    def _find_transitions(self, first: int, last: int) -> list[tuple[int, int, int]]:
        """Offset changes at seconds in ``(first, last]``: (second, offset before, offset after)."""
        found: list[tuple[int, int, int]] = []
        offset_at, zone, fromtimestamp = self._offset, self.zone, datetime.fromtimestamp
        previous, current = first, offset_at(first)
        # The samples compare timedeltas straight from the zone: most of a year has no change.
        current_td = fromtimestamp(first, zone).utcoffset()
        for sample in [*range(first + _SAMPLE_S, last, _SAMPLE_S), last]:
            if fromtimestamp(sample, zone).utcoffset() == current_td:
                previous = sample
                continue
            target = offset_at(sample)
            lo = previous
            while current != target:
                a, b = lo, sample
                while b - a > 1:
                    mid = (a + b) // 2
                    if offset_at(mid) == current:
                        a = mid
                    else:
                        b = mid
                after = offset_at(b)
                found.append((b, current, after))
                current, lo = after, b
            current_td = fromtimestamp(sample, zone).utcoffset()
            previous = sample
        return found

    def _build_year(self, number: int) -> _Year:
        start, end = _year_start(number), _year_start(number + 1)
        transitions = self._find_transitions(start // _US, end // _US)
        cuts = [start] + [second * _US for second, _, _ in transitions] + [end]
        offsets = [self._offset(start // _US)] + [after for _, _, after in transitions]
        starts: list[int] = []
        ends: list[int] = []
        pattern, holidays = self._pattern, self._holiday_days
        for seg_start, seg_end, offset_s in zip(cuts, cuts[1:], offsets, strict=False):
            offset = offset_s * _US
            wall_start, wall_end = seg_start + offset, seg_end + offset
            for day in range(wall_start // _DAY_US, (wall_end - 1) // _DAY_US + 1):
                if day in holidays:
                    continue
                midnight = day * _DAY_US
                for lo, hi in pattern[(day + _EPOCH_WEEKDAY) % 7]:
                    lo, hi = max(midnight + lo, wall_start), min(midnight + hi, wall_end)
                    if lo < hi:
                        if ends and ends[-1] == lo - offset:
                            ends[-1] = hi - offset
                        else:
                            starts.append(lo - offset)
                            ends.append(hi - offset)
        cum_start: list[int] = []
        cum_end: list[int] = []
        running = 0
        for lo, hi in zip(starts, ends, strict=True):
            cum_start.append(running)
            running += hi - lo
            cum_end.append(running)
        return _Year(
            start, end, starts, ends, cum_start, cum_end, [(second * _US, before, after) for second, before, after in transitions]
        )
