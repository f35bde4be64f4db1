"""IMAP polling of a mailbox (a Google or Microsoft 365 support address), with imapclient.

Each unseen message is read without marking it (BODY.PEEK), stored, and only then
flagged \\Seen. A poller killed between the two stores the message again next time,
which the Message-ID makes harmless: nothing is lost, nothing is processed twice.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from imapclient import IMAPClient

from mail.intake import MessageTooLarge, inbound_store
from mail.models import InboundMessage

log = logging.getLogger(__name__)

BATCH = 50
SEEN = b"\\Seen"


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str
    tls: bool


def mailbox_of(url: str) -> Mailbox:
    """``imaps://user:password@host:993/INBOX``; ``imap://`` is plain text, for tests on 127.0.0.1 only."""
    parsed = urlparse(url)
    if parsed.scheme not in ("imap", "imaps") or not parsed.hostname or not parsed.username:
        raise ValueError("INBOUND_IMAP_URL must look like imaps://user:password@host:993/INBOX")
    tls = parsed.scheme == "imaps"
    return Mailbox(
        host=parsed.hostname,
        port=parsed.port or (993 if tls else 143),
        user=unquote(parsed.username),
        password=unquote(parsed.password or ""),
        folder=unquote(parsed.path.strip("/")) or "INBOX",
        tls=tls,
    )


def mailbox_poll(*, url: str, limit: int = 500) -> int:
    """Store every unseen message of the mailbox; returns how many were new."""
    box = mailbox_of(url)
    stored = 0
    context = ssl.create_default_context() if box.tls else None
    with IMAPClient(box.host, port=box.port, ssl=box.tls, ssl_context=context, timeout=30) as client:
        client.login(box.user, box.password)
        client.select_folder(box.folder)
        uids = client.search(["UNSEEN"])[:limit]
        for start in range(0, len(uids), BATCH):
            batch = uids[start : start + BATCH]
            for uid, data in client.fetch(batch, ["BODY.PEEK[]"]).items():
                raw = data.get(b"BODY[]") or b""
                try:
                    _row, created = inbound_store(raw=raw, via=InboundMessage.Via.IMAP)
                except MessageTooLarge:
                    # Refused, as the SMTP intake's 552: flagged for a person to see in the mailbox, not read again.
                    log.warning("IMAP message %s is over the size limit; flagged and left in the mailbox", uid)
                    client.add_flags([uid], [SEEN, b"\\Flagged"])
                    continue
                stored += int(created)
                client.add_flags([uid], [SEEN])  # only now: the message is in the database
    return stored
