"""The public pages' cache: one version number, bumped on every change.

Every cached fragment's key carries the version, so a change makes them all
stale at once without knowing which ones exist. A short timeout bounds what
time alone changes (a window that starts, today's uptime bar).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

VERSION_KEY = "status-page:version"
TIMEOUT = 60

T = TypeVar("T")


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        # Start from the clock, so that a flushed cache never reuses an old version's keys.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        current = cache.get(VERSION_KEY)
    if current is None:  # the cache is away (supportdesk.cache): a version no entry has, so everything is built
        return time.time_ns()
    return int(current)


def status_changed() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def peek(name: str) -> object | None:
    """What ``cached`` holds under this name for the current version, without building it."""
    held: object | None = cache.get(f"status-page:{version()}:{name}")
    return held


def cached(name: str, build: Callable[[], T], timeout: int = TIMEOUT) -> T:
    key = f"status-page:{version()}:{name}"
    value: T | None = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value
