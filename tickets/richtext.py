"""The little HTML admins may write in the texts they configure, and nothing that runs."""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"a", "b", "strong", "i", "em", "code", "br", "p", "ul", "ol", "li"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def admin_html(text: str) -> SafeString:
    """An admin's help text with its links and emphasis kept; scripts, handlers and odd URLs removed.

    The only place user-configured text is shown as HTML (a field's help in the portal);
    everything else is escaped by the templates.
    """
    cleaned = nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
