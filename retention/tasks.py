from __future__ import annotations

from celery import shared_task

from retention.services import retention_apply_all


@shared_task(name="retention.tasks.retention_sweep")
def retention_sweep() -> int:
    """Daily: each organisation's policy, each in its own transaction; a missed day is caught up the next."""
    return sum(plan.tickets for plan in retention_apply_all())
