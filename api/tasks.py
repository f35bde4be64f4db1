"""Celery tasks of the API: housekeeping only."""

from __future__ import annotations

from celery import shared_task

from api import services


@shared_task(name="api.tasks.idempotency_keys_purge")
def idempotency_keys_purge() -> int:
    return services.idempotency_purge()
