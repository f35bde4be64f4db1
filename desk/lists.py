"""One version number of the lists the desk's forms offer, bumped whenever one of them changes.

The lists change a few times a day: the macros, the canned replies, the tags (and which are in use), the
staff, the severities, the tiers and the organisations. A form drawn from them is kept in the cache under
this version (``desk.action_forms``, the queue's filters), so a change to any of them draws the forms again.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from accounts.models import User
from customers.models import Organisation
from desk.models import CannedReply, Macro, Tag, TicketTag
from sla.models import Severity, SupportTier
from supportdesk.fragments import version_bump, version_of

VERSION_KEY = "desk:lists:version"


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
