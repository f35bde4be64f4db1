"""Reading notices and their mail. Staff-only: the desk works across organisations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from customers.models import Contact
from monitoring.models import ServiceKey
from notices.models import Notice, NoticeUpdate, ProductArea
from notifications.models import OutboundEmail


def _staff_only(user: User) -> None:
    if not (user.is_authenticated and user.is_support_staff):
        raise Http404


def notices_visible_to(user: User) -> QuerySet[Notice]:
    if not (user.is_authenticated and user.is_support_staff):
        return Notice.objects.none()
    return Notice.objects.select_related("organisation", "area", "environment", "ticket", "raised_by")


def notices_raised_with(*, service_key: ServiceKey) -> QuerySet[Notice]:
    """What a monitoring system may read back: the notices its own key raised, and no others."""
    return Notice.objects.filter(service_key=service_key).select_related("organisation", "area", "environment", "ticket")


def notice_first_raised(*, service_key: ServiceKey | None, actor: User | None, idempotency_key: str) -> Notice | None:
    """The notice this key (or agent) already raised with this idempotency key, if any."""
    if not idempotency_key:
        return None
    if service_key is not None:
        return notices_raised_with(service_key=service_key).filter(idempotency_key=idempotency_key).first()
    if actor is not None:
        return notices_visible_to(actor).filter(service_key=None, raised_by=actor, idempotency_key=idempotency_key).first()
    return None


def notice_get_for(*, user: User, notice_id: int) -> Notice:
    try:
        return notices_visible_to(user).get(pk=notice_id)
    except Notice.DoesNotExist as exc:
        raise Http404 from exc


def product_areas_active() -> QuerySet[ProductArea]:
    return ProductArea.objects.filter(active=True)


def mail_states_of(notices: list[Notice]) -> dict[int, Counter[str]]:
    """Per notice, how many of its first emails are sent, held, pending, failed… (one query)."""
    keys = {notice.event_key: notice.pk for notice in notices}
    states: dict[int, Counter[str]] = {notice.pk: Counter() for notice in notices}
    now = timezone.now()
    rows = OutboundEmail.objects.filter(event_key__in=keys).values_list("event_key", "state", "next_attempt_at", "held_reason")
    for event_key, state, next_attempt_at, held_reason in rows:
        if state == OutboundEmail.State.PENDING and held_reason and next_attempt_at > now:
            state = "held"
        states[keys[event_key]][state] += 1
    return states


def notice_mail(*, notice: Notice) -> list[OutboundEmail]:
    """Every email of the notice and its updates, oldest first."""
    keys = [notice.event_key, *(update.event_key for update in notice.updates.all())]
    return list(OutboundEmail.objects.filter(event_key__in=keys).order_by("created_at", "pk"))


def failing_contacts_of(*, notice: Notice) -> list[Contact]:
    ticket = notice.ticket
    contacts = [ticket.requester_contact, *ticket.cc_contacts.all()]
    return [c for c in contacts if c is not None and c.delivery_failing_since]


@dataclass
class HeldMessage:
    """One held message of a notice (its first mail or an update), to all its recipients."""

    event_key: str
    notice: Notice
    update: NoticeUpdate | None
    subject: str
    not_before: datetime
    held_reason: str
    recipients: list[str] = field(default_factory=list)


def _parse(event_key: str) -> tuple[str, int] | None:
    prefix, _sep, number = event_key.partition(":")
    if prefix not in ("notice", "notice-update") or not number.isdigit():
        return None
    return prefix, int(number)


def held_notice_mail(*, user: User) -> list[HeldMessage]:
    """Notice mail waiting for business hours, soonest first. Lives in the database: restarts lose none."""
    _staff_only(user)
    rows = (
        OutboundEmail.objects.filter(
            state=OutboundEmail.State.PENDING,
            next_attempt_at__gt=timezone.now(),
            event_key__startswith="notice",
        )
        .exclude(held_reason="")
        .order_by("next_attempt_at", "pk")
    )
    grouped: dict[str, list[OutboundEmail]] = {}
    for row in rows:
        if _parse(row.event_key):
            grouped.setdefault(row.event_key, []).append(row)
    parsed = {key: parts for key in grouped if (parts := _parse(key)) is not None}  # every grouped key parses
    notice_ids = {pk for prefix, pk in parsed.values() if prefix == "notice"}
    update_ids = {pk for prefix, pk in parsed.values() if prefix == "notice-update"}
    updates = {u.pk: u for u in NoticeUpdate.objects.filter(pk__in=update_ids)}
    notice_ids |= {u.notice_id for u in updates.values()}
    notices = {n.pk: n for n in notices_visible_to(user).filter(pk__in=notice_ids)}
    held = []
    for key, group in grouped.items():
        prefix, pk = parsed[key]
        update = updates.get(pk) if prefix == "notice-update" else None
        notice = notices.get(update.notice_id if update else pk) if (update or prefix == "notice") else None
        if notice is None:
            continue
        first = group[0]
        held.append(
            HeldMessage(
                event_key=key,
                notice=notice,
                update=update,
                subject=first.subject,
                not_before=first.next_attempt_at,
                held_reason=first.held_reason,
                recipients=[row.recipient for row in group],
            )
        )
    return held


def held_message_get_for(*, user: User, event_key: str) -> HeldMessage:
    for message in held_notice_mail(user=user):
        if message.event_key == event_key:
            return message
    raise Http404
