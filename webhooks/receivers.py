from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from incidents.models import IncidentEvent
from tickets.signals import ticket_event_recorded
from webhooks.services import webhooks_for_incident_event, webhooks_for_ticket_event


@receiver(ticket_event_recorded)
def ticket_event_to_webhooks(sender: Any, event: Any, **kwargs: Any) -> None:
    webhooks_for_ticket_event(event=event)


@receiver(post_save, sender=IncidentEvent)
def incident_event_to_webhooks(sender: Any, instance: IncidentEvent, created: bool, **kwargs: Any) -> None:
    # The incident timeline is append-only, so every save is a new entry; the check is for fixtures' raw loads.
    if created and not kwargs.get("raw"):
        webhooks_for_incident_event(event=instance)
