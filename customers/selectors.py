"""Reading tenant data. Every function takes the acting user or the organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from customers.models import AccessGrant, Contact, Organisation


def organisation_of(user: User) -> Organisation | None:
    """The organisation a customer belongs to; None for support staff and strays."""
    if not user.is_authenticated or not user.is_customer:
        return None
    membership = getattr(user, "membership", None)
    return membership.organisation if membership else None


def is_organisation_admin(user: User) -> bool:
    membership = getattr(user, "membership", None) if user.is_authenticated and user.is_customer else None
    return bool(membership and membership.is_admin)


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    if user.is_support_staff:
        return Organisation.objects.all()
    organisation = organisation_of(user)
    return Organisation.objects.filter(pk=organisation.pk) if organisation else Organisation.objects.none()


def contacts_of(*, organisation: Organisation) -> QuerySet[Contact]:
    return Contact.objects.filter(organisation=organisation)


def emergency_ordering() -> tuple[Any, ...]:
    """The one order of contacts: the registered emergency contact, the additional ones by their order,
    then everyone else; by name within each."""
    role = Case(
        When(emergency_role=Contact.EmergencyRole.REGISTERED, then=Value(0)),
        When(emergency_role=Contact.EmergencyRole.ADDITIONAL, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (role, "emergency_order", Lower("name"), "pk")


def contacts_in_emergency_order(*, organisation: Organisation) -> QuerySet[Contact]:
    return contacts_of(organisation=organisation).order_by(*emergency_ordering())


def contact_get_for(*, user: User, contact_id: int) -> Contact:
    """A contact the user may manage: their own organisation's, if they are its admin; staff: any."""
    if user.is_support_staff:
        queryset = Contact.objects.all()
    elif is_organisation_admin(user):
        queryset = Contact.objects.filter(organisation=organisation_of(user))
    else:
        raise Http404
    try:
        contact: Contact = queryset.get(pk=contact_id)
        return contact
    except Contact.DoesNotExist as exc:
        raise Http404 from exc


def organisation_admin_of(user: User) -> Organisation:
    """The organisation a customer administers; 404 for everyone else."""
    organisation = organisation_of(user)
    if organisation is None or not is_organisation_admin(user):
        raise Http404
    return organisation


def access_grants_of(*, organisation: Organisation) -> QuerySet[AccessGrant]:
    return AccessGrant.objects.filter(organisation=organisation).select_related("environment", "granted_by", "revoked_by")


def access_grants_current(*, organisation: Organisation) -> list[AccessGrant]:
    """Grants not revoked and not yet over: what support may do now or soon (no one revoked them: their
    ``revoked_by`` is not joined)."""
    now = timezone.now()
    grants = AccessGrant.objects.filter(organisation=organisation, revoked_at__isnull=True, ends_at__gt=now)
    return list(grants.select_related("environment", "granted_by"))


def access_grant_get_for(*, user: User, grant_id: int) -> AccessGrant:
    organisation = organisation_admin_of(user)
    try:
        return access_grants_of(organisation=organisation).get(pk=grant_id)
    except AccessGrant.DoesNotExist as exc:
        raise Http404 from exc


def members_of(*, organisation: Organisation) -> QuerySet[User]:
    """The organisation's people with a login, admins first."""
    members: QuerySet[User] = (
        User.objects.filter(membership__organisation=organisation)
        .select_related("membership")
        .order_by("-membership__is_admin", "full_name", "email")
    )
    return members


def member_get_for(*, user: User, member_id: int) -> User:
    """A person of the organisation the user administers; 404 for missing and not theirs alike."""
    organisation = organisation_admin_of(user)
    try:
        return members_of(organisation=organisation).get(pk=member_id)
    except User.DoesNotExist as exc:
        raise Http404 from exc
