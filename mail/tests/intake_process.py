"""The real SMTP intake (``manage.py mail_smtpd``) in a subprocess, against the test database and a broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.smtp import free_port
from tests.worker import ROOT, database_url


@contextmanager
def smtp_intake(*, broker: str, log_path: Path | None = None) -> Iterator[int]:
    """Start the intake on a free port; yields the port once it listens."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": broker, "DEBUG": "true"}
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
        [sys.executable, "manage.py", "mail_smtpd", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:  # blocks until the intake says it listens, or exits
            lines.append(line.decode(errors="replace"))
            if b"listening" in line:
                break
        else:
            raise RuntimeError("The SMTP intake did not start:\n" + "".join(lines))
        if log_path is not None:
            log_path.write_text("".join(lines))
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
