"""Server time of the desk queue and a ticket page with 100,000 tickets in PostgreSQL.

    .venv/bin/python bench/desk_queue.py [--tickets 100000] [--runs 15] [--db sd_desk_bench]

Builds (once; later runs reuse it) a scratch database next to the one in DATABASE_URL (default
postgres://postgres@127.0.0.1:5432), bulk-inserts organisations, agents and tickets with a created
event each, a comment on every fifth and an acknowledgement clock on each ticket with a target
(running for the unacknowledged ones, due within two days either side of now), then renders
in-process with Django's test client, signed in as an agent: the queue (default view, first page
of 50), a later page, the htmx table refresh, two saved views, a search, a ticket page and the
dashboard, the organisation list and its search, and the busiest organisation's page.
Prints median and p90 wall time per page, the number of SQL queries and the median
time spent waiting for them.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scratch_database(name: str) -> str:
    import psycopg2

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def populate(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from customers.models import Organisation
    from sla.models import SupportTier
    from tickets.models import Comment, Ticket, TicketEvent, TicketNumberSequence, TicketType

    call_command("migrate", verbosity=0)
    have = Ticket.objects.count()
    if have >= n:
        add_clocks()
        return
    rng = random.Random(2026)
    tiers = list(SupportTier.objects.all())
    organisations = [
        Organisation.objects.get_or_create(
            account_id=f"BENCH-{i:03d}",
            defaults={"name": f"Bench organisation {i}", "tier": tiers[i % len(tiers)]},
        )[0]
        for i in range(60)
    ]
    agents = [
        User.objects.get_or_create(email=f"agent{i}@bench.example", defaults={"full_name": f"Agent {i}", "role": "agent"})[0]
        for i in range(12)
    ]
    requester = User.objects.get_or_create(email="customer@bench.example", defaults={"full_name": "Bench Customer"})[0]
    types = list(TicketType.objects.all())
    statuses = ["new"] * 2 + ["open"] * 3 + ["waiting_customer", "waiting_vendor"] + ["resolved"] * 3 + ["closed"] * 9
    words = [
        "checkout",
        "carrier",
        "label",
        "webhook",
        "console",
        "export",
        "retailer",
        "pipeline",
        "order",
        "refund",
        "invoice",
        "sandbox",
        "api",
        "timeout",
        "gateway",
        "fulfilment",
        "inventory",
    ]
    start = (Ticket.objects.order_by("-number").values_list("number", flat=True).first() or 1000) + 1
    batch = 5000
    for offset in range(have, n, batch):
        size = min(batch, n - offset)
        tickets = [
            Ticket(
                organisation=rng.choice(organisations),
                number=start + offset - have + i,
                ticket_type=rng.choice(types),
                requester_user=requester,
                status=rng.choice(statuses),
                severity_id=rng.choice([1, 2, 2, 3, 3, 3, 4, 5, None]),
                assignee=rng.choice(agents + [None] * 6),
                summary=" ".join(rng.sample(words, 5)).capitalize(),
                description=" ".join(rng.choices(words, k=40)),
            )
            for i in range(size)
        ]
        Ticket.objects.bulk_create(tickets)
        TicketEvent.objects.bulk_create(TicketEvent(ticket=t, kind="created", actor=requester) for t in tickets)
        Comment.objects.bulk_create(Comment(ticket=t, author=requester, body=" ".join(rng.choices(words, k=25))) for t in tickets[::5])
        print(f"  inserted {offset + size:,} tickets", flush=True)
    TicketNumberSequence.objects.update_or_create(pk=1, defaults={"last_number": start + n})
    with connection.cursor() as cursor:
        # Spread filing times over the last 180 days, as a real queue would have them.
        cursor.execute(
            "UPDATE tickets_ticket SET created_at = now() - random() * interval '180 days',"
            " updated_at = now() - random() * interval '3 days'"
        )
        cursor.execute(
            "UPDATE tickets_ticket SET acknowledged_at = created_at + random() * interval '6 hours' WHERE status NOT IN ('new')"
        )
    add_clocks()


def add_clocks() -> None:
    """An acknowledgement clock per ticket with a target, as the SLA engine leaves them.

    Acknowledged tickets have a stopped clock (late on about one in five); unacknowledged
    open ones a running clock due at some minute of the two days either side of now, so
    the queue's top holds breached tickets and tickets due soon. Times are wall-clock
    approximations of business time: enough for the queries, which only read them.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sla_slaclock WHERE metric = 'ack' LIMIT 1")
        if cursor.fetchone():
            return
        cursor.execute(
            """
            INSERT INTO sla_slaclock (ticket_id, metric, target_id, target_tier_id, target_severity_id,
                target_duration, target_calendar_id, target_warn_percent, target_escalation_eligible,
                target_pauses_while_waiting, state, started_at, segment_start,
                elapsed_before, due_at, warn_at, warned_at, breached_at, paused_at, paused_total,
                stopped_at, stopped_reason, pauses, recomputations, updated_at)
            SELECT t.id, 'ack', st.id, st.tier_id, st.severity_id, st.duration, st.calendar_id, st.warn_percent,
                   st.escalation_eligible, st.pauses_while_waiting, c.state, t.created_at, c.segment_start, c.elapsed,
                   c.due_at, c.due_at - st.duration / 4, NULL,
                   CASE WHEN c.due_at < now() OR c.elapsed > st.duration THEN coalesce(c.due_at, t.acknowledged_at) END,
                   NULL, interval '0', c.stopped_at, c.reason, '[]', '[]', now()
            FROM tickets_ticket t
            JOIN customers_organisation o ON o.id = t.organisation_id
            JOIN sla_slatarget st ON st.tier_id = o.tier_id AND st.severity_id = t.severity_id AND st.metric = 'ack'
            CROSS JOIN LATERAL (SELECT
                CASE WHEN t.acknowledged_at IS NULL THEN 'running' ELSE 'stopped' END AS state,
                CASE WHEN t.acknowledged_at IS NULL THEN now() - interval '1 hour' END AS segment_start,
                CASE WHEN t.acknowledged_at IS NULL THEN interval '1 hour'
                     ELSE (t.acknowledged_at - t.created_at) * (CASE WHEN random() < 0.2 THEN 8 ELSE 1 END) END AS elapsed,
                CASE WHEN t.acknowledged_at IS NULL
                     THEN now() + (random() * 96 - 48) * interval '1 hour' END AS due_at,
                t.acknowledged_at AS stopped_at,
                CASE WHEN t.acknowledged_at IS NULL THEN '' ELSE 'acknowledged' END AS reason
            ) c
            """
        )
        cursor.execute("VACUUM ANALYZE")


def measure(client, url: str, runs: int, headers: dict[str, str] | None = None) -> tuple[float, float, int, float]:
    """Median and p90 wall time of the page, its query count, and the median time spent in SQL
    (as the client waits for it: the share of the page the database accounts for)."""
    from django.db import connection

    headers = headers or {}
    response = client.get(url, headers=headers)  # warm-up: caches, prepared plans, template loading
    assert response.status_code == 200, (url, response.status_code)
    executed: list[float] = []

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            executed.append(time.perf_counter() - started)

    times, sql_times = [], []
    with connection.execute_wrapper(timed):
        for _ in range(runs):
            executed.clear()
            started = time.perf_counter()
            client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            sql_times.append(sum(executed) * 1000)
            queries = len(executed)
    times.sort()
    p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
    return statistics.median(times), p90, queries, statistics.median(sql_times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", default="sd_desk_bench")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = scratch_database(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    os.environ.pop("REDIS_URL", None)  # presence marks go to the in-process cache
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)  # no query logging, 'testserver' allowed
    assert not settings.DEBUG

    from django.db.models import Count

    from accounts.models import User
    from tickets.models import Ticket

    populate(args.tickets)
    agent = User.objects.get(email="agent0@bench.example")
    client = Client()
    client.force_login(agent)
    total = Ticket.objects.count()
    open_ticket = Ticket.objects.filter(status="open").order_by("-created_at").first()
    busiest = (
        Ticket.objects.values("organisation_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("organisation_id", flat=True)
        .first()
    )
    print(
        f"{total:,} tickets, {Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).count():,} open; "
        f"{args.runs} runs per page, wall time in ms"
    )
    pages = [
        ("queue (default, page 1 of 50 rows)", "/desk/", None),
        ("queue page 20", "/desk/?page=20", None),
        ("queue, htmx table refresh", "/desk/", {"HX-Request": "true"}),
        ("queue, saved view: my tickets", "/desk/?view=mine", None),
        ("queue, saved view: breached", "/desk/?view=breached", None),
        ("queue, search 'gateway timeout'", "/desk/?q=gateway+timeout", None),
        ("ticket page", f"/desk/tickets/{open_ticket.number}/", None),
        ("dashboard", "/desk/dashboard/", None),
        ("organisation list", "/desk/organisations/", None),
        ("organisations, search 'organisation 1'", "/desk/organisations/?q=bench+organisation+1", None),
        ("organisation page (busiest)", f"/desk/organisations/{busiest}/", None),
    ]
    print(f"{'page':<40} {'median':>8} {'p90':>8} {'queries':>8} {'in SQL':>8}")
    for label, url, headers in pages:
        median, p90, queries, in_sql = measure(client, url, args.runs, headers)
        goal = "  (goal ≤ 150 ms)" if label.startswith(("queue (default", "ticket page")) else ""
        print(f"{label:<40} {median:8.1f} {p90:8.1f} {queries:8d} {in_sql:8.1f}{goal}")


if __name__ == "__main__":
    main()
