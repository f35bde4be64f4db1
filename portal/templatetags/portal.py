"""Showing a ticket's structured answers: UTC times with the viewer's local time beside them."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

from django import template
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tickets.models import TicketField

register = template.Library()


@register.simple_tag
def detail_value(field: TicketField, value: Any) -> SafeString | str:
    kind = field.kind
    if kind == TicketField.Kind.DATETIME:
        moment = parse_datetime(str(value))
        if moment is None:
            return str(value)
        utc = formats.date_format(moment.astimezone(UTC), "j M Y H:i")
        if _viewer_zone_is_utc():
            return format_html('<time datetime="{}">{} UTC</time>', moment.isoformat(), utc)
        local = timezone.localtime(moment)
        return format_html(
            '<time datetime="{}">{} UTC</time> <span class="muted">({} {}, {})</span>',
            moment.isoformat(),
            utc,
            formats.date_format(local, "j M Y H:i"),
            local.tzname(),
            _("your time"),
        )
    if kind == TicketField.Kind.BOOLEAN:
        return _("Yes") if value else _("No")
    if kind == TicketField.Kind.CHOICE:
        return field.choice_label(value)
    if kind == TicketField.Kind.ORDER_LIST and isinstance(value, dict):
        orders = format_html_join(", ", "<code>{}</code>", ((order,) for order in value.get("orders", [])))
        if value.get("scope") == "examples":
            return format_html(
                '{} <span class="muted">{}</span>',
                orders,
                _("(examples; about %(total)s impacted in total)") % {"total": value.get("estimated_total")},
            )
        return format_html('{} <span class="muted">{}</span>', orders, _("(complete list)"))
    if isinstance(value, list):
        return format_html_join(", ", "<code>{}</code>", ((item,) for item in value))
    if kind == TicketField.Kind.TEXTAREA:
        return format_html('<div class="prose">{}</div>', value)
    return str(value)


def _viewer_zone_is_utc() -> bool:
    return timezone.get_current_timezone_name() in ("UTC", "Etc/UTC", "GMT")


@register.simple_tag
def local_time_hint(field: BoundField) -> SafeString:
    """Under a UTC date-time input: the typed moment in the viewer's own time, or the time now in both."""
    return format_html(
        '<p class="help local-time" data-local-for="{}" aria-live="polite">{}</p>',
        field.id_for_label,
        _local_time_text(field),
    )


def _local_time_text(field: BoundField) -> str:
    zone = timezone.get_current_timezone_name()
    moment = None
    with contextlib.suppress(ValidationError):
        moment = field.field.to_python(field.value())
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        if _viewer_zone_is_utc():
            return _("Your timezone is UTC too.")
        local = timezone.localtime(moment)
        return _("That is %(local)s your time (%(zone)s).") % {
            "local": formats.date_format(local, "D j M Y H:i"),
            "zone": zone,
        }
    now = timezone.now()
    if _viewer_zone_is_utc():
        return _("It is now %(utc)s UTC.") % {"utc": formats.date_format(now.astimezone(UTC), "H:i")}
    return _("It is now %(utc)s UTC, %(local)s your time (%(zone)s).") % {
        "utc": formats.date_format(now.astimezone(UTC), "H:i"),
        "local": formats.date_format(timezone.localtime(now), "H:i"),
        "zone": zone,
    }
