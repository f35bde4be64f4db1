"""Slow down password guessing: a few failures per address and per client, then a pause."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def client_address(request: HttpRequest) -> str:
    """The address the request came from, through the proxies we trust (``TRUSTED_PROXY_COUNT``).

    Behind a proxy every request arrives from the proxy: counting failures per REMOTE_ADDR would
    pause everyone's sign-in once anyone guessed often enough. Each proxy appends the address it
    was reached from to X-Forwarded-For, so the client is the entry that many places from the
    right; anything further left was written by the client and proves nothing.
    """
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0:
        header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    remote: str = request.META.get("REMOTE_ADDR", "")
    return remote


def _keys(request: HttpRequest | None, email: str) -> list[str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    keys = [f"login-failures:email:{digest}"]
    if request is not None:
        keys.append(f"login-failures:ip:{client_address(request)}")
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
