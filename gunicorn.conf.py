"""How gunicorn serves Supportdesk: the Dockerfile, docker-compose.yml and bench/load.py read this file.

    gunicorn supportdesk.wsgi -c gunicorn.conf.py [--bind 127.0.0.1:8000]

Settings given on the command line win over the ones here; ``GUNICORN_WORKERS`` and ``GUNICORN_THREADS`` set
the defaults from the environment (a worker a core and one more is the usual start).
"""

from __future__ import annotations

import gc
import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")


def post_worker_init(worker: Any) -> None:
    """Once the worker has loaded Django, set everything loaded so far aside from the garbage collector.

    Modules, settings, URL patterns and compiled templates live as long as the worker; without this every full
    collection walks them all again (tens of milliseconds, every few dozen pages).
    """
    gc.collect()
    gc.freeze()
