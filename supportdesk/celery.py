"""The Celery application.

Durability is configured in settings (``CELERY_*``): late acknowledgement,
reject on worker loss, prefetch of one. Work that must happen later is never
an ETA task: its time is stored in the database and a beat task picks it up.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")

app = Celery("supportdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
