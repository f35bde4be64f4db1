"""What the mail layout (``templates/email/base.html``) needs that a mail's own context may not carry."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import format_html

register = template.Library()

# Inline on each element that needs it: several mail readers drop <style> blocks.
FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
LINK_COLOUR = "#1d4ed8"


@register.simple_tag
def mail_vendor() -> str:
    return str(settings.VENDOR_NAME)


@register.simple_tag
def mail_font() -> str:
    return FONT


@register.simple_tag
def mail_button(href: str, label: str) -> str:
    """A link drawn as a button; its address stays the link text for readers that show no colours."""
    return format_html(
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:20px 0;">'
        '<tr><td bgcolor="{}" style="border-radius:6px;background-color:{};font-family:{};">'
        '<a href="{}" style="display:inline-block;padding:12px 20px;font-family:{};font-size:16px;'
        'font-weight:bold;line-height:1.2;color:#ffffff;text-decoration:none;border-radius:6px;">{}</a>'
        "</td></tr></table>",
        LINK_COLOUR,
        LINK_COLOUR,
        FONT,
        href,
        FONT,
        label,
    )
