"""Hostile uploads through the real multipart path: refused with a message or made safe, and nothing left behind.

Every upload here is spooled to disk (the memory threshold is one byte), in a
folder of the test's own, so that a temporary file left by any path shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.tests.conftest import PNG, production_issue_post, upload
from tests.factories import AttachmentFactory
from tickets.attachments import MAX_FILES, safe_download_name
from tickets.models import Attachment, Ticket
from tickets.services import attachments_add

pytestmark = pytest.mark.django_db

SUMMARY = "Orders stuck in AWAITING_PICK"


@pytest.fixture
def spool(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "upload-spool"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1
    return folder


def files_under(folder: str | Path) -> set[Path]:
    return {path for path in Path(folder).rglob("*") if path.is_file()}


@pytest.fixture
def nothing_left_behind(settings, spool, world):  # type: ignore[no-untyped-def]
    """After the test: no spooled file, and no stored file beyond the ones the world started with.

    Accepted files of a form that came back with errors are kept as a draft (tickets.drafts),
    and only those: a refused file is never among them.
    """
    before = files_under(settings.MEDIA_ROOT)
    yield
    assert files_under(spool) == set(), "a temporary upload file was left behind"
    drafts = Path(settings.MEDIA_ROOT) / "drafts"
    assert files_under(settings.MEDIA_ROOT) - files_under(drafts) == before, "a refused file was stored"
    assert all(b"MZ" not in path.read_bytes()[:2] for path in files_under(drafts)), "a refused file was kept"


def attachments_of_alpha() -> list[Attachment]:
    return list(Attachment.objects.filter(ticket__organisation__account_id="ALPHA"))


def file_a_request(client, world, files):  # type: ignore[no-untyped-def]
    data = production_issue_post(world)
    data["attachments"] = files
    return client.post("/portal/new/", data)


def comment_with(client, world, files):  # type: ignore[no-untyped-def]
    return client.post(f"/portal/tickets/{world.alice_ticket.number}/", {"body": "Logs attached.", "attachments": files})


# --- Refused, with a message, changing nothing --------------------------------------


@pytest.mark.parametrize("send", [file_a_request, comment_with], ids=["new request", "comment"])
def test_an_oversized_file_is_refused_and_nothing_is_kept(alice_client, world, settings, nothing_left_behind, send):
    settings.ATTACHMENT_MAX_BYTES = 4096
    response = send(alice_client, world, [upload("small.txt"), upload("huge.log", b"x" * 5000)])

    assert response.status_code == 400
    assert "“huge.log” is 4.9\xa0KB; files can be at most 4.0\xa0KB." in response.content.decode()
    assert not Ticket.objects.filter(summary=SUMMARY).exists()
    assert not world.alice_ticket.comments.exists()
    assert attachments_of_alpha() == []
    [kept] = files_under(Path(settings.MEDIA_ROOT) / "drafts")
    assert kept.read_bytes() == b"line 1\nline 2\n", "only the accepted file is kept for the next try"


@pytest.mark.parametrize("send", [file_a_request, comment_with], ids=["new request", "comment"])
def test_too_many_files_are_refused_and_nothing_is_kept(alice_client, world, nothing_left_behind, send):
    files = [upload(f"log-{i}.txt") for i in range(MAX_FILES + 1)]
    response = send(alice_client, world, files)

    assert response.status_code == 400
    assert f"Attach at most {MAX_FILES} files at a time." in response.content.decode()
    assert not Ticket.objects.filter(summary=SUMMARY).exists()
    assert not world.alice_ticket.comments.exists()
    assert attachments_of_alpha() == []


@pytest.mark.parametrize(
    "name, content",
    [
        ("setup.exe", b"MZ\x90\x00"),
        ("report.pdf", b"MZ\x90\x00 renamed program"),
        ("run.sh", b"echo hi"),
        ("macro.vbs", b"MsgBox 1"),
        ("photo\u202egnp.exe", b"MZ"),  # right-to-left override: shows as "photoexe.png"
        ("evil\x00.exe", b"MZ"),
        ("clean.txt", b"\x7fELF\x02\x01"),
    ],
)
def test_programs_are_refused_whatever_they_are_called(alice_client, world, nothing_left_behind, name, content):
    response = file_a_request(alice_client, world, [upload(name, content, "text/plain")])

    assert response.status_code == 400
    assert "programs and scripts cannot be attached" in response.content.decode()
    assert attachments_of_alpha() == []


def test_a_refusal_half_way_through_a_call_removes_the_files_already_written(world, settings, spool):
    before = files_under(settings.MEDIA_ROOT)
    good = SimpleUploadedFile("fine.txt", b"fine")
    bad = SimpleUploadedFile("tool.exe", b"MZ")

    with pytest.raises(ValidationError):
        attachments_add(ticket=world.alice_ticket, uploads=[good, bad], uploaded_by=world.alice)

    assert files_under(settings.MEDIA_ROOT) == before
    assert attachments_of_alpha() == []


# --- Names made safe -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, shown",
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("C:\\boot.ini", "boot.ini"),
        ("report\x00.txt", "report.txt"),
        ("a\r\nContent-Type: text/html.txt", "html.txt"),
        ('say "hi".txt', "say hi.txt"),
        ("résumé 日本語 ✓.txt", "résumé 日本語 ✓.txt"),
        ("..", "attachment"),
        ("...", "attachment"),
        ("   ", "attachment"),
        ("x" * 300 + ".log", "x" * 251 + ".log"),
    ],
)
def test_a_hostile_name_is_kept_only_as_a_safe_label(name, shown):
    assert safe_download_name(name) == shown


HOSTILE_NAMES = [
    "../../etc/passwd.txt",
    "/etc/cron.d/evil.txt",
    "..\\..\\boot.ini",
    "report\x00.txt",
    "résumé 日本語.txt",
    "x" * 400 + ".txt",
    "..%2F..%2Fetc%2Fpasswd.txt",
    "&#x2F;etc&#x2F;passwd.txt",
    "a\r\nX-Injected: 1.txt",
]


def test_a_hostile_name_never_decides_where_the_file_is_stored(alice_client, world, settings, spool):
    attachments_root = Path(settings.MEDIA_ROOT).resolve() / "attachments"
    for name in HOSTILE_NAMES:
        response = comment_with(alice_client, world, [upload(name, name.encode())])

        assert response.status_code == 302, (name, response.content.decode()[:500])
        attachment = Attachment.objects.filter(ticket=world.alice_ticket).latest("id")
        stored = Path(attachment.file.path).resolve()
        assert stored.is_relative_to(attachments_root), name
        assert stored.read_bytes() == name.encode()
        for bad in ("/", "\\", "\x00", "\r", "\n"):
            assert bad not in attachment.original_name, name
        assert 0 < len(attachment.original_name) <= 255, name
        assert files_under(spool) == set(), name

        download = alice_client.get(f"/portal/tickets/{world.alice_ticket.number}/files/{attachment.pk}/")
        disposition = download["Content-Disposition"]
        assert disposition.startswith("attachment;"), name
        assert not any(ch in disposition for ch in "\r\n\\"), name
        assert "/" not in disposition.split("filename", 1)[1], name
    assert len(attachments_of_alpha()) == len(HOSTILE_NAMES)
    assert all(path.is_relative_to(attachments_root) for path in files_under(settings.MEDIA_ROOT))


# --- Served back safely ------------------------------------------------------------------


NEVER_INLINE = [
    ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
    ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
    ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png"),
    ("page.xhtml", b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>', "application/xhtml+xml"),
    ("notes.txt", b"<script>alert(1)</script>", "text/plain"),
    ("report.pdf", b"%PDF-1.4 ...", "application/pdf"),
]


def test_nothing_but_a_real_image_is_ever_shown_inline(alice_client, world):
    for name, content, claimed in NEVER_INLINE:
        comment_with(alice_client, world, [upload(name, content, claimed)])
        attachment = Attachment.objects.filter(ticket=world.alice_ticket).latest("id")
        assert attachment.original_name == name
        base = f"/portal/tickets/{world.alice_ticket.number}/files/{attachment.pk}/"

        for path in (base, f"{base}?preview=1"):
            response = alice_client.get(path)
            assert response.status_code == 200
            assert response["Content-Disposition"].startswith("attachment;"), path
            assert response["Content-Type"] == "application/octet-stream", path
            assert response["X-Content-Type-Options"] == "nosniff", path
            assert "sandbox" in response["Content-Security-Policy"], path
            assert b"".join(response.streaming_content) == content


def test_a_real_image_previews_inline_still_with_nosniff(alice_client, world):
    image = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice, name="shot.png", content=PNG)
    base = f"/portal/tickets/{world.alice_ticket.number}/files/{image.pk}/"

    preview = alice_client.get(f"{base}?preview=1")
    assert preview["Content-Type"] == "image/png" and preview["Content-Disposition"].startswith("inline")
    assert preview["X-Content-Type-Options"] == "nosniff"
    download = alice_client.get(base)
    assert download["Content-Disposition"].startswith("attachment;") and download["X-Content-Type-Options"] == "nosniff"


def test_agents_get_the_same_safe_download(client, world):
    html = AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice, name="page.html", content=b"<b>x</b>")
    client.force_login(world.agent)
    response = client.get(f"/portal/tickets/{world.alice_ticket.number}/files/{html.pk}/?preview=1")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
