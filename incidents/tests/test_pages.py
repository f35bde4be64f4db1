"""The public status page: no login, only published incidents, cached and invalidated on change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from incidents import publishing
from incidents.tasks import status_page_sweep
from incidents.tests.factories import component

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PUBLIC_PAGES = ["status:index", "status:history", "status:feed_atom", "status:feed_rss"]


@pytest.fixture
def labels():  # type: ignore[no-untyped-def]
    with time_machine.travel(T0 - timedelta(days=60), tick=False):
        return component("Label creation", group="Carriers · Spain")


def carrier_incident(labels, **kwargs):  # type: ignore[no-untyped-def]
    return publishing.incident_create(
        title=kwargs.pop("title", "DHL (Spain): labels cannot be created"),
        message="Creating DHL labels fails.",
        components={labels: kwargs.pop("impact", "partial_outage")},
        market="Spain",
        cause=kwargs.pop("cause", "carrier"),
        **kwargs,
    )


def get(client: Client, name: str, **kwargs: object) -> str:
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200, name
    return response.content.decode()


def test_the_page_needs_no_login_and_shows_all_green(client, labels) -> None:
    body = get(client, "status:index")
    assert "All systems operational" in body
    assert "Carriers · Spain" in body and "Label creation" in body
    assert body.count('class="bar s-') == 90


def test_a_monitoring_incident_reaches_the_page_at_minute_30_and_not_at_29(client, labels) -> None:
    with time_machine.travel(T0, tick=False):
        incident = carrier_incident(labels)
        assert incident.title not in get(client, "status:index")
    with time_machine.travel(T0 + timedelta(minutes=29), tick=False):
        status_page_sweep()
        body = get(client, "status:index")
        assert incident.title not in body and "All systems operational" in body
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        status_page_sweep()
        body = get(client, "status:index")
        assert incident.title in body and "Partial system outage" in body


def test_unpublished_incidents_appear_nowhere(client, labels) -> None:
    secret = carrier_incident(labels, title="CANARY unpublished outage", impact="major_outage")
    for name in PUBLIC_PAGES:
        body = get(client, name)
        assert "CANARY" not in body, name
        assert "Major outage" not in body.split("Legend")[0] if name == "status:index" else True
    assert client.get(reverse("status:incident", args=[secret.pk])).status_code == 404
    assert "All systems operational" in get(client, "status:index")


def test_an_open_incident_shows_its_update_trail_and_the_detail_page(client, labels) -> None:
    incident = carrier_incident(labels, cause="code_change")
    publishing.incident_update_post(incident=incident, status="identified", message="A bad deploy; rolling back.")

    body = get(client, "status:index")
    assert "Identified" in body and "A bad deploy; rolling back." in body and "Investigating" in body
    detail = get(client, "status:incident", incident_id=incident.pk)
    assert "Market: Spain" in detail and "A bad deploy" in detail


def test_the_page_is_cached_and_a_change_invalidates_it(client, labels, django_assert_num_queries) -> None:
    get(client, "status:index")
    with django_assert_num_queries(0):
        get(client, "status:index")
    carrier_incident(labels, cause="code_change", title="Checkout is slow")
    assert "Checkout is slow" in get(client, "status:index")


def test_an_admin_edit_invalidates_the_cache_too(client, labels) -> None:
    get(client, "status:index")
    labels.name = "Label printing"
    labels.save()
    assert "Label printing" in get(client, "status:index")


def test_maintenance_shows_upcoming_then_in_progress(client, labels) -> None:
    with time_machine.travel(T0, tick=False):
        publishing.maintenance_schedule(
            title="Carrier gateway upgrade",
            message="Labels may be slow.",
            components=[labels],
            scheduled_for=T0 + timedelta(hours=1),
            scheduled_until=T0 + timedelta(hours=2),
        )
        body = get(client, "status:index")
        assert "Scheduled maintenance" in body and "Carrier gateway upgrade" in body
        assert "All systems operational" in body
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        status_page_sweep()
        body = get(client, "status:index")
        assert "Service under maintenance" in body and "In progress" in body


def test_history_lists_resolved_incidents_by_month(client, labels) -> None:
    with time_machine.travel(T0, tick=False):
        incident = carrier_incident(labels, cause="code_change")
        publishing.incident_resolve(incident=incident)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        body = get(client, "status:history")
    assert "March 2026" in body and incident.title in body


def test_uptime_bars_colour_the_day_of_an_outage(client, labels) -> None:
    with time_machine.travel(T0 - timedelta(days=3), tick=False):
        incident = carrier_incident(labels, cause="code_change", impact="major_outage")
    with time_machine.travel(T0 - timedelta(days=3) + timedelta(hours=6), tick=False):
        publishing.incident_resolve(incident=incident)
    with time_machine.travel(T0, tick=False):
        body = get(client, "status:index")
    assert body.count('class="bar s-major_outage"') == 1
    assert "75.00 %" in body  # the day's bar: down 6 of 24 hours
    # 61 counted days (the component is 60 days old; today counts so far): 1 - 0.25 / 61
    assert "99.59 % uptime" in body


def test_the_atom_feed_parses_with_feedparser(client, labels) -> None:
    incident = carrier_incident(labels, cause="code_change")
    carrier_incident(labels, title="CANARY not yet public")

    feed = feedparser.parse(client.get(reverse("status:feed_atom")).content)

    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [incident.title]
    assert feed.entries[0].link.endswith(f"/status/incidents/{incident.pk}/")
    rss = feedparser.parse(client.get(reverse("status:feed_rss")).content)
    assert not rss.bozo and rss.version == "rss20" and len(rss.entries) == 1


def test_public_pages_refuse_writes(client) -> None:
    assert client.post(reverse("status:index")).status_code == 405
