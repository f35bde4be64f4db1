"""Notices through a real Celery worker, Redis, PostgreSQL and an SMTP server.

The test process travels in time; the worker runs on the real clock, so the
times travelled to are in the past, where the worker agrees mail is due.
"""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from customers.models import Contact
from notices.models import ProductArea
from notices.services import notice_raise
from notifications.models import OutboundEmail
from notifications.tasks import outbox_sweep
from tests.factories import OrganisationFactory
from tests.worker import celery_worker, redis_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.redis]

SUNDAY_2AM_CHICAGO = datetime(2025, 6, 8, 7, 0, tzinfo=UTC)  # Sun 8 Jun 2025 02:00 CDT
MONDAY_8AM_CHICAGO = datetime(2025, 6, 9, 13, 0, tzinfo=UTC)
EVERYONE = ["oncall@acme.example", "ops-list@acme.example", "omar@acme.example"]
TO = "Acme on call <oncall@acme.example>"
CC = "Acme ops list <ops-list@acme.example>, Omar Haddad <omar@acme.example>"


def acme() -> tuple[object, ProductArea]:
    organisation = OrganisationFactory(name="Acme", account_id="ACME")
    organisation.contacts.all().delete()
    Contact.objects.create(organisation=organisation, name="Acme on call", email=EVERYONE[0], emergency_role="registered")
    Contact.objects.create(
        organisation=organisation,
        name="Acme ops list",
        email=EVERYONE[1],
        kind=Contact.Kind.DISTRIBUTION_LIST,
        emergency_role="additional",
        emergency_order=1,
    )
    Contact.objects.create(
        organisation=organisation,
        name="Omar Haddad",
        email=EVERYONE[2],
        emergency_role="additional",
        emergency_order=2,
    )
    return organisation, ProductArea.objects.create(name="Query API")


def raise_both(organisation: object, area: ProductArea) -> None:
    for kind, title in (("alert", "Query API error rate at 4%"), ("warning", "Data triggers running late")):
        notice_raise(
            organisation=organisation,
            kind=kind,
            area=area,
            title=title,  # type: ignore[arg-type]
            description="Detected by monitoring.",
            actor_label="Monitoring",
        )


def test_an_alert_at_night_reaches_everyone_and_the_warning_waits_for_monday(
    need_postgres,
    need_redis,
    shipped_defaults,
    smtp,
    tmp_path: Path,
) -> None:
    organisation, area = acme()
    log = tmp_path / "worker.log"
    with (
        redis_broker() as broker,
        celery_worker(smtp_port=smtp.port, broker=broker, log_path=log),
        time_machine.travel(SUNDAY_2AM_CHICAGO, tick=False) as traveller,
    ):
        raise_both(organisation, area)

        alerts = smtp.wait_for(3, timeout=60)
        assert sorted(m.envelope_to[0] for m in alerts) == sorted(EVERYONE), log.read_text()
        for received in alerts:
            assert received["To"] == TO and received["Cc"] == CC
            assert "Alert: Query API error rate at 4%" in received["Subject"]
        held = OutboundEmail.objects.filter(subject__contains="Warning")
        assert held.count() == 3 and all(row.state == "pending" and row.held_reason for row in held)
        assert {row.next_attempt_at for row in held} == {MONDAY_8AM_CHICAGO}
        assert outbox_sweep() == 0, "on Sunday night nothing else is due"

        traveller.move_to(MONDAY_8AM_CHICAGO)
        assert outbox_sweep() == 3
        received = smtp.wait_for(6, timeout=60)

    warnings = [m for m in received if "Warning: Data triggers running late" in m["Subject"]]
    assert sorted(m.envelope_to[0] for m in warnings) == sorted(EVERYONE)
    assert all(m["To"] == TO and m["Cc"] == CC for m in warnings)
    assert len(received) == 6
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {"sent"}


def test_killing_the_worker_between_queueing_and_sending_loses_nothing(
    need_postgres,
    need_redis,
    shipped_defaults,
    smtp,
    tmp_path: Path,
    settings,
) -> None:
    organisation, area = acme()
    smtp.rcpt_gate = threading.Event()  # the first send stops mid-conversation, before any mail is accepted
    log = tmp_path / "worker.log"
    with redis_broker() as broker:
        with celery_worker(smtp_port=smtp.port, broker=broker, log_path=log) as worker:
            notice_raise(  # the three copies are queued and their tasks published
                organisation=organisation,
                kind="alert",
                area=area,
                title="Query API error rate at 4%",  # type: ignore[arg-type]
                description="Detected by monitoring.",
                actor_label="Monitoring",
            )
            assert smtp.wait_for_stall(1, timeout=60) >= 1, log.read_text()
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        smtp.rcpt_gate.set()

        alert = OutboundEmail.objects.all()
        assert smtp.messages == []
        assert sorted(alert.values_list("state", flat=True)) == ["pending", "pending", "sending"]

        # After the restart, beat's sweep takes back the row the dead worker held (its claim
        # timed out: zero here, as no other worker is alive); the two copies whose tasks still
        # wait in the queue are left to those tasks rather than queued a second time.
        settings.OUTBOX_CLAIM_TIMEOUT = timedelta(0)
        assert outbox_sweep() == 1
        with celery_worker(smtp_port=smtp.port, broker=broker, log_path=log):
            received = smtp.wait_for(3, timeout=60)
            smtp.wait_for(4, timeout=2)  # a bounded wait for a duplicate that must not come

    assert sorted(m.envelope_to[0] for m in smtp.messages) == sorted(EVERYONE), log.read_text()
    assert all(m["To"] == TO and m["Cc"] == CC for m in received)
    assert set(alert.values_list("state", flat=True)) == {"sent"}
    assert sorted(alert.values_list("attempts", flat=True)) == [1, 1, 2], "only the interrupted copy was tried twice"
