"""A contact without a login who asks to reset a password is offered one instead.

The offer is a signed link naming the contact and its address. It expires with
``PASSWORD_RESET_TIMEOUT`` and works once: the login it creates is for that very
address, and a link to an address that has a login is refused.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_for_recipient
from accounts.models import User
from customers.models import Contact, Membership
from notifications.services import Email, emails_queue

SALT = "customers.contact-account"


def _address_taken(email: str) -> bool:
    # Any login, active or not: an access an organisation admin revoked is not taken back this way.
    taken: bool = User.objects.filter(email__iexact=email).exists()
    return taken


def contact_account_url(contact: Contact) -> str:
    token = signing.dumps({"c": contact.pk, "e": contact.email.lower()}, salt=SALT, compress=True)
    site: str = settings.SITE_URL
    return site + reverse("account_create", kwargs={"token": token})


def contact_for_account(*, token: str) -> Contact | None:
    """The contact a link offers a login to, or None when it is forged, expired, used or no longer theirs."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))
        contact: Contact = Contact.objects.select_related("organisation").get(pk=int(data["c"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Contact.DoesNotExist):
        return None
    if contact.email.lower() != data["e"] or _address_taken(contact.email):
        return None
    return contact


@transaction.atomic
def contact_account_create(*, contact: Contact, password: str) -> User | None:
    """The contact's own customer login in its organisation, with the password they chose; None if taken meanwhile."""
    contact = Contact.objects.select_for_update().select_related("organisation").get(pk=contact.pk)
    if _address_taken(contact.email):
        return None
    organisation = contact.organisation
    user = User.objects.create_user(
        contact.email,
        password,
        full_name=contact.name,
        role=User.Role.CUSTOMER,
        language=language_for_recipient(own=contact.language, organisation=organisation.language),
        timezone=organisation.timezone or "UTC",
    )
    Membership.objects.create(user=user, organisation=organisation, is_admin=False)
    contact.user = user
    contact.save(update_fields=["user"])
    return user


def contact_account_offers_queue(*, email: str) -> int:
    """Mail each contact with this address and no login an offer to create one; an unknown address gets nothing."""
    if _address_taken(email):
        return 0
    contacts = Contact.objects.filter(email__iexact=email.strip()).select_related("organisation").order_by("pk")
    emails = []
    for contact in contacts:
        language = language_for_recipient(own=contact.language, organisation=contact.organisation.language)
        with translation.override(language):
            context = {
                "contact": contact,
                "organisation": contact.organisation,
                "vendor": settings.VENDOR_NAME,
                "link": contact_account_url(contact),
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            }
            emails.append(
                Email(
                    recipient=contact.email,
                    subject=_("Create your %(vendor)s login") % {"vendor": settings.VENDOR_NAME},
                    body_text=render_to_string("email/contact_account_offer.txt", context),
                    body_html=render_to_string("email/contact_account_offer.html", context),
                    language=language,
                )
            )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S.%f")
    return len(emails_queue(event_key=f"contact-account-offer:{stamp}", emails=emails))
