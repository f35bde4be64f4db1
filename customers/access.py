"""Granting the support team access to an environment (seed 003), and revoking it."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from customers.models import AccessGrant, Environment, Organisation
from customers.selectors import is_organisation_admin, organisation_of


def _check_admin(user: User, organisation: Organisation) -> None:
    if not (is_organisation_admin(user) and organisation_of(user) == organisation):
        raise PermissionDenied("Only the organisation's admins may grant access.")


@transaction.atomic
def access_grant(
    *, organisation: Organisation, environment: Environment, level: str, starts_at: datetime, ends_at: datetime,
    reason: str, granted_by: User,
) -> AccessGrant:
    _check_admin(granted_by, organisation)
    if environment.organisation_id != organisation.pk:
        raise ValueError("The environment belongs to another organisation.")
    grant = AccessGrant(
        organisation=organisation, environment=environment, level=level, starts_at=starts_at, ends_at=ends_at,
        reason=reason.strip(), granted_by=granted_by,
    )
    grant.full_clean()
    grant.save()
    return grant


@transaction.atomic
def access_revoke(*, grant: AccessGrant, revoked_by: User) -> bool:
    """End a grant now; False when it was already revoked."""
    _check_admin(revoked_by, grant.organisation)
    updated = AccessGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=revoked_by,
    )
    grant.refresh_from_db()
    return bool(updated)
