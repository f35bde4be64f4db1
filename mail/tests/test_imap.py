"""IMAP polling against a real Dovecot holding the support mailbox."""

from __future__ import annotations

import pytest
from imapclient import IMAPClient

from mail.imap import mailbox_of, mailbox_poll
from mail.models import InboundMessage
from mail.tests.messages import mail, reply_to_ticket
from tests import services
from tests.dovecot import ImapServer, dovecot
from tickets.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def imap():  # type: ignore[no-untyped-def]
    services.require("dovecot")
    with dovecot() as server:
        yield server


def append(server: ImapServer, *messages: bytes) -> None:
    with IMAPClient(server.host, port=server.port, ssl=False) as client:
        client.login(server.user, server.password)
        for raw in messages:
            client.append("INBOX", raw)


def unseen(server: ImapServer) -> list[int]:
    with IMAPClient(server.host, port=server.port, ssl=False) as client:
        client.login(server.user, server.password)
        client.select_folder("INBOX", readonly=True)
        return client.search(["UNSEEN"])


def test_messages_appended_to_the_mailbox_are_ingested_once(world, imap, django_capture_on_commit_callbacks):
    reply = mail(
        sender=world.alice.email, to=reply_to_ticket(world.alice_ticket.number, world.alice.email), text="Polled from the mailbox."
    )
    question = mail(sender="prospect@else.example", subject="Do you ship to Portugal?")
    append(imap, reply, question)
    with django_capture_on_commit_callbacks(execute=True):
        assert mailbox_poll(url=imap.url) == 2
    assert unseen(imap) == []
    assert sorted(InboundMessage.objects.values_list("via", "outcome")) == [("imap", "attached"), ("imap", "unknown_sender")]
    assert Comment.objects.get(ticket=world.alice_ticket).body == "Polled from the mailbox."

    append(imap, reply)  # the same message again, as a second copy in the mailbox
    with django_capture_on_commit_callbacks(execute=True):
        assert mailbox_poll(url=imap.url) == 0
    assert unseen(imap) == [] and InboundMessage.objects.count() == 2
    assert Comment.objects.filter(ticket=world.alice_ticket).count() == 1


def test_a_message_that_cannot_be_stored_stays_unseen_in_the_mailbox(world, imap, monkeypatch):
    from mail import imap as imap_module

    def down(**kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("database unavailable")

    append(imap, mail(sender=world.alice.email, subject="Kept until stored"))
    monkeypatch.setattr(imap_module, "inbound_store", down)
    with pytest.raises(ConnectionError):
        mailbox_poll(url=imap.url)
    assert len(unseen(imap)) == 1 and not InboundMessage.objects.exists()


def test_the_mailbox_url_is_read_strictly():
    box = mailbox_of("imaps://support%40vendor.example:p%40ss@imap.example.com/Support/Inbound")
    assert (box.user, box.password, box.host, box.port, box.folder, box.tls) == (
        "support@vendor.example",
        "p@ss",
        "imap.example.com",
        993,
        "Support/Inbound",
        True,
    )
    with pytest.raises(ValueError):
        mailbox_of("pop3://user@host")
