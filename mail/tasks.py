"""Celery tasks: thin wrappers that take ids and call the intake."""

from __future__ import annotations

from celery import shared_task

from mail import intake


@shared_task(name="mail.tasks.inbound_process")
def inbound_process(inbound_id: int) -> str | None:
    return intake.inbound_process(inbound_id=inbound_id)


@shared_task(name="mail.tasks.inbound_sweep")
def inbound_sweep() -> int:
    """Queue what still waits: a lost task, a failed attempt, a broker that was down."""
    due = intake.inbound_due_ids()
    for inbound_id in due:
        intake.inbound_enqueue(inbound_id=inbound_id)
    return len(due)


@shared_task(name="mail.tasks.imap_poll")
def imap_poll() -> int:
    from django.conf import settings

    if not settings.INBOUND_IMAP_URL:
        return 0
    from mail.imap import mailbox_poll

    return mailbox_poll(url=settings.INBOUND_IMAP_URL)
