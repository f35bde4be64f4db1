"""Celery tasks: thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task

from webhooks import services


@shared_task(name="webhooks.tasks.deliver")
def deliver(delivery_id: int) -> str | None:
    return services.delivery_send(delivery_id=delivery_id)


@shared_task(name="webhooks.tasks.deliveries_sweep")
def deliveries_sweep() -> int:
    """Send what is due: retries whose backoff has passed, and deliveries whose task was lost."""
    due = services.deliveries_due_ids()
    for delivery_id in due:
        deliver.delay(delivery_id)
    return len(due)
