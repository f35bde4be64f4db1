"""CPU per request of each page of the load mix, in one process, as a multiple of an authenticated 404.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/cpu_per_page.py \
        [--tickets 100000] [--rounds 200] [--reuse] [--db sd_bench_load]

Seeds the load benchmark's scratch database (``sd_bench_load`` unless ``--db`` names another, so that two people
on one server do not drop each other's; seeded as ``bench/load.py`` does; ``--reuse`` keeps one already seeded),
then calls Django's WSGI handler directly, in this process, for each page of the mix
and for the floor: a signed-in agent's request for a URL that does not exist, which passes every middleware,
the session and the user lookup and renders the 404 page. Each page is warmed up, then asked ``--rounds``
times in turn with the others; the figure is process CPU time per request (the database's own CPU is not
in it: that is the load benchmark's to show). Milliseconds differ from machine to machine; the ratio to the
floor measured in the same run much less so.

Goal (issue 26): My requests, portal ticket and desk ticket ≤ 3× the floor; desk queue (50 rows) ≤ 5×.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import fresh_database, reused_database  # noqa: E402 - beside this script
from load import SCRATCH  # noqa: E402 - beside this script

GOALS = {"my requests": 3.0, "portal ticket": 3.0, "desk ticket": 3.0, "desk queue": 5.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--db", default=SCRATCH, help="the scratch database's name (default %(default)s)")
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="instead of the table, run --rounds requests of one page (e.g. 'my requests') under cProfile and print its top",
    )
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after the warm-up, as a worker would after its first requests"
    )
    parser.add_argument("--profile-sort", default="tottime", help="cProfile's sort key for --profile (tottime, cumulative…)")
    args = parser.parse_args()

    url = reused_database(args.db) if args.reuse else fresh_database(args.db)
    os.environ.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": url,
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "supportdesk.settings",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "MEDIA_ROOT": str(ROOT / "var" / "bench-load-media"),
        }
    )
    import subprocess

    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=os.environ, check=True)
    import django

    django.setup()
    import logging

    from django.core.handlers.wsgi import WSGIHandler

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the floor's 404s are asked for
    from load import request_for, seed, world_of_seeded

    from notifications import services as outbox

    outbox._enqueue = lambda outbox_id: None  # no worker here: the filing mail stays in the outbox
    if args.reuse:
        world = world_of_seeded()
    else:
        print(f"Seeding {args.db} with {args.tickets:,} tickets…", flush=True)
        world = seed(args.tickets)
    handler = WSGIHandler()

    def ask(path: str, session: str) -> int:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        if session:
            environ["HTTP_COOKIE"] = f"sessionid={session}"
        status: list[str] = []
        body = handler(environ, lambda s, h, *a: status.append(s))
        b"".join(body)
        body.close()
        return int(status[0].split()[0])

    rng = random.Random(26)
    agent = world["agents"][0]
    kinds = ["floor", "my requests", "portal ticket", "desk queue", "desk ticket", "status json"]

    def request(kind: str) -> tuple[str, str, int]:
        if kind == "floor":
            return "/desk/no-such-page/", agent, 404
        path, session = request_for(kind, world, rng)
        return path, session, 200

    for kind in kinds:  # warm-up: templates, plans, caches
        for _ in range(10):
            path, session, expected = request(kind)
            answered = ask(path, session)
            if answered != expected:
                sys.exit(f"{kind}: {path} answered {answered}, expected {expected}")
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.rounds):
            ask(*request(args.profile)[:2])
        profiler.disable()
        profiler.dump_stats(str(ROOT / "var" / "cpu_per_page.prof"))  # for pstats, snakeviz…
        pstats.Stats(profiler).strip_dirs().sort_stats(args.profile_sort).print_stats(45)
        return
    cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(args.rounds):
        for kind in kinds:
            path, session, _expected = request(kind)
            began = time.process_time()
            ask(path, session)
            cpu[kind].append(time.process_time() - began)
    gc.collect()

    floor = statistics.mean(cpu["floor"]) * 1000
    print(f"\n{args.rounds} rounds; CPU per request in this process (mean, median), ratio of the mean to the floor")
    print(f"{'page':<16} {'mean ms':>8} {'median':>8} {'× floor':>8}  goal")
    for kind in kinds:
        mean, median = statistics.mean(cpu[kind]) * 1000, statistics.median(cpu[kind]) * 1000
        goal = GOALS.get(kind)
        verdict = "" if goal is None else f"≤ {goal:.0f}× ({'met' if mean / floor <= goal else 'not met'})"
        print(f"{kind:<16} {mean:>8.2f} {median:>8.2f} {mean / floor:>8.2f}  {verdict}")


if __name__ == "__main__":
    main()
