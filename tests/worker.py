"""A real Celery worker in a subprocess, against the test database and Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from django.db import connection

from supportdesk.celery import app as celery_app
from tests.services import redis_url

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("A worker subprocess needs a database it can share: PostgreSQL.")
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _forget_broker_connections() -> None:
    """Drop pooled connections and producers, so publishing follows a changed broker_url."""
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def redis_broker(url: str | None = None) -> Iterator[str]:
    """Point this process's publishing at Redis, with an empty queue, for the length of a test."""
    url = url or redis_url()
    redis.Redis.from_url(url).delete("celery")
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager, celery_app.conf.broker_transport_options)
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = {"visibility_timeout": 3600}
    celery_app.conf.task_always_eager = False
    _forget_broker_connections()
    try:
        yield url
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager, celery_app.conf.broker_transport_options = saved
        _forget_broker_connections()


@contextmanager
def celery_worker(
    *,
    smtp_port: int,
    broker: str,
    log_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "5",
        "DEBUG": "true",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(extra_env or {}),
    }
    with _celery(
        ["worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env,
        log_path=log_path,
    ) as process:
        yield process


@contextmanager
def celery_beat(*, broker: str, schedule_path: Path, log_path: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``celery beat`` publishing the project's schedule to the drill's broker."""
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": broker, "DEBUG": "true"}
    with _celery(["beat", "--loglevel=INFO", f"--schedule={schedule_path}"], env=env, log_path=log_path) as process:
        yield process


@contextmanager
def _celery(arguments: list[str], *, env: dict[str, str], log_path: Path | None) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery process of this project, stopped (politely, then not) when the block ends."""
    log = open(log_path or os.devnull, "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
        [sys.executable, "-m", "celery", "-A", "supportdesk", *arguments],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
