"""An organisation admin's changes to its contacts. Exactly one registered emergency contact, always."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from customers.models import Contact


@transaction.atomic
def contact_make_registered(*, contact: Contact) -> None:
    """Hand the registered emergency contact role to this contact; the previous one stays an additional one."""
    if contact.emergency_role == Contact.EmergencyRole.REGISTERED:
        return
    previous = list(
        Contact.objects.select_for_update()
        .filter(organisation_id=contact.organisation_id, emergency_role=Contact.EmergencyRole.REGISTERED)
    )
    for other in previous:
        other.emergency_role = Contact.EmergencyRole.ADDITIONAL
        other.emergency_order = 0
        other.save(update_fields=["emergency_role", "emergency_order"])
    contact.emergency_role = Contact.EmergencyRole.REGISTERED
    contact.emergency_order = 0
    contact.save(update_fields=["emergency_role", "emergency_order"])


@transaction.atomic
def contact_remove(*, contact: Contact) -> None:
    if contact.emergency_role == Contact.EmergencyRole.REGISTERED:
        raise ValidationError(_("The registered emergency contact cannot be removed; make another contact the "
                                "registered one first."))
    try:
        contact.delete()
    except ProtectedError as exc:
        raise ValidationError(_("%(name)s requested tickets and cannot be removed; change the details instead.")
                              % {"name": contact.name}) from exc
