"""Granting the support team access to an environment (seed 003), and revoking it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import AccessGrant, Environment, Organisation
from customers.selectors import is_organisation_admin, organisation_of


def _check_admin(user: User, organisation: Organisation) -> None:
    if not (is_organisation_admin(user) and organisation_of(user) == organisation):
        raise PermissionDenied("Only the organisation's admins may grant access.")


# Seed 003: access beyond read-only is granted for a while, never open-ended.
GRANT_LONGEST = timedelta(days=90)


def access_window_check(*, starts_at: datetime, ends_at: datetime) -> None:
    """A grant ends after it starts, has not already ended, and lasts at most 90 days (keyed by ``ends_at``)."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")})
    if ends_at <= timezone.now():
        raise ValidationError({"ends_at": _("This window has already ended.")})
    if ends_at - starts_at > GRANT_LONGEST:
        raise ValidationError({"ends_at": _("Grant at most 90 days at a time.")})


@transaction.atomic
def access_grant_create(
    *,
    organisation: Organisation,
    environment: Environment,
    level: str,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    granted_by: User,
) -> AccessGrant:
    """Let the support team into one environment for a while; only the organisation's admins may."""
    _check_admin(granted_by, organisation)
    access_window_check(starts_at=starts_at, ends_at=ends_at)
    if environment.organisation_id != organisation.pk:
        raise ValueError("The environment belongs to another organisation.")
    grant = AccessGrant(
        organisation=organisation,
        environment=environment,
        level=level,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip(),
        granted_by=granted_by,
    )
    grant.full_clean()
    grant.save()
    return grant


@transaction.atomic
def access_revoke(*, grant: AccessGrant, revoked_by: User) -> bool:
    """End a grant now; False when it was already revoked."""
    _check_admin(revoked_by, grant.organisation)
    updated = AccessGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(),
        revoked_by=revoked_by,
    )
    grant.refresh_from_db()
    return bool(updated)
