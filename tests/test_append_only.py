"""The ticket timeline, the incident timeline and the audit trail can only grow."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from incidents.models import IncidentEvent
from supportdesk.appendonly import AppendOnlyError
from tickets.models import TicketEvent


@pytest.fixture
def records(world):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from incidents.models import Incident

    ticket_event = TicketEvent.objects.create(ticket=world.alice_ticket, kind=TicketEvent.Kind.NOTE, reason="first")
    incident = Incident.objects.create(title="Down", message="m", detected_at=timezone.now())
    incident_event = IncidentEvent.objects.create(incident=incident, kind="created", reason="first")
    world.alpha.contract_active = not world.alpha.contract_active
    world.alpha.save()
    return [ticket_event, incident_event, AuditEntry.objects.filter(object_id=str(world.alpha.pk)).first()]


def test_no_record_can_be_changed_or_removed(records) -> None:  # type: ignore[no-untyped-def]
    for record in records:
        model = type(record)
        with pytest.raises(AppendOnlyError):
            record.save()
        with pytest.raises(AppendOnlyError):
            record.delete()
        when = "at" if model is AuditEntry else "created_at"
        with pytest.raises(AppendOnlyError):
            model.objects.filter(pk=record.pk).update(**{when: None})
        with pytest.raises(AppendOnlyError):
            model.objects.filter(pk=record.pk).delete()
        assert model.objects.filter(pk=record.pk).exists()


def test_removing_a_ticket_still_takes_its_timeline(world) -> None:  # type: ignore[no-untyped-def]
    ticket = world.alice_ticket
    TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.NOTE, reason="first")
    ticket.delete()
    assert not TicketEvent.objects.filter(ticket_id=ticket.pk).exists()
