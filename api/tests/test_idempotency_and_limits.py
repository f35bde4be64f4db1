"""Retries are safe with an Idempotency-Key; each token has its own rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import IdempotencyKey
from api.services import idempotency_purge
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

BODY = {
    "type": "development-question",
    "summary": "How do I page results?",
    "details": {"integration_logic": "Page through orders.", "pipeline_name": "orders-sync"},
}


def test_the_same_key_and_body_replays_the_first_answer(world, api_as) -> None:
    client = api_as(world.alice)
    before = Ticket.objects.count()

    first = client.post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = client.post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="abc-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == before + 1


def test_the_same_key_with_another_body_is_422(world, api_as) -> None:
    client = api_as(world.alice)
    client.post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="abc-2")
    before = Ticket.objects.count()

    response = client.post("/api/v1/tickets/", {**BODY, "summary": "Something else"}, HTTP_IDEMPOTENCY_KEY="abc-2")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == before


def test_keys_belong_to_their_user_and_expire(world, api_as) -> None:
    api_as(world.alice).post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="shared")
    response = api_as(world.alan).post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response

    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        response = api_as(world.alice).post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="shared")
        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response
        IdempotencyKey.objects.update(expires_at=timezone.now())
        assert idempotency_purge() == 2


def test_a_failed_request_is_not_remembered(world, api_as) -> None:
    client = api_as(world.alice)
    assert client.post("/api/v1/tickets/", {"type": "nope", "summary": "x"}, HTTP_IDEMPOTENCY_KEY="k").status_code == 400
    assert not IdempotencyKey.objects.exists()


def test_each_token_has_its_own_rate_limit_with_retry_after(world, api_as, settings) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "3/minute"}}
    first, second = api_as(world.alice), api_as(world.alice)
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(3):
            assert first.get("/api/v1/tickets/").status_code == 200
        response = first.get("/api/v1/tickets/")
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited"
        assert int(response["Retry-After"]) > 0
        assert second.get("/api/v1/tickets/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert first.get("/api/v1/tickets/").status_code == 200


def _multipart(name: str, content: bytes, boundary: str) -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


def test_a_retried_multipart_upload_with_the_same_key_makes_one_attachment(world, api_as) -> None:
    """The retry is encoded afresh, with another boundary, as a client library does: still the same upload."""
    from tickets.models import Attachment

    client = api_as(world.alice)
    url = f"/api/v1/tickets/{world.alice_ticket.number}/attachments/"
    answers = [
        client.generic(
            "POST",
            url,
            _multipart("audit.txt", b"order 1042 stuck", boundary),
            content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_IDEMPOTENCY_KEY="upload-7",
        )
        for boundary in ("first-try-0a1b", "second-try-9z8y")
    ]

    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[1]["Idempotent-Replayed"] == "true" and answers[1].json() == answers[0].json()
    assert Attachment.objects.filter(ticket=world.alice_ticket, original_name="audit.txt").count() == 1

    other = client.generic(
        "POST",
        url,
        _multipart("audit.txt", b"another file", "third-0000"),
        content_type="multipart/form-data; boundary=third-0000",
        HTTP_IDEMPOTENCY_KEY="upload-7",
    )
    assert other.status_code == 422
    assert Attachment.objects.filter(ticket=world.alice_ticket, original_name="audit.txt").count() == 1


@pytest.mark.parametrize("path", ["notice-update", "incident-publish", "comment-files"])
def test_every_post_of_the_api_answers_a_retry_once(world, api_as, path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from incidents.models import Incident
    from notices.models import Notice
    from notices.services import notice_raise
    from tickets.workflow import comment_add

    if path == "comment-files":
        client = api_as(world.alice)
        comment = comment_add(ticket=world.alice_ticket, author=world.alice, body="The export, attached.")
        url = f"/api/v1/tickets/{world.alice_ticket.number}/comments/{comment.pk}/attachments/"

        def send():  # type: ignore[no-untyped-def]
            files = [SimpleUploadedFile("export.csv", b"a,b\n", content_type="text/csv")]
            return client.post(url, {"files": files}, format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")

        def count() -> int:
            return comment.attachments.count()
    elif path == "notice-update":
        from notices.models import ProductArea

        client = api_as(world.agent)
        area = ProductArea.objects.first() or ProductArea.objects.create(name="Query API")
        notice, _created = notice_raise(
            organisation=world.alpha,
            kind=Notice.Kind.ALERT,
            area=area,
            environment=world.alpha.environments.get(name="live1"),
            title="Errors",
            description="503s.",
            call_to_action="",
            actor=world.agent,
        )
        url = f"/api/v1/notices/{notice.pk}/updates/"

        def send():  # type: ignore[no-untyped-def]
            return client.post(url, {"body": "Fixed at 10:20."}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

        def count() -> int:
            return notice.ticket.comments.count()
    else:
        client = api_as(world.agent)
        incident = Incident.objects.create(title="Labels fail", message="Timeouts.", detected_at=timezone.now())
        url = f"/api/v1/incidents/{incident.pk}/publish/"

        def send():  # type: ignore[no-untyped-def]
            return client.post(url, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

        def count() -> int:
            return incident.events.count()

    first = send()
    before = count()
    again = send()

    assert first.status_code in (200, 201), first.content
    assert again.status_code == first.status_code and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert count() == before
