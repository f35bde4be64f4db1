"""Open incidents above the portal: only those that concern the customer's organisation, in one query."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents import publishing
from incidents.tests.factories import component
from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _open(title: str, *components, publish: bool = True):  # type: ignore[no-untyped-def]
    return publishing.incident_create(
        title=title,
        message="Something fails.",
        components=dict.fromkeys(components, "partial_outage"),
        cause="code_change" if publish else "unknown",
    )


def test_a_customer_sees_incidents_on_components_their_organisation_uses_and_platform_wide_ones(alice_client, world):
    correos = component("Correos", group="Carriers · Spain")
    correos.organisations.add(world.alpha)
    ctt = component("CTT", group="Carriers · Portugal")
    ctt.organisations.add(world.outsider)
    dashboard = component("Dashboard", group="Platform", used_by_everyone=True)
    _open("Correos (Spain): labels fail", correos)
    _open("CTT (Portugal): OUTSIDER-ONLY outage", ctt)
    _open("Dashboard: errors after a release", dashboard)
    _open("Everything is slow")  # no component named: everyone's
    _open("Not yet public", correos, publish=False)

    page = alice_client.get("/portal/").content.decode()
    assert "Correos (Spain): labels fail" in page
    assert "Dashboard: errors after a release" in page
    assert "Everything is slow" in page
    assert "OUTSIDER-ONLY" not in page, "Alpha's customer saw an incident on a component only Outsider uses"
    assert "Not yet public" not in page


def test_the_outsider_sees_its_own_incident_and_not_alphas(client, world):
    correos = component("Correos", group="Carriers · Spain")
    correos.organisations.add(world.alpha)
    ctt = component("CTT", group="Carriers · Portugal")
    ctt.organisations.add(world.outsider)
    _open("Correos ALPHA-ONLY outage", correos)
    _open("CTT (Portugal): label service down", ctt)
    client.force_login(world.charlie)
    page = client.get("/portal/").content.decode()
    assert "CTT (Portugal): label service down" in page and "ALPHA-ONLY" not in page


def test_the_banner_shows_status_last_update_in_the_viewers_zone_and_links_to_the_incident(alice_client, world):
    world.alice.timezone = "Europe/Madrid"
    world.alice.save(update_fields=["timezone"])
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        incident = _open("Label creation fails")
    with time_machine.travel(datetime(2026, 3, 2, 9, 17, tzinfo=UTC), tick=False):
        publishing.incident_update_post(incident=incident, status="identified", message="Found it.")
    for url in ("/portal/", "/portal/new/", "/portal/new/?type=question", f"/portal/tickets/{world.alice_ticket.number}/"):
        response = alice_client.get(url)
        page = response.content.decode()
        assert "Label creation fails" in page, url
        assert "Identified" in page and "10:17 CET" in page, url  # 09:17 UTC, in Madrid
        assert f'href="/status/incidents/{incident.pk}/"' in page, url
    assert "we already know and are working on it" in alice_client.get("/portal/new/").content.decode()
    assert "we already know and are working on it" not in alice_client.get("/portal/").content.decode()


def test_a_resolved_incident_leaves_the_portal(alice_client):
    incident = _open("Label creation fails")
    assert "Label creation fails" in alice_client.get("/portal/").content.decode()
    publishing.incident_resolve(incident=incident)
    page = alice_client.get("/portal/").content.decode()
    assert "Label creation fails" not in page and "incident-banner" not in page


def test_the_banner_costs_one_query_however_many_incidents_are_open_and_none_until_one_changes(alice_client, world):
    for n in range(9):
        TicketFactory(organisation=world.alpha, requester_user=world.alice, summary=f"T{n}")

    def page_and_queries() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as captured:
            response = alice_client.get("/portal/")
            assert response.status_code == 200
        return response.content.decode(), len(captured)

    _page, quiet = page_and_queries()
    _page, cached = page_and_queries()
    assert cached == quiet - 1, "the banner's answer is kept until an incident changes"
    used = component("Correos", group="Carriers · Spain")
    used.organisations.add(world.alpha)
    for n in range(5):
        _open(f"Incident {n}", used)
    _open("Platform-wide")
    page, queries = page_and_queries()
    assert "Incident 4" in page and "Platform-wide" in page
    assert queries == quiet
    page, queries = page_and_queries()
    assert "Incident 4" in page and queries == cached


def test_the_banner_follows_a_change_to_who_uses_a_component(alice_client, world):
    correos = component("Correos", group="Carriers · Spain")
    _open("Correos (Spain): labels fail", correos)
    assert "Correos (Spain)" not in alice_client.get("/portal/").content.decode()
    correos.organisations.add(world.alpha)
    assert "Correos (Spain)" in alice_client.get("/portal/").content.decode()
    correos.organisations.remove(world.alpha)
    assert "Correos (Spain)" not in alice_client.get("/portal/").content.decode()
