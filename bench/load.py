"""Portal and desk traffic against gunicorn (3 workers) on PostgreSQL with 100,000 tickets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py [--seconds 120]
        [--tickets 100000] [--threads 6] [--port 0] [--db sd_bench_load] [--seed-only | --reuse]
        [--worker-class sync] [--worker-threads 1]

Creates (dropped and recreated on every run unless ``--reuse`` measures one seeded before; ``--seed-only``
seeds and stops) the scratch database ``sd_bench_load`` on the server of
``DATABASE_URL``, migrates it and files, through ``ticket_create``, one ticket per organisation (50
organisations over the three tiers, each with a customer who files and an organisation admin), then
copies them server-side (``INSERT … SELECT generate_series``) into ``--tickets`` tickets with their
"created" timeline entries and, for the open ones, running acknowledgement clocks. It signs in 20
customers and 6 agents (sessions made in the database, as a sign-in makes them), starts
``gunicorn -w 3`` with ``DEBUG=false`` on a loopback port and drives it from this process with
``--threads`` client threads for ``--seconds`` seconds (a bounded loop: every thread stops by itself),
each request drawn from this mix:

    25 %  a customer's My requests            /portal/
    20 %  one of that customer's tickets      /portal/tickets/<n>/
    20 %  an agent's desk queue               /desk/
    20 %  a desk ticket page                  /desk/tickets/<n>/
    15 %  the status page's JSON              /status/api/v2/summary.json

Prints requests per second, p50 / p95 / p99 latency (overall and per page) and errors (anything but
a 200, or no answer). Goal (issue 9): ≥ 150 requests/s, p95 ≤ 150 ms, no errors.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import free_port, fresh_database, reused_database, wait_up  # noqa: E402 - beside this script

SCRATCH = "sd_bench_load"
ORGANISATIONS = 50
CUSTOMERS = 20
AGENTS = 6
MIX = [("my requests", 25), ("portal ticket", 20), ("desk queue", 20), ("desk ticket", 20), ("status json", 15)]
GOALS = {"rate": 150.0, "p95_ms": 150.0}


def seed(total: int) -> dict[str, list]:  # type: ignore[type-arg]
    """Organisations, people and ``total`` tickets; the sessions and ticket numbers the clients use."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from sla.models import SlaClock, SupportTier
    from tests.factories import OrganisationFactory, TicketFactory, UserFactory
    from tickets.models import Ticket, TicketEvent, TicketNumberSequence

    call_command("migrate", verbosity=0)
    tiers = list(SupportTier.objects.order_by("pk"))
    customers, templates = [], []
    with transaction.atomic():
        for i in range(ORGANISATIONS):
            organisation = OrganisationFactory(
                account_id=f"LOAD-{i:03d}",
                name=f"Load organisation {i}",
                tier=tiers[i % len(tiers)],
            )
            # No passwords (hashing a hundred of them takes minutes): the sessions are made directly below.
            customer = UserFactory(
                email=f"customer{i}@load.example", full_name=f"Customer {i}", organisation=organisation, password=None
            )
            UserFactory(
                email=f"admin{i}@load.example", full_name=f"Org admin {i}", organisation=organisation, org_admin=True, password=None
            )
            templates.append(
                TicketFactory(
                    organisation=organisation,
                    requester_user=customer,
                    severity=1 + i % 3,
                    summary=f"Orders stuck in fulfilment at organisation {i}",
                )
            )
            customers.append(customer)
        agents = [
            UserFactory(email=f"agent{i}@load.example", full_name=f"Agent {i}", role="agent", password=None) for i in range(AGENTS)
        ]

    per_template = total // len(templates) - 1
    template_ids = [t.pk for t in templates]
    overridden = {"id", "number", "status", "summary", "created_at", "updated_at", "acknowledged_at"}
    ticket_columns = [f.column for f in Ticket._meta.concrete_fields if f.column not in overridden]
    event_columns = [f.column for f in TicketEvent._meta.concrete_fields if f.column not in ("id", "ticket_id")]
    clock_columns = [
        f.column
        for f in SlaClock._meta.concrete_fields
        if f.column not in ("id", "ticket_id", "due_at", "warn_at", "started_at", "segment_start")
    ]
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cols = ", ".join(ticket_columns)
        # Three in ten open (new, open, waiting on the customer), the rest resolved or closed; filed over 180 days.
        cursor.execute(
            f"INSERT INTO tickets_ticket (number, status, summary, created_at, updated_at, acknowledged_at, {cols}) "  # noqa: S608 - column names from the model
            "SELECT 100000 + row_number() OVER (ORDER BY g, t.id), "
            "(ARRAY['new','open','waiting_customer','resolved','closed','closed','closed','closed','closed','resolved'])"
            "[1 + (g %% 10)], t.summary || ' #' || g, stamp.at, stamp.at, "
            "CASE WHEN g %% 10 = 0 THEN NULL ELSE stamp.at + interval '1 hour' END, "
            f"{', '.join('t.' + c for c in ticket_columns)} "
            "FROM tickets_ticket t CROSS JOIN generate_series(1, %s) g "
            "CROSS JOIN LATERAL (SELECT now() - (g * interval '180 days' / %s) AS at) stamp WHERE t.id = ANY(%s)",
            [per_template, per_template, template_ids],
        )
        cols = ", ".join(event_columns)
        cursor.execute(
            f"INSERT INTO tickets_ticketevent (ticket_id, {cols}) "  # noqa: S608 - column names from the model
            f"SELECT t.id, {', '.join('e.' + c for c in event_columns)} FROM tickets_ticket t "
            "JOIN tickets_ticket tpl ON tpl.id = ANY(%s) AND tpl.organisation_id = t.organisation_id "
            "JOIN tickets_ticketevent e ON e.ticket_id = tpl.id AND e.kind = 'created' WHERE t.number > 100000",
            [template_ids],
        )
        cols = ", ".join(clock_columns)
        cursor.execute(
            f"INSERT INTO sla_slaclock (ticket_id, started_at, segment_start, due_at, warn_at, {cols}) "  # noqa: S608 - column names from the model
            f"SELECT t.id, t.created_at, t.created_at, d.due, d.due - interval '30 minutes', "
            f"{', '.join('c.' + c for c in clock_columns)} FROM tickets_ticket t "
            "JOIN tickets_ticket tpl ON tpl.id = ANY(%s) AND tpl.organisation_id = t.organisation_id "
            "JOIN sla_slaclock c ON c.ticket_id = tpl.id AND c.metric = 'ack' "
            "CROSS JOIN LATERAL (SELECT now() + ((t.number %% 2880) * interval '1 minute') AS due) d "
            "WHERE t.number > 100000 AND t.status IN ('new', 'open', 'waiting_customer')",
            [template_ids],
        )
        cursor.execute("VACUUM ANALYZE")  # as autovacuum soon would: visibility map set, index-only scans
    TicketNumberSequence.objects.update_or_create(
        pk=1,
        defaults={"last_number": Ticket.objects.order_by("-number").values_list("number", flat=True).first()},
    )
    print(
        f"  {Ticket.objects.count():,} tickets, {SlaClock.objects.count():,} clocks "
        f"({time.perf_counter() - began:.1f} s to copy server-side)",
        flush=True,
    )

    rng = random.Random(2026)
    own = {c.pk: list(Ticket.objects.filter(requester_user=c).values_list("number", flat=True)[:200]) for c in customers}
    numbers = list(Ticket.objects.values_list("number", flat=True))
    return {
        "customers": [(session_for(c), own[c.pk]) for c in customers[:CUSTOMERS]],
        "agents": [session_for(a) for a in agents],
        "desk tickets": rng.sample(numbers, 2000),
    }


def session_for(user: Any) -> str:
    """A session as a sign-in writes it: the user, their password hash, a passed second factor for support staff."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.second_factor import ENROLLED_SESSION_KEY, second_factor_enrolled

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.is_support_staff:  # support staff pass a second factor at sign-in, as in production
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=True
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[ENROLLED_SESSION_KEY] = second_factor_enrolled(user)  # noted at sign-in, as note_enrolment does
    session.create()
    return session.session_key


def world_of_seeded() -> dict[str, list]:  # type: ignore[type-arg]
    """New sessions and the ticket numbers of a database seeded before (``--reuse``)."""
    from django.core.management import call_command

    from accounts.models import User
    from tickets.models import Ticket

    call_command("migrate", verbosity=0)  # a database seeded by older code gets the new migrations
    customers = list(User.objects.filter(email__startswith="customer", email__endswith="@load.example").order_by("pk")[:CUSTOMERS])
    agents = list(User.objects.filter(email__startswith="agent", email__endswith="@load.example").order_by("pk"))
    if not customers or not agents:
        sys.exit("This database was not seeded by bench/load.py: run once without --reuse.")
    numbers = list(Ticket.objects.values_list("number", flat=True))
    own = {c.pk: list(Ticket.objects.filter(requester_user=c).values_list("number", flat=True)[:200]) for c in customers}
    return {
        "customers": [(session_for(c), own[c.pk]) for c in customers],
        "agents": [session_for(a) for a in agents],
        "desk tickets": random.Random(2026).sample(numbers, 2000),
    }


def request_for(kind: str, world: dict[str, list], rng: random.Random) -> tuple[str, str]:  # type: ignore[type-arg]
    """The path and session cookie of one request of the mix."""
    if kind in ("my requests", "portal ticket"):
        session, own = rng.choice(world["customers"])
        return ("/portal/" if kind == "my requests" else f"/portal/tickets/{rng.choice(own)}/"), session
    if kind in ("desk queue", "desk ticket"):
        session = rng.choice(world["agents"])
        return ("/desk/" if kind == "desk queue" else f"/desk/tickets/{rng.choice(world['desk tickets'])}/"), session
    return "/status/api/v2/summary.json", ""


def drive(port: int, world: dict[str, list], seconds: float, threads: int, seed: int = 2026) -> dict[str, list]:  # type: ignore[type-arg]
    """Every thread loops until the deadline; per kind of page, the latencies (s) and the errors."""
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    stop = time.monotonic() + seconds
    results: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    lock = threading.Lock()

    def worker(index: int) -> None:
        rng = random.Random(seed + index)
        local: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            kind = rng.choice(kinds)
            path, session = request_for(kind, world, rng)
            headers = {"Host": "127.0.0.1", "Cookie": f"sessionid={session}"} if session else {"Host": "127.0.0.1"}
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            local[kind].append(time.perf_counter() - started)
            if not ok:
                local[f"{kind} errors"].append(path)
        conn.close()
        with lock:
            for key, values in local.items():
                results[key].extend(values)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results


def server_cpu(pid: int) -> float:
    """User and system CPU seconds of gunicorn's master and its workers so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    for process in [str(pid), *children]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000 if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--port", type=int, default=0, help="loopback port for gunicorn (default: a free one)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn's worker class (sync or gthread)")
    parser.add_argument("--worker-threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--db", default=SCRATCH, help=f"name of the scratch database (default {SCRATCH})")
    parser.add_argument("--reuse", action="store_true", help="measure a database seeded before, without reseeding")
    parser.add_argument("--seed-only", action="store_true", help="seed the database and stop (measure later with --reuse)")
    args = parser.parse_args()

    database_url = reused_database(args.db) if args.reuse else fresh_database(args.db)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "supportdesk.settings",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(ROOT / "var" / "bench-load-media"),
    }
    os.environ.update(env)
    import django

    django.setup()
    from notifications import services as outbox

    outbox._enqueue = lambda outbox_id: None  # no worker here: the filing mail stays in the outbox
    if args.reuse:
        world = world_of_seeded()
        print(f"Reusing {args.db} ({len(world['desk tickets'])} desk tickets drawn, sessions made anew)", flush=True)
    else:
        print(f"Seeding {args.db} with {args.tickets:,} tickets…", flush=True)
        world = seed(args.tickets)
        if args.seed_only:
            return
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = args.port or free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(python).parent)) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "supportdesk.wsgi",
            "-c",
            "gunicorn.conf.py",
            "-w",
            "3",
            "-k",
            args.worker_class,
            "--threads",
            str(args.worker_threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_up(port, timeout=60.0)
        drive(port, world, min(5.0, args.seconds / 4), args.threads, seed=1)  # warm-up: templates, plans, caches
        load = os.getloadavg()[0]
        print(
            f"gunicorn -w 3 ({args.worker_class}) on 127.0.0.1:{port}; {args.threads} client threads for {args.seconds:.0f} s; "
            f"load average before: {load:.1f}",
            flush=True,
        )
        began, cpu_before = time.perf_counter(), server_cpu(server.pid)
        results = drive(port, world, args.seconds, args.threads)
        elapsed, cpu_used = time.perf_counter() - began, server_cpu(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=20)

    every = [v for kind, _w in MIX for v in results.get(kind, [])]
    errors = sum(len(results.get(f"{kind} errors", [])) for kind, _w in MIX)
    print(f"\n{'page':<16} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind, _weight in MIX:
        values = results.get(kind, [])
        print(
            f"{kind:<16} {len(values):>9} {percentile(values, 0.5):>8.1f} {percentile(values, 0.95):>8.1f} "
            f"{percentile(values, 0.99):>8.1f} {len(results.get(f'{kind} errors', [])):>7}"
        )
    rate = len(every) / elapsed
    p95 = percentile(every, 0.95)
    print(f"{'all':<16} {len(every):>9} {percentile(every, 0.5):>8.1f} {p95:>8.1f} {percentile(every, 0.99):>8.1f} {errors:>7}")
    print(
        f"\n{rate:.1f} requests/s over {elapsed:.1f} s; median {statistics.median(every) * 1000 if every else 0:.1f} ms; "
        f"load average after: {os.getloadavg()[0]:.1f}"
    )
    if every:
        per_request = cpu_used / len(every) * 1000
        print(
            f"gunicorn's CPU: {per_request:.1f} ms a request ({cpu_used / elapsed:.2f} cores busy); on two idle "
            f"cores that alone allows at most {2000 / per_request:.0f} requests/s (PostgreSQL and the client not counted)"
        )
    print(
        f"goal: ≥ {GOALS['rate']:.0f} req/s ({'met' if rate >= GOALS['rate'] else 'not met'}), "
        f"p95 ≤ {GOALS['p95_ms']:.0f} ms ({'met' if p95 <= GOALS['p95_ms'] else 'not met'}), "
        f"0 errors ({'met' if errors == 0 else f'{errors} errors'})"
    )
    for kind, _weight in MIX:
        if results.get(f"{kind} errors"):
            print(f"  e.g. {kind}: {results[f'{kind} errors'][:3]}")


if __name__ == "__main__":
    main()
