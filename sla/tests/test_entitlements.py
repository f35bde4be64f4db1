"""A clock keeps the terms in force when it started; an admin applies changes to open tickets on purpose."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.forms.models import model_to_dict

from customers.models import Organisation, TierPeriod
from customers.tiers import organisation_tier_change, tier_in_force
from sla.entitlements import entitlements_apply, entitlements_preview
from sla.models import SlaTarget, SupportTier
from sla.tests.helpers import chicago, clock, local
from tests.factories import OrganisationFactory, TicketFactory
from tickets.models import TicketEvent
from tickets.workflow import ticket_acknowledge

pytestmark = pytest.mark.django_db


def tier(name: str) -> SupportTier:
    return SupportTier.objects.get(name=name)


def premium_sev1() -> SlaTarget:
    return SlaTarget.objects.get(tier__name="Premium", severity_id=1, metric="ack")


def test_editing_a_tiers_target_leaves_open_clocks_due_times_unchanged(world):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    due = clock(ticket).due_at
    target = premium_sev1()
    target.duration = timedelta(hours=4)
    target.warn_percent = 50
    target.escalation_eligible = False
    target.save()
    kept = clock(ticket)
    assert kept.due_at == due and local(due) == chicago(2026, 11, 23, 11, 0)
    assert kept.target_duration == timedelta(hours=2) and kept.target_escalation_eligible
    with time_machine.travel(chicago(2026, 11, 23, 9, 30), tick=False):
        later = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    assert local(clock(later).due_at) == chicago(2026, 11, 23, 13, 30), "a new ticket gets the edited 4 h"
    assert clock(later).target_warn_percent == 50


def test_applying_an_edited_target_moves_exactly_the_previewed_clocks(world):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        open_sev1 = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
        open_sev2 = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2)
        acknowledged = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
        outsider = TicketFactory(organisation=world.outsider, requester_user=world.charlie, severity=1)
        ticket_acknowledge(ticket=acknowledged, actor=world.agent)
    target = premium_sev1()
    target.duration = timedelta(hours=3)
    target.save()
    with time_machine.travel(chicago(2026, 11, 23, 10, 0), tick=False):
        preview = entitlements_preview(tiers=[target.tier])
        ack_ids = {clock(t).pk for t in (open_sev1, outsider)}
        assert {move.clock_id for move in preview} == ack_ids, "only open Sev1 clocks hold the old 2 h"
        assert all(move.shift == timedelta(hours=1) for move in preview)
        assert clock(open_sev2).pk not in {move.clock_id for move in preview}
        moved = entitlements_apply(clock_ids=[move.clock_id for move in preview], actor=world.admin, tiers=[target.tier])
    assert moved == preview
    for move in preview:
        assert clock_by_pk(move.clock_id).due_at == move.due_after
    assert local(clock(open_sev1).due_at) == chicago(2026, 11, 23, 12, 0)
    entry = open_sev1.events.filter(kind=TicketEvent.Kind.SLA).last()
    assert entry.actor == world.admin and "applied the edited targets" in entry.reason
    assert not acknowledged.events.filter(kind=TicketEvent.Kind.SLA, actor=world.admin).exists()


def test_a_clock_left_out_of_the_preview_does_not_move(world):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        first = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
        second = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    target = premium_sev1()
    target.duration = timedelta(hours=3)
    target.save()
    due = clock(second).due_at
    entitlements_apply(clock_ids=[clock(first).pk], actor=world.admin, tiers=[target.tier])
    assert clock(second).due_at == due
    assert clock(first).target_duration == timedelta(hours=3)


def clock_by_pk(pk: int):  # type: ignore[no-untyped-def]
    from sla.models import SlaClock

    return SlaClock.objects.get(pk=pk)


def test_moving_an_organisation_applies_to_new_tickets_and_keeps_the_history(world):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        before = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    with time_machine.travel(chicago(2026, 11, 23, 9, 30), tick=False):
        assert organisation_tier_change(organisation=world.alpha, tier=tier("Break-Fix"), actor=world.admin)
        after = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    assert clock(before).target_tier.name == "Premium"
    assert local(clock(before).due_at) == chicago(2026, 11, 23, 11, 0), "the open ticket keeps its 2 h"
    assert clock(after).target_tier.name == "Break-Fix"
    history = list(TierPeriod.objects.filter(organisation=world.alpha).order_by("valid_from"))
    assert [(p.tier.name, p.valid_until is None) for p in history] == [("Premium", False), ("Break-Fix", True)]
    assert local(history[0].valid_until) == chicago(2026, 11, 23, 9, 30)
    assert tier_in_force(organisation=world.alpha, at=before.created_at) == tier("Premium").pk
    assert tier_in_force(organisation=world.alpha, at=after.created_at) == tier("Break-Fix").pk


def test_applying_an_organisations_new_tier_to_open_tickets(world):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
        organisation_tier_change(organisation=world.alpha, tier=tier("Break-Fix"), actor=world.admin)
    with time_machine.travel(chicago(2026, 11, 23, 10, 0), tick=False):
        preview = entitlements_preview(organisations=[Organisation.objects.get(pk=world.alpha.pk)])
        assert [move.clock_id for move in preview] == [clock(ticket).pk]
        entitlements_apply(clock_ids=[preview[0].clock_id], actor=world.admin, organisations=[world.alpha])
    moved = clock(ticket)
    assert moved.target_tier.name == "Break-Fix"
    # One hour counted on 24/7; 23 more standard hours from Monday 10:00: Mon 7, Tue 9, Wed 7.
    assert local(moved.due_at) == chicago(2026, 11, 25, 15, 0) == local(preview[0].due_after)


def _admin_change_data(organisation: Organisation, **changes: object) -> dict[str, object]:
    data = {key: value for key, value in model_to_dict(organisation).items() if value is not None}
    data.update(changes)
    for prefix in ("environments", "contacts", "memberships", "tier_periods", "Component_organisations"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_the_admin_changes_a_tier_through_organisation_tier_change_as_the_service_does(world, client):
    """Parity: the admin's change and the service leave the same history and the same clocks.

    The API cannot change an organisation's tier (organisations are read-only there); should
    it ever, it must call organisation_tier_change too.
    """
    twin = OrganisationFactory(name="Twin", account_id="TWIN")
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
        twin_ticket = TicketFactory(organisation=twin, severity=1)
    client.force_login(world.admin)
    with time_machine.travel(chicago(2026, 11, 23, 9, 30), tick=False):
        response = client.post(
            f"/admin/customers/organisation/{world.alpha.pk}/change/",
            _admin_change_data(world.alpha, tier=tier("Advanced").pk),
        )
        organisation_tier_change(organisation=twin, tier=tier("Advanced"), actor=world.admin)
    assert response.status_code == 302, response.content.decode()[:3000]

    def shape(organisation: Organisation) -> list[tuple[str, object, object, object]]:
        periods = list(
            TierPeriod.objects.filter(organisation=organisation)
            .order_by("valid_from")
            .values_list("tier__name", "valid_until", "changed_by", "valid_from")
        )
        return [*periods[1:], ("current", Organisation.objects.get(pk=organisation.pk).tier.name, None, None)]

    assert shape(world.alpha) == shape(twin)
    assert clock(ticket).target_tier.name == "Premium", "the open ticket keeps what it was promised"
    assert clock(twin_ticket).target_tier.name == "Premium"


def test_the_admin_previews_then_applies_to_open_tickets(world, client):
    with time_machine.travel(chicago(2026, 11, 23, 9, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
        organisation_tier_change(organisation=world.alpha, tier=tier("Advanced"), actor=world.admin)
    client.force_login(world.admin)
    url = "/admin/customers/organisation/"
    action = {"action": "apply_tier_to_open_tickets", "_selected_action": [world.alpha.pk]}
    with time_machine.travel(chicago(2026, 11, 23, 10, 0), tick=False):
        preview = client.post(url, action)
        assert preview.status_code == 200
        assert "1 open clock would move." in preview.content.decode()
        assert clock(ticket).target_tier.name == "Premium", "a preview changes nothing"
        applied = client.post(url, {**action, "confirm": "yes", "clock": [clock(ticket).pk]})
    assert applied.status_code == 302
    assert clock(ticket).target_tier.name == "Advanced"
