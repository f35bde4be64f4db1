from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tickets.signals import ticket_event_recorded
from webhooks.services import webhooks_for_ticket_event


@receiver(ticket_event_recorded)
def ticket_event_to_webhooks(sender: Any, event: Any, **kwargs: Any) -> None:
    webhooks_for_ticket_event(event=event)
