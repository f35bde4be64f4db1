"""Monitoring's side of the desk: the keys monitoring systems use, and the alerts they send.

An alert arrives as Prometheus Alertmanager's webhook or as a PagerDuty Events
API v2 event. Routing rules say what it means for us (an organisation's notice,
a status-page incident, or both); each alert, known by its fingerprint or
dedup key, keeps the notice and incident it opened, so a re-sent or re-firing
alert updates them instead of opening second ones.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedQuerySet


def service_key_hash(key: str) -> str:
    # Keys are 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


class ServiceKey(models.Model):
    """A machine's credential for the API (monitoring). Only its hash is stored."""

    PREFIX = "sdk_"

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("Who uses it, for example “Datadog monitors”."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    key_hint = models.CharField(_("key starts with"), max_length=16, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service key")
        verbose_name_plural = _("service keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def generate(self) -> str:
        """Set a new random key and return it: the only time it can be read."""
        key = self.PREFIX + secrets.token_urlsafe(32)
        self.key_hash = service_key_hash(key)
        self.key_hint = key[:10]
        return key
