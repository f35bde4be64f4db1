"""Alert latency: from raising an alert to its receipt by a real SMTP server.

Raises N alerts (default 200) for an organisation with a registered emergency
contact and a distribution list in copy, one after another as monitoring would,
through ``notices.services.notice_raise``: ticket, timeline and outbox rows in
one transaction, tasks published to Redis on commit, sent by a real Celery
worker (prefork, like production) against PostgreSQL to an aiosmtpd server in
this process. Prints p50 / p95 / max per email and per alert (until its last
copy arrived), against the goal p95 ≤ 2 s.

Runs in a scratch database (``test_<name>`` of DATABASE_URL, created and
dropped here) and clears the Celery queue of REDIS_URL's database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sd_bench REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/alert_latency.py [--alerts 200] [--concurrency 4] [--interval 0]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def start_worker(*, smtp_port: int, broker: str, concurrency: int, log: Path) -> subprocess.Popen[bytes]:
    from tests.worker import database_url

    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "10",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "supportdesk",
        "worker",
        f"--concurrency={concurrency}",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def run(args: argparse.Namespace) -> None:
    from notices.models import ProductArea
    from notices.services import notice_raise
    from notifications.models import OutboundEmail
    from notifications.services import Email, email_queue
    from tests.factories import OrganisationFactory
    from tests.smtp import smtp_sink
    from tests.worker import redis_broker

    organisation = OrganisationFactory(name="Bench Retail", account_id="BENCH")
    area = ProductArea.objects.create(name="Query API")
    recipients = organisation.contacts.exclude(emergency_role="").count()
    log = ROOT / "var" / "bench-alert-worker.log"
    log.parent.mkdir(exist_ok=True)

    with smtp_sink() as sink, redis_broker() as broker:
        worker = start_worker(smtp_port=sink.port, broker=broker, concurrency=args.concurrency, log=log)
        try:
            email_queue(event_key="bench-warm-up", email=Email(recipient="warm@bench.example", subject="warm", body_text="."))
            if not sink.wait_for(1, timeout=120):
                raise SystemExit(f"The worker sent nothing; see {log}")
            sink.messages.clear()

            sent_at: dict[str, tuple[int, float]] = {}  # Message-ID → (alert, when raised)
            raise_costs = []
            started = time.perf_counter()
            for number in range(args.alerts):
                t0 = time.perf_counter()
                notice, _created = notice_raise(
                    organisation=organisation,
                    kind="alert",
                    area=area,
                    title=f"Bench alert {number}",
                    description="Error rate above threshold on published query endpoints.",
                    actor_label="Bench",
                )
                raise_costs.append(time.perf_counter() - t0)
                for message_id in OutboundEmail.objects.filter(event_key=notice.event_key).values_list("message_id", flat=True):
                    sent_at[message_id] = (number, t0)
                if args.interval:
                    time.sleep(args.interval)
            raised = time.perf_counter() - started
            received = sink.wait_for(len(sent_at), timeout=600)
            finished = time.perf_counter()
        finally:
            worker.terminate()
            worker.wait(timeout=60)

    per_email: list[float] = []
    last_copy: dict[int, float] = {}
    for message in received:
        alert, t0 = sent_at[message["Message-ID"]]
        latency = message.received_at - t0
        per_email.append(latency)
        last_copy[alert] = max(last_copy.get(alert, 0.0), latency)
    missing = len(sent_at) - len(per_email)
    per_alert = list(last_copy.values())

    print(
        f"alerts: {args.alerts} × {recipients} recipients = {len(sent_at)} emails; "
        f"worker prefork ×{args.concurrency}; interval {args.interval:g} s; missing {missing}"
    )
    print(
        f"raising: {raised:.2f} s for all, {statistics.median(raise_costs) * 1000:.1f} ms median per alert; "
        f"all received {finished - started:.2f} s after the first was raised "
        f"({len(per_email) / (finished - started):.0f} emails/s)"
    )
    for label, values in (("per email", per_email), ("per alert (last copy)", per_alert)):
        p50, p95 = statistics.median(values), percentile(values, 95)
        print(f"{label:>22}: p50 {p50 * 1000:7.0f} ms   p95 {p95 * 1000:7.0f} ms   max {max(values) * 1000:7.0f} ms")
    p95 = percentile(per_alert, 95)
    print(f"goal p95 ≤ 2000 ms: {'met' if p95 <= 2.0 else 'MISSED'} (p95 is {p95 / 2.0:.2f}× the goal)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--alerts", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes (docker-compose runs 4)")
    parser.add_argument("--interval", type=float, default=0.0, help="seconds between two alerts (0: back to back)")
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        raise SystemExit("Set DATABASE_URL=postgres://… and REDIS_URL=redis://…: the benchmark needs the real services.")
    saved = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        run(args)
    finally:
        teardown_databases(saved, verbosity=0)


if __name__ == "__main__":
    main()
