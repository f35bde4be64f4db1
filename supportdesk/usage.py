"""Credentials (API tokens, service keys) remember when they were last used, to the minute."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

PRECISION = timedelta(minutes=1)


def mark_used(credential: Any) -> None:
    """Record that ``credential`` (a model with ``last_used_at``) was used just now.

    Recording every use would write on every request; a minute's precision is enough.
    """
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > PRECISION:
        type(credential)._default_manager.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
