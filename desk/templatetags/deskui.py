"""Template helpers of the desk: times in the viewer's zone with UTC on hover, short durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from tickets.models import TicketEvent
from django.utils.translation import gettext as _

from desk import clocks
from tickets.models import Ticket

register = template.Library()


@register.filter
def when(value: datetime | None, style: str = "full") -> SafeString | str:
    """<time> in the active (viewer's) timezone, its UTC value in the tooltip.

    ``style`` "full" shows date and time, "short" shows time alone for today's
    moments and date otherwise.
    """
    if value is None:
        return "—"
    local = timezone.localtime(value)
    now = timezone.localtime()
    if style == "short" and local.date() == now.date():
        text = date_format(local, "H:i")
    elif style == "short":
        text = date_format(local, "j M H:i")
    else:
        text = date_format(local, "j M Y H:i T")
    utc = value.astimezone(UTC)
    return format_html('<time datetime="{}" title="{} UTC">{}</time>', utc.isoformat(), utc.strftime("%Y-%m-%d %H:%M"), text)


@register.filter
def span(value: timedelta | None) -> str:
    """A duration the way an agent reads it at a glance: 2d 4h, 3h 05m, 12m."""
    if value is None:
        return "—"
    minutes = int(abs(value).total_seconds() // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(d)dd %(h)dh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)dh %(m)02dm") % {"h": hours, "m": minutes}
    return _("%(m)dm") % {"m": minutes}


@register.filter
def ago(value: datetime | None) -> str:
    if value is None:
        return "—"
    return _("%(span)s ago") % {"span": span(timezone.now() - value)}


@register.simple_tag
def sla_left(ticket: Ticket, now: datetime | None = None) -> clocks.TimeLeft | None:
    return clocks.time_left(ticket, now=now)


@register.simple_tag
def countdown(left: clocks.TimeLeft | None) -> SafeString:
    """The SLA cell: business time left or overdue in its colour, or the acknowledgement's outcome.

    Built here rather than in an included template: it is drawn on every queue row, and
    an include with four translated blocks cost more than the row's queries.
    """
    if left is None:
        return format_html(
            '<span class="muted" title="{}">—</span>',
            _("No acknowledgement target applies (no severity, or the tier promises nothing for it)"),
        )
    text = span(left.span)
    if left.state == "met":
        return format_html(
            '<span class="sla met" title="{}">{}</span>',
            _("Acknowledged within the target (business time)"),
            _("acked in %(span)s") % {"span": text},
        )
    if left.state == "missed":
        return format_html(
            '<span class="sla missed" title="{}">{}</span>',
            _("Acknowledged after the target had passed (business time taken)"),
            _("acked late · %(span)s") % {"span": text},
        )
    if left.state == "paused":
        label = _("%(span)s overdue · paused") if left.overdue else _("%(span)s left · paused")
        return format_html(
            '<span class="sla paused" title="{}">{}</span>',
            _("Paused while waiting on the customer; business time left when it paused"),
            label % {"span": text},
        )
    if left.overdue:
        label = _("%(span)s overdue")
    elif left.state == "breached":
        label = _("breached · %(span)s left")
    else:
        label = _("%(span)s left")
    return format_html(
        '<span class="sla {}" data-countdown>{}</span> <span class="sla-due small muted">{} {}</span>',
        left.state,
        label % {"span": text},
        _("due"),
        when(left.due, "short"),
    )


@register.filter
def file_kind(name: str) -> str:
    """The file's extension in capitals (PDF, LOG), for the icon of a file that has no preview."""
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    return suffix[:4].upper() or _("FILE")


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)


@register.filter
def status_label(value: str | None) -> str:
    from tickets.models import Ticket

    if value is None:
        return "—"
    try:
        return str(Ticket.Status(value).label)
    except ValueError:
        return value or "—"


@register.filter
def detail(value: object) -> str:
    """A structured answer as text: lists joined, booleans as yes / no."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


@register.filter
def change_phrase(event: TicketEvent) -> str:
    """“Sam replied 2m ago”: what another agent just did, for the collision hint."""
    from tickets.models import TicketEvent

    kind = getattr(event, "kind", "")
    verbs: dict[str, StrOrPromise] = {
        TicketEvent.Kind.REPLIED: _("%(who)s replied %(when)s"),
        TicketEvent.Kind.NOTE: _("%(who)s added an internal note %(when)s"),
        TicketEvent.Kind.COMMENTED: _("%(who)s commented %(when)s"),
        TicketEvent.Kind.STATUS: _("%(who)s changed the status %(when)s"),
        TicketEvent.Kind.SEVERITY: _("%(who)s changed the severity %(when)s"),
        TicketEvent.Kind.ASSIGNED: _("%(who)s changed the assignee %(when)s"),
        TicketEvent.Kind.ACKNOWLEDGED: _("%(who)s acknowledged it %(when)s"),
        TicketEvent.Kind.SENT_BACK: _("%(who)s sent it back to the reporter %(when)s"),
    }
    created = getattr(event, "created_at", None)
    when = _("just now") if created is None or (timezone.now() - created).total_seconds() < 60 else ago(created)
    phrase = verbs.get(kind, _("%(who)s changed it %(when)s"))
    return str(phrase) % {"who": event.actor_name, "when": when}


@register.simple_tag
def outbox_alert() -> Any:
    """The operator alert of stuck outgoing mail, read from the cache: no query on any desk page."""
    from notifications.services import outbox_alert as current

    return current()
