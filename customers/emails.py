"""What a contact is told about its own place in an organisation, in its language."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_for_recipient
from accounts.models import User
from customers.models import Contact
from notifications.services import Email, email_queue


def registered_contact_tell(*, contact: Contact) -> bool:
    """The new registered emergency contact hears what it means: 24/7 alerts, from whom, and how to reach them."""
    from customers.contact_accounts import contact_account_url

    organisation = contact.organisation
    has_login = User.objects.filter(email__iexact=contact.email, is_active=True).exists()
    language = language_for_recipient(own=contact.language, organisation=organisation.language)
    with translation.override(language):
        context = {
            "contact": contact,
            "organisation": organisation,
            "vendor": settings.VENDOR_NAME,
            "has_login": has_login,
            "link": settings.SITE_URL + reverse("portal:home") if has_login else contact_account_url(contact),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        email = Email(
            recipient=contact.email,
            subject=_("You are now the registered emergency contact of %(organisation)s")
            % {
                "organisation": organisation.name,
            },
            body_text=render_to_string("email/registered_contact.txt", context),
            body_html=render_to_string("email/registered_contact.html", context),
            language=language,
        )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S.%f")
    return email_queue(event_key=f"registered-contact:{contact.pk}:{stamp}", email=email) is not None
