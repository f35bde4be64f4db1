"""One escalation tick's scan at 10 k, 100 k and 1 M open SLA clocks, on PostgreSQL.

The minute tick (``sla.escalations.sla_tick``) asks three questions: which running
clocks are past their due time and not breached, which are past their warn time
and not warned, which escalations owe a reminder. Each is answered from a partial
index holding only the rows that can still become due, so the answer should cost
the same whether 10 thousand or 1 million tickets are open.

The script creates its own scratch database (``sd_bench_escalation`` on the server
of ``DATABASE_URL``; dropped and recreated on every run), migrates it, files one
real Premium Sev1 ticket through the service and copies it server-side
(``INSERT … SELECT generate_series``) into 10 k, then 100 k, then 1 M open tickets,
each with a running acknowledgement clock due at some minute of the next 30 days,
and one escalation per thousand tickets with a future reminder. At each size a
handful are made due (5 breaches, 5 warnings, 5 reminders), then it times the three
scan queries exactly as the tick runs them (median of 21 runs: wall time from
the client, and planning + execution time inside PostgreSQL), prints
their plans once, and times one whole tick acting on the handful.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/escalation_scan.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import fresh_database  # noqa: E402 - beside this script

SCRATCH = "sd_bench_escalation"
SIZES = (10_000, 100_000, 1_000_000)
HANDFUL = 5
RUNS = 21


def scratch_database() -> None:
    """Point DATABASE_URL at a fresh scratch database on the same server."""
    os.environ["DATABASE_URL"] = fresh_database(SCRATCH)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")


def main() -> None:
    scratch_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from notifications import services as outbox
    from sla import selectors
    from sla.escalations import sla_tick
    from sla.models import Escalation, SlaClock
    from tests.factories import OrganisationFactory, TicketFactory
    from tickets.models import Ticket

    outbox.outbox_enqueue = lambda *, outbox_id: False  # no broker here: rows stay in the outbox
    print(f"Migrating the scratch database {SCRATCH}…", flush=True)
    call_command("migrate", verbosity=0)
    now = timezone.now().replace(microsecond=0)

    with transaction.atomic():
        organisation = OrganisationFactory(account_id="BENCH", name="Bench Retail")
        template = TicketFactory(organisation=organisation, severity=1, summary="Bench ticket")
    template_clock = SlaClock.objects.get(ticket=template, metric="ack")

    ticket_columns = [f.column for f in Ticket._meta.concrete_fields if f.column not in ("id", "number")]
    clock_columns = [
        f.column
        for f in SlaClock._meta.concrete_fields
        if f.column not in ("id", "ticket_id", "started_at", "segment_start", "due_at", "warn_at")
    ]
    escalation_columns = [
        "ticket_id",
        "kind",
        "reason",
        "description",
        "environment",
        "justification",
        "created_at",
        "next_reminder_at",
        "reminders_sent",
    ]

    def grow(first: int, last: int) -> None:
        """Open tickets numbered first..last, each with a running clock; an escalation per thousand."""
        with connection.cursor() as cursor:
            cols = ", ".join(ticket_columns)
            cursor.execute(
                f"INSERT INTO tickets_ticket (number, {cols}) "  # noqa: S608 - column names from the model
                f"SELECT 1000000 + g, {cols} FROM tickets_ticket, generate_series(%s, %s) g WHERE id = %s",
                [first, last, template.pk],
            )
            cols = ", ".join(clock_columns)
            cursor.execute(
                f"INSERT INTO sla_slaclock (ticket_id, started_at, segment_start, due_at, warn_at, {cols}) "  # noqa: S608 - column names from the model
                f"SELECT t.id, %s, %s, d.due, d.due - interval '30 minutes', {', '.join('c.' + c for c in clock_columns)} "
                "FROM tickets_ticket t CROSS JOIN sla_slaclock c "
                "CROSS JOIN LATERAL (SELECT %s + interval '1 hour' + ((t.number %% 43200) * interval '1 minute') AS due) d "
                "WHERE c.id = %s AND t.number BETWEEN 1000000 + %s AND 1000000 + %s",
                [now - timedelta(hours=1), now - timedelta(hours=1), now, template_clock.pk, first, last],
            )
            cursor.execute(
                f"INSERT INTO sla_escalation ({', '.join(escalation_columns)}) "  # noqa: S608 - column names from the model
                "SELECT t.id, 'customer', '', 'bench', 'live1', 'bench', %s, "
                "%s + interval '1 hour' + ((t.number %% 1440) * interval '1 minute'), 0 "
                "FROM tickets_ticket t WHERE t.number BETWEEN 1000000 + %s AND 1000000 + %s AND t.number %% 1000 = 0",
                [now, now, first, last],
            )
            cursor.execute("ANALYZE tickets_ticket; ANALYZE sla_slaclock; ANALYZE sla_escalation;")

    def make_handful_due(size: int) -> None:
        numbers = [1_000_000 + size - i for i in range(HANDFUL * 3)]
        breach, warn = numbers[:HANDFUL], numbers[HANDFUL : 2 * HANDFUL]
        SlaClock.objects.filter(ticket__number__in=breach).update(
            due_at=now - timedelta(minutes=1), warn_at=now - timedelta(minutes=31)
        )
        SlaClock.objects.filter(ticket__number__in=warn).update(due_at=now + timedelta(minutes=29), warn_at=now - timedelta(minutes=1))
        due = list(Escalation.objects.filter(next_reminder_at__gt=now).order_by("-pk").values_list("pk", flat=True)[:HANDFUL])
        Escalation.objects.filter(pk__in=due).update(next_reminder_at=now - timedelta(minutes=1))

    queries = {
        "breaches": lambda: list(selectors.clocks_due_for_breach(now=now).values_list("pk", "ticket_id")[:200]),
        "warnings": lambda: list(selectors.clocks_due_for_warning(now=now).values_list("pk", "ticket_id")[:200]),
        "reminders": lambda: list(selectors.escalations_due_for_reminder(now=now).values_list("pk", "ticket_id")[:200]),
    }

    def scan_ms() -> tuple[float, dict[str, int]]:
        """Wall time of the three queries from this process, median of RUNS."""
        found: dict[str, int] = {}
        samples = []
        for _run in range(RUNS):
            began = time.perf_counter()
            for name, query in queries.items():
                found[name] = len(query())
            samples.append((time.perf_counter() - began) * 1000)
        return statistics.median(samples), found

    def server_ms() -> float:
        """Planning + execution time of the three queries inside PostgreSQL (EXPLAIN ANALYZE), median of RUNS.

        On a shared machine this is the steadier figure: it leaves out the client's share of the CPU.
        """
        import json

        samples = []
        with connection.cursor() as cursor:
            for _run in range(RUNS):
                total = 0.0
                for query in querysets():
                    sql, params = query.query.sql_with_params()
                    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                    plan = cursor.fetchone()[0]
                    plan = plan if isinstance(plan, list) else json.loads(plan)
                    total += plan[0]["Planning Time"] + plan[0]["Execution Time"]
                samples.append(total)
        return statistics.median(samples)

    def querysets():  # type: ignore[no-untyped-def]
        return (
            selectors.clocks_due_for_breach(now=now).values_list("pk", "ticket_id")[:200],
            selectors.clocks_due_for_warning(now=now).values_list("pk", "ticket_id")[:200],
            selectors.escalations_due_for_reminder(now=now).values_list("pk", "ticket_id")[:200],
        )

    results: dict[int, tuple[float, float, float]] = {}
    done = 0
    for size in SIZES:
        began = time.perf_counter()
        grow(done + 1, size)
        done = size
        print(f"\n{size:>9,} open clocks (+{time.perf_counter() - began:.1f} s to insert)", flush=True)
        idle, found = scan_ms()
        idle_server = server_ms()
        print(f"  scan, nothing due:       {idle:7.2f} ms wall, {idle_server:6.3f} ms in PostgreSQL  {found}")
        make_handful_due(size)
        busy, found = scan_ms()
        busy_server = server_ms()
        print(f"  scan, a handful due:     {busy:7.2f} ms wall, {busy_server:6.3f} ms in PostgreSQL  {found}")
        if size == SIZES[-1]:
            with connection.cursor() as cursor:
                for name, query in zip(("breaches", "warnings", "reminders"), querysets(), strict=True):
                    sql, params = query.query.sql_with_params()
                    cursor.execute("EXPLAIN ANALYZE " + sql, params)
                    print(f"  plan ({name}):")
                    for (line,) in cursor.fetchall():
                        print("    " + line)
        began = time.perf_counter()
        outcome = sla_tick(now=now)
        tick = (time.perf_counter() - began) * 1000
        print(f"  one whole tick acting on them: {tick:7.1f} ms  {outcome}")
        results[size] = (idle, busy, idle_server, busy_server, tick)

    small, large = results[SIZES[0]], results[SIZES[-1]]
    print("\nsize        wall idle / handful (ms)   in PostgreSQL idle / handful (ms)   whole tick (ms)")
    for size, (idle, busy, idle_server, busy_server, tick) in results.items():
        print(f"{size:>9,}   {idle:9.2f} / {busy:9.2f}      {idle_server:11.3f} / {busy_server:9.3f}        {tick:10.1f}")
    print(
        "ratio 1M / 10k: "
        + ", ".join(
            f"{label} {large[i] / small[i]:.2f}×"
            for i, label in enumerate(["wall idle", "wall handful", "server idle", "server handful", "whole tick"])
        )
    )
    print("goal: the scan ≤ 100 ms at 1 M open clocks and within 2× of the 10 k figure")


if __name__ == "__main__":
    main()
