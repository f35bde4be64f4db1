"""Applying a changed tier (or a changed target) to open tickets, on purpose.

A clock keeps the terms of the target in force when it started. When an admin
edits a tier's targets or moves an organisation to another tier, only tickets
filed from then on get the new terms; the admin may then preview how many open
clocks would move and by how much, and apply exactly those. Each moved clock
writes a timeline entry saying why.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sla.clocks import clock_elapsed, clock_retarget, clock_schedule, target_for
from sla.models import SlaClock, SlaTarget

if TYPE_CHECKING:
    from accounts.models import User
    from customers.models import Organisation
    from sla.models import SupportTier


@dataclass(frozen=True)
class ClockMove:
    """One open clock whose terms differ from the target now in force for it, and where it would go."""

    clock_id: int
    ticket_id: int
    reference: str
    metric: str
    paused: bool
    duration_before: timedelta | None
    duration_after: timedelta | None
    due_before: datetime | None
    due_after: datetime | None

    @property
    def shift(self) -> timedelta:
        """How far the due time moves (for a paused clock, how much more or less time it will have)."""
        if self.due_before is not None and self.due_after is not None:
            return self.due_after - self.due_before
        return (self.duration_after or timedelta(0)) - (self.duration_before or timedelta(0))


def _open_clocks(*, organisations: Iterable[Organisation] = (), tiers: Iterable[SupportTier] = ()) -> list[SlaClock]:
    from tickets.models import Ticket

    clocks = (
        SlaClock.objects.exclude(state=SlaClock.State.STOPPED)
        .filter(ticket__status__in=Ticket.OPEN_STATUSES)
        .select_related("ticket__organisation", "target_calendar", "target_severity", "target_tier")
        .order_by("ticket_id", "metric")
    )
    organisation_ids = [organisation.pk for organisation in organisations]
    tier_ids = [tier.pk for tier in tiers]
    if organisation_ids:
        return list(clocks.filter(ticket__organisation_id__in=organisation_ids))
    if tier_ids:
        return list(clocks.filter(target_tier_id__in=tier_ids))
    return []


def _target_now(clock: SlaClock, *, follow_organisation: bool) -> SlaTarget | None:
    """The target in force now: the organisation's current tier, or the tier the clock was promised."""
    ticket = clock.ticket
    tier_id = ticket.organisation.tier_id if follow_organisation or not clock.target_tier_id else clock.target_tier_id
    return target_for(ticket=ticket, metric=clock.metric, tier_id=tier_id)


def _move_of(clock: SlaClock, target: SlaTarget | None, *, now: datetime) -> ClockMove | None:
    if clock.target_id == (target.pk if target else None) and not clock.terms_differ(target):
        return None
    moved = copy.copy(clock)
    elapsed = clock_elapsed(clock, now=now)
    moved.terms_copy(target)
    if moved.state == SlaClock.State.RUNNING:
        clock_schedule(moved, elapsed=elapsed, now=now)
    return ClockMove(
        clock_id=clock.pk,
        ticket_id=clock.ticket_id,
        reference=clock.ticket.reference,
        metric=clock.metric,
        paused=clock.state == SlaClock.State.PAUSED,
        duration_before=clock.target_duration,
        duration_after=moved.target_duration,
        due_before=clock.due_at,
        due_after=moved.due_at,
    )


def entitlements_preview(
    *,
    organisations: Iterable[Organisation] = (),
    tiers: Iterable[SupportTier] = (),
    now: datetime | None = None,
) -> list[ClockMove]:
    """The open clocks that applying the terms now in force would move, and how. Changes nothing.

    ``organisations``: their open tickets follow the organisation's current tier.
    ``tiers``: open clocks promised under these tiers follow the tiers' current targets.
    """
    now = now or timezone.now()
    organisations, tiers = list(organisations), list(tiers)
    follow = bool(organisations)
    moves = []
    for clock in _open_clocks(organisations=organisations, tiers=tiers):
        move = _move_of(clock, _target_now(clock, follow_organisation=follow), now=now)
        if move is not None:
            moves.append(move)
    return moves


def entitlements_apply(
    *,
    clock_ids: Iterable[int],
    actor: User,
    organisations: Iterable[Organisation] = (),
    tiers: Iterable[SupportTier] = (),
    now: datetime | None = None,
) -> list[ClockMove]:
    """Move the previewed clocks (``clock_ids``) to the terms now in force; what moved.

    A clock the preview did not list never moves, nor one that no longer differs. Tickets are
    locked one by one in id order, as the workflow locks them.
    """
    from tickets.models import Ticket

    now = now or timezone.now()
    organisations, tiers = list(organisations), list(tiers)
    follow = bool(organisations)
    wanted = set(clock_ids)
    candidates = [clock for clock in _open_clocks(organisations=organisations, tiers=tiers) if clock.pk in wanted]
    moved: list[ClockMove] = []
    with transaction.atomic():
        for ticket_id in sorted({clock.ticket_id for clock in candidates}):
            ticket = Ticket.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=ticket_id)
            clocks = (
                SlaClock.objects.select_for_update(of=("self",))
                .select_related("target_calendar", "target_severity", "target_tier")
                .filter(ticket=ticket, pk__in=wanted)
                .exclude(state=SlaClock.State.STOPPED)
                .order_by("metric")
            )
            for clock in clocks:
                clock.ticket = ticket
                target = _target_now(clock, follow_organisation=follow)
                move = _move_of(clock, target, now=now)
                if move is None:
                    continue
                if follow:
                    reason = _(
                        "An administrator applied the organisation's support tier (%(tier)s) to this open "
                        "ticket: the target goes from %(before)s to %(after)s."
                    )
                else:
                    reason = _(
                        "An administrator applied the edited targets of the %(tier)s tier to this open "
                        "ticket: the target goes from %(before)s to %(after)s."
                    )
                reason %= {
                    "tier": target.tier.name if target else clock.target_tier or "—",
                    "before": move.duration_before or "—",
                    "after": move.duration_after or "—",
                }
                clock_retarget(clock, target=target, now=now, reason=reason, actor=actor)
                moved.append(move)
    return moved
