"""Reading monitoring's alerts: for support staff only; the desk works across organisations."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from incidents.models import Incident
from monitoring.models import Alert
from notices.models import Notice


def alerts_visible_to(user: User) -> QuerySet[Alert]:
    if not (user.is_authenticated and user.is_support_staff):
        return Alert.objects.none()
    return Alert.objects.select_related("organisation", "rule", "notice__ticket", "incident", "service_key")


def alerts_needing_attention(user: User) -> QuerySet[Alert]:
    """Alerts no rule matched, or whose rule could not be carried out: kept, never dropped, until an agent looks."""
    return alerts_visible_to(user).exclude(problem="")


def alerts_behind_notice(*, user: User, notice: Notice) -> list[Alert]:
    return list(alerts_visible_to(user).filter(notice=notice).order_by("-last_received_at", "-id"))


def alerts_behind_incident(*, user: User, incident: Incident) -> list[Alert]:
    return list(alerts_visible_to(user).filter(incident=incident).order_by("-last_received_at", "-id"))
