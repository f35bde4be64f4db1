"""Every change to tickets, organisations, contacts and the SLA setup is on the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from audit.context import acting_as
from audit.models import AuditEntry
from audit.querysets import AuditedQuerySet
from audit.recording import audited_models
from customers.models import Contact, Organisation
from sla.models import SlaTarget, SupportTier
from tickets.models import Ticket
from tickets.workflow import ticket_status_change

pytestmark = pytest.mark.django_db


def trail(obj) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    content_type = ContentType.objects.get_for_model(type(obj))
    return list(AuditEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).order_by("at", "id"))


def test_an_admin_edit_records_who_changed_what_from_what(client, world):
    advanced = SupportTier.objects.get(name="Advanced")
    client.force_login(world.admin)
    url = f"/admin/customers/organisation/{world.alpha.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(tier=advanced.pk, calendar="", retailer_ids="R1, R2, R9")
    for prefix in ("environments", "contacts", "memberships", "Component_organisations"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    before = len(trail(world.alpha))
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    # The form's fields, then the tier through organisation_tier_change (which keeps the tier history).
    entries = trail(world.alpha)[before:]
    assert {entry.action for entry in entries} == {AuditEntry.Action.UPDATE}
    assert {entry.actor for entry in entries} == {world.admin}
    changes = {key: value for entry in entries for key, value in entry.changes.items()}
    assert changes["tier_id"] == [SupportTier.objects.get(name="Premium").pk, advanced.pk]
    assert changes["retailer_ids"] == ["R1, R2", "R1, R2, R9"]


def test_a_ticket_change_made_by_a_service_names_the_person_acting(world):
    with acting_as(world.agent):
        ticket_status_change(ticket=world.alice_ticket, actor=world.agent, status=Ticket.Status.RESOLVED)
    entry = trail(world.alice_ticket)[-1]
    assert entry.actor == world.agent
    assert entry.changes["status"] == ["new", "resolved"]
    assert "updated_at" not in entry.changes


def test_a_bulk_update_records_one_line_per_row(world):
    with acting_as(label="Nightly import"):
        changed = Contact.objects.filter(organisation=world.alpha).update(phone="+1 555 0100")
    entries = AuditEntry.objects.filter(bulk=True, content_type=ContentType.objects.get_for_model(Contact))
    assert changed == entries.count() == 2
    assert {e.actor_label for e in entries} == {"Nightly import"}
    assert all(e.changes == {"phone": ["", "+1 555 0100"]} for e in entries)
    outsider_contacts = {str(pk) for pk in Contact.objects.filter(organisation=world.outsider).values_list("pk", flat=True)}
    assert not outsider_contacts & set(entries.values_list("object_id", flat=True))


def test_bulk_update_of_targets_is_recorded_too():
    targets = list(SlaTarget.objects.filter(tier__name="Premium", metric="ack"))
    for target in targets:
        target.duration += timedelta(hours=1)
    SlaTarget.objects.bulk_update(targets, ["duration"])
    entries = AuditEntry.objects.filter(bulk=True, content_type=ContentType.objects.get_for_model(SlaTarget))
    assert entries.count() == len(targets) > 0


def test_creation_and_deletion_are_recorded(world):
    contact = Contact.objects.create(organisation=world.alpha, name="Night shift", email="night@alpha.example")
    pk = contact.pk
    contact.delete()
    actions = [e.action for e in AuditEntry.objects.filter(object_id=str(pk), content_type__model="contact").order_by("id")]
    assert actions == ["create", "delete"]


def test_a_rolled_back_change_leaves_no_trace(world):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.filter(pk=world.alpha.pk).update(contract_active=False)
        raise RuntimeError("the rest of the change failed")
    assert AuditEntry.objects.count() == before


def test_the_admin_history_button_shows_the_trail(client, world):
    Organisation.objects.filter(pk=world.alpha.pk).update(contract_active=False)
    client.force_login(world.admin)
    response = client.get(f"/admin/customers/organisation/{world.alpha.pk}/history/", follow=True)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows and all(row.object_id == str(world.alpha.pk) for row in rows)
    assert "contract_active" in response.content.decode()


def test_the_trail_cannot_be_rewritten(world):
    Organisation.objects.filter(pk=world.alpha.pk).update(contract_active=False)
    entry = AuditEntry.objects.first()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()


def test_every_audited_model_records_bulk_updates():
    plain = [m._meta.label for m in audited_models() if not isinstance(m._default_manager.all(), AuditedQuerySet)]
    assert plain == [], "give these models objects = AuditedQuerySet.as_manager()"
