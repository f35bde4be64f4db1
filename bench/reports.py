"""Server time of the SLA report page and its exports at 100,000 and 1,000,000 tickets on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<yours> \\
        .venv/bin/python bench/reports.py [--tickets 100000] [--runs 7] [--db sd_reports_bench]

Builds (once per size; a later run with the same --db and --tickets reuses it) a scratch database
next to the one in DATABASE_URL, and fills it with SQL ``generate_series`` (no factories): 60
organisations over the three shipped tiers, tickets filed evenly over the last 24 months with a
severity on most, an acknowledgement clock with the copied terms of its target on every ticket with
one (acknowledged after a random delay, late on about one in five, still running on the open ones),
an escalation on one breached clock in ten, a customer escalation on one ticket in a hundred, a
rating on one resolved ticket in five, and one organisation that changed tier a year ago (so the
tier-at-filing CASE has work to do). The rows written in SQL bypass the receivers, so their kept report
figures are then computed by ``manage.py report_figures_rebuild``, the function the migration runs (a
database built before the figures existed gets them from that migration on reuse). ``--build-only``
builds or updates the database and stops. Then, signed in as a support lead, renders in-process with
Django's test client: the report page for the default period (the last three full months,
≈ 1/8 of the tickets) by each breakdown, a twelve-month report, and the exports (the report as CSV
and XLSX, the breached list as CSV and XLSX). Prints median and p90 wall time, queries and time in SQL.
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

from bench.desk_queue import measure, scratch_database  # noqa: E402


def populate(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from customers.models import Organisation, TierPeriod
    from sla.models import SupportTier
    from tickets.models import Ticket, TicketNumberSequence, TicketType

    call_command("migrate", verbosity=0)  # a database built before the kept figures gets them from the migration
    if Ticket.objects.count() >= n:
        with connection.cursor() as cursor:
            # What autovacuum does in production soon after: the visibility map that index-only scans need.
            cursor.execute("VACUUM ANALYZE reports_ticketfigures")
            cursor.execute("VACUUM ANALYZE reports_figuresday")
        return
    if Ticket.objects.exists():
        sys.exit("The scratch database holds another size: pass another --db.")
    tiers = list(SupportTier.objects.order_by("pk"))
    organisations = [
        Organisation.objects.get_or_create(
            account_id=f"BENCH-{i:03d}",
            defaults={"name": f"Bench organisation {i}", "tier": tiers[i % len(tiers)]},
        )[0]
        for i in range(60)
    ]
    mover = organisations[0]
    changed = timezone.now() - timezone.timedelta(days=365)
    TierPeriod.objects.get_or_create(
        organisation=mover, valid_until=changed, defaults={"tier": tiers[1], "valid_from": changed - timezone.timedelta(days=800)}
    )
    TierPeriod.objects.get_or_create(organisation=mover, valid_until=None, defaults={"tier": mover.tier, "valid_from": changed})
    User.objects.get_or_create(email="lead@bench.example", defaults={"full_name": "Bench Lead", "role": "lead"})
    requester = User.objects.get_or_create(email="customer@bench.example", defaults={"full_name": "Bench Customer"})[0]
    org_ids = [o.pk for o in organisations]
    type_ids = list(TicketType.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO tickets_ticket (organisation_id, number, ticket_type_id, requester_user_id, status, severity_id,
                summary, description, details, created_at, updated_at, acknowledged_at)
            SELECT (%(orgs)s)[1 + (g * 7919) %% cardinality(%(orgs)s)], 100000 + g,
                   (%(types)s)[1 + (g * 31) %% cardinality(%(types)s)], %(requester)s,
                   CASE WHEN r.open THEN 'open' ELSE 'closed' END,
                   (ARRAY[1, 2, 2, 3, 3, 3, 4, 5, NULL])[1 + (g * 13) %% 9],
                   'Bench ticket ' || g, 'Generated for the report benchmark.', '{}'::jsonb,
                   r.filed, r.filed,
                   CASE WHEN r.open AND random() < 0.5 THEN NULL
                        ELSE r.filed + random() * random() * interval '30 hours' END
            FROM generate_series(1::bigint, %(n)s) AS g
            CROSS JOIN LATERAL (SELECT now() - (g::float / %(n)s) * interval '730 days' AS filed,
                                       g > %(n)s - %(n)s / 200 AS open) r
            """,
            {"orgs": org_ids, "types": type_ids, "requester": requester.pk, "n": n},
        )
        print(f"  {n:,} tickets in {time.perf_counter() - started:.0f} s", flush=True)
        cursor.execute(
            """
            INSERT INTO sla_slaclock (ticket_id, metric, target_id, target_tier_id, target_severity_id, target_duration,
                target_calendar_id, target_warn_percent, target_escalation_eligible, target_pauses_while_waiting,
                state, started_at, segment_start, elapsed_before, due_at, warn_at, breached_at, paused_total,
                stopped_at, stopped_reason, pauses, recomputations, updated_at)
            SELECT t.id, 'ack', st.id, st.tier_id, st.severity_id, st.duration, st.calendar_id, st.warn_percent,
                   st.escalation_eligible, st.pauses_while_waiting,
                   CASE WHEN t.acknowledged_at IS NULL THEN 'running' ELSE 'stopped' END,
                   t.created_at, CASE WHEN t.acknowledged_at IS NULL THEN t.created_at END,
                   c.elapsed, t.created_at + st.duration, t.created_at + st.duration * st.warn_percent / 100,
                   CASE WHEN c.elapsed > st.duration OR (t.acknowledged_at IS NULL AND t.created_at + st.duration < now())
                        THEN t.created_at + st.duration END,
                   interval '0', t.acknowledged_at,
                   CASE WHEN t.acknowledged_at IS NULL THEN '' ELSE 'acknowledged' END, '[]', '[]', now()
            FROM tickets_ticket t
            JOIN customers_organisation o ON o.id = t.organisation_id
            JOIN sla_slatarget st ON st.tier_id = o.tier_id AND st.severity_id = t.severity_id AND st.metric = 'ack'
            CROSS JOIN LATERAL (SELECT CASE WHEN t.acknowledged_at IS NULL THEN interval '0'
                                            ELSE (t.acknowledged_at - t.created_at) * 0.4 END AS elapsed) c
            """
        )
        cursor.execute(
            """
            INSERT INTO sla_escalation (ticket_id, clock_id, kind, reason, description, environment, justification,
                created_at, reminders_sent)
            SELECT c.ticket_id, c.id, 'automatic', 'Breached', '', '', '', c.breached_at, 0
            FROM sla_slaclock c WHERE c.breached_at IS NOT NULL AND c.target_escalation_eligible AND c.id % 10 = 0
            UNION ALL
            SELECT t.id, NULL, 'customer', '', 'down', 'live1', 'orders stuck', t.created_at + interval '1 hour', 0
            FROM tickets_ticket t WHERE t.id % 100 = 0
            """
        )
        cursor.execute(
            """
            INSERT INTO tickets_satisfactionrating (ticket_id, score, comment, rated_at)
            SELECT t.id, CASE WHEN random() < 0.8 THEN 'good' ELSE 'bad' END, '', t.created_at + interval '2 days'
            FROM tickets_ticket t WHERE t.status = 'closed' AND t.id % 5 = 0
            """
        )
        cursor.execute("VACUUM ANALYZE")
    TicketNumberSequence.objects.update_or_create(pk=1, defaults={"last_number": 100000 + n})
    # The rows were written in SQL, past the receivers: compute their figures as the migration did.
    call_command("report_figures_rebuild", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_ticketfigures")
        cursor.execute("VACUUM ANALYZE reports_figuresday")
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", default="sd_reports_bench")
    parser.add_argument("--zone", default="UTC", help="the lead's timezone: the report's months are whole months there")
    parser.add_argument(
        "--build-only", action="store_true", help="build (or bring up to date) the scratch database and stop; a later run reuses it"
    )
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = scratch_database(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)
    assert not settings.DEBUG

    from accounts.models import User
    from reports.selectors import period_last_full_months
    from sla.models import SlaClock
    from tickets.models import Ticket

    populate(args.tickets)
    if args.build_only:
        return
    User.objects.filter(email="lead@bench.example").update(timezone=args.zone)
    lead = User.objects.get(email="lead@bench.example")
    client = Client()
    client.force_login(lead)
    period = period_last_full_months(zone=lead.timezone or "UTC")
    in_period = Ticket.objects.filter(created_at__gte=period.start, created_at__lt=period.end).count()
    print(
        f"{Ticket.objects.count():,} tickets, {SlaClock.objects.count():,} clocks; default period "
        f"{period.first:%Y-%m}–{period.last:%Y-%m} in {args.zone} holds {in_period:,}; {args.runs} runs each, wall time in ms"
    )
    year = f"first={period.last.year - 1}-{period.last.month:02d}&last={period.last:%Y-%m}"
    pages = [
        ("report page, by tier (default)", "/desk/reports/"),
        ("report page, by organisation", "/desk/reports/?by=organisation"),
        ("report page, by severity", "/desk/reports/?by=severity"),
        ("report page, by ticket type", "/desk/reports/?by=ticket_type"),
        ("report page, by month", "/desk/reports/?by=month"),
        ("report page, 12 months by tier", f"/desk/reports/?{year}&by=tier"),
        ("export report CSV (by organisation)", "/desk/reports/?by=organisation&what=report&download=csv"),
        ("export report XLSX (by organisation)", "/desk/reports/?by=organisation&what=report&download=xlsx"),
        ("export breaches CSV", "/desk/reports/?what=breaches&download=csv"),
        ("export breaches XLSX", "/desk/reports/?what=breaches&download=xlsx"),
    ]
    print(
        "cached: nothing changed since the last view; cold: the cache emptied before each view (the first "
        "view after a change to a ticket filed in the period)"
    )
    print(f"{'page':<40} {'cached median':>14} {'cold median':>12} {'cold p90':>9} {'queries':>8} {'in SQL':>8}")
    for label, url in pages:
        warm, _p90, _queries, _in_sql = measure(client, url, args.runs)
        cold, cold_p90, queries, in_sql = measure_cold(client, url, args.runs)
        goal = "  (goal ≤ 300 ms at 1 M)" if "default" in label else ""
        print(f"{label:<40} {warm:14.1f} {cold:12.1f} {cold_p90:9.1f} {queries:8d} {in_sql:8.1f}{goal}", flush=True)


def measure_cold(client, url: str, runs: int) -> tuple[float, float, int, float]:  # type: ignore[no-untyped-def]
    """As ``measure``, with the cache emptied before each request: the figures recomputed every time."""
    from django.core.cache import cache
    from django.db import connection

    executed: list[float] = []

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            executed.append(time.perf_counter() - started)

    times, sql_times, queries = [], [], 0
    with connection.execute_wrapper(timed):
        for _ in range(runs):
            cache.clear()
            executed.clear()
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            sql_times.append(sum(executed) * 1000)
            queries = len(executed)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.9 * (len(times) - 1)))], queries, statistics.median(sql_times)


if __name__ == "__main__":
    main()
