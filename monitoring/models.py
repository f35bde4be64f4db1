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

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from audit.querysets import AuditedQuerySet
from incidents.models import ComponentStatus, Incident

# What an alert can do to a component: it says something is wrong, so never "operational".
ALERT_IMPACTS = (ComponentStatus.DEGRADED_PERFORMANCE, ComponentStatus.PARTIAL_OUTAGE, ComponentStatus.MAJOR_OUTAGE)


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


class RoutingRule(models.Model):
    """What an alert whose labels match means for us: a notice to one organisation, an incident, or both.

    Rules are tried in order; the first that matches decides. An alert no rule
    matches is kept and listed for agents, never dropped.
    """

    class NoticeKind(models.TextChoices):
        NONE = "", _("No notice")
        ALERT = "alert", _("Alert (sent at once, day or night)")
        WARNING = "warning", _("Warning (held for business hours)")

    name = models.CharField(_("name"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100, help_text=_("Lower numbers are tried first."))
    active = models.BooleanField(_("active"), default=True)
    matchers = models.TextField(
        _("label matchers"),
        blank=True,
        help_text=_(
            "One per line, as in Alertmanager: label=value, label!=value, label=~regex, label!~regex. "
            "Every one must hold. Empty: every alert matches."
        ),
    )
    organisation = models.ForeignKey(
        "customers.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Always this organisation. Empty: read it from the label below."),
    )
    organisation_label = models.CharField(
        _("account id label"),
        max_length=100,
        blank=True,
        default="account_id",
        help_text=_("The label that carries the organisation's account id, when no organisation is chosen above."),
    )
    notice_kind = models.CharField(
        _("notice"),
        max_length=8,
        choices=NoticeKind.choices,
        blank=True,
        default=NoticeKind.ALERT,
        help_text=_("Raise a proactive notice to the organisation's emergency contacts."),
    )
    area = models.ForeignKey(
        "notices.ProductArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product area"),
    )
    environment = models.CharField(
        _("environment"),
        max_length=64,
        blank=True,
        help_text=_("The organisation's environment, e.g. live1. Empty: read it from the label below."),
    )
    environment_label = models.CharField(_("environment label"), max_length=100, blank=True, default="environment")
    components = models.ManyToManyField(
        "incidents.Component",
        blank=True,
        related_name="+",
        verbose_name=_("status-page components"),
        help_text=_("Open a status-page incident on these components. None: no incident."),
    )
    impact = models.CharField(
        _("impact"),
        max_length=24,
        default=ComponentStatus.PARTIAL_OUTAGE,
        choices=[(status.value, status.label) for status in ALERT_IMPACTS],
    )
    market = models.CharField(_("market"), max_length=60, blank=True)
    cause = models.CharField(
        _("cause"),
        max_length=20,
        choices=Incident.Cause.choices,
        default=Incident.Cause.UNKNOWN,
        help_text=_("A code change publishes the incident at once; any other cause after 30 minutes."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from monitoring.matching import matchers_parse

        errors: dict[str, StrOrPromise] = {}
        try:
            matchers_parse(self.matchers)
        except ValueError as error:
            errors["matchers"] = str(error)
        if self.notice_kind and self.area_id is None:
            errors["area"] = _("A notice is about a product area: choose one, or raise no notice.")
        if self.notice_kind and self.organisation_id is None and not self.organisation_label.strip():
            errors["organisation_label"] = _("Choose an organisation or name the label that carries its account id.")
        if errors:
            raise ValidationError(errors)


class Alert(models.Model):
    """One alert of monitoring, known by its fingerprint (Alertmanager) or dedup_key (PagerDuty), and what it opened."""

    class Source(models.TextChoices):
        ALERTMANAGER = "alertmanager", _("Prometheus Alertmanager")
        PAGERDUTY = "pagerduty", _("PagerDuty Events v2")

    class State(models.TextChoices):
        FIRING = "firing", _("Firing")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    service_key = models.ForeignKey(ServiceKey, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("service key"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    key = models.CharField(_("fingerprint or dedup key"), max_length=255)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.FIRING)
    summary = models.CharField(_("summary"), max_length=1024, blank=True)
    labels = models.JSONField(_("labels"), default=dict, blank=True)
    annotations = models.JSONField(_("annotations"), default=dict, blank=True)
    rule = models.ForeignKey(
        RoutingRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("routing rule"),
    )
    organisation = models.ForeignKey(
        "customers.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    notice = models.ForeignKey(
        "notices.Notice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("notice"),
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("incident"),
    )
    problem = models.TextField(
        _("needs attention"),
        blank=True,
        help_text=_("Why this alert did not do all its rule asks: agents see it listed."),
    )
    starts_at = models.DateTimeField(_("started"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ended"), null=True, blank=True)
    first_received_at = models.DateTimeField(_("first received"), default=timezone.now)
    last_received_at = models.DateTimeField(_("last received"), default=timezone.now)
    times_received = models.PositiveIntegerField(_("times received"), default=1)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-last_received_at", "-id"]
        constraints = [
            # Deduplication: one alert per fingerprint (or dedup key) of each monitoring system.
            models.UniqueConstraint(fields=["service_key", "source", "key"], name="alert_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["-last_received_at"], name="alert_attention", condition=~Q(problem="")),
        ]

    def __str__(self) -> str:
        return self.summary or self.key


class ReceivedPayload(models.Model):
    """Every payload monitoring sent, as it came, and what became of each of its alerts."""

    source = models.CharField(_("source"), max_length=16, choices=Alert.Source.choices)
    service_key = models.ForeignKey(
        ServiceKey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service key"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    body = models.JSONField(_("body"), null=True, blank=True)
    raw = models.TextField(_("raw body"), blank=True, help_text=_("Kept when the body was not JSON."))
    status_code = models.PositiveSmallIntegerField(_("answer"))
    outcome = models.TextField(_("outcome"), blank=True)
    alerts = models.ManyToManyField(Alert, blank=True, related_name="payloads", verbose_name=_("alerts"))

    class Meta:
        verbose_name = _("received payload")
        verbose_name_plural = _("received payloads")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.received_at:%Y-%m-%d %H:%M:%S}"
