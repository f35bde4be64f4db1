"""Run the SMTP intake: ``manage.py mail_smtpd`` (127.0.0.1:2525 unless told otherwise)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mail.smtpd import intake_controller


class Command(BaseCommand):
    help = "Receive mail for the support addresses over SMTP and store it for processing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.INBOUND_SMTP_HOST)
        parser.add_argument("--port", type=int, default=settings.INBOUND_SMTP_PORT)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        controller = intake_controller(host=host, port=port, max_bytes=settings.INBOUND_MAX_BYTES)
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        controller.start()
        self.stdout.write(f"SMTP intake listening on {host}:{port}", ending="\n")
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
