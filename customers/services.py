"""Changing an organisation's contacts: exactly one registered emergency contact, always.

Portal, API and admin call these; their forms and serializers only translate. Alerts are raised with
the registered emergency contact as requester (seed 000), so no door may leave an organisation
without one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from customers.models import Contact, Organisation

CONTACT_FIELDS = ("kind", "name", "email", "phone", "language", "emergency_role", "emergency_order")
REGISTERED = Contact.EmergencyRole.REGISTERED


def _stored_role(contact: Contact) -> str:
    """The role as saved: a form may already have changed the instance it validates."""
    if contact.pk is None:
        return ""
    return Contact.objects.filter(pk=contact.pk).values_list("emergency_role", flat=True).first() or ""


def stored_roles(contact_ids: list[int]) -> dict[int, str]:
    """The roles as saved, before a form that has already changed its instances saves them."""
    return dict(Contact.objects.filter(pk__in=contact_ids).values_list("pk", "emergency_role"))


def contact_role_check(*, organisation: Organisation, contact: Contact | None, emergency_role: str) -> None:
    """Refuse a second registered emergency contact, and taking the role from the registered one
    without handing it over. The error is keyed by ``emergency_role``."""
    if emergency_role == REGISTERED:
        registered = Contact.objects.filter(organisation=organisation, emergency_role=REGISTERED)
        if contact is not None and contact.pk is not None:
            registered = registered.exclude(pk=contact.pk)
        holder = registered.first()
        if holder is not None:
            raise ValidationError(
                {
                    "emergency_role": _(
                        "%(name)s is already the registered emergency contact, and there is exactly one. Use “Make "
                        "registered” in the list to hand the role over."
                    )
                    % {"name": holder.name}
                }
            )
    elif contact is not None and _stored_role(contact) == REGISTERED:
        raise ValidationError(
            {
                "emergency_role": _(
                    "There must always be a registered emergency contact. Make another contact the registered one "
                    "first; this one then becomes an additional emergency contact."
                )
            }
        )


def contact_remove_check(*, contact: Contact) -> None:
    if _stored_role(contact) == REGISTERED:
        raise ValidationError(_("The registered emergency contact cannot be removed; make another contact the registered one first."))


def contact_role_changed(*, contact: Contact, previous_role: str) -> bool:
    """Whoever just became the registered emergency contact is told what it means, once per change."""
    if previous_role == REGISTERED or contact.emergency_role != REGISTERED:
        return False
    from customers.emails import registered_contact_tell

    return registered_contact_tell(contact=contact)


@transaction.atomic
def contact_create(*, organisation: Organisation, **fields: Any) -> Contact:
    """Add a contact; raises ValidationError (e.g. a second registered emergency contact)."""
    contact = Contact(organisation=organisation, **{key: value for key, value in fields.items() if key in CONTACT_FIELDS})
    contact_role_check(organisation=organisation, contact=None, emergency_role=contact.emergency_role)
    contact.full_clean()
    contact.save()
    contact_role_changed(contact=contact, previous_role="")
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, **fields: Any) -> Contact:
    previous_role = _stored_role(contact)
    for key, value in fields.items():
        if key in CONTACT_FIELDS:
            setattr(contact, key, value)
    contact_role_check(organisation=contact.organisation, contact=contact, emergency_role=contact.emergency_role)
    contact.full_clean()
    contact.save()
    contact_role_changed(contact=contact, previous_role=previous_role)
    return contact


@transaction.atomic
def contact_make_registered(*, contact: Contact) -> None:
    """Hand the registered emergency contact role to this contact; the previous one stays an additional one."""
    if _stored_role(contact) == REGISTERED:
        return
    previous = list(Contact.objects.select_for_update().filter(organisation_id=contact.organisation_id, emergency_role=REGISTERED))
    for other in previous:
        other.emergency_role = Contact.EmergencyRole.ADDITIONAL
        other.emergency_order = 0
        other.save(update_fields=["emergency_role", "emergency_order"])
    contact.emergency_role = REGISTERED
    contact.emergency_order = 0
    contact.save(update_fields=["emergency_role", "emergency_order"])
    contact_role_changed(contact=contact, previous_role="")


@transaction.atomic
def contact_remove(*, contact: Contact) -> None:
    """Remove a contact: never the registered emergency contact, never one who requested tickets."""
    contact_remove_check(contact=contact)
    try:
        contact.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("%(name)s requested tickets and cannot be removed; change the details instead.") % {"name": contact.name}
        ) from exc
