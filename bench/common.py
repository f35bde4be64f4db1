"""What several benchmarks need: a scratch database, a free port, a server that is up."""

from __future__ import annotations

import http.client
import os
import socket
import sys
import time
from urllib.parse import urlparse, urlunparse


def fresh_database(name: str) -> str:
    """Drop and create ``name`` on the PostgreSQL server of DATABASE_URL; its URL."""
    import psycopg2

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://… (the benchmark needs PostgreSQL).")
    parsed = urlparse(url)
    admin = psycopg2.connect(urlunparse(parsed._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunparse(parsed._replace(path=f"/{name}"))


def reused_database(name: str) -> str:
    """The URL of ``name``, seeded by an earlier run, on the PostgreSQL server of DATABASE_URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://… (the benchmark needs PostgreSQL).")
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_up(port: int, timeout: float = 30.0) -> None:
    """Until the server on ``port`` answers the status JSON (the cheapest page)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/status/api/v2/status.json")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")
