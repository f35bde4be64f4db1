"""Email subscriptions to the status page."""

from __future__ import annotations

from incidents.models import IncidentUpdate


def update_announce(*, update: IncidentUpdate) -> None:
    """Queue an email about a public update for every confirmed subscriber it concerns."""
