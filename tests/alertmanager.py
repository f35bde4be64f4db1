"""A real Prometheus Alertmanager for tests: Debian's binary on free ports, its webhook pointed at our live server."""

from __future__ import annotations

import json
import subprocess
import tempfile
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from tests.services import ALERTMANAGER
from tests.smtp import free_port

CONFIG = """\
route:
  receiver: desk
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 3s
receivers:
  - name: desk
    webhook_configs:
      - url: {url}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {key}
"""


@dataclass
class Alertmanager:
    url: str
    process: subprocess.Popen[str]
    log: list[str] = field(default_factory=list)

    def alerts_post(self, alerts: list[dict[str, Any]]) -> None:
        """POST /api/v2/alerts, as Prometheus does."""
        request = urllib.request.Request(  # noqa: S310 - our own Alertmanager on 127.0.0.1
            f"{self.url}/api/v2/alerts",
            data=json.dumps(alerts).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            assert response.status == 200, response.read()


@contextmanager
def alertmanager(*, webhook_url: str, service_key: str) -> Iterator[Alertmanager]:
    """Start Alertmanager (no clustering) and wait until it says it listens; stop it afterwards."""
    with tempfile.TemporaryDirectory(prefix="alertmanager-") as folder:
        config = Path(folder) / "alertmanager.yml"
        config.write_text(CONFIG.format(url=webhook_url, key=service_key))
        port = free_port()
        process = subprocess.Popen(  # noqa: S603 - Debian's binary, our arguments
            [
                ALERTMANAGER,
                f"--config.file={config}",
                f"--storage.path={folder}/data",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
                "--log.level=debug",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        manager = Alertmanager(url=f"http://127.0.0.1:{port}", process=process)
        listening = threading.Event()

        def read_log() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                manager.log.append(line.rstrip())
                if 'msg="Listening on"' in line:
                    listening.set()
            listening.set()  # it exited: let the wait below end and say so

        reader = threading.Thread(target=read_log, daemon=True)
        reader.start()
        try:
            if not listening.wait(timeout=30) or process.poll() is not None:
                raise RuntimeError("Alertmanager did not start:\n" + "\n".join(manager.log))
            yield manager
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            reader.join(timeout=5)


class Arrivals:
    """Wakes the test each time a payload from monitoring is committed, to look at the database again (no clock sleeps)."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.count = 0

    def _saved(self, sender: Any, created: bool, **kwargs: Any) -> None:
        if created:
            transaction.on_commit(self._notify)

    def _notify(self) -> None:
        with self.changed:
            self.count += 1
            self.changed.notify_all()

    def wait_until(self, condition: Callable[[], bool], *, timeout: float = 60.0, what: str = "") -> None:
        """Until ``condition()`` (a database question) holds, re-asked after every payload; fails at the deadline."""
        with self.changed:
            if not self.changed.wait_for(condition, timeout=timeout):
                raise AssertionError(f"not within {timeout:.0f} s: {what}")


@contextmanager
def payload_arrivals() -> Iterator[Arrivals]:
    from monitoring.models import ReceivedPayload

    arrivals = Arrivals()
    post_save.connect(arrivals._saved, sender=ReceivedPayload, weak=False, dispatch_uid="tests-payload-arrivals")
    try:
        yield arrivals
    finally:
        post_save.disconnect(sender=ReceivedPayload, dispatch_uid="tests-payload-arrivals")
