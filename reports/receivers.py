"""What moves a report's figures rewrites the ticket's kept figures (``reports.figures``) and bumps the
cached version of its month (``reports.cache``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from customers.models import Organisation, TierPeriod
from reports.cache import month_changed
from reports.figures import figures_refresh, figures_retier
from sla.models import Escalation
from tickets.models import SatisfactionRating, Ticket, TicketEvent


def _filed_at(instance: Any) -> Any:
    field = type(instance).ticket.field
    if field.is_cached(instance):
        return instance.ticket.created_at
    return None


def _ticket_deleted(origin: Any) -> bool:
    """A row deleted along with its ticket: the ticket's figures go with it, nothing to rewrite."""
    return isinstance(origin, Ticket) or (isinstance(origin, QuerySet) and origin.model is Ticket)


@receiver(post_save, sender=TicketEvent)
@receiver([post_save, post_delete], sender=SatisfactionRating)
def ticket_figures_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not _ticket_deleted(kwargs.get("origin")):
        figures_refresh([instance.ticket_id])
    month_changed(_filed_at(instance))


@receiver([post_save, post_delete], sender=Escalation)
def escalations_changed(sender: Any, instance: Escalation, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not _ticket_deleted(kwargs.get("origin")):
        figures_refresh([instance.ticket_id])


@receiver(post_save, sender=Ticket)
def ticket_saved(sender: Any, instance: Ticket, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    """Filing time, organisation, severity and type live on the ticket itself."""
    kept = {"created_at", "organisation", "organisation_id", "severity", "severity_id", "ticket_type", "ticket_type_id"}
    if not raw and (update_fields is None or kept & set(update_fields)):
        figures_refresh([instance.pk])


@receiver(post_delete, sender=Ticket)
def every_figure_may_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    month_changed(None)


@receiver([post_save, post_delete], sender=TierPeriod)
def tier_history_changed(sender: Any, instance: TierPeriod, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        figures_retier(instance.organisation_id)
    month_changed(None)


@receiver(post_save, sender=Organisation)
def organisation_saved(
    sender: Any, instance: Organisation, raw: bool = False, created: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """Tickets filed outside any closed tier period count under the organisation's current tier."""
    if not raw and not created and (update_fields is None or {"tier", "tier_id"} & set(update_fields)):
        figures_retier(instance.pk)
