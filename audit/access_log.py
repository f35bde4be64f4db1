"""Access transparency: the vendor's staff looking at a customer's data leave one row each time.

Services write (``access_record``), selectors read (``access_records_for``). Only the
organisation's own admins read its log; the vendor's people are who it is about.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.throttle import client_address
from audit.models import AccessRecord

if TYPE_CHECKING:
    from customers.models import Organisation


def access_record(
    *,
    request: HttpRequest | None,
    actor: Any,
    organisation: Organisation,
    action: str,
    ticket: Any = None,
    object_label: str = "",
) -> AccessRecord | None:
    """Record that a member of the vendor's staff opened something of ``organisation``: one insert.

    Nothing is recorded for the organisation's own people, whose looks are their own business.
    """
    if not getattr(actor, "is_support_staff", False):
        return None
    return AccessRecord.objects.create(
        organisation=organisation,
        actor=actor,
        actor_label=(actor.get_full_name() or actor.email)[:150],
        action=action,
        ticket=ticket,
        ticket_reference=ticket.reference if ticket is not None else "",
        object_label=object_label[:255],
        client=client_address(request)[:64] if request is not None else "",
    )


@dataclass(frozen=True)
class AccessFilters:
    action: str = ""
    actor_label: str = ""
    since: date | None = None
    until: date | None = None
    ticket_reference: str = ""


def access_records_for(*, organisation: Organisation, filters: AccessFilters = AccessFilters()) -> QuerySet[AccessRecord]:
    """The organisation's log, newest first, filtered; the caller checked that the reader is its admin."""
    records = AccessRecord.objects.filter(organisation=organisation)
    if filters.action:
        records = records.filter(action=filters.action)
    if filters.actor_label:
        records = records.filter(actor_label=filters.actor_label)
    if filters.ticket_reference:
        records = records.filter(ticket_reference__iexact=filters.ticket_reference.strip())
    zone = timezone.get_current_timezone()
    if filters.since:
        records = records.filter(at__gte=datetime.combine(filters.since, time.min, tzinfo=zone))
    if filters.until:
        records = records.filter(at__lt=datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=zone))
    return records.select_related("ticket").order_by("-at", "-id")


def access_people_of(*, organisation: Organisation) -> list[str]:
    """The names that appear in the organisation's log, for the filter."""
    labels = AccessRecord.objects.filter(organisation=organisation).values_list("actor_label", flat=True)
    return sorted(set(labels))


def _cell(value: str) -> str:
    # A cell that starts like a formula would run as one in a spreadsheet (CSV injection).
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def access_records_csv(*, records: Iterable[AccessRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["when (UTC)", "who", "what", "ticket", "detail", "from"])
    for record in records:
        writer.writerow(
            [
                record.at.astimezone(UTC).isoformat(timespec="seconds"),
                *(
                    _cell(v)
                    for v in (
                        record.actor_label,
                        record.get_action_display(),
                        record.ticket_reference,
                        record.object_label,
                        record.client,
                    )
                ),
            ]
        )
    return out.getvalue()
