"""Store one message read on standard input: a Postfix pipe transport.

    support  unix  -  n  n  -  -  pipe
      flags=Rq user=supportdesk argv=/app/.venv/bin/python /app/manage.py mail_in --sender ${sender} --recipient ${recipient}

Exit status follows sysexits, which Postfix reads: 0 stored (or already known), 75 try
again later (the message stays in Postfix's queue), 65 refused for good (too large).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from mail.intake import MessageTooLarge, inbound_store
from mail.models import InboundMessage

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Store one raw RFC 5322 message read on standard input, for processing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--sender", default="", help="The envelope sender (Postfix's ${sender}).")
        parser.add_argument("--recipient", action="append", default=[], help="An envelope recipient; may repeat.")

    def handle(self, *args: Any, sender: str, recipient: list[str], **options: Any) -> None:
        raw = sys.stdin.buffer.read()
        try:
            row, created = inbound_store(raw=raw, via=InboundMessage.Via.PIPE, envelope_from=sender, envelope_to=recipient)
        except MessageTooLarge as exc:
            self.stderr.write(f"Refused: {exc}")
            sys.exit(EX_DATAERR)
        except Exception as exc:  # noqa: BLE001 - Postfix keeps the message and tries again
            self.stderr.write(f"Not stored, try again later: {exc}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(f"{'Stored' if created else 'Already stored'}: {row.message_id}")
