"""The report's figures from the figures rows (one GROUPING SETS query) against the daily roll-up, back to back,
and what the roll-up's triggers add to a figures write. Reuses a database that bench/reports.py built.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<yours> \\
        .venv/bin/python bench/report_sql.py --db <scratch name> [--runs 7] [--zone UTC] [--writes 300]

1. For the default period (the last three full months in ``--zone``) and each breakdown, alternately: the
   figures as the desk report computed them before the roll-up (``_grouped_figures``: the covering index's
   rows, GROUPING SETS, percentile_cont) and from the roll-up (``rollup_figures``: cells, edge days' rows,
   selection in Python). Median wall ms of each, the ratio, and whether every figure is equal.
2. Per figures write, in a transaction rolled back: one UPDATE that rewrites a ticket's figures row as it
   was (what most timeline entries cause), one that acknowledges a ticket (its four cells
   each take one value), one that moves an acknowledged ticket to another severity (one cell loses a
   value, one gains it), and the whole ``figures_refresh`` of the ticket (its
   source queries and upsert), each with the triggers on and off (``ALTER TABLE … DISABLE TRIGGER``
   inside the transaction). Median µs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.desk_queue import scratch_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--zone", default="UTC")
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = scratch_database(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from reports import selectors
    from reports.figures import figures_refresh
    from reports.models import TicketFigures

    period = selectors.period_last_full_months(zone=args.zone)
    now = timezone.now()
    print(f"period {period.first:%Y-%m}–{period.last:%Y-%m} in {args.zone}; {args.runs} runs each, alternating; wall ms")
    print(f"{'breakdown':<14} {'rows, GROUPING SETS':>20} {'roll-up':>9} {'ratio':>7}  equal")
    for by in ("tier", "organisation", "severity", "ticket_type", None):
        old_times, new_times = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            old = selectors._grouped_figures(period=period, organisation=None, by=by, now=now)
            old_times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            new = selectors._rolled_up_figures(period=period, by=by, now=now)
            new_times.append((time.perf_counter() - started) * 1000)
        old_ms, new_ms = statistics.median(old_times), statistics.median(new_times)
        equal = {group: sorted(map(repr, figures.values())) for group, figures in old.items()} == {
            group: sorted(map(repr, figures.values())) for group, figures in new.items()
        }
        print(f"{by or 'month':<14} {old_ms:20.1f} {new_ms:9.1f} {old_ms / new_ms:6.1f}×  {'yes' if equal else 'NO'}", flush=True)

    latest = TicketFigures.objects.exclude(business_seconds=None).order_by("-filed_at").values_list("ticket_id", flat=True)
    ticket_id = latest.exclude(severity=None).exclude(severity=3).first()
    waiting = TicketFigures.objects.filter(business_seconds=None).exclude(outcome="").order_by("-filed_at")
    waiting_id = waiting.values_list("ticket_id", flat=True).first()
    assert ticket_id is not None and waiting_id is not None

    def timed(change: str, triggers: bool) -> float:
        times = []
        for _ in range(args.writes):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    if not triggers:
                        cursor.execute("ALTER TABLE reports_ticketfigures DISABLE TRIGGER USER")
                    started = time.perf_counter()
                    if change == "refresh":
                        figures_refresh([ticket_id])
                    elif change == "unchanged":
                        cursor.execute("UPDATE reports_ticketfigures SET rated = rated WHERE ticket_id = %s", [ticket_id])
                    elif change == "acknowledged":
                        cursor.execute(
                            "UPDATE reports_ticketfigures SET business_seconds = 100, wall_seconds = 120 WHERE ticket_id = %s",
                            [waiting_id],
                        )
                    else:
                        cursor.execute(
                            "UPDATE reports_ticketfigures SET severity_id = 6 - severity_id WHERE ticket_id = %s", [ticket_id]
                        )
                    times.append((time.perf_counter() - started) * 1e6)
                transaction.set_rollback(True)
        return statistics.median(times)

    print(f"figures writes of recent tickets ({ticket_id}; not yet acknowledged: {waiting_id}), {args.writes} each")
    print("median µs: triggers on / off")
    for change in ("unchanged", "acknowledged", "re-severity", "refresh"):
        on, off = timed(change, True), timed(change, False)
        print(f"  {change:<14} {on:8.0f} / {off:8.0f}  (+{on - off:.0f} µs)", flush=True)


if __name__ == "__main__":
    main()
