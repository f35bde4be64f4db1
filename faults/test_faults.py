"""Fault drills with real processes (`make faults`): nothing is lost when parts of the system die.

These run a real Celery worker against PostgreSQL and Redis and deliver to a
real SMTP server, then break things on purpose: SIGKILL the worker mid-drain,
stop Redis while people work, refuse SMTP connections. They wait on real
processes, so they live outside `make test`; CI runs them too.

Each drill prints what it saw: lost, duplicated, and how long recovery took.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import transaction
from django.test import Client

from notifications.models import OutboundEmail
from notifications.services import Email, email_queue, outbox_due_ids, outbox_enqueue
from tests.smtp import SmtpSink, free_port, smtp_sink
from tests.worker import celery_worker, redis_broker

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.faults]

# The worker's view of time in a drill: a lost claim is retried after 3 s and
# the first SMTP retry comes after 1 s, instead of minutes.
FAST = {"OUTBOX_CLAIM_TIMEOUT_SECONDS": "3", "OUTBOX_RETRY_BASE_SECONDS": "1", "EMAIL_TIMEOUT": "2"}
RECOVERY_LIMIT = 120.0


def report(line: str) -> None:
    print(f"\n[faults] {line}", flush=True)


@pytest.fixture(autouse=True)
def _drill_timing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.OUTBOX_CLAIM_TIMEOUT = timedelta(seconds=3)
    settings.OUTBOX_RETRY_BASE = timedelta(seconds=1)
    settings.OUTBOX_REQUEUE_AFTER = timedelta(seconds=3)


def sweep() -> int:
    """What beat's outbox sweep does every 20 s in production."""
    due = outbox_due_ids(limit=2000)
    for outbox_id in due:
        outbox_enqueue(outbox_id=outbox_id)
    return len(due)


def wait_until(condition: Callable[[], bool], *, timeout: float, sweep_every: float | None = None) -> float:
    """Poll a condition on real processes; returns the seconds it took."""
    started = time.monotonic()
    last_sweep = started
    while not condition():
        now = time.monotonic()
        if now - started > timeout:
            raise AssertionError(f"not reached within {timeout:.0f} s")
        if sweep_every is not None and now - last_sweep >= sweep_every:
            sweep()
            last_sweep = now
        time.sleep(0.1)
    return time.monotonic() - started


def all_sent(prefix: str) -> Callable[[], bool]:
    def check() -> bool:
        return not OutboundEmail.objects.filter(event_key__startswith=prefix).exclude(state=OutboundEmail.State.SENT).exists()

    return check


def queue_drill(prefix: str, count: int) -> None:
    with transaction.atomic():
        for i in range(count):
            email_queue(
                event_key=f"{prefix}{i}",
                email=Email(recipient=f"person{i}@drill.example", subject=f"Drill message {i}", body_text="Drill."),
            )


def tally(prefix: str, sink: SmtpSink) -> tuple[list[str], dict[str, int]]:
    """Rows never received, and Message-IDs received more than once."""
    received = Counter(message["Message-ID"] for message in sink.messages)
    ids = list(OutboundEmail.objects.filter(event_key__startswith=prefix).values_list("message_id", flat=True))
    missing = [message_id for message_id in ids if received[message_id] == 0]
    duplicated = {message_id: n for message_id, n in received.items() if n > 1 and message_id in set(ids)}
    return missing, duplicated


@contextmanager
def private_redis(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """A Redis server of the drill's own, so that stopping it disturbs nobody else."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("fault drills need redis-server (apt-get install redis-server)")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    try:
        wait_until(lambda: _pings(client), timeout=10)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def test_killing_the_worker_while_1000_emails_drain_loses_none(need_postgres, need_redis, smtp, tmp_path: Path) -> None:
    total, kills = 1000, 5
    rng = random.Random(int(os.environ.get("FAULTS_SEED", "20261123")))
    prefix = "drill-kill:"
    with redis_broker() as broker:
        queue_drill(prefix, total)
        for _ in range(kills):
            with celery_worker(smtp_port=smtp.port, broker=broker, log_path=tmp_path / "worker.log", extra_env=FAST) as worker:
                target = min(len(smtp.messages) + rng.randint(40, 140), total - 1)
                wait_until(lambda target=target: len(smtp.messages) >= target, timeout=60, sweep_every=10)
                time.sleep(rng.uniform(0, 0.05))  # land the kill at a random point of a send
                worker.kill()
                worker.wait()
        delivered_before_restart = len(smtp.messages)
        with celery_worker(smtp_port=smtp.port, broker=broker, log_path=tmp_path / "worker.log", extra_env=FAST):
            recovery = wait_until(all_sent(prefix), timeout=RECOVERY_LIMIT, sweep_every=10)

    missing, duplicated = tally(prefix, smtp)
    resent = OutboundEmail.objects.filter(message_id__in=duplicated)
    report(
        f"worker SIGKILLed {kills} times while {total} emails drained ({delivered_before_restart} before the last restart): "
        f"lost {len(missing)}, duplicated {len(duplicated)}, all delivered {recovery:.1f} s after the restart"
    )
    assert missing == []
    # A duplicate can only come from a worker killed after the SMTP server took
    # the message and before we recorded it: at most one per kill, always a row
    # that was claimed again after its first claim was presumed lost.
    assert len(duplicated) <= kills
    assert all(row.attempts >= 2 for row in resent)


def test_a_redis_outage_keeps_pages_answering_and_delays_mail(need_postgres, world, smtp, settings, tmp_path: Path) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "supportdesk.cache.ForgivingRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    outage = float(os.environ.get("FAULTS_OUTAGE_SECONDS", "30"))
    from notices.models import ProductArea

    area = ProductArea.objects.first() or ProductArea.objects.create(name="Query API")
    customer, agent = Client(), Client()
    customer.force_login(world.alice)
    agent.force_login(world.agent)

    with private_redis(port) as server, redis_broker(url) as broker:
        server.terminate()
        server.wait()
        raised = 0
        slowest = 0.0
        started = time.monotonic()
        while time.monotonic() - started < outage:
            for client, path in ((customer, "/portal/"), (agent, "/desk/"), (agent, "/desk/notices/")):
                began = time.monotonic()
                assert client.get(path).status_code == 200, path
                slowest = max(slowest, time.monotonic() - began)
            began = time.monotonic()
            response = agent.post(
                "/desk/notices/new/",
                {
                    "organisation": world.alpha.pk,
                    "kind": "alert",
                    "area": area.pk,
                    "environment": "live1",
                    "title": f"Checkout errors {raised}",
                    "description": "Orders fail at payment.",
                    "call_to_action": "",
                },
            )
            slowest = max(slowest, time.monotonic() - began)
            assert response.status_code == 302, response.content[:500]
            raised += 1
        queued = OutboundEmail.objects.count()
        assert queued > 0 and smtp.messages == []

        with (
            private_redis(port),
            celery_worker(
                smtp_port=smtp.port,
                broker=broker,
                log_path=tmp_path / "worker.log",
                extra_env=FAST,
            ),
        ):
            try:
                recovery = wait_until(lambda: len(smtp.messages) >= queued, timeout=RECOVERY_LIMIT, sweep_every=2)
            except AssertionError:
                states = Counter(OutboundEmail.objects.values_list("state", flat=True))
                errors = set(OutboundEmail.objects.exclude(last_error="").values_list("last_error", flat=True)[:5])
                raise AssertionError(f"{len(smtp.messages)} of {queued} received; states {dict(states)}; errors {errors}") from None

    received = Counter((m["Message-ID"]) for m in smtp.messages)
    report(
        f"Redis stopped for {outage:.0f} s: pages answered throughout (slowest {slowest * 1000:.0f} ms), "
        f"{raised} alerts raised and saved, {queued} emails held, all delivered {recovery:.1f} s after Redis came back; "
        f"duplicated {sum(1 for n in received.values() if n > 1)}"
    )
    assert OutboundEmail.objects.exclude(state=OutboundEmail.State.SENT).count() == 0
    assert all(n == 1 for n in received.values())
    assert slowest < 5


def test_smtp_refusing_connections_is_retried_until_it_returns(need_postgres, need_redis, tmp_path: Path) -> None:
    port = free_port()  # nothing listens here yet
    prefix = "drill-smtp:"
    with (
        redis_broker() as broker,
        celery_worker(
            smtp_port=port,
            broker=broker,
            log_path=tmp_path / "worker.log",
            extra_env=FAST,
        ),
    ):
        queue_drill(prefix, 20)
        drill = OutboundEmail.objects.filter(event_key__startswith=prefix)
        wait_until(
            lambda: not drill.filter(attempts=0).exists() and not drill.filter(state=OutboundEmail.State.SENDING).exists(),
            timeout=60,
            sweep_every=1,
        )
        assert not drill.filter(state=OutboundEmail.State.SENT).exists()
        assert all("refused" in row.last_error.lower() for row in drill)
        with smtp_sink(port) as sink:
            recovery = wait_until(all_sent(prefix), timeout=RECOVERY_LIMIT, sweep_every=1)
            missing, duplicated = tally(prefix, sink)
    attempts = list(OutboundEmail.objects.filter(event_key__startswith=prefix).values_list("attempts", flat=True))
    report(
        f"SMTP refused connections: 20 emails retried with backoff (up to {max(attempts)} attempts), "
        f"lost {len(missing)}, duplicated {len(duplicated)}, delivered {recovery:.1f} s after the server returned"
    )
    assert missing == [] and duplicated == {}
    assert min(attempts) >= 2


def test_a_rolled_back_transaction_sends_nothing(need_postgres, need_redis, smtp, tmp_path: Path) -> None:
    with (
        redis_broker() as broker,
        celery_worker(
            smtp_port=smtp.port,
            broker=broker,
            log_path=tmp_path / "worker.log",
            extra_env=FAST,
        ),
    ):
        with pytest.raises(RuntimeError), transaction.atomic():
            email_queue(event_key="drill-rollback:1", email=Email(recipient="ghost@drill.example", subject="Never", body_text="x"))
            raise RuntimeError("the change that would have sent it failed")
        email_queue(event_key="drill-rollback:2", email=Email(recipient="real@drill.example", subject="Sent", body_text="x"))
        wait_until(lambda: len(smtp.messages) >= 1, timeout=60, sweep_every=1)
        sweep()
        wait_until(all_sent("drill-rollback:"), timeout=30)
    report("a rolled-back transaction queued nothing; the next email went out alone")
    assert [m["Subject"] for m in smtp.messages] == ["Sent"]
    assert not OutboundEmail.objects.filter(event_key="drill-rollback:1").exists()


BEAT_DRILL_SECONDS = float(os.environ.get("FAULTS_BEAT_SECONDS", "130"))
# Seconds after both beats are up at which each bunch comes due: the beats tick a minute
# after they start and every minute after, so each bunch meets both beats' ticks at once.
BUNCHES = (20, 75)


def _beat_drill_world(world) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    """Work that will come due while the beats run: SLA clocks, escalation reminders, held warnings, publications.

    Made far from due; ``_beat_drill_schedule`` then brings the deadlines a few
    seconds to a couple of minutes ahead (a real process cannot be time-travelled).
    """
    from django.utils import timezone

    from incidents.models import Incident, Subscriber
    from incidents.publishing import incident_create
    from notices.models import ProductArea
    from notices.services import notice_raise
    from sla.models import Escalation
    from tests.factories import TicketFactory

    now = timezone.now()
    plan: dict[str, list[int]] = {"breach": [], "warn": [], "remind": [], "held": [], "publish": []}
    for kind in ("breach", "warn"):
        for i in range(16):
            ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1, summary=f"Beat drill {kind} {i}")
            plan[kind].append(ticket.pk)
    for i in range(6):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2, summary=f"Beat drill remind {i}")
        escalation = Escalation.objects.create(
            ticket=ticket,
            kind=Escalation.Kind.CUSTOMER,
            description="Drill",
            justification="Drill",
            created_at=now,
            next_reminder_at=now + timedelta(days=1),
        )
        plan["remind"].append(escalation.pk)
    area = ProductArea.objects.first() or ProductArea.objects.create(name="Query API")
    for i in range(4):
        # Raised out of hours: held until the business window, which will open during the drill.
        notice, _created = notice_raise(
            organisation=world.alpha,
            kind="warning",
            area=area,
            title=f"Beat drill warning {i}",
            description="Scheduled index rebuild.",
            actor=world.agent,
            not_before=now + timedelta(days=1),
        )
        plan["held"].append(notice.pk)
    Subscriber.objects.create(email="watcher@drill.example", confirmed_at=now)
    for i in range(8):
        incident = incident_create(
            title=f"Beat drill incident {i}", message="Carrier labels fail.", source=Incident.Source.MONITORING, detected_at=now
        )
        plan["publish"].append(incident.pk)
    return plan


def _beat_drill_schedule(plan: dict[str, list[int]], start) -> None:  # type: ignore[no-untyped-def]
    """Bring every deadline to one of the bunches after ``start``."""
    from incidents.models import Incident
    from incidents.publishing import PUBLISH_AFTER
    from sla.models import Escalation, SlaClock

    def at(index: int):  # type: ignore[no-untyped-def]
        return start + timedelta(seconds=BUNCHES[index % len(BUNCHES)])

    for i, ticket_id in enumerate(plan["breach"]):
        SlaClock.objects.filter(ticket=ticket_id, metric="ack").update(due_at=at(i), warn_at=at(i) - timedelta(seconds=10))
    for i, ticket_id in enumerate(plan["warn"]):
        SlaClock.objects.filter(ticket=ticket_id, metric="ack").update(warn_at=at(i), due_at=start + timedelta(hours=2))
    for i, pk in enumerate(plan["remind"]):
        Escalation.objects.filter(pk=pk).update(next_reminder_at=at(i))
    for i, pk in enumerate(plan["held"]):
        _held_mail(plan, [pk]).update(next_attempt_at=at(i))
    for i, pk in enumerate(plan["publish"]):
        Incident.objects.filter(pk=pk).update(detected_at=at(i) - PUBLISH_AFTER)


def _held_mail(plan: dict[str, list[int]], notices: list[int] | None = None):  # type: ignore[no-untyped-def]
    from django.db.models import Q

    query = Q(pk__in=[])
    for pk in plan["held"] if notices is None else notices:
        query |= Q(event_key__startswith=f"notice:{pk}:") | Q(event_key=f"notice:{pk}")
    return OutboundEmail.objects.filter(query)


def _beat_drill_done(plan: dict[str, list[int]]) -> bool:
    from incidents.models import Incident
    from sla.models import Escalation, SlaClock

    return (
        not SlaClock.objects.filter(ticket__in=plan["breach"], metric="ack", breached_at__isnull=True).exists()
        and not SlaClock.objects.filter(ticket__in=plan["warn"], metric="ack", warned_at__isnull=True).exists()
        and not Escalation.objects.filter(pk__in=plan["remind"], reminders_sent=0).exists()
        and not Incident.objects.filter(pk__in=plan["publish"], published_at__isnull=True).exists()
        and not _held_mail(plan).exclude(state=OutboundEmail.State.SENT).exists()
    )


def _beat_up(log: Path) -> bool:
    return log.exists() and "beat: Starting" in log.read_text(errors="replace")


def test_two_beats_side_by_side_do_nothing_twice(need_postgres, world, smtp, tmp_path: Path) -> None:
    """Two real ``celery beat`` processes (a second one started by mistake, or a failover) and two workers."""
    from django.utils import timezone

    from incidents.models import IncidentEvent
    from sla.models import Escalation
    from tests.worker import celery_beat
    from tickets.models import TicketEvent

    port = free_port()
    logs = {n: tmp_path / f"beat-{n}.log" for n in "ab"}
    with private_redis(port), redis_broker(f"redis://127.0.0.1:{port}/0") as broker:
        plan = _beat_drill_world(world)
        held_before = _held_mail(plan).count()
        workers = [
            celery_worker(smtp_port=smtp.port, broker=broker, log_path=tmp_path / f"worker-{n}.log", extra_env=FAST) for n in "ab"
        ]
        with workers[0], workers[1]:
            beats = [celery_beat(broker=broker, schedule_path=tmp_path / f"beat-{n}", log_path=logs[n]) for n in "ab"]
            with beats[0], beats[1]:
                wait_until(lambda: all(_beat_up(log) for log in logs.values()), timeout=60)
                began = time.monotonic()
                _beat_drill_schedule(plan, timezone.now())
                wait_until(lambda: _beat_drill_done(plan), timeout=BEAT_DRILL_SECONDS + 60)
                # Keep both beats going for the whole window: a late duplicate would show up too.
                wait_until(lambda: time.monotonic() - began >= BEAT_DRILL_SECONDS, timeout=BEAT_DRILL_SECONDS + 5)
                ran = time.monotonic() - began
            wait_until(
                lambda: not OutboundEmail.objects.exclude(state=OutboundEmail.State.SENT).exists(),
                timeout=RECOVERY_LIMIT,
                sweep_every=2,
            )

    ticks = {n: log.read_text(errors="replace").count("Sending due task sla-tick") for n, log in logs.items()}
    escalations = Counter(Escalation.objects.filter(ticket__in=plan["breach"]).values_list("ticket_id", flat=True))
    breaches = Counter(
        TicketEvent.objects.filter(ticket__in=plan["breach"], reason__startswith="Breached").values_list("ticket_id", flat=True)
    )
    warnings = Counter(
        TicketEvent.objects.filter(ticket__in=plan["warn"], reason__startswith="Warning").values_list("ticket_id", flat=True)
    )
    reminders = dict(Escalation.objects.filter(pk__in=plan["remind"]).values_list("pk", "reminders_sent"))
    publications = Counter(
        IncidentEvent.objects.filter(incident__in=plan["publish"], kind=IncidentEvent.Kind.PUBLISHED).values_list(
            "incident_id", flat=True
        )
    )
    received = Counter((m["Message-ID"]) for m in smtp.messages)
    same_mail = Counter((tuple(m.envelope_to), m["Subject"]) for m in smtp.messages)
    held_ids = set(_held_mail(plan).values_list("message_id", flat=True))
    watcher = Counter(m["Subject"] for m in smtp.to("watcher@drill.example"))

    def twice(counter: Counter) -> int:  # type: ignore[type-arg]
        return sum(1 for n in counter.values() if n > 1)

    report(
        f"two beats and two workers for {ran:.0f} s ({ticks['a']} + {ticks['b']} SLA ticks sent): "
        f"{len(escalations)} of {len(plan['breach'])} breaches escalated (duplicated {twice(escalations)}), "
        f"{len(warnings)} of {len(plan['warn'])} warnings (duplicated {twice(warnings)}), "
        f"{sum(reminders.values())} reminders for {len(plan['remind'])} escalations, "
        f"{sum(received[i] for i in held_ids)} held warning emails sent for {len(held_ids)} held, "
        f"{len(publications)} of {len(plan['publish'])} incidents published (duplicated {twice(publications)}), "
        f"{sum(watcher.values())} announcements to a subscriber; emails duplicated {twice(received)}, "
        f"the same message to the same person twice: {twice(same_mail)}"
    )
    assert min(ticks.values()) >= 2, f"both beats must tick during the drill: {ticks}"
    assert escalations == Counter(dict.fromkeys(plan["breach"], 1))
    assert breaches == Counter(dict.fromkeys(plan["breach"], 1))
    assert warnings == Counter(dict.fromkeys(plan["warn"], 1))
    assert reminders == dict.fromkeys(plan["remind"], 1)
    assert publications == Counter(dict.fromkeys(plan["publish"], 1))
    assert held_before == len(held_ids) > 0 and all(received[i] == 1 for i in held_ids)
    assert twice(received) == 0, [k for k, n in received.items() if n > 1]
    assert twice(same_mail) == 0, [k for k, n in same_mail.items() if n > 1]
    assert len(watcher) == len(plan["publish"]) and all(n == 1 for n in watcher.values())


# --- backup and restore ------------------------------------------------------------------------


def _restore_drill_traffic(world, stop, committed: list[tuple[float, dict[str, int]]]) -> None:  # type: ignore[no-untyped-def]
    """People at work while the backup runs: tickets filed, comments, files; each commit's ids and wall time."""
    from django.db import connection

    from tests.factories import AttachmentFactory, TicketFactory
    from tickets.workflow import comment_add

    try:
        n = 0
        while not stop.is_set():
            n += 1
            with transaction.atomic():
                ticket = TicketFactory(
                    organisation=world.alpha,
                    requester_user=world.alice,
                    summary=f"Drill {n}",
                    type_slug="production-issue",
                    severity=2,
                )
                comment = comment_add(ticket=ticket, author=world.alice, body=f"Drill comment {n}")
                attachment = AttachmentFactory(
                    ticket=ticket, uploaded_by=world.alice, name=f"drill-{n}.txt", content=f"drill file {n} ".encode() * 50
                )
            committed.append((time.time(), {"ticket": ticket.pk, "comment": comment.pk, "attachment": attachment.pk}))
    finally:
        connection.close()


def test_a_backup_taken_under_traffic_restores_everything_up_to_its_moment(need_postgres, world, smtp, tmp_path: Path) -> None:
    import json
    import sys
    import threading

    import psycopg2
    from django.conf import settings
    from django.db import connection

    from backups.archive import COUNTED, manifest_read

    db = settings.DATABASES["default"]
    env = {**os.environ, "DATABASE_URL": _database_url(db, db["NAME"]), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    stop, committed = threading.Event(), []
    traffic = threading.Thread(target=_restore_drill_traffic, args=(world, stop, committed), daemon=True)
    traffic.start()
    try:
        wait_until(lambda: len(committed) >= 5, timeout=60)
        started = time.time()
        backup = subprocess.run(
            [sys.executable, "manage.py", "backup", "--output", str(tmp_path / "backups")],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        during = sum(1 for at, _ids in committed if at > started)
    finally:
        stop.set()
        traffic.join(timeout=60)
    assert backup.returncode == 0, backup.stderr
    assert during > 0, "no traffic while the backup ran"
    archive = Path(backup.stdout.splitlines()[0])
    manifest = manifest_read(archive)

    scratch = f"{db['NAME']}_restore_drill"
    admin = psycopg2.connect(
        dbname="postgres",
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        restored_media = tmp_path / "restored-media"
        restore = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "restore",
                str(archive),
                "--database-url",
                _database_url(db, scratch),
                "--media-root",
                str(restored_media),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert restore.returncode == 0, restore.stderr

        before_backup = [ids for at, ids in committed if at < started]
        target = psycopg2.connect(
            dbname=scratch,
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
        )
        try:
            with target.cursor() as cursor:
                restored: dict[str, set[int]] = {}
                for label in ("tickets", "comments", "attachments"):
                    cursor.execute(f'SELECT id FROM "{COUNTED[label]}"')  # noqa: S608 - our own table names
                    restored[label] = {row[0] for row in cursor.fetchall()}
                cursor.execute("SELECT count(*) FROM sla_slaclock c JOIN tickets_ticket t ON t.id = c.ticket_id")
                clocks_with_tickets = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT t.id, count(e.id) FROM tickets_ticket t LEFT JOIN tickets_ticketevent e "
                    "ON e.ticket_id = t.id GROUP BY t.id"
                )
                events_per_ticket = dict(cursor.fetchall())
                cursor.execute("SELECT file, sha256 FROM tickets_attachment")
                files = cursor.fetchall()
        finally:
            target.close()

        missing = [
            ids
            for ids in before_backup
            if ids["ticket"] not in restored["tickets"]
            or ids["comment"] not in restored["comments"]
            or ids["attachment"] not in restored["attachments"]
        ]
        assert missing == [], f"committed before the backup began, missing after restore: {missing[:5]}"

        with connection.cursor() as cursor:  # the live database, now: the backup can only hold what it had
            cursor.execute("SELECT count(*) FROM tickets_ticket")
            live_tickets = cursor.fetchone()[0]
        assert len(restored["tickets"]) <= live_tickets
        assert clocks_with_tickets == manifest["counts"]["sla clocks"] >= len(before_backup)  # each drill ticket's clock
        assert all(count >= 1 for count in events_per_ticket.values()), "a ticket came back without its timeline"
        bad_files = [name for name, sha in files if _sha256(restored_media / name) != sha]
        assert bad_files == []
        report(
            f"backup under traffic: {len(committed)} filings in the drill, {len(before_backup)} before the backup began, "
            f"{during} while it ran; "
            f"recovery point {manifest['snapshot_at']}; restored {json.dumps(manifest['counts'], sort_keys=True)}; "
            f"{len(files)} files, every checksum matches; lost 0"
        )
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.close()


def _database_url(db: dict, name: str) -> str:  # type: ignore[type-arg]
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}{'@' if auth else ''}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
