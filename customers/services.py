"""Changing an organisation's contacts. The model's constraints speak for themselves."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from customers.models import Contact, Organisation

CONTACT_FIELDS = ("kind", "name", "email", "phone", "language", "emergency_role", "emergency_order")


@transaction.atomic
def contact_create(*, organisation: Organisation, **fields: Any) -> Contact:
    """Add a contact; raises ValidationError (e.g. a second registered emergency contact)."""
    contact = Contact(organisation=organisation, **{key: value for key, value in fields.items() if key in CONTACT_FIELDS})
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, **fields: Any) -> Contact:
    for key, value in fields.items():
        if key in CONTACT_FIELDS:
            setattr(contact, key, value)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    """Remove a contact; one who requested tickets stays, for the tickets' sake."""
    try:
        contact.delete()
    except ProtectedError as exc:
        raise ValidationError(_("This contact requested tickets and cannot be removed; change its details instead.")) from exc
