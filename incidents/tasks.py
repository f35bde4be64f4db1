"""Celery tasks: thin wrappers over incidents.publishing."""

from __future__ import annotations

from celery import shared_task

from incidents import publishing


@shared_task(name="incidents.tasks.status_page_sweep")
def status_page_sweep() -> dict[str, list[int]]:
    """Every minute: publish what has waited 30 minutes, resolve what held 10, move maintenance windows."""
    return {
        "published": publishing.incidents_publish_due(),
        "resolved": publishing.incidents_resolve_stable(),
        "maintenance": publishing.maintenances_advance(),
    }
