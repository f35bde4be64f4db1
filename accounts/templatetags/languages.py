from __future__ import annotations

from django import template

from accounts.languages import language_choices as _language_choices
from accounts.languages import language_tag as _language_tag

register = template.Library()


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    return _language_choices()


@register.filter
def language_tag(code: str) -> str:
    return _language_tag(code or "")
