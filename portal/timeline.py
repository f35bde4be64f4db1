"""Turning a ticket's public timeline into what the portal shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from sla.models import Severity
from tickets.models import Attachment, Ticket, TicketEvent


@dataclass
class Entry:
    event: TicketEvent
    text: str
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def is_message(self) -> bool:
        return self.event.comment_id is not None and self.event.kind != TicketEvent.Kind.ATTACHMENT


def _status(value: Any) -> str:
    try:
        return str(Ticket.Status(value).label)
    except ValueError:
        return str(value)


def _describe(event: TicketEvent, severities: dict[int, str]) -> str:
    kind, before, after = event.kind, event.before, event.after
    if kind == TicketEvent.Kind.CREATED:
        return _("filed the request")
    if kind == TicketEvent.Kind.STATUS:
        return _("changed the status from %(before)s to %(after)s") % {
            "before": _status(before.get("status")),
            "after": _status(after.get("status")),
        }
    if kind == TicketEvent.Kind.SEVERITY:
        return _("changed the severity from %(before)s to %(after)s") % {
            "before": severities.get(before.get("severity"), "—"),
            "after": severities.get(after.get("severity"), "—"),
        }
    if kind == TicketEvent.Kind.ACKNOWLEDGED:
        return _("acknowledged the request")
    if kind == TicketEvent.Kind.REPLIED:
        return _("replied")
    if kind == TicketEvent.Kind.COMMENTED:
        return _("commented")
    if kind == TicketEvent.Kind.SENT_BACK:
        return _("asked you for more information")
    if kind == TicketEvent.Kind.ATTACHMENT:
        return _("attached %(name)s") % {"name": after.get("name", _("a file"))}
    if kind == TicketEvent.Kind.ESCALATED:
        return _("escalated the request")
    return str(event.get_kind_display()).lower()


def timeline_entries(*, events: Iterable[TicketEvent], attachments: Iterable[Attachment]) -> list[Entry]:
    events = list(events)
    # Severity names only for a timeline that changed severity: most never do, and it was a query a page.
    severities = {s.level: s.name for s in Severity.objects.all()} if any(e.kind == TicketEvent.Kind.SEVERITY for e in events) else {}
    by_comment: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in attachments:
        if attachment.comment_id:
            by_comment[attachment.comment_id].append(attachment)
    entries = []
    for event in events:
        if event.kind == TicketEvent.Kind.ATTACHMENT and event.comment_id:
            continue  # shown under its comment
        entries.append(Entry(event, _describe(event, severities), by_comment.get(event.comment_id or 0, [])))
    return entries
