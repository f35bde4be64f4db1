"""Files through the API: the portal's checks on the way in, permission-checked downloads on the way out."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import AttachmentFactory
from tickets import workflow
from tickets.attachments import MAX_FILES
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(name: str = "audit.txt", content: bytes = b"order 1042 stuck", content_type: str = "text/plain") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def url(ticket, tail: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/tickets/{ticket.number}/attachments/{tail}"


def test_a_customer_attaches_files_lists_and_downloads_them(world, api_as) -> None:
    client = api_as(world.alice)

    response = client.post(url(world.alice_ticket), {"files": [upload(), upload("screen.png", PNG, "image/png")]}, format="multipart")

    assert response.status_code == 201, response.content
    stored = response.json()
    assert [(f["name"], f["content_type"], f["uploaded_by"]) for f in stored] == [
        ("audit.txt", "text/plain", "Alice Alpha"),
        ("screen.png", "image/png", "Alice Alpha"),
    ]
    listed = client.get(url(world.alice_ticket)).json()["results"]
    assert [f["id"] for f in listed] == [f["id"] for f in stored]
    download = client.get(stored[0]["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"order 1042 stuck"
    assert download["Content-Disposition"].startswith("attachment;") and 'filename="audit.txt"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/octet-stream"
    assert client.get(stored[1]["download_url"])["Content-Disposition"].startswith("attachment;")
    assert world.alice_ticket.events.filter(kind="attachment").count() == 2


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("tool.exe", b"MZ\x90\x00rest", "programs and scripts cannot be attached"),
        ("notes.txt", b"#!/bin/sh\nrm -rf /\n", "programs and scripts cannot be attached"),
        ("empty.log", b"", "is empty"),
    ],
)
def test_a_refused_file_stores_none_of_the_files(world, api_as, name, content, words) -> None:
    response = api_as(world.alice).post(
        url(world.alice_ticket),
        {"files": [upload("fine.txt"), upload(name, content, "application/octet-stream")]},
        format="multipart",
    )

    assert response.status_code == 400
    assert words in " ".join(response.json()["error"]["fields"]["files"])
    assert not Attachment.objects.filter(ticket=world.alice_ticket).exists()


def test_the_size_and_number_limits_are_the_portals(world, api_as, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024
    client = api_as(world.alice)

    too_big = client.post(url(world.alice_ticket), {"files": [upload("big.log", b"x" * 2048)]}, format="multipart")
    too_many = client.post(url(world.alice_ticket), {"files": [upload(f"{n}.txt") for n in range(MAX_FILES + 1)]}, format="multipart")
    as_json = client.post(url(world.alice_ticket), {"files": ["not a file"]}, format="json")

    assert too_big.status_code == 400 and "files can be at most 1.0\xa0KB" in too_big.json()["error"]["fields"]["files"][0]
    assert too_many.status_code == 400 and "files" in too_many.json()["error"]["fields"]
    assert as_json.status_code == 415 and as_json.json()["error"]["code"] == "unsupported_media_type"
    assert not Attachment.objects.filter(ticket=world.alice_ticket).exists()


def test_a_token_of_one_organisation_gets_404_on_anothers_files(world, api_as) -> None:
    client = api_as(world.alan)
    theirs = world.outsider_attachment

    assert client.get(url(world.outsider_ticket)).status_code == 404
    assert client.get(url(world.outsider_ticket, f"{theirs.pk}/")).status_code == 404
    assert client.get(url(world.outsider_ticket, f"{theirs.pk}/download/")).status_code == 404
    # Another ticket's number does not open the file either.
    assert client.get(url(world.alice_ticket, f"{theirs.pk}/download/")).status_code == 404
    assert client.post(url(world.outsider_ticket), {"files": [upload()]}, format="multipart").status_code == 404
    assert world.outsider_ticket.attachments.count() == 1


def test_customers_never_get_files_of_internal_notes(world, api_as) -> None:
    note = workflow.comment_add(ticket=world.alice_ticket, author=world.agent, body="Logs from prod", is_internal=True)
    secret = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.agent, name="prod.log", comment=note)
    customer = api_as(world.alice)

    assert customer.get(url(world.alice_ticket)).json()["results"] == []
    assert customer.get(url(world.alice_ticket, f"{secret.pk}/download/")).status_code == 404
    assert api_as(world.agent).get(url(world.alice_ticket, f"{secret.pk}/download/")).status_code == 200


def test_files_go_on_your_own_comment_only(world, api_as) -> None:
    mine = workflow.comment_add(ticket=world.alice_ticket, author=world.alice, body="Here is the export")
    reply = workflow.comment_add(ticket=world.alice_ticket, author=world.agent, body="Thanks")
    note = workflow.comment_add(ticket=world.alice_ticket, author=world.agent, body="internal", is_internal=True)
    client = api_as(world.alice)
    base = f"/api/v1/tickets/{world.alice_ticket.number}/comments"

    response = client.post(f"{base}/{mine.pk}/attachments/", {"files": [upload("export.csv", b"a,b\n")]}, format="multipart")
    assert response.status_code == 201 and response.json()[0]["comment_id"] == mine.pk
    assert client.post(f"{base}/{reply.pk}/attachments/", {"files": [upload()]}, format="multipart").status_code == 403
    assert client.post(f"{base}/{note.pk}/attachments/", {"files": [upload()]}, format="multipart").status_code == 404
    assert Attachment.objects.filter(ticket=world.alice_ticket).count() == 1


def test_the_stored_file_is_what_was_sent(world, api_as) -> None:
    response = api_as(world.alice).post(url(world.alice_ticket), {"files": [upload("a.txt", b"abc")]}, format="multipart")
    attachment = Attachment.objects.get(pk=response.json()[0]["id"])
    assert Path(attachment.file.path).read_bytes() == b"abc" and attachment.size == 3
    assert response.json()[0]["sha256"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
