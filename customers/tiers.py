"""An organisation's support tier over time: the one place that changes it, and what was in force when.

Moving an organisation to another tier applies to tickets filed from then on; the
open tickets keep what they were promised unless an admin deliberately applies the
new tier to them (``sla.entitlements``). Reports count each ticket under the tier in
force when it was filed, read from the closed periods of the history.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from customers.models import Organisation, TierPeriod

if TYPE_CHECKING:
    from accounts.models import User
    from sla.models import SupportTier


@transaction.atomic
def organisation_tier_change(
    *,
    organisation: Organisation,
    tier: SupportTier,
    actor: User | None,
    now: datetime | None = None,
) -> bool:
    """Move ``organisation`` to ``tier`` from ``now`` on, keeping the history. False when it is already there.

    Every path that changes an organisation's tier (the admin, any future API) calls this.
    """
    now = now or timezone.now()
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.tier_id == tier.pk:
        return False
    current = TierPeriod.objects.filter(organisation=locked, valid_until__isnull=True).first()
    if current is None:
        # The history starts with this change: the tier held until now, since the organisation exists.
        started = min(locked.created_at or now, now - timedelta(microseconds=1))
        current = TierPeriod.objects.create(organisation=locked, tier_id=locked.tier_id, valid_from=started)
    if current.valid_from >= now:
        # Changed twice in the same instant: the first change never was in force.
        TierPeriod.objects.filter(pk=current.pk).delete()
    else:
        TierPeriod.objects.filter(pk=current.pk).update(valid_until=now)
    TierPeriod.objects.create(organisation=locked, tier=tier, valid_from=now, changed_by=actor)
    locked.tier = tier
    locked.save(update_fields=["tier", "updated_at"])
    organisation.tier = tier
    return True


def tier_in_force(*, organisation: Organisation, at: datetime | None) -> int:
    """The id of the tier ``organisation`` was on at ``at`` (its current one when the history is silent)."""
    if at is not None:
        period: int | None = (
            TierPeriod.objects.filter(organisation=organisation, valid_until__isnull=False, valid_until__gt=at)
            .order_by("valid_until")
            .values_list("tier_id", flat=True)
            .first()
        )
        if period is not None:
            return period
    return organisation.tier_id


def tier_history_of(*, organisation: Organisation) -> list[TierPeriod]:
    return list(TierPeriod.objects.filter(organisation=organisation).select_related("tier").order_by("valid_from"))


def tier_at_filing(*, organisation_field: str = "organisation", filed_field: str = "created_at") -> Any:
    """An expression for a ticket queryset: the tier its organisation was on when it was filed.

    Tier changes are rare, so the closed periods fit in one CASE (the first one ending after
    the filing time wins); everything else was filed under the organisation's current tier.
    """
    closed = TierPeriod.objects.filter(valid_until__isnull=False).order_by("organisation_id", "valid_until")
    whens = [
        When(**{f"{organisation_field}_id": organisation_id, f"{filed_field}__lt": until}, then=Value(tier_id))
        for organisation_id, until, tier_id in closed.values_list("organisation_id", "valid_until", "tier_id")
    ]
    current = F(f"{organisation_field}__tier_id")
    if not whens:
        return current
    return Case(*whens, default=current, output_field=IntegerField())
