"""The words of a notice's emails, rendered in each recipient's language."""

from __future__ import annotations

from email.utils import formataddr

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.languages import language_for_recipient
from customers.models import Contact
from notices.models import Notice, NoticeUpdate
from notifications.services import ENCODED_WORD, Email, header_words, single_line


def address(contact: Contact) -> str:
    """``Name <email>`` left unencoded: Django encodes header names when it sends.

    The name is flattened to one line first: a contact named with a line break
    would otherwise stop the whole notice from being mailed.
    """
    name = single_line(contact.name)
    if ENCODED_WORD.search(name):
        return f"{header_words(name)} <{contact.email}>"
    if name.isascii():
        return formataddr((name, contact.email))
    name = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{name}" <{contact.email}>'


def subject_of(notice: Notice) -> str:
    return _("[%(reference)s] %(kind)s: %(title)s") % {
        "reference": notice.ticket.reference,
        "kind": notice.get_kind_display(),
        "title": notice.title,
    }


def _portal_url(notice: Notice, contact: Contact) -> str:
    """A contact without a login gets a signed link to the notice's ticket; one with a login, the portal page."""
    from tickets.links import contact_has_login, contact_ticket_url

    if not contact_has_login(contact):
        return contact_ticket_url(ticket=notice.ticket, contact=contact)
    return f"{settings.SITE_URL}{reverse('portal:ticket', kwargs={'number': notice.ticket.number})}"


def notice_email(
    *,
    notice: Notice,
    contact: Contact,
    requester: Contact,
    copied: list[Contact],
    update: NoticeUpdate | None = None,
) -> Email:
    """One recipient's copy: To names the registered emergency contact, Cc the others."""
    language = language_for_recipient(own=contact.language, organisation=notice.organisation.language)
    with translation.override(language):
        context = {
            "vendor_name": settings.VENDOR_NAME,
            "notice": notice,
            "update": update,
            "ticket": notice.ticket,
            "contact": contact,
            "call_to_action": update.call_to_action if update else notice.call_to_action,
            "portal_url": _portal_url(notice, contact),
        }
        name = "notice_update" if update else "notice_raised"
        subject = subject_of(notice)
        if update:
            subject = _("Re: %(subject)s") % {"subject": subject}
        return Email(
            recipient=contact.email,
            subject=subject,
            body_text=render_to_string(f"email/{name}.txt", context),
            body_html=render_to_string(f"email/{name}.html", context),
            language=language,
            header_to=(address(requester),),
            header_cc=tuple(address(other) for other in copied),
        )
