"""Rendered fragments shared by every viewer who would see the same thing.

A fragment's key is made of everything it shows (the caller's ``parts``: an
object's id and version, a clock's state, the minute of a countdown…) and,
always, of the viewer's time zone and language, which every fragment may draw
in. Nothing else about the viewer may be in a fragment: what a viewer may see
is decided by the query that picked the objects, never by the cache. Agents
polling the same queue share one rendering of each row. The cache is Redis in
production, each process's memory in tests; a lost entry is drawn again.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

T = TypeVar("T")

TIMEOUT = 10 * 60  # an entry no one asks for again leaves soon; a changed object has a new key anyway


def version_of(key: str) -> int:
    """The version number kept under ``key``, part of the keys of whatever is cached from the data it versions."""
    current = cache.get(key)
    if current is None:
        # Start from the clock, so that a flushed cache never reuses an old version's keys.
        cache.add(key, time.time_ns(), timeout=None)
        # The cache away (supportdesk.cache): a version no entry has, so everything is built.
        current = cache.get(key, time.time_ns())
    return int(current)


def version_step(key: str) -> None:
    """A new version under ``key`` now."""
    try:
        cache.incr(key)
    except ValueError:  # evicted: a new start, never an old version
        cache.set(key, time.time_ns(), timeout=None)


def version_bump(key: str) -> None:
    """A new version under ``key``, at once and again after commit: this transaction's own later pages see
    the change, and what another request drew meanwhile from the data as it was is not kept under the
    version that follows."""
    version_step(key)
    transaction.on_commit(lambda: version_step(key))


def fragment_key(name: str, *parts: object) -> str:
    """The cache key of fragment ``name`` showing ``parts``, in the active zone and language."""
    viewer = (timezone.get_current_timezone_name(), translation.get_language())
    raw = "\x1f".join(str(part) for part in (*parts, *viewer))
    return f"fragment:{name}:{hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()}"


def fragments_render(
    *,
    name: str,
    items: Sequence[T],
    parts: Callable[[T], tuple[object, ...]],
    render: Callable[[T], str],
    timeout: int = TIMEOUT,
) -> list[SafeString]:
    """Each item's fragment, from the cache or drawn by ``render`` (already escaped HTML) and kept: one read, one write."""
    keys = [fragment_key(name, *parts(item)) for item in items]
    found = cache.get_many(keys)
    drawn: dict[str, str] = {}
    fragments = []
    for key, item in zip(keys, items, strict=True):
        html = found.get(key)
        if html is None:
            html = drawn[key] = str(render(item))
        fragments.append(mark_safe(html))  # noqa: S308 - rendered by an autoescaping template
    if drawn:
        cache.set_many(drawn, timeout)
    return fragments
