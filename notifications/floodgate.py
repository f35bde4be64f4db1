"""Forms that mail an address somebody typed: no floods, whoever types it.

One call guards such a form, before it queues anything::

    if floodgate.mail_permit(request=request, purpose="status-subscribe", address=email):
        ...queue the mail...
    # and answer the same neutral message either way

It lets a request through unless one of these holds, and records a row either way:

- this form already mailed this address ``MAIL_PER_ADDRESS_PER_DAY`` times in 24 hours;
- this client already made ``MAIL_PER_CLIENT_PER_HOUR`` requests of any such form in an hour;
- the same mail (``key``: the subscription's components, the ticket of a signed link) went to
  this address less than ``repeat_after`` ago.

Counting rows in the database rather than in the cache keeps the limits through a Redis outage
and a restart, and makes every refusal a record the desk can read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.throttle import client_address
from notifications.models import TypedAddressMail

DAY = timedelta(hours=24)
HOUR = timedelta(hours=1)


def mail_key(values: Iterable[object]) -> str:
    """A short key for "the same mail": the sorted values, hashed (component ids, a ticket number…)."""
    joined = ",".join(sorted(str(value) for value in values))
    return hashlib.sha256(joined.encode()).hexdigest()[:32]


def _refusal(*, purpose: str, address: str, client: str, key: str, repeat_after: timedelta | None) -> str:
    now = timezone.now()
    let_through = TypedAddressMail.objects.filter(refused_because="")
    if client and let_through.filter(client=client, created_at__gt=now - HOUR).count() >= settings.MAIL_PER_CLIENT_PER_HOUR:
        return TypedAddressMail.Refusal.CLIENT
    to_address = let_through.filter(purpose=purpose, recipient=address)
    if to_address.filter(created_at__gt=now - DAY).count() >= settings.MAIL_PER_ADDRESS_PER_DAY:
        return TypedAddressMail.Refusal.ADDRESS
    if repeat_after is not None and to_address.filter(key=key, created_at__gt=now - repeat_after).exists():
        return TypedAddressMail.Refusal.REPEAT
    return ""


def mail_permit(
    *,
    request: HttpRequest | None,
    purpose: str,
    address: str,
    key: str = "",
    repeat_after: timedelta | None = None,
) -> bool:
    """Whether a form may mail ``address`` now; the request is recorded, a refusal with its reason.

    The caller answers the same thing either way, so that nothing about the address is revealed.
    ``request`` is None for requests that come from no web client (then only the address counts).
    """
    address = address.strip().lower()
    client = client_address(request)[:64] if request is not None else ""
    refused_because = _refusal(purpose=purpose, address=address, client=client, key=key, repeat_after=repeat_after)
    TypedAddressMail.objects.create(
        purpose=purpose[:40],
        recipient=address,
        client=client,
        key=key[:64],
        refused_because=refused_because,
    )
    return not refused_because


def mail_refusals_recent(*, limit: int = 200) -> QuerySet[TypedAddressMail]:
    """The latest refusals, newest first: what the desk shows. Not tenant data: public forms' traffic."""
    return TypedAddressMail.objects.exclude(refused_because="").order_by("-created_at", "-id")[:limit]
