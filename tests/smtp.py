"""A real SMTP server for tests: aiosmtpd on a free port, recording what it accepts."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from django.test import override_settings


@dataclass
class Received:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage
    received_at: float = field(default_factory=time.perf_counter)  # for benchmarks: when the server accepted it

    def __getitem__(self, header: str) -> str:
        return str(self.message[header] or "")

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    # Answers to give instead of accepting: e.g. ["451 4.3.0 try later"] fails the next DATA once.
    data_failures: list[str] = field(default_factory=list)
    refused_recipients: dict[str, str] = field(default_factory=dict)
    # While set and not yet open, every RCPT waits here: a sender is caught mid-conversation.
    rcpt_gate: threading.Event | None = None
    stalled: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if address in m.envelope_to]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """Wait for real delivery by another process or thread (not a clock-based sleep)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)

    def wait_for_stall(self, count: int = 1, timeout: float = 20.0) -> int:
        """Wait until ``count`` senders are held at the RCPT gate."""
        with self.arrived:
            self.arrived.wait_for(lambda: self.stalled >= count, timeout=timeout)
            return self.stalled

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        gate = self.rcpt_gate
        if gate is not None and not gate.is_set():
            with self.arrived:
                self.stalled += 1
                self.arrived.notify_all()
            await asyncio.get_running_loop().run_in_executor(None, gate.wait)
        with self.lock:
            refusal = self.refused_recipients.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.data_failures:
                return self.data_failures.pop(0)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.arrived:
            self.messages.append(Received(envelope.mail_from, [a.lower() for a in envelope.rcpt_tos], message))
            self.arrived.notify_all()
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_sink(port: int | None = None) -> Iterator[SmtpSink]:
    port = port or free_port()
    sink = SmtpSink(host="127.0.0.1", port=port)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=5,
        ):
            yield sink
    finally:
        controller.stop()
