"""Celery tasks: thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task

from notifications import services


@shared_task(name="notifications.tasks.send_email")
def send_email(outbox_id: int) -> str | None:
    state = services.outbox_deliver(outbox_id=outbox_id)
    return str(state) if state else None


@shared_task(name="notifications.tasks.outbox_sweep")
def outbox_sweep() -> int:
    """Send what is due: held mail whose time has come, retries, and rows whose task was lost."""
    due = services.outbox_due_ids()
    for outbox_id in due:
        services.outbox_enqueue(outbox_id=outbox_id)
    services.outbox_alert_refresh()
    return len(due)
