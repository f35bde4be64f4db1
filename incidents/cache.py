"""The public pages' cache: one version number, bumped on every change.

Every cached fragment's key carries the version, so a change makes them all
stale at once without knowing which ones exist. A short timeout bounds what
time alone changes (a window that starts, today's uptime bar).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from supportdesk.fragments import version_of, version_step

VERSION_KEY = "status-page:version"
TIMEOUT = 60

T = TypeVar("T")


def version() -> int:
    return version_of(VERSION_KEY)


def status_changed() -> None:
    version_step(VERSION_KEY)


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
