"""SLA deadlines: sla.businesstime against businesstimedelta on the same workload.

20,000 deadlines on Mon–Fri 08:00–17:00 America/Chicago with US public holidays (holidays package),
targets of 2–48 business hours, starts at random seconds over 2026. Both libraries compute every deadline;
the script checks they agree, then prints µs per deadline and the ratio, and our cost for a 2 h target
against a 2,000 h one. Timings are process CPU time, so other work on a shared machine skews them less.

The cold case starts a fresh Python process for each library (best of five) and times its first 2,000
deadlines, spread over three years (2025–2027): a worker that has just started pays for every span table
it needs there.

    .venv/bin/pip install -r bench/requirements.txt   # businesstimedelta, pytz
    .venv/bin/python bench/sla_deadlines.py [--n 20000] [--seed 2026]
"""

from __future__ import annotations

import argparse
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import holidays

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sla.businesstime import BusinessCalendar

ZONE = "America/Chicago"
OFFICE = {day: [("08:00", "17:00")] for day in range(5)}
YEARS = range(2025, 2029)


def workload(n: int, seed: int) -> list[tuple[datetime, timedelta]]:
    rng = random.Random(seed)
    year_start = datetime(2026, 1, 1, tzinfo=UTC)
    seconds_in_year = 365 * 86_400
    return [(year_start + timedelta(seconds=rng.randrange(seconds_in_year)), timedelta(hours=rng.randint(2, 48))) for _ in range(n)]


COLD_N = 2_000


def cold_jobs() -> list[tuple[datetime, timedelta]]:
    rng = random.Random(7)
    first, seconds = datetime(2025, 1, 1, tzinfo=UTC), 3 * 365 * 86_400
    return [(first + timedelta(seconds=rng.randrange(seconds)), timedelta(hours=rng.randint(2, 48))) for _ in range(COLD_N)]


def cold_child(which: str) -> None:
    """In a fresh process: CPU µs per deadline for the first COLD_N deadlines, calendar set-up included."""
    holiday_dates = frozenset(holidays.country_holidays("US", years=list(YEARS)).keys())
    jobs = cold_jobs()
    if which == "ours":
        began = time.process_time()
        calendar = BusinessCalendar(ZONE, OFFICE, holiday_dates)
        for start, target in jobs:
            calendar.add(start, target)
    else:
        import businesstimedelta
        import pytz

        tz = pytz.timezone(ZONE)
        began = time.process_time()
        rules = businesstimedelta.Rules(
            [
                businesstimedelta.WorkDayRule(
                    start_time=datetime.min.time().replace(hour=8),
                    end_time=datetime.min.time().replace(hour=17),
                    working_days=[0, 1, 2, 3, 4],
                    tz=tz,
                ),
                businesstimedelta.HolidayRule(holiday_dates, tz=tz),
            ]
        )
        for start, target in jobs:
            start + businesstimedelta.BusinessTimeDelta(rules, timedelta=target)
    print((time.process_time() - began) / COLD_N * 1e6)


def cold_runs() -> None:
    def best(which: str) -> float:
        runs = [
            float(subprocess.run([sys.executable, __file__, "--cold-child", which], check=True, capture_output=True, text=True).stdout)
            for _ in range(5)
        ]
        return min(runs)

    ours, theirs = best("ours"), best("theirs")
    print(
        f"cold start: first {COLD_N:,} deadlines of a fresh process over 2025–2027: "
        f"ours {ours:.2f} µs, businesstimedelta {theirs:.1f} µs; ratio {theirs / ours:.0f}×"
    )


def timed(label: str, run) -> tuple[float, list[datetime]]:
    began = time.process_time()
    results = run()
    elapsed = time.process_time() - began
    print(f"  {label:<52} {elapsed:8.3f} s")
    return elapsed, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cold-child", choices=["ours", "theirs"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        cold_child(args.cold_child)
        return

    try:
        import businesstimedelta
        import pytz
    except ImportError:
        sys.exit("businesstimedelta is missing: .venv/bin/pip install -r bench/requirements.txt")

    us_holidays = holidays.country_holidays("US", years=list(YEARS))
    holiday_dates = frozenset(us_holidays.keys())
    jobs = workload(args.n, args.seed)
    n = len(jobs)
    print(
        f"{n:,} deadlines, Mon–Fri 08–17 {ZONE}, {len(holiday_dates)} US holidays {YEARS.start}–{YEARS.stop - 1}, "
        f"targets 2–48 h, seed {args.seed}"
    )
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.processor() or platform.system()}")

    # Ours, cold: the calendar is built inside the timing, so its per-year caches are paid for here.
    def ours_cold() -> list[datetime]:
        calendar = BusinessCalendar(ZONE, OFFICE, holiday_dates)
        return [calendar.add(start, target) for start, target in jobs]

    calendar = BusinessCalendar(ZONE, OFFICE, holiday_dates)

    def ours_warm() -> list[datetime]:
        add = calendar.add
        return [add(start, target) for start, target in jobs]

    # businesstimedelta with a plain set of the same dates: its fastest holiday input.
    tz = pytz.timezone(ZONE)
    rules = businesstimedelta.Rules(
        [
            businesstimedelta.WorkDayRule(
                start_time=datetime.min.time().replace(hour=8),
                end_time=datetime.min.time().replace(hour=17),
                working_days=[0, 1, 2, 3, 4],
                tz=tz,
            ),
            businesstimedelta.HolidayRule(holiday_dates, tz=tz),
        ]
    )

    def theirs() -> list[datetime]:
        return [start + businesstimedelta.BusinessTimeDelta(rules, timedelta=target) for start, target in jobs]

    print("timings:")
    cold, ours = timed("sla.businesstime (calendar built inside the timing)", ours_cold)
    ours_warm()
    warm, _ = timed("sla.businesstime (warm calendar)", ours_warm)
    slow, their_results = timed("businesstimedelta 1.0.1", theirs)

    agree = sum(a == b for a, b in zip(ours, their_results, strict=True))
    print(f"agreement: {agree:,}/{n:,} identical deadlines")
    for (start, target), a, b in zip(jobs, ours, their_results, strict=True):
        if a != b:
            print(f"  first difference: {start.astimezone(tz)} + {target}: ours {a.astimezone(tz)}, theirs {b.astimezone(tz)}")
            break
    print(f"per deadline: ours {cold / n * 1e6:.2f} µs cold, {warm / n * 1e6:.2f} µs warm; businesstimedelta {slow / n * 1e6:.1f} µs")
    print(f"ratio: {slow / cold:.0f}× faster cold, {slow / warm:.0f}× warm")

    # Duration independence: the same starts, 2 h against 2,000 h (≈ 44 business weeks), warm, best of 3.
    long_calendar = BusinessCalendar(ZONE, OFFICE, holiday_dates)
    starts = [start for start, _ in jobs]

    def cost(target: timedelta) -> float:
        add = long_calendar.add
        best = float("inf")
        for _ in range(3):
            began = time.process_time()
            for start in starts:
                add(start, target)
            best = min(best, time.process_time() - began)
        return best / n * 1e6

    cost(timedelta(hours=2000))  # build the years the long targets reach
    short, long = cost(timedelta(hours=2)), cost(timedelta(hours=2000))
    print(f"target length: 2 h {short:.2f} µs, 2,000 h {long:.2f} µs per deadline; ratio {long / short:.2f}×")
    cold_runs()


if __name__ == "__main__":
    main()
