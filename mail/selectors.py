"""Reading inbound mail. Support staff only: an unknown sender's mail belongs to no organisation."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from mail.models import InboundMessage

DESK_OUTCOMES = (InboundMessage.Outcome.UNKNOWN_SENDER, InboundMessage.Outcome.HELD)


def inbound_for_desk(*, user: User) -> QuerySet[InboundMessage]:
    """Mail waiting for an agent: unknown senders and held loops, newest first, without the raw bytes."""
    if not user.is_authenticated or not user.is_support_staff:
        return InboundMessage.objects.none()
    return (
        InboundMessage.objects.filter(outcome__in=DESK_OUTCOMES).select_related("ticket").defer("raw").order_by("-received_at", "-id")
    )


def inbound_get_for(*, user: User, inbound_id: int) -> InboundMessage:
    if not user.is_authenticated or not user.is_support_staff:
        raise Http404
    try:
        return InboundMessage.objects.select_related("ticket", "handled_by").get(pk=inbound_id)
    except InboundMessage.DoesNotExist as exc:
        raise Http404 from exc


def inbound_of_comment_for(*, user: User, comment_id: int) -> InboundMessage:
    """The original mail a comment came from."""
    if not user.is_authenticated or not user.is_support_staff:
        raise Http404
    found = InboundMessage.objects.filter(comment_id=comment_id).order_by("pk").first()
    if found is None:
        raise Http404
    return found
