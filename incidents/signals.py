"""Any saved or deleted status-page row (the admin included) makes the cached pages stale."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from incidents import cache
from incidents.models import Component, ComponentGroup, Incident, IncidentComponent, IncidentUpdate

WATCHED = (Component, ComponentGroup, Incident, IncidentComponent, IncidentUpdate)


@receiver([post_save, post_delete])
def _stale(sender: type, **kwargs: Any) -> None:
    if sender in WATCHED:
        cache.status_changed()
        transaction.on_commit(cache.status_changed)


@receiver(m2m_changed, sender=Incident.components.through)
@receiver(m2m_changed, sender=Component.organisations.through)  # who a component concerns: the portal's banner
def _stale_m2m(**kwargs: Any) -> None:
    cache.status_changed()
    transaction.on_commit(cache.status_changed)
