"""Forget what the cache holds about a ticket type when an admin changes it or its fields."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tickets.models import TicketField, TicketType
from tickets.selectors import ticket_type_fields_key


@receiver([post_save, post_delete], sender=TicketField)
@receiver([post_save, post_delete], sender=TicketType)
def _type_fields_stale(sender: type, instance: TicketField | TicketType, **kwargs: Any) -> None:
    key = ticket_type_fields_key(instance.ticket_type_id if isinstance(instance, TicketField) else instance.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))  # and once others can see it, over what they read meanwhile
