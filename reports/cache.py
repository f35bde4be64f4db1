"""Report figures cached until something they count changes.

Recomputing a quarter's figures at a million tickets reads a few hundred roll-up
cells and selects its percentiles across them (tens of milliseconds); the figures of
a period change only when one of its tickets does. So a report is cached under the versions of the (UTC) months it
covers, and every change that can move a figure bumps its ticket's month: every
clock change, severity change, escalation and acknowledgement writes a timeline
entry (``TicketEvent``), ratings and tier periods are watched directly. A cached
report therefore always equals a full recomputation, save for a running clock that
passed its due time less than a tick (a minute) ago: the tick's own entry bumps it.

A version that is missing (evicted, or a cache that restarted) is created afresh,
never read as "unchanged". With the cache away (Redis down) every view recomputes.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

T = TypeVar("T")
GLOBAL = "reports:v:all"
TTL_SECONDS = 24 * 3600


def _month_key(month: date) -> str:
    return f"reports:v:{month:%Y-%m}"


def _months_around(start: datetime, end: datetime) -> list[date]:
    """The UTC months [start, end) touches, and one either side (a period is in a local zone)."""
    first = date(start.year - (start.month == 1), (start.month - 2) % 12 + 1, 1)
    months, month = [], first
    last = date(end.year + end.month // 12, end.month % 12 + 1, 1)
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _versions(keys: list[str]) -> list[str]:
    found = cache.get_many(keys)
    versions = []
    for key in keys:
        if key not in found:
            fresh = uuid.uuid4().hex
            cache.add(key, fresh, None)
            found[key] = cache.get(key, fresh)
        versions.append(str(found[key]))
    return versions


def cached(*, name: str, start: datetime, end: datetime, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or what it answered last time nothing in [start, end) changed."""
    keys = [GLOBAL, *(_month_key(month) for month in _months_around(start, end))]
    versions = _versions(keys)
    # The language too: labels ("All tickets") are translated when computed.
    digest = hashlib.sha256(repr((name, start, end, parts, get_language(), versions)).encode()).hexdigest()
    key = f"reports:{name}:{digest}"
    value: T | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL_SECONDS)
    return value


def _bump(keys: list[str]) -> None:
    cache.set_many({key: uuid.uuid4().hex for key in keys}, None)


def month_changed(filed_at: datetime | None) -> None:
    """A ticket filed at ``filed_at`` changed (None: one we cannot place, so every report)."""
    if filed_at is None:
        keys = [GLOBAL]
    else:
        utc = filed_at.astimezone(UTC)
        keys = [_month_key(date(utc.year, utc.month, 1))]
    # Now, for this transaction's own reads, and again once the change is visible to others.
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))
