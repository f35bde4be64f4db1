"""Slow down password guessing: a few failures per address and per client, then a pause."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _keys(request: HttpRequest | None, email: str) -> list[str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    keys = [f"login-failures:email:{digest}"]
    if request is not None:
        keys.append(f"login-failures:ip:{request.META.get('REMOTE_ADDR', '')}")
    return keys


def login_blocked(request: HttpRequest | None, email: str) -> bool:
    return any((cache.get(key) or 0) >= MAX_FAILURES * (1 if ":email:" in key else 4) for key in _keys(request, email))


def login_failed(request: HttpRequest | None, email: str) -> None:
    for key in _keys(request, email):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)


def login_succeeded(request: HttpRequest | None, email: str) -> None:
    cache.delete(_keys(request, email)[0])
