"""The one intake: every door (SMTP, IMAP, ``mail_in``) stores the raw message here, then it is processed once.

Storing is the durable step: a row whose Message-ID is already known is the same
message again (a retried delivery, or two doors), and makes nothing new. Processing
claims the row under a row lock inside the transaction that writes its outcome, so a
worker killed mid-way rolls everything back and the row waits, pending, for the next.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mail import parsing
from mail.models import InboundMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class MessageTooLarge(ValueError):
    pass


def inbound_store(
    *,
    raw: bytes,
    via: str,
    envelope_from: str = "",
    envelope_to: Iterable[str] = (),
) -> tuple[InboundMessage, bool]:
    """Keep the message whole; True when it is new. Processing is queued after commit."""
    if len(raw) > settings.INBOUND_MAX_BYTES:
        raise MessageTooLarge(f"{len(raw)} bytes, over the limit of {settings.INBOUND_MAX_BYTES}")
    message_id, from_address, subject = parsing.mail_headline(raw)
    row = InboundMessage(
        message_id=message_id,
        via=via,
        envelope_from=envelope_from[:320],
        envelope_to=[address.lower() for address in envelope_to],
        from_address=from_address.lower()[:320],
        subject=subject[:255],
        raw=raw,
        size=len(raw),
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        existing = InboundMessage.objects.filter(message_id=message_id).first()
        if existing is None:
            raise
        return existing, False
    transaction.on_commit(lambda: inbound_enqueue(inbound_id=row.pk))
    return row, True


def inbound_enqueue(*, inbound_id: int) -> bool:
    try:
        # By name: the tasks call the intake, not the other way round.
        current_app.signature("mail.tasks.inbound_process").delay(inbound_id)
    except Exception:
        log.warning("Broker unavailable; inbound message %s will be processed by the sweep.", inbound_id, exc_info=True)
        return False
    return True


def inbound_process(*, inbound_id: int) -> str | None:
    """Decide what the message is and do it, once. Returns the outcome, or None when not ours to do."""
    from mail.routing import message_route

    try:
        with transaction.atomic():
            row = (
                InboundMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=inbound_id, state=InboundMessage.State.PENDING)
                .first()
            )
            if row is None:
                return None
            message_route(row)
            row.state = InboundMessage.State.DONE
            row.processed_at = timezone.now()
            row.attempts += 1
            row.save()
            return row.outcome
    except Exception as exc:
        attempts = InboundMessage.objects.get(pk=inbound_id).attempts + 1
        if attempts >= MAX_ATTEMPTS:
            InboundMessage.objects.filter(pk=inbound_id, state=InboundMessage.State.PENDING).update(
                state=InboundMessage.State.DONE,
                outcome=InboundMessage.Outcome.REFUSED,
                attempts=attempts,
                processed_at=timezone.now(),
                reason=f"Could not be processed: {type(exc).__name__}: {exc}"[:2000],
                last_error=str(exc)[:2000],
            )
            log.exception("Inbound message %s refused after %s attempts", inbound_id, attempts)
            return InboundMessage.Outcome.REFUSED
        InboundMessage.objects.filter(pk=inbound_id).update(attempts=attempts, last_error=str(exc)[:2000])
        raise


def inbound_due_ids(*, limit: int = 500) -> list[int]:
    """Messages still waiting after their task should have run: lost tasks, failed attempts, broker outages."""
    before = timezone.now() - settings.INBOUND_REQUEUE_AFTER
    return list(
        InboundMessage.objects.filter(Q(state=InboundMessage.State.PENDING), received_at__lt=before)
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
