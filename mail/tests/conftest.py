from __future__ import annotations

from collections.abc import Callable

import pytest

from mail.intake import inbound_store
from mail.models import InboundMessage


@pytest.fixture
def deliver(django_capture_on_commit_callbacks) -> Callable[[bytes], InboundMessage]:  # type: ignore[no-untyped-def]
    """Store a raw message as the SMTP intake does and process it as the worker does; the row after."""

    def deliver(raw: bytes, *, envelope_to: tuple[str, ...] = ()) -> InboundMessage:
        with django_capture_on_commit_callbacks(execute=True):
            row, _created = inbound_store(raw=raw, via=InboundMessage.Via.SMTP, envelope_to=envelope_to)
        row.refresh_from_db()
        return row

    return deliver
