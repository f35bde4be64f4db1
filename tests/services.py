"""Which real services this machine has, and what a test does without one.

Off CI a test that needs a missing service skips and says why; with CI=true
the same absence fails the run, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
import socket
from functools import cache
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ALERTMANAGER = os.environ.get("ALERTMANAGER_PATH", "/usr/bin/prometheus-alertmanager")


def redis_url() -> str:
    """The Redis the real-worker tests use; under pytest-xdist each test process gets a database of its own.

    Those tests empty and drain the ``celery`` list, so two processes sharing one would take
    each other's tasks.
    """
    url = settings.REDIS_URL or os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", …
    if not worker:
        return url
    parsed = urlparse(url)
    database = int(parsed.path.strip("/") or 0)
    return parsed._replace(path=f"/{(database + 1 + int(worker.removeprefix('gw'))) % 16}").geturl()


@cache
def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def available(service: str) -> tuple[bool, str]:
    if service == "postgres":
        return connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…"
    if service == "redis":
        return _reachable(redis_url()), f"needs Redis at {redis_url()}"
    if service == "dovecot":
        found = shutil.which("dovecot") or (os.path.exists("/usr/sbin/dovecot") and "/usr/sbin/dovecot")
        return bool(found), "needs Dovecot (apt-get install dovecot-imapd)"
    if service == "chromium":
        return bool(shutil.which(CHROMIUM)), f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    if service == "alertmanager":
        return bool(shutil.which(ALERTMANAGER)), f"needs Alertmanager at {ALERTMANAGER} (apt-get install prometheus-alertmanager)"
    if service == "gettext":
        return bool(shutil.which("msgfmt")), "needs gettext's msgfmt (apt-get install gettext)"
    raise ValueError(service)


def require(service: str) -> None:
    ok, reason = available(service)
    if ok:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must not skip: {reason}")
    pytest.skip(reason)
