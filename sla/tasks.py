"""Celery tasks: thin wrappers over the SLA services."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from sla.escalations import sla_tick as tick


@shared_task(name="sla.tasks.sla_tick")
def sla_tick() -> dict[str, int]:
    """Every minute (beat): warn, breach, escalate and remind whatever is due."""
    return asdict(tick())
