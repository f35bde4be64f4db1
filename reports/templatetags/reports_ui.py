from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A 0–1 share as a whole-ish percentage; a dash when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{number_format(round(value * 100, 1), decimal_pos=1)} %"


@register.simple_tag
def report_link(query: dict[str, str], **changes: str) -> str:
    """``?…`` for the shown report with some parameters changed (a tab, a download)."""
    return "?" + urlencode({**query, **changes})
