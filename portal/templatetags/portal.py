"""Showing a ticket's structured answers: UTC times with the viewer's local time beside them."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django import template
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
        local = timezone.localtime(moment)
        return format_html(
            '<time datetime="{}">{} UTC</time> <span class="muted">({} {})</span>',
            moment.isoformat(), utc, formats.date_format(local, "j M Y H:i"), local.tzname(),
        )
    if kind == TicketField.Kind.BOOLEAN:
        return _("Yes") if value else _("No")
    if kind == TicketField.Kind.ORDER_LIST and isinstance(value, dict):
        orders = format_html_join(", ", "<code>{}</code>", ((order,) for order in value.get("orders", [])))
        if value.get("scope") == "examples":
            return format_html(
                "{} <span class=\"muted\">{}</span>", orders,
                _("(examples; about %(total)s impacted in total)") % {"total": value.get("estimated_total")},
            )
        return format_html("{} <span class=\"muted\">{}</span>", orders, _("(complete list)"))
    if isinstance(value, list):
        return format_html_join(", ", "<code>{}</code>", ((item,) for item in value))
    if kind == TicketField.Kind.TEXTAREA:
        return format_html('<div class="prose">{}</div>', value)
    return str(value)
