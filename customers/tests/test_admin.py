"""Admins configure organisations, contacts, tiers and calendars in the Django admin."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from customers.models import Contact, Organisation
from sla.models import Calendar, SupportTier

pytestmark = pytest.mark.django_db


def organisation_form(tier: SupportTier, contacts: list[dict[str, str]]) -> dict[str, str]:
    data = {
        "name": "Wayne Retail",
        "account_id": "WR-1",
        "tier": str(tier.pk),
        "contract_active": "on",
        "retailer_ids": " R1, R2 ,,R1 ",
        "timezone": "America/Chicago",
        "language": "en",
        "calendar": "",
        "account_executive_name": "",
        "account_executive_email": "",
        "escalation_email": "",
        "environments-TOTAL_FORMS": "0",
        "environments-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "contacts-TOTAL_FORMS": str(len(contacts)),
        "contacts-INITIAL_FORMS": "0",
        "Component_organisations-TOTAL_FORMS": "0",
        "Component_organisations-INITIAL_FORMS": "0",
    }
    for i, contact in enumerate(contacts):
        for key, value in {"kind": "person", "language": "en", "emergency_order": "0", "phone": "", **contact}.items():
            data[f"contacts-{i}-{key}"] = value
    return data


@pytest.fixture
def admin_client_(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.admin)
    return client


def test_an_admin_adds_an_organisation_with_its_emergency_contacts(admin_client_) -> None:
    tier = SupportTier.objects.get(name="Advanced")
    response = admin_client_.post(
        "/admin/customers/organisation/add/",
        organisation_form(
            tier,
            [
                {"name": "On call", "email": "oncall@wayne.example", "emergency_role": "registered"},
                {"name": "Ops list", "email": "ops@wayne.example", "kind": "list", "emergency_role": "additional"},
            ],
        ),
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    organisation = Organisation.objects.get(account_id="WR-1")
    assert organisation.retailer_ids == "R1, R2"
    assert organisation.registered_emergency_contact.email == "oncall@wayne.example"


def test_an_admin_records_the_status_page_components_an_organisation_uses(admin_client_) -> None:
    from incidents.tests.factories import component

    correos = component("Correos", group="Carriers · Spain")
    data = organisation_form(
        SupportTier.objects.get(name="Advanced"),
        [
            {"name": "On call", "email": "oncall@wayne.example", "emergency_role": "registered"},
        ],
    )
    data |= {"Component_organisations-TOTAL_FORMS": "1", "Component_organisations-0-component": str(correos.pk)}
    assert "status-page components it uses" in admin_client_.get("/admin/customers/organisation/add/").content.decode().lower()
    response = admin_client_.post("/admin/customers/organisation/add/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert list(Organisation.objects.get(account_id="WR-1").status_components.all()) == [correos]


def test_a_second_registered_emergency_contact_is_explained_and_nothing_saved(admin_client_) -> None:
    tier = SupportTier.objects.get(name="Advanced")
    response = admin_client_.post(
        "/admin/customers/organisation/add/",
        organisation_form(
            tier,
            [
                {"name": "On call", "email": "oncall@wayne.example", "emergency_role": "registered"},
                {"name": "Also on call", "email": "also@wayne.example", "emergency_role": "registered"},
            ],
        ),
    )
    assert response.status_code == 200
    assert "Only one contact can be the registered emergency contact" in response.content.decode()
    assert not Organisation.objects.filter(account_id="WR-1").exists()


def test_the_database_refuses_a_second_registered_emergency_contact(world) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(
            organisation=world.alpha,
            name="Second",
            email="second@alpha.example",
            emergency_role=Contact.EmergencyRole.REGISTERED,
        )


def calendar_form(intervals: list[tuple[int, str, str]]) -> dict[str, str]:
    data = {
        "name": "Night shift",
        "timezone": "Europe/Madrid",
        "holiday_country": "ES",
        "holiday_subdivision": "",
        "intervals-TOTAL_FORMS": str(len(intervals)),
        "intervals-INITIAL_FORMS": "0",
        "holidays-TOTAL_FORMS": "0",
        "holidays-INITIAL_FORMS": "0",
    }
    for i, (weekday, start, end) in enumerate(intervals):
        data.update({f"intervals-{i}-weekday": str(weekday), f"intervals-{i}-start": start, f"intervals-{i}-end": end})
    return data


def test_an_admin_adds_a_calendar_with_an_interval_past_midnight(admin_client_) -> None:
    response = admin_client_.post("/admin/sla/calendar/add/", calendar_form([(0, "22:00", "06:00"), (1, "22:00", "06:00")]))
    assert response.status_code == 302
    calendar = Calendar.objects.get(name="Night shift")
    assert [str(i) for i in calendar.intervals.all()] == ["Monday 22:00–06:00", "Tuesday 22:00–06:00"]


@pytest.mark.parametrize(
    ("intervals", "why"),
    [
        ([(0, "08:00", "12:00"), (0, "11:00", "17:00")], "same day"),
        ([(0, "22:00", "06:00"), (1, "05:00", "09:00")], "past midnight into the next day"),
        ([(6, "22:00", "06:00"), (0, "05:00", "09:00")], "Sunday night into Monday"),
    ],
)
def test_overlapping_intervals_are_explained_and_nothing_saved(admin_client_, intervals, why) -> None:
    response = admin_client_.post("/admin/sla/calendar/add/", calendar_form(intervals))
    assert response.status_code == 200, why
    assert "Open intervals overlap" in response.content.decode()
    assert not Calendar.objects.filter(name="Night shift").exists()


def test_a_bad_opening_time_is_explained(admin_client_) -> None:
    response = admin_client_.post("/admin/sla/calendar/add/", calendar_form([(0, "25:00", "17:00")]))
    assert "Use 24-hour HH:MM" in response.content.decode()


def test_a_target_without_a_calendar_is_explained(admin_client_) -> None:
    tier = SupportTier.objects.get(name="Break-Fix")
    data = {
        "name": tier.name,
        "description": tier.description,
        "escalation_reminder_interval": "00:30:00",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-metric": "ack",
        "targets-0-severity": "3",
        "targets-0-duration": "08:00:00",
        "targets-0-calendar": "",
        "targets-0-warn_percent": "75",
        "targets-0-escalation_eligible": "on",
    }
    response = admin_client_.post(f"/admin/sla/supporttier/{tier.pk}/change/", data)
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not tier.targets.filter(severity_id=3).exists()


def test_the_shipped_tiers_match_seed_004() -> None:
    table = {
        (t.tier.name, t.severity_id): (t.duration.total_seconds() / 3600, t.calendar.name.split(" ")[0], t.escalation_eligible)
        for t in SupportTier.objects.get(name="Premium").targets.filter(metric="ack").select_related("tier", "calendar")
    }
    assert table == {
        ("Premium", 1): (2, "24/7", True),
        ("Premium", 2): (4, "24/7", True),
        ("Premium", 3): (8, "Standard", True),
        ("Premium", 4): (24, "Standard", False),
        ("Premium", 5): (48, "Standard", False),
    }
    for name, hours in (("Break-Fix", 24), ("Advanced", 12)):
        targets = SupportTier.objects.get(name=name).targets.filter(metric="ack")
        assert sorted((t.severity_id, t.duration.total_seconds() / 3600) for t in targets) == [(1, hours), (2, hours)]
    updates = SupportTier.objects.get(name="Premium").targets.filter(metric="update")
    assert sorted((t.severity_id, t.duration.total_seconds() / 3600) for t in updates) == [(1, 1), (2, 4)]


def test_the_admin_pages_open(admin_client_, world) -> None:
    for url in [
        "/admin/",
        "/admin/customers/organisation/",
        f"/admin/customers/organisation/{world.alpha.pk}/change/",
        "/admin/sla/supporttier/",
        "/admin/sla/calendar/",
        "/admin/customers/contact/",
        "/admin/tickets/ticket/",
        f"/admin/tickets/ticket/{world.alice_ticket.pk}/change/",
        "/admin/notifications/outboundemail/",
        "/admin/accounts/user/",
        "/admin/tickets/tickettype/",
    ]:
        assert admin_client_.get(url).status_code == 200, url
