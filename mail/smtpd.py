"""The SMTP intake: an MTA relays the support domain here (aiosmtpd).

It accepts only our addresses (the support address, its ``+token`` reply addresses and the
escalation address), refuses what is over the size limit, and answers 250 only once the
raw message is committed to the database. Anything that goes wrong before that is a 451:
the sending MTA keeps the message and tries again, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.db import close_old_connections

from mail.intake import MessageTooLarge, inbound_store
from mail.models import InboundMessage
from mail.routing import addresses_ours

log = logging.getLogger(__name__)


def _store(content: bytes, mail_from: str, rcpt_tos: list[str]) -> bool:
    close_old_connections()
    try:
        _row, created = inbound_store(
            raw=content,
            via=InboundMessage.Via.SMTP,
            envelope_from=mail_from or "",
            envelope_to=rcpt_tos,
        )
        return created
    finally:
        close_old_connections()


class IntakeHandler:
    async def handle_RCPT(self, server: SMTP, session: Any, envelope: Any, address: str, options: Any) -> str:
        if not addresses_ours([address]):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", errors="surrogateescape")
        try:
            await asyncio.get_running_loop().run_in_executor(
                None,
                _store,
                content,
                envelope.mail_from,
                list(envelope.rcpt_tos),
            )
        except MessageTooLarge:
            return "552 5.3.4 Message too big"
        except Exception:
            log.exception("Inbound message could not be stored; the sender will retry")
            return "451 4.3.0 Could not store the message, try again later"
        return "250 2.0.0 Message stored"


def intake_controller(*, host: str, port: int, max_bytes: int) -> Controller:
    return Controller(
        IntakeHandler(),
        hostname=host,
        port=port,
        data_size_limit=max_bytes,
        decode_data=False,
        server_hostname="supportdesk-intake",
    )
