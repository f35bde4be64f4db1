"""Retention: closed tickets lose their personal data after the organisation's N days; a dry run says what first."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from audit.access_log import access_record
from audit.models import AuditEntry
from retention.models import RetentionPolicy
from retention.services import REMOVED, retention_apply, retention_apply_all, retention_plan
from tests.factories import AttachmentFactory, TicketFactory
from tests.matrix import outsider_rows
from tickets.models import Attachment, Comment, Ticket
from tickets.workflow import comment_add

pytestmark = pytest.mark.django_db


def closed(ticket: Ticket, days_ago: int) -> Ticket:
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED, closed_at=timezone.now() - timedelta(days=days_ago))
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def history(world):  # type: ignore[no-untyped-def]
    """Alpha: one ticket closed 400 days ago with a comment and a file, one closed 10 days ago, one open.
    The outsider: a ticket closed just as long ago, and its own policy's absence."""
    old = TicketFactory(
        organisation=world.alpha, requester_user=world.alice, summary="Old checkout problem", description="Call Alice on +1 555 0100"
    )
    comment_add(ticket=old, author=world.alice, body="My card ending 4242 was charged twice")
    file = AttachmentFactory(ticket=old, uploaded_by=world.alice, name="receipt.txt", content=b"Alice Alpha, 1 Main St")
    access_record(request=None, actor=world.agent, organisation=world.alpha, action="ticket_viewed", ticket=old)
    recent = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="Recent", description="keep me")
    closed(old, 400), closed(recent, 10)
    closed(TicketFactory(organisation=world.outsider, requester_user=world.charlie, summary="CANARY-outsider-old"), 400)
    return {"old": old, "recent": recent, "file": file}


def test_the_dry_run_says_what_it_would_touch_and_changes_nothing(need_postgres, world, history) -> None:
    RetentionPolicy.objects.create(organisation=world.alpha, closed_for_days=365)
    alpha_before = list(Ticket.objects.filter(organisation=world.alpha).values())
    outsider_before = outsider_rows(world)

    plan = retention_plan(organisation=world.alpha)

    assert plan.pseudonymise == [history["old"].reference] and plan.delete == []
    assert (plan.comments, plan.attachments) == (1, 1)
    assert list(Ticket.objects.filter(organisation=world.alpha).values()) == alpha_before
    assert outsider_rows(world) == outsider_before
    assert retention_plan(organisation=world.outsider) is None  # no policy, nothing to say


def test_pseudonymising_removes_the_personal_data_keeps_the_record_and_leaves_the_outsider_byte_identical(
    need_postgres,
    world,
    history,
    django_capture_on_commit_callbacks,
) -> None:
    RetentionPolicy.objects.create(organisation=world.alpha, closed_for_days=365)
    outsider_before = outsider_rows(world)
    storage, name = history["file"].file.storage, history["file"].file.name

    with django_capture_on_commit_callbacks(execute=True):
        [plan] = retention_apply_all()

    old = Ticket.objects.get(pk=history["old"].pk)
    assert plan.pseudonymise == [old.reference]
    assert old.description == REMOVED and "Alice" not in str(old.details)
    assert old.summary == "Old checkout problem" and old.status == Ticket.Status.CLOSED  # the vendor's record stays
    assert [c.body for c in Comment.objects.filter(ticket=old)] == [REMOVED]
    assert not Attachment.objects.filter(ticket=old).exists() and not storage.exists(name)
    assert Ticket.objects.get(pk=history["recent"].pk).description == "keep me"
    assert AuditEntry.objects.filter(object_id=str(old.pk), actor_label="Retention policy", action="update").exists()
    assert outsider_rows(world) == outsider_before

    assert retention_plan(organisation=world.alpha).tickets == 0  # done once, not again


def test_deleting_removes_the_ticket_and_its_files_and_nothing_of_the_outsider(
    need_postgres,
    world,
    history,
    django_capture_on_commit_callbacks,
) -> None:
    RetentionPolicy.objects.create(organisation=world.alpha, closed_for_days=30, action=RetentionPolicy.Action.DELETE)
    RetentionPolicy.objects.create(organisation=world.outsider, closed_for_days=365, active=False)
    outsider_before = outsider_rows(world)

    with django_capture_on_commit_callbacks(execute=True):
        plan = retention_apply(organisation=world.alpha)

    assert plan.delete == [history["old"].reference]
    assert not Ticket.objects.filter(pk=history["old"].pk).exists()
    assert Ticket.objects.filter(pk=history["recent"].pk).exists()
    assert AuditEntry.objects.filter(object_id=str(history["old"].pk), action="delete", actor_label="Retention policy").exists()
    assert outsider_rows(world) == outsider_before

    with time_machine.travel(timezone.now() + timedelta(days=25)):  # the recent one's turn comes
        assert retention_plan(organisation=world.alpha).delete == [history["recent"].reference]


def test_the_command_is_a_dry_run_unless_told_to_apply(world, history, capsys) -> None:
    RetentionPolicy.objects.create(organisation=world.alpha, closed_for_days=365)
    call_command("retention")
    assert "ALPHA: would pseudonymise 1 and delete 0" in capsys.readouterr().out
    assert Ticket.objects.get(pk=history["old"].pk).description != REMOVED
    call_command("retention", "--apply")
    assert "ALPHA: did pseudonymise 1" in capsys.readouterr().out
    assert Ticket.objects.get(pk=history["old"].pk).description == REMOVED
