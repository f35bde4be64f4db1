"""Fault drill for the email channel (`make faults`): the worker SIGKILLed while it polls the IMAP mailbox.

A real Dovecot holds 300 replies; a real Celery worker polls it (beat's imap_poll) and is killed
at random points, three times, mid-poll or mid-processing; a last worker finishes. Every reply must
become exactly one comment, and the mailbox must end with nothing unseen.
"""

from __future__ import annotations

import os
import random
import time
from datetime import timedelta
from pathlib import Path

import pytest
from imapclient import IMAPClient

from customers.models import Contact
from mail.intake import inbound_due_ids, inbound_enqueue
from mail.models import InboundMessage
from mail.tasks import imap_poll
from mail.tests.messages import mail, reply_to_ticket
from tests import services
from tests.dovecot import ImapServer, dovecot
from tests.factories import OrganisationFactory, TicketFactory
from tests.worker import celery_worker, redis_broker
from tickets.models import Comment

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.faults]


def report(line: str) -> None:
    print(f"\n[faults] {line}", flush=True)


def wait_until(condition, *, timeout: float, every=None) -> float:  # type: ignore[no-untyped-def]
    started = last = time.monotonic()
    while not condition():
        now = time.monotonic()
        if now - started > timeout:
            raise AssertionError(f"not reached within {timeout:.0f} s")
        if every is not None and now - last >= 3:
            every()
            last = now
        time.sleep(0.05)
    return time.monotonic() - started


def inbound_sweep() -> None:
    """What beat's inbound-sweep does every 30 s in production."""
    for inbound_id in inbound_due_ids(limit=2000):
        inbound_enqueue(inbound_id=inbound_id)


def unseen(server: ImapServer) -> int:
    with IMAPClient(server.host, port=server.port, ssl=False) as client:
        client.login(server.user, server.password)
        client.select_folder("INBOX", readonly=True)
        return len(client.search(["UNSEEN"]))


def test_killing_the_worker_while_it_polls_imap_loses_and_duplicates_nothing(
    need_postgres,
    need_redis,
    shipped_defaults,
    smtp,
    settings,
    tmp_path: Path,
) -> None:
    services.require("dovecot")
    settings.INBOUND_REQUEUE_AFTER = timedelta(seconds=2)
    total, kills = 300, 3
    rng = random.Random(int(os.environ.get("FAULTS_SEED", "20261202")))
    organisation = OrganisationFactory(name="Drill", account_id="DRILL")
    contact = Contact.objects.get(organisation=organisation, emergency_role="registered")
    ticket = TicketFactory(organisation=organisation, requester_contact=contact, summary="Drill ticket")
    address = reply_to_ticket(ticket.number, contact.email)
    with dovecot() as server:
        with IMAPClient(server.host, port=server.port, ssl=False) as client:
            client.login(server.user, server.password)
            for i in range(total):
                client.append("INBOX", mail(sender=contact.email, to=address, text=f"Drill reply {i}"))
        env = {"INBOUND_IMAP_URL": server.url, "INBOUND_HOURLY_LIMIT": "1000000", "INBOUND_REQUEUE_AFTER_SECONDS": "2"}
        log = tmp_path / "worker.log"
        with redis_broker() as broker:
            for _ in range(kills):
                with celery_worker(smtp_port=smtp.port, broker=broker, log_path=log, extra_env=env) as worker:
                    target = min(InboundMessage.objects.count() + rng.randint(30, 90), total - 1)
                    imap_poll.delay()
                    wait_until(lambda target=target: InboundMessage.objects.count() >= target, timeout=120)
                    time.sleep(rng.uniform(0, 0.05))  # land the kill at a random point of a store or a flag
                    worker.kill()
                    worker.wait()
            stored_before, comments_before = InboundMessage.objects.count(), Comment.objects.filter(ticket=ticket).count()
            with celery_worker(smtp_port=smtp.port, broker=broker, log_path=log, extra_env=env):
                imap_poll.delay()
                took = wait_until(
                    lambda: (
                        Comment.objects.filter(ticket=ticket).count() >= total
                        and not InboundMessage.objects.filter(state="pending").exists()
                    ),
                    timeout=300,
                    every=inbound_sweep,
                )
        left_unseen = unseen(server)
    bodies = list(Comment.objects.filter(ticket=ticket).values_list("body", flat=True))
    missing = total - len(set(bodies))
    duplicated = len(bodies) - len(set(bodies))
    report(
        f"IMAP poll, worker SIGKILLed {kills}×: {total} messages, {stored_before} stored and {comments_before} comments "
        f"before the last worker; lost {missing}, duplicated {duplicated}, unseen left {left_unseen}, "
        f"recovered in {took:.1f} s"
    )
    assert (missing, duplicated, left_unseen) == (0, 0, 0), log.read_text()[-3000:]
    assert InboundMessage.objects.count() == total
    assert set(InboundMessage.objects.values_list("outcome", flat=True)) == {"attached"}
