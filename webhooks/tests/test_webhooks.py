"""Webhooks: signed, recorded with the change, retried with backoff, and never sent to private addresses."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from api.tests.conftest import token_client
from tests.factories import TicketFactory
from tickets import workflow
from webhooks import transport
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_event_send
from webhooks.tasks import deliveries_sweep

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server on 127.0.0.1 that fails the first ``failures`` requests with a 500."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                failing = len(receiver.requests) <= receiver.failures
                self.send_response(500 if failing else 200)
                self.end_headers()
                self.wfile.write(b"try later" if failing else b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/supportdesk"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:  # type: ignore[no-untyped-def]
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_BACKOFF_SECONDS = 30
    with Receiver(failures=2) as server:
        yield server


def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_try_once(world, receiver, django_capture_on_commit_callbacks) -> None:
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=["ticket.created"])
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="Webhook me")
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        assert len(receiver.requests) == 1
        delivery.refresh_from_db()
        assert delivery.state == "pending" and delivery.attempts == 1 and delivery.last_status_code == 500
        assert deliveries_sweep() == 0  # not before its backoff

    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        assert deliveries_sweep() == 1
        delivery.refresh_from_db()
        assert delivery.state == "pending" and delivery.attempts == 2
        assert deliveries_sweep() == 0  # the second backoff is longer: 60 s

    with time_machine.travel(start + timedelta(seconds=31 + 61), tick=False):
        assert deliveries_sweep() == 1

    with time_machine.travel(start + timedelta(hours=12), tick=False):
        assert deliveries_sweep() == 0

    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 3 and delivery.last_status_code == 200
    assert [attempt.status_code for attempt in delivery.attempt_log.all()] == [500, 500, 200]
    assert len(receiver.requests) == 3
    bodies = {request["body"] for request in receiver.requests}
    assert len(bodies) == 1  # the same event, byte for byte
    last = receiver.requests[-1]
    payload = json.loads(last["body"])
    assert payload["type"] == "ticket.created" and payload["data"]["ticket"]["number"] == ticket.number
    assert last["headers"]["X-Supportdesk-Delivery"] == payload["id"] == str(delivery.event_id)
    header = last["headers"]["X-Supportdesk-Signature"]
    timestamp = int(header.split(",")[0].removeprefix("t="))
    assert transport.signature_valid(secret=endpoint.secret, header=header, body=last["body"], now=timestamp)
    assert not transport.signature_valid(secret="wrong", header=header, body=last["body"], now=timestamp)
    assert not transport.signature_valid(secret=endpoint.secret, header=header, body=last["body"], now=timestamp + 3600)


def test_deliveries_are_recorded_with_the_change_or_not_at_all(world) -> None:
    WebhookEndpoint.objects.create(url="https://hooks.example.com/x", events=["ticket.created", "ticket.updated"])
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        TicketFactory(organisation=world.alpha, requester_user=world.alice)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the filing fails after all")
    assert WebhookDelivery.objects.count() == 0


def test_organisation_endpoints_get_only_their_public_events(world) -> None:
    vendor = WebhookEndpoint.objects.create(url="https://vendor.example.com/x", events=["ticket.updated"])
    alpha = WebhookEndpoint.objects.create(url="https://alpha.example.com/x", events=["ticket.updated"], organisation=world.alpha)
    outsider = WebhookEndpoint.objects.create(
        url="https://outsider.example.com/x",
        events=["ticket.updated"],
        organisation=world.outsider,
    )

    workflow.comment_add(ticket=world.alice_ticket, author=world.agent, body="Looking into the cache", is_internal=True)
    assert set(WebhookDelivery.objects.values_list("endpoint", flat=True)) == {vendor.pk}

    workflow.ticket_status_change(ticket=world.alice_ticket, actor=world.agent, status="waiting_vendor")
    assert WebhookDelivery.objects.filter(endpoint=alpha).count() == 1
    assert not WebhookDelivery.objects.filter(endpoint=outsider).exists()
    body = WebhookDelivery.objects.get(endpoint=alpha).body
    assert "Looking into the cache" not in body


def test_only_subscribed_events_are_sent_and_incidents_can_be(world) -> None:
    endpoint = WebhookEndpoint.objects.create(url="https://ops.example.com/x", events=["incident.created"])
    TicketFactory(organisation=world.alpha, requester_user=world.alice)
    assert not WebhookDelivery.objects.exists()

    webhook_event_send(event="incident.created", data={"incident": {"title": "Carrier labels delayed"}})
    assert WebhookDelivery.objects.get().endpoint == endpoint


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.0.0.5/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://0.0.0.0/x",
        "http://224.0.0.1/x",
        "ftp://example.com/x",
        "http://user:pass@example.com/x",
    ],
)
def test_the_ssrf_guard_refuses_private_and_odd_destinations(url) -> None:
    with pytest.raises(transport.Refused):
        transport.destination(url)


def test_a_refused_destination_fails_at_once_and_says_why(world, settings, django_capture_on_commit_callbacks) -> None:
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = []
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/x", events=["ticket.created"])
    with django_capture_on_commit_callbacks(execute=True):
        TicketFactory(organisation=world.alpha, requester_user=world.alice)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed"
    assert "private, loopback or reserved" in delivery.last_error
    assert delivery.attempt_log.count() == 1


def test_an_endpoint_may_be_allowed_private_addresses(world, settings) -> None:
    settings.WEBHOOK_ALLOWED_PRIVATE_HOSTS = []
    with Receiver() as server:
        answer = transport.post(url=server.url, body="{}", headers={"Content-Type": "application/json"}, allow_private=True)
    assert answer.status == 200 and answer.excerpt == "ok"


# --- incident.* and one delivery per change ------------------------------------------------------


def _events(endpoint: WebhookEndpoint) -> list[tuple[str, list[str]]]:
    rows = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("created_at", "pk")
    return [(row.event, [change["kind"] for change in json.loads(row.body)["data"]["changes"]]) for row in rows]


@pytest.mark.django_db(transaction=True)
def test_an_incident_sends_created_updated_and_resolved_once_each(shipped_defaults, world) -> None:
    """Real transactions, as in production: each call commits its own."""
    from incidents import publishing
    from incidents.tests.factories import component

    labels = component("Label creation", group="Carriers · Spain")
    ops = WebhookEndpoint.objects.create(
        url="https://ops.example.com/x",
        events=["incident.created", "incident.updated", "incident.resolved"],
    )
    alpha = WebhookEndpoint.objects.create(
        url="https://alpha.example.com/x",
        events=["incident.created"],
        organisation=world.alpha,
    )

    incident = publishing.incident_create(
        title="SEUR labels fail",
        message="Timeouts.",
        components={labels: "major_outage"},
        cause="code_change",
    )
    publishing.incident_update_post(
        incident=incident, status="monitoring", message="Fix deployed.", components={labels: "degraded_performance"}, actor=world.agent
    )
    publishing.incident_resolve(incident=incident, actor=world.agent)

    assert _events(ops) == [
        ("incident.created", ["created", "published"]),
        ("incident.updated", ["updated", "components"]),
        ("incident.resolved", ["resolved"]),
    ]
    created = json.loads(WebhookDelivery.objects.filter(endpoint=ops).earliest("created_at").body)["data"]
    assert created["incident"]["published"] is True and created["incident"]["impact"] == "critical"
    assert created["incident"]["components"] == [{"id": labels.pk, "name": "Label creation", "impact": "major_outage"}]
    assert not WebhookDelivery.objects.filter(endpoint=alpha).exists(), "incidents go to the vendor's endpoints"


def test_one_request_that_changes_a_ticket_three_ways_is_one_event(world) -> None:
    endpoint = WebhookEndpoint.objects.create(url="https://hooks.example.com/x", events=["ticket.updated"])

    response = token_client(world.agent).patch(
        f"/api/v1/tickets/{world.alice_ticket.number}/",
        {"assignee": world.agent.email, "severity": 2, "severity_reason": "Checkout down", "status": "waiting_vendor"},
        format="json",
    )

    assert response.status_code == 200, response.content
    [(event, kinds)] = _events(endpoint)
    assert event == "ticket.updated" and {"assigned", "severity", "status"} <= set(kinds)
    body = json.loads(WebhookDelivery.objects.get(endpoint=endpoint).body)["data"]
    assert body["ticket"]["status"] == "waiting_vendor" and body["ticket"]["severity"] == 2


@pytest.mark.django_db(transaction=True)
def test_changes_in_separate_transactions_stay_separate_events(shipped_defaults, world) -> None:
    endpoint = WebhookEndpoint.objects.create(url="https://hooks.example.com/x", events=["ticket.updated"])

    workflow.ticket_status_change(ticket=world.alice_ticket, actor=world.agent, status="waiting_vendor")
    workflow.ticket_status_change(ticket=world.alice_ticket, actor=world.agent, status="open")

    assert [event for event, _kinds in _events(endpoint)] == ["ticket.updated", "ticket.updated"]


@pytest.mark.django_db(transaction=True)
def test_a_committed_transaction_is_one_event_and_a_rolled_back_one_none(receiver) -> None:
    """Real transactions, as in production: the batch lives exactly as long as the transaction."""
    from django.db import transaction

    from incidents import publishing

    ops = WebhookEndpoint.objects.create(
        url=receiver.url,
        events=["incident.created", "incident.updated", "incident.resolved"],
        allow_private=True,
    )
    with transaction.atomic():
        incident = publishing.incident_create(title="Console slow", message="Pages take 10 s.")
        publishing.incident_update_post(incident=incident, status="identified", message="A slow query.")
    with pytest.raises(RuntimeError), transaction.atomic():
        publishing.incident_update_post(incident=incident, status="monitoring", message="Fixed?")
        raise RuntimeError("the request fails after all")
    publishing.incident_update_post(incident=incident, status="monitoring", message="Index added.")

    assert _events(ops) == [("incident.created", ["created", "status", "updated"]), ("incident.updated", ["updated"])]
    assert len(receiver.requests) == 2, "each is sent once it is committed"
