"""Requests per second for the public status page from one gunicorn worker on loopback.

    .venv/bin/python bench/status_page.py [--seconds 10] [--threads 8]

Creates a scratch SQLite database under var/bench/, loads the demo components and
90 days of history (incidents.demo), starts ``gunicorn -w 1`` (gthread, 4 threads,
as the Dockerfile runs it; ``--gthread 0`` for the sync worker) on a free port with
DEBUG off and a local-memory cache, then drives it with keep-alive HTTP/1.1
clients (threads with http.client) for /status/api/v2/summary.json and /status/.
Prints requests per second, median and 99th-percentile latency, the ratio to the
goal (issue 7: at least 500 requests/s for the JSON), and the worker's own CPU
time per request, the steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from common import free_port, wait_up  # noqa: E402 - beside this script

# The interpreter that runs the bench, so that a worktree without its own .venv works too.
BIN = Path(sys.executable).parent
GOAL_JSON = 500.0


def prepare(env: dict[str, str]) -> None:
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "-c", "import django; django.setup(); from incidents import demo; demo.seed()"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def worker_pid(master: int, timeout: float = 30.0) -> int:
    """The one gunicorn worker: the master's child process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("no gunicorn worker")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), steadier than wall time on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drive(port: int, path: str, seconds: float, threads: int) -> tuple[int, list[float], int]:
    stop = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[index] += 1
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            latencies[index].append(time.perf_counter() - started)
        conn.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    flat = [value for chunk in latencies for value in chunk]
    return len(flat), flat, sum(errors)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--gthread",
        type=int,
        default=4,
        metavar="N",
        help="threads of the gthread worker, as the Dockerfile runs it; 0 for a sync worker",
    )
    args = parser.parse_args()

    scratch = ROOT / "var" / "bench"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "REDIS_URL": "",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "supportdesk.settings",
    }
    prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "supportdesk.wsgi",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            *(["--worker-class", "gthread", "--threads", str(args.gthread)] if args.gthread else []),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_up(port)
        worker = worker_pid(server.pid)
        kind = f"gthread ×{args.gthread}" if args.gthread else "sync"
        print(f"one gunicorn worker ({kind}), {args.threads} keep-alive client threads, {args.seconds:.0f} s per path")
        print("worker CPU ms/req: the worker's own CPU time per answer; 1000 ÷ it is what one worker could serve")
        print("with a core to itself, a figure the other processes on a shared machine disturb much less.")
        print(
            f"{'path':<36} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'÷ goal':>7} "
            f"{'CPU ms/req':>10} {'CPU-bound req/s':>15}"
        )
        for path in ["/status/api/v2/summary.json", "/status/api/v2/status.json", "/status/"]:
            drive(port, path, 1.0, 2)  # warm the cache and the connection
            cpu_before = cpu_seconds(worker)
            count, latencies, errors = drive(port, path, args.seconds, args.threads)
            cpu_ms = (cpu_seconds(worker) - cpu_before) * 1000 / max(count, 1)
            rate = count / args.seconds
            latencies.sort()
            p50 = statistics.median(latencies) * 1000 if latencies else 0.0
            p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0.0
            print(
                f"{path:<36} {rate:>9.0f} {p50:>8.2f} {p99:>8.2f} {errors:>7} {rate / GOAL_JSON:>6.2f}× "
                f"{cpu_ms:>10.3f} {1000 / cpu_ms if cpu_ms else 0:>15.0f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
