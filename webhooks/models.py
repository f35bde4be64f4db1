"""Outgoing webhooks: endpoints an admin registers, and a durable outbox of deliveries."""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedQuerySet

EVENTS = [
    ("ticket.created", _("Ticket created")),
    ("ticket.updated", _("Ticket updated")),
    ("ticket.escalated", _("Ticket escalated")),
    ("incident.created", _("Incident created")),
    ("incident.updated", _("Incident updated")),
    ("incident.resolved", _("Incident resolved")),
]
EVENT_NAMES = frozenset(name for name, _label in EVENTS)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    url = models.URLField(_("URL"), max_length=500, help_text=_("Where events are POSTed, http or https."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "customers.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("organisation"),
        help_text=_(
            "Only this organisation's ticket events, and only what its people may see. "
            "Empty: every organisation's events, for the vendor's own systems."
        ),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_secret,
        help_text=_("Give it to the receiver: each delivery is signed with HMAC-SHA256 of “<timestamp>.<body>”."),
    )
    events = models.JSONField(_("events"), default=list, help_text=_("Which events are sent here."))
    active = models.BooleanField(_("active"), default=True)
    allow_private = models.BooleanField(
        _("allow private addresses"),
        default=False,
        help_text=_("Deliver even when the host resolves to a private or loopback address (internal receivers only)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: recorded with the change, sent after commit, retried with backoff."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=40)
    event_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    body = models.TextField(_("body"), help_text=_("The JSON sent, byte for byte as signed."))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="webhook_pending_due", condition=Q(state="pending")),
            models.Index(fields=["claimed_at"], name="webhook_sending_claimed", condition=Q(state="sending")),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """The delivery log: each try, with what the receiver answered."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField(_("attempt"))
    attempted_at = models.DateTimeField(_("when"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"#{self.number}: {self.status_code or self.error[:40]}"
