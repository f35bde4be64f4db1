"""The outbox delivers every email once, to a real SMTP server, whatever fails on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from customers.models import Contact
from notifications import services
from notifications.models import OutboundEmail
from notifications.services import Email, email_queue
from notifications.tasks import outbox_sweep, send_email
from tests.worker import celery_worker, redis_broker

pytestmark = pytest.mark.django_db


def queue(event_key: str = "ticket-created:1001", recipient: str = "nadia@example.com", **kwargs) -> OutboundEmail:
    email = Email(recipient=recipient, subject="SD-1001 received", body_text="We have your request.", **kwargs)
    row = email_queue(event_key=event_key, email=email)
    assert row is not None
    return row


def test_a_queued_email_is_sent_after_commit_to_the_smtp_server(smtp, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(cc=("ops@example.com",), body_html="<p>We have your request.</p>")
        assert smtp.messages == [], "nothing leaves before the transaction commits"

    [received] = smtp.messages
    assert received["To"] == "nadia@example.com"
    assert received["Cc"] == "ops@example.com"
    assert set(received.envelope_to) == {"nadia@example.com", "ops@example.com"}
    assert received["Message-ID"] == row.message_id
    assert "We have your request." in received.text
    assert "<p>We have your request.</p>" in received.html
    row.refresh_from_db()
    assert row.state == OutboundEmail.State.SENT and row.attempts == 1 and row.sent_at


def test_a_rolled_back_transaction_sends_nothing(smtp, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the change failed")

    assert smtp.messages == []
    assert not OutboundEmail.objects.exists()


def test_one_event_never_mails_one_recipient_twice(smtp, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        again = email_queue(
            event_key="ticket-created:1001",
            email=Email(recipient="NADIA@example.com", subject="again", body_text="again"),
        )
    assert again is None

    send_email(first.pk)  # the task runs a second time, say after a redelivery
    outbox_sweep()

    assert len(smtp.to("nadia@example.com")) == 1


def test_a_transient_failure_is_retried_with_backoff(smtp, django_capture_on_commit_callbacks) -> None:
    smtp.data_failures.append("451 4.3.0 Mailbox busy, try later")
    with time_machine.travel("2026-03-02 10:00Z", tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            row = queue()
        row.refresh_from_db()
        assert row.state == OutboundEmail.State.PENDING
        assert row.next_attempt_at == timezone.now() + timedelta(seconds=30)
        assert "451" in row.last_error
        assert smtp.messages == []

        traveller.shift(timedelta(seconds=29))
        assert outbox_sweep() == 0, "not before the backoff has passed"

        traveller.shift(timedelta(seconds=1))
        assert outbox_sweep() == 1

    [received] = smtp.messages
    assert received["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert row.state == OutboundEmail.State.SENT and row.attempts == 2


def test_backoff_grows_and_is_capped() -> None:
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert services.backoff(30) == timedelta(hours=1)
    assert services.backoff(10_000) == timedelta(hours=1), "retries without end never overflow"


def test_a_smtp_outage_delays_mail_and_loses_nothing(django_capture_on_commit_callbacks, settings) -> None:
    from tests.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with django_capture_on_commit_callbacks(execute=True):
        row = queue()
    row.refresh_from_db()
    assert row.state == OutboundEmail.State.PENDING
    assert "ConnectionRefused" in row.last_error


def test_our_smtp_server_refusing_past_the_retry_budget_blames_no_customer_and_delivers_on_return(
    world,
    django_capture_on_commit_callbacks,
    settings,
) -> None:
    """The drill: our own SMTP server refuses connections for two days, far longer than any retry budget."""
    from django.test import Client

    from tests.smtp import free_port, smtp_sink

    contact = world.alpha.registered_emergency_contact
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    desk = Client()
    desk.force_login(world.agent)
    with time_machine.travel("2026-03-02 10:00Z", tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            row = queue(recipient=contact.email)
        for _hour in range(48):
            traveller.shift(timedelta(hours=1))  # the backoff is capped at an hour: every hour is a retry
            outbox_sweep()
        row.refresh_from_db()
        assert row.state == OutboundEmail.State.PENDING, "our outage never gives up on the mail"
        assert row.attempts == 49 and "ConnectionRefused" in row.last_error
        assert row.next_attempt_at - timezone.now() <= timedelta(hours=1)
        contact.refresh_from_db()
        assert contact.delivery_failing_since is None and contact.delivery_failure == ""
        page = desk.get("/desk/").content.decode()
        assert "Outgoing mail is failing." in page and "ConnectionRefused" in page

        with smtp_sink(port=port) as sink:  # the server is back
            traveller.shift(timedelta(hours=1))
            outbox_sweep()
            outbox_sweep()

    assert len(sink.to(contact.email)) == 1
    row.refresh_from_db()
    assert row.state == OutboundEmail.State.SENT
    assert "Outgoing mail is failing." not in desk.get("/desk/").content.decode()


def test_a_5xx_that_is_not_about_the_address_is_ours_and_retried(world, smtp, django_capture_on_commit_callbacks) -> None:
    contact = world.alpha.registered_emergency_contact
    smtp.data_failures.append("554 5.7.1 Relay access denied")
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(recipient=contact.email)

    row.refresh_from_db()
    assert row.state == OutboundEmail.State.PENDING and "554" in row.last_error
    contact.refresh_from_db()
    assert contact.delivery_failing_since is None


def test_a_permanent_refusal_stops_and_marks_the_contact_failing(world, smtp, django_capture_on_commit_callbacks) -> None:
    contact = world.alpha.registered_emergency_contact
    smtp.refused_recipients[contact.email] = "550 5.1.1 No such mailbox"
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(recipient=contact.email)

    row.refresh_from_db()
    assert row.state == OutboundEmail.State.FAILED
    assert "550" in row.last_error
    contact = Contact.objects.get(pk=contact.pk)
    assert contact.delivery_failing_since is not None
    assert "550" in contact.delivery_failure
    assert outbox_sweep() == 0, "a permanent failure is not retried"


def test_a_row_claimed_by_a_worker_that_died_is_sent_again(smtp) -> None:
    with time_machine.travel("2026-03-02 10:00Z", tick=False) as traveller:
        row = queue()
        assert services.outbox_claim(outbox_id=row.pk) is not None  # a worker took it, then was killed

        traveller.shift(timedelta(minutes=4))
        assert outbox_sweep() == 0, "still inside the claim timeout"
        traveller.shift(timedelta(minutes=2))
        assert outbox_sweep() == 1

    assert len(smtp.messages) == 1


def test_held_mail_waits_for_its_time_and_can_be_released(smtp, django_capture_on_commit_callbacks) -> None:
    with time_machine.travel("2026-03-07 02:00Z", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            row = email_queue(
                event_key="warning:1",
                email=Email(recipient="a@example.com", subject="Warning", body_text="…"),
                not_before=timezone.now() + timedelta(hours=30),
                held_reason="Business hours only",
            )
        assert row is not None and row.held_reason
        assert outbox_sweep() == 0 and smtp.messages == []
        with django_capture_on_commit_callbacks(execute=True):
            assert services.outbox_release(outbox_id=row.pk)
    assert len(smtp.messages) == 1


def test_header_values_never_carry_line_breaks(smtp, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(
            event_key="x",
            email=Email(recipient="a@example.com", subject="Hi\r\nBcc: evil@example.com", body_text="b"),
        )
    [received] = smtp.messages
    assert received["Bcc"] == ""
    assert received.envelope_to == ["a@example.com"]


@pytest.mark.django_db(transaction=True)
def test_mail_queued_while_no_worker_runs_is_delivered_when_one_starts(
    need_postgres,
    need_redis,
    smtp,
    tmp_path,
) -> None:
    with redis_broker() as broker:
        row = queue()  # committed at once: no test transaction here
        assert smtp.wait_for(1, timeout=1.0) == [], "no worker yet, nothing sent"

        with celery_worker(smtp_port=smtp.port, broker=broker, log_path=tmp_path / "worker.log"):
            received = smtp.wait_for(1, timeout=60)

    assert [m["Message-ID"] for m in received] == [row.message_id], (tmp_path / "worker.log").read_text()
    row.refresh_from_db()
    assert row.state == OutboundEmail.State.SENT


def test_a_copy_names_everyone_in_its_headers_but_goes_only_to_its_recipient(smtp, django_capture_on_commit_callbacks) -> None:
    shown = {"header_to": ("Nadia <nadia@example.com>",), "header_cc": ("ops@example.com", "omar@example.com")}
    with django_capture_on_commit_callbacks(execute=True):
        for address in ("nadia@example.com", "ops@example.com", "omar@example.com"):
            email_queue(
                event_key="notice:1",
                email=Email(recipient=address, subject="Alert", body_text="Look.", **shown),
            )

    assert len(smtp.messages) == 3
    for address in ("nadia@example.com", "ops@example.com", "omar@example.com"):
        [received] = smtp.to(address)
        assert received.envelope_to == [address]
        assert received["To"] == "Nadia <nadia@example.com>"
        assert received["Cc"] == "ops@example.com, omar@example.com"


UNSUBSCRIBE = {
    "List-Unsubscribe": "<https://status.example.com/status/unsubscribe/abc123/>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def test_extra_headers_are_stored_with_the_row_and_survive_a_restart(smtp) -> None:
    # Queued outside on_commit capture: its task never runs, as when the web process dies after the commit.
    row = queue(headers=UNSUBSCRIBE)
    assert smtp.messages == []
    assert OutboundEmail.objects.get(pk=row.pk).headers == UNSUBSCRIBE

    assert outbox_sweep() == 1  # the sweep, in any process, finds the row with everything it needs
    [received] = smtp.messages
    assert received["List-Unsubscribe"] == UNSUBSCRIBE["List-Unsubscribe"]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize(
    "value",
    [
        "<https://example.com/u/1/>\r\nBcc: evil@example.com",
        "<https://example.com/u/1/>\nBcc: evil@example.com",
        "<https://example.com/u/1/>\rX: y",
    ],
)
def test_a_header_value_with_a_line_break_is_refused_and_nothing_is_queued(smtp, value: str) -> None:
    with pytest.raises(ValueError, match="line break"):
        queue(headers={"List-Unsubscribe": value})
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize("name", ["Bcc", "to", "Message-ID", "List Unsubscribe", "X-A:b", ""])
def test_extra_headers_cannot_redirect_mail_or_invent_bad_names(name: str) -> None:
    with pytest.raises(ValueError):
        queue(headers={name: "value"})
    assert not OutboundEmail.objects.exists()


def test_the_sweep_leaves_a_queued_task_alone_until_it_is_presumed_lost(need_redis, django_capture_on_commit_callbacks) -> None:
    import redis

    with redis_broker() as broker, time_machine.travel(timezone.now(), tick=False) as traveller:
        queue_length = redis.Redis.from_url(broker).llen
        with django_capture_on_commit_callbacks(execute=True):
            row = queue()
        assert queue_length("celery") == 1, "handed to the broker on commit"

        assert outbox_sweep() == 0, "its task is waiting for a worker: no second one"
        traveller.shift(timedelta(seconds=59))
        assert outbox_sweep() == 0
        traveller.shift(timedelta(seconds=2))
        assert outbox_sweep() == 1, "a minute without a worker taking it: presumed lost, queued again"
        assert queue_length("celery") == 2

    send_email(row.pk)  # the first task reaches a worker: it claims the row and clears the mark
    row.refresh_from_db()
    assert row.state == OutboundEmail.State.SENT and row.enqueued_at is None
