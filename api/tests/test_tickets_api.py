"""Tickets through the API: the same rules and the same walls as the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.services import token_create, token_revoke
from tickets.models import Comment, Ticket, TicketEvent, TicketField, TicketType

pytestmark = pytest.mark.django_db


def test_a_customer_lists_only_tickets_they_may_see(world, api_as) -> None:
    response = api_as(world.alice).get("/api/v1/tickets/")

    assert response.status_code == 200
    numbers = [row["number"] for row in response.json()["results"]]
    assert numbers == [world.alice_ticket.number]
    assert response.json()["count"] == 1


def test_a_token_of_one_organisation_gets_404_on_anothers_ticket(world, api_as) -> None:
    client = api_as(world.alan)
    for path in ("", "comments/", "timeline/"):
        response = client.get(f"/api/v1/tickets/{world.outsider_ticket.number}/{path}")
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": response.json()["error"]["message"], "fields": {}}}
        assert "CANARY" not in response.content.decode()
    response = client.patch(f"/api/v1/tickets/{world.outsider_ticket.number}/", {"status": "closed"})
    assert response.status_code == 404
    response = client.post(f"/api/v1/tickets/{world.outsider_ticket.number}/comments/", {"body": "hello"})
    assert response.status_code == 404
    assert not Comment.objects.filter(ticket=world.outsider_ticket).exists()


def test_a_revoked_token_gets_401(world) -> None:
    token, key = token_create(user=world.alice, name="ci")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/tickets/").status_code == 200

    token_revoke(token=token)
    response = client.get("/api/v1/tickets/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_or_missing_key_gets_401_in_the_error_format(world) -> None:
    client = APIClient()
    assert client.get("/api/v1/tickets/").json()["error"]["code"] == "not_authenticated"
    client.credentials(HTTP_AUTHORIZATION="Bearer sdk_nothing_here")
    response = client.get("/api/v1/tickets/")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_an_expired_token_gets_401(world) -> None:
    from datetime import timedelta

    from django.utils import timezone

    _token, key = token_create(user=world.alice, name="old", expires_at=timezone.now() - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/tickets/").status_code == 401


def test_the_session_works_for_the_browser(client, world) -> None:
    client.force_login(world.alice)
    assert client.get("/api/v1/tickets/").status_code == 200
    assert client.get(f"/api/v1/tickets/{world.outsider_ticket.number}/").status_code == 404


def test_the_session_needs_the_csrf_token_to_write(world) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.alice)
    response = browser.post(
        f"/api/v1/tickets/{world.alice_ticket.number}/comments/",
        {"body": "hi"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


# The shipped production-issue type's required questions (seed 002 step 3).
REQUIRED_PRODUCTION = {
    "retailer_ids": "R1",
    "issue_type": "API",
    "issue_start": "2026-11-20T09:00:00Z",
    "business_impact": "Orders stuck.",
}


def test_a_customer_files_a_ticket_for_their_organisation(world, api_as) -> None:
    response = api_as(world.alice).post(
        "/api/v1/tickets/",
        {
            "type": "production-issue",
            "summary": "Orders stuck",
            "description": "Since 10:00",
            "severity": 2,
            "environment": "live1",
            "details": REQUIRED_PRODUCTION,
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    ticket = Ticket.objects.get(number=body["number"])
    assert ticket.organisation == world.alpha
    assert ticket.requester_user == world.alice
    assert body["severity"] == 2 and body["environment"] == "live1" and body["type"] == "production-issue"
    assert response["Location"] == f"/api/v1/tickets/{ticket.number}/"
    assert ticket.events.filter(kind=TicketEvent.Kind.CREATED).exists()


def test_structured_fields_are_validated_by_the_type_and_bad_input_creates_nothing(world, api_as) -> None:
    ticket_type = TicketType.objects.get(slug="production-issue")
    TicketField.objects.get_or_create(
        ticket_type=ticket_type,
        key="api_issue_kind",
        defaults={"label": "Issue type", "kind": TicketField.Kind.CHOICE, "required": True, "choices": ["API", "Other"]},
    )
    before = Ticket.objects.count()
    client = api_as(world.alice)

    response = client.post(
        "/api/v1/tickets/",
        {
            "type": "production-issue",
            "summary": "Orders stuck",
            "severity": 2,
            "details": {"api_issue_kind": "Weather"},
        },
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "details.api_issue_kind" in error["fields"]
    assert Ticket.objects.count() == before

    for bad in (
        {"type": "no-such-type", "summary": "x"},
        {"type": "production-issue", "summary": "x"},  # no severity
        {"type": "production-issue", "summary": "x", "severity": 2, "environment": "live9"},
        {"type": "production-issue", "summary": "   ", "severity": 2},
        {"type": "proactive-alert", "summary": "x", "severity": 1},  # customers cannot file it
        {"type": "development-question", "summary": "x", "organisation": "OUTSIDER"},
    ):
        response = client.post("/api/v1/tickets/", bad)
        assert response.status_code == 400, (bad, response.json())
        assert response.json()["error"]["fields"], bad
    assert Ticket.objects.count() == before

    response = client.post(
        "/api/v1/tickets/",
        {
            "type": "production-issue",
            "summary": "Orders stuck",
            "severity": 2,
            "details": {"api_issue_kind": "API", **REQUIRED_PRODUCTION},
        },
    )
    assert response.status_code == 201
    assert response.json()["details"]["api_issue_kind"] == "API"


def test_staff_file_for_an_organisation_they_name(world, api_as) -> None:
    client = api_as(world.agent)
    response = client.post("/api/v1/tickets/", {"type": "development-question", "summary": "Checking in"})
    assert response.status_code == 400
    assert "organisation" in response.json()["error"]["fields"]

    response = client.post(
        "/api/v1/tickets/",
        {
            "type": "development-question",
            "summary": "Checking in",
            "organisation": "ALPHA",
            "details": {"integration_logic": "x", "pipeline_name": "y"},
        },
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.organisation == world.alpha
    assert ticket.requester_contact == world.alpha.registered_emergency_contact


def test_staff_filter_order_and_search(world, api_as) -> None:
    client = api_as(world.agent)
    response = client.get("/api/v1/tickets/", {"organisation": "OUTSIDER"})
    assert [row["number"] for row in response.json()["results"]] == [world.outsider_ticket.number]
    response = client.get("/api/v1/tickets/", {"search": "checkout"})
    assert [row["number"] for row in response.json()["results"]] == [world.alice_ticket.number]
    response = client.get("/api/v1/tickets/", {"ordering": "number"})
    numbers = [row["number"] for row in response.json()["results"]]
    assert numbers == sorted(numbers)
    assert client.get("/api/v1/tickets/", {"status": "nonsense"}).status_code == 400


def test_pages_have_count_next_and_previous(world, api_as) -> None:
    from tests.factories import TicketFactory

    for index in range(3):
        TicketFactory(organisation=world.alpha, requester_user=world.alice, summary=f"Extra {index}")
    response = api_as(world.alice).get("/api/v1/tickets/", {"page_size": 2})
    body = response.json()
    assert body["count"] == 4 and len(body["results"]) == 2
    assert "page=2" in body["next"] and body["previous"] is None
    assert api_as(world.alice).get("/api/v1/tickets/", {"page": 9}).status_code == 404


def test_customers_may_only_close(world, api_as) -> None:
    client = api_as(world.alice)
    url = f"/api/v1/tickets/{world.alice_ticket.number}/"

    response = client.patch(url, {"severity": 1, "severity_reason": "urgent"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert client.patch(url, {"status": "resolved"}).status_code == 400

    response = client.patch(url, {"status": "closed"})
    assert response.status_code == 200
    assert response.json()["status"] == "closed"


def test_staff_change_status_severity_with_reason_and_assignee(world, api_as) -> None:
    client = api_as(world.agent)
    url = f"/api/v1/tickets/{world.alice_ticket.number}/"

    response = client.patch(url, {"severity": 2})
    assert response.status_code == 400
    assert "severity_reason" in response.json()["error"]["fields"]

    response = client.patch(
        url,
        {
            "severity": 2,
            "severity_reason": "Checkout is down",
            "assignee": world.agent.email,
            "status": "open",
        },
    )

    assert response.status_code == 200, response.json()
    world.alice_ticket.refresh_from_db()
    assert world.alice_ticket.severity_id == 2
    assert world.alice_ticket.assignee == world.agent
    assert world.alice_ticket.status == "open"
    kinds = set(world.alice_ticket.events.values_list("kind", flat=True))
    assert {"severity", "assigned", "status"} <= kinds
    response = client.patch(url, {"assignee": world.alice.email})
    assert response.status_code == 400


def test_a_failed_update_changes_nothing(world, api_as) -> None:
    client = api_as(world.agent)
    url = f"/api/v1/tickets/{world.alice_ticket.number}/"
    client.patch(url, {"status": "closed"})

    response = client.patch(url, {"assignee": world.agent.email, "status": "waiting_customer"})

    assert response.status_code == 400
    world.alice_ticket.refresh_from_db()
    assert world.alice_ticket.assignee is None


def test_customers_never_see_internal_notes(world, api_as) -> None:
    agent = api_as(world.agent)
    url = f"/api/v1/tickets/{world.alice_ticket.number}/comments/"
    assert agent.post(url, {"body": "Looks like the cache", "is_internal": True}).status_code == 201
    assert agent.post(url, {"body": "We are on it"}).status_code == 201

    customer = api_as(world.alice)
    bodies = [row["body"] for row in customer.get(url).json()["results"]]
    assert bodies == ["We are on it"]
    timeline = customer.get(f"/api/v1/tickets/{world.alice_ticket.number}/timeline/").json()["results"]
    assert "note" not in [event["kind"] for event in timeline]

    response = customer.post(url, {"body": "secret", "is_internal": True})
    assert response.status_code == 400
    assert "is_internal" in response.json()["error"]["fields"]
    response = customer.post(url, {"body": "Thanks!"})
    assert response.status_code == 201
    assert response.json()["author"] == world.alice.full_name


def test_method_not_allowed_is_in_the_error_format(world, api_as) -> None:
    response = api_as(world.alice).delete(f"/api/v1/tickets/{world.alice_ticket.number}/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_unknown_api_paths_and_impossible_numbers_are_404_in_the_error_format(world, api_as) -> None:
    client = api_as(world.alice)
    for path in ("/api/v1/nothing/", "/api/v1/tickets/-5/", "/api/v1/tickets/99999999999/", "/api/v1/tickets/0/comments/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
