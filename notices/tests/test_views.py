"""The desk pages: raising a notice, its page, the list and the held mail."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from customers.models import Contact
from notices.models import Notice
from notices.tests.helpers import raise_notice
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

FRIDAY_6PM_CHICAGO = "2026-11-21 00:00Z"


def test_an_agent_raises_a_warning_from_the_desk(client, world, area) -> None:
    client.force_login(world.agent)
    page = client.get(f"/desk/notices/new/?organisation={world.alpha.pk}").content.decode()
    assert "emergency@alpha.example" in page and "ops-list@alpha.example" in page
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {
        "organisation": world.alpha.pk,
        "kind": "warning",
        "area": area.pk,
        "environment": "test1",
        "title": "Delays in data trigger processing",
        "description": "Up to 40 minutes late.",
        "call_to_action": "",
        "idempotency_key": key,
    }

    response = client.post("/desk/notices/new/", data)
    again = client.post("/desk/notices/new/", data)  # a double click

    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/notices/{notice.pk}/"
    assert again["Location"] == response["Location"]
    assert notice.raised_by == world.agent and notice.environment.name == "test1"
    assert notice.ticket.ticket_type.slug == "proactive-warning"
    detail = client.get(response["Location"]).content.decode()
    assert notice.ticket.reference in detail and "emergency@alpha.example" in detail


def test_the_form_says_what_is_wrong_and_raises_nothing(client, world, area) -> None:
    client.force_login(world.agent)
    response = client.post(
        "/desk/notices/new/",
        {
            "organisation": world.alpha.pk,
            "kind": "alert",
            "area": area.pk,
            "environment": "live7",
            "title": "",
            "description": "x",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "has no environment “live7”" in page and "This field is required." in page
    assert not Notice.objects.exists()


def test_a_failing_contact_is_flagged_where_agents_look(client, world, area) -> None:
    Contact.objects.filter(email="ops-list@alpha.example").update(
        delivery_failing_since=timezone.now(),
        delivery_failure="550 5.1.1 No such list",
    )
    notice = raise_notice(world.alpha, area)
    client.force_login(world.agent)

    for url in (f"/desk/notices/new/?organisation={world.alpha.pk}", f"/desk/notices/{notice.pk}/"):
        assert "mail failing since" in client.get(url).content.decode()


def test_the_list_shows_each_notice_with_its_mail(client, world, area, django_assert_max_num_queries) -> None:
    for number in range(5):
        raise_notice(world.alpha, area, title=f"Notice {number}")
    client.force_login(world.agent)

    with django_assert_max_num_queries(10):
        page = client.get("/desk/notices/").content.decode()

    assert "Notice 4" in page and "2 sending" in page


def test_held_mail_is_listed_and_can_be_sent_now_or_cancelled(client, world, area, django_capture_on_commit_callbacks) -> None:
    with time_machine.travel(FRIDAY_6PM_CHICAGO, tick=False):
        first = raise_notice(world.alpha, area, kind="warning", title="First warning")
        second = raise_notice(world.alpha, area, kind="warning", title="Second warning")
        client.force_login(world.agent)

        page = client.get("/desk/notices/held/").content.decode()
        assert "First warning" in page and "Second warning" in page and "Mon 23 Nov" in page

        refused = client.post("/desk/notices/held/cancel/", {"event_key": first.event_key, "reason": ""}, follow=True)
        assert "Say why" in refused.content.decode()
        client.post("/desk/notices/held/cancel/", {"event_key": first.event_key, "reason": "Fixed already"})
        with django_capture_on_commit_callbacks(execute=False):
            client.post("/desk/notices/held/release/", {"event_key": second.event_key})

        page = client.get("/desk/notices/held/").content.decode()
        assert "First warning" not in page and "Second warning" not in page and "Nothing is held" in page
    assert set(OutboundEmail.objects.filter(event_key=first.event_key).values_list("state", flat=True)) == {"cancelled"}
    released = OutboundEmail.objects.filter(event_key=second.event_key)
    assert all(row.next_attempt_at <= timezone.now() and not row.held_reason for row in released)
    assert client.post("/desk/notices/held/release/", {"event_key": "notice:999999"}).status_code == 404


def test_an_agent_posts_an_update(client, world, area) -> None:
    notice = raise_notice(world.alpha, area)
    client.force_login(world.agent)

    response = client.post(f"/desk/notices/{notice.pk}/", {"body": "Back to normal.", "call_to_action": ""})

    assert response.status_code == 302
    [update] = notice.updates.all()
    assert OutboundEmail.objects.filter(event_key=update.event_key).count() == 2
    assert "Back to normal." in client.get(f"/desk/notices/{notice.pk}/").content.decode()


def test_customers_cannot_see_notices(client, world, area) -> None:
    notice = raise_notice(world.alpha, area)
    client.force_login(world.alan)
    for url in ("/desk/notices/", "/desk/notices/new/", "/desk/notices/held/", f"/desk/notices/{notice.pk}/"):
        assert client.get(url).status_code == 403


def test_the_desk_ticket_page_flags_an_emergency_contact_whose_mail_fails(client, world, area) -> None:
    Contact.objects.filter(email="ops-list@alpha.example").update(
        delivery_failing_since=timezone.now(),
        delivery_failure="550 5.1.1 No such list",
    )
    client.force_login(world.agent)

    page = client.get(f"/desk/tickets/{world.alice_ticket.number}/").content.decode()

    assert "mail failing since" in page and "550 5.1.1 No such list" in page


def test_the_admin_lists_contacts_whose_mail_fails(client, world) -> None:
    Contact.objects.filter(email="ops-list@alpha.example").update(delivery_failing_since=timezone.now())
    client.force_login(world.admin)

    page = client.get("/admin/customers/contact/?delivery_failing_since__isempty=0").content.decode()

    assert "ops-list@alpha.example" in page and "emergency@alpha.example" not in page
