"""One version number of the lists the desk's forms offer, bumped whenever one of them changes.

The lists change a few times a day: the macros, the canned replies, the tags (and which are in use), the
staff, the severities, the tiers and the organisations. A form drawn from them is kept in the cache under
this version (``desk.action_forms``, the queue's filters), so a change to any of them draws the forms again.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from accounts.models import User
from customers.models import Organisation
from desk.models import CannedReply, Macro, Tag, TicketTag
from sla.models import Severity, SupportTier

VERSION_KEY = "desk:lists:version"


def version_of(key: str) -> int:
    """The version number kept under ``key``."""
    current = cache.get(key)
    if current is None:
        # Start from the clock, so that a flushed cache never reuses an old version's keys.
        cache.add(key, time.time_ns(), timeout=None)
        current = cache.get(key, time.time_ns())
    return int(current)


def version_bump(key: str) -> None:
    """A new version under ``key``, at once and again after commit: this transaction's own later pages see
    the change, and what another request drew meanwhile from the data as it was is not kept under the
    version that follows."""

    def bump() -> None:
        try:
            cache.incr(key)
        except ValueError:  # evicted: a new start, never an old version
            cache.set(key, time.time_ns(), timeout=None)

    bump()
    transaction.on_commit(bump)


def lists_version() -> int:
    return version_of(VERSION_KEY)


def lists_changed(**signal: Any) -> None:
    """One of the lists changed."""
    if signal.get("sender") is User and signal.get("update_fields") == frozenset({"last_login"}):
        return  # a sign-in: no name or role changed
    version_bump(VERSION_KEY)


def connect() -> None:
    """Listen to every list (from ``DeskConfig.ready``)."""
    models: tuple[type[Model], ...] = (Macro, CannedReply, Tag, TicketTag, User, Severity, SupportTier, Organisation)
    for model in models:
        post_save.connect(lists_changed, sender=model, dispatch_uid=f"desk-lists-{model.__name__}-save")
        post_delete.connect(lists_changed, sender=model, dispatch_uid=f"desk-lists-{model.__name__}-delete")
