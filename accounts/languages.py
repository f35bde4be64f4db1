"""Which language a person reads: the one rule for pages and mails.

Pages, in order: the language chosen on the person's profile; else the language the visitor
picked with the switch (a cookie, for visitors who are not signed in); else the first language of
the browser's Accept-Language that we speak; else the organisation's preferred language; else
English. Mails have no browser: the recipient's own setting, else the organisation's, else English.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header


def language_supported(code: str | None) -> str | None:
    """The LANGUAGES code that serves `code` (es-MX → es, pt → pt-br), or None."""
    if not code:
        return None
    try:
        return get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def language_from_accept_header(header: str) -> str | None:
    """The first of the browser's languages we speak, or None when we speak none of them ("*" included)."""
    for code, _quality in parse_accept_lang_header(header or ""):
        if code == "*":
            continue
        found = language_supported(code)
        if found:
            return found
    return None


def language_for_recipient(*, own: str | None, organisation: str | None = None) -> str:
    """A mail's language: the recipient's own, else their organisation's, else the default."""
    return language_supported(own) or language_supported(organisation) or settings.LANGUAGE_CODE


def language_tag(code: str) -> str:
    """The BCP 47 spelling of a LANGUAGES code, for lang attributes and Content-Language: pt-br → pt-BR."""
    language, _sep, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself, for the switch: a reader must find theirs whatever is shown."""
    return [(code, SELF_NAMES[code]) for code, _name in settings.LANGUAGES]


# Names of the languages in their own language; not translated on purpose.
SELF_NAMES = {"en": "English", "es": "Español", "pt-br": "Português (Brasil)"}
