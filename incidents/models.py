"""Status-page components, incidents, maintenance windows and their timelines.

The vocabulary (component statuses, incident and maintenance statuses,
impacts) is Statuspage's, so the public JSON speaks it unchanged. The roll-up
rules live in ``incidents.rollup``; what changes state lives in
``incidents.publishing``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedQuerySet
from incidents import rollup

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager
    from django_stubs_ext import StrOrPromise
from supportdesk.appendonly import AppendOnlyModel


class ComponentStatus(models.TextChoices):
    OPERATIONAL = rollup.OPERATIONAL, _("Operational")
    DEGRADED_PERFORMANCE = rollup.DEGRADED, _("Degraded performance")
    PARTIAL_OUTAGE = rollup.PARTIAL, _("Partial outage")
    MAJOR_OUTAGE = rollup.MAJOR, _("Major outage")
    UNDER_MAINTENANCE = rollup.MAINTENANCE, _("Under maintenance")


class ComponentGroup(models.Model):  # type: ignore[django-manager-missing]  # Component's manager is modeltranslation's, built at run time
    """A heading on the status page: the platform, carriers in a market, shop integrations…"""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Declared: the Django plugin cannot resolve the manager of a model django-modeltranslation also registers.
    components: RelatedManager[Component]  # Component.group, declared as the plugin cannot build it
    objects: ClassVar[models.Manager[ComponentGroup]] = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("component group")
        verbose_name_plural = _("component groups")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def public_id(self) -> str:
        """Statuspage lists groups among components: the prefix keeps their ids apart."""
        return f"g{self.pk}"


class Component(models.Model):
    """One part of the platform whose status the public can follow."""

    group = models.ForeignKey(
        ComponentGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="components",
        verbose_name=_("group"),
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ComponentStatus.choices,
        default=ComponentStatus.OPERATIONAL,
        help_text=_("Set by hand. Open incidents and active maintenance can only make the shown status worse."),
    )
    showcase = models.BooleanField(_("shown on the page"), default=True)
    only_show_if_degraded = models.BooleanField(_("only show when not operational"), default=False)
    start_date = models.DateField(_("in service since"), null=True, blank=True, help_text=_("Uptime counts from this day."))
    # Which customers an incident on this component concerns: the portal shows an open incident only to them.
    used_by_everyone = models.BooleanField(
        _("used by every organisation"),
        default=False,
        help_text=_("The platform and its features: an incident here is shown to every customer in the portal."),
    )
    organisations = models.ManyToManyField(
        "customers.Organisation",
        blank=True,
        related_name="status_components",
        verbose_name=_("used by"),
        help_text=_("Organisations that use it (a carrier, a shop integration…): they see its incidents in the portal."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Declared: the Django plugin cannot resolve the manager of a model django-modeltranslation also registers.
    objects: ClassVar[models.Manager[Component]] = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["group__order", "group__name", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="component_unique_name_in_group")]

    def __str__(self) -> str:
        return f"{self.group.name} · {self.name}" if self.group is not None else self.name

    @property
    def public_id(self) -> str:
        return f"c{self.pk}"


class Incident(models.Model):
    """An incident, or (kind = maintenance) a scheduled maintenance window."""

    class Kind(models.TextChoices):
        INCIDENT = "incident", _("Incident")
        MAINTENANCE = "maintenance", _("Scheduled maintenance")

    class Status(models.TextChoices):
        # Incidents (seed 001's four update states)
        INVESTIGATING = "investigating", _("Investigating")
        IDENTIFIED = "identified", _("Identified")
        MONITORING = "monitoring", _("Monitoring")
        RESOLVED = "resolved", _("Resolved")
        # Scheduled maintenance, as Statuspage names them
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        VERIFYING = "verifying", _("Verifying")
        COMPLETED = "completed", _("Completed")

    class Cause(models.TextChoices):
        CODE_CHANGE = "code_change", _("Code change")
        CARRIER = "carrier", _("Carrier")
        INTEGRATION = "integration", _("Shop integration")
        INFRASTRUCTURE = "infrastructure", _("Infrastructure")
        THIRD_PARTY = "third_party", _("Other third party")
        UNKNOWN = "unknown", _("Not known yet")

    class Source(models.TextChoices):
        MONITORING = "monitoring", _("Monitoring")
        AGENT = "agent", _("Agent")

    class Impact(models.TextChoices):
        NONE = "none", _("None")
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        CRITICAL = "critical", _("Critical")
        MAINTENANCE = "maintenance", _("Maintenance")

    INCIDENT_STATUSES = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING, Status.RESOLVED)
    MAINTENANCE_STATUSES = (Status.SCHEDULED, Status.IN_PROGRESS, Status.VERIFYING, Status.COMPLETED)
    OPEN_STATUSES = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING)
    CLOSED_STATUSES = (Status.RESOLVED, Status.COMPLETED)
    ACTIVE_MAINTENANCE_STATUSES = (Status.IN_PROGRESS, Status.VERIFYING)

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INCIDENT)
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("Say whether a carrier, the shop integrations or a platform feature is affected, and the market."),
    )
    message = models.TextField(_("message"), help_text=_("What is happening, in words a customer understands."))
    market = models.CharField(
        _("market"),
        max_length=60,
        blank=True,
        help_text=_("Affected market, e.g. Spain, Portugal; empty for all."),
    )
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices, default=Cause.UNKNOWN)
    source = models.CharField(_("raised by"), max_length=16, choices=Source.choices, default=Source.AGENT)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.INVESTIGATING)
    impact = models.CharField(_("impact"), max_length=16, choices=Impact.choices, default=Impact.NONE)
    detected_at = models.DateTimeField(_("detected"), help_text=_("When the problem started; publication counts from here."))
    published_at = models.DateTimeField(_("published"), null=True, blank=True, help_text=_("Empty: not on the public page."))
    monitoring_at = models.DateTimeField(_("monitoring since"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    scheduled_until = models.DateTimeField(_("scheduled until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    components = models.ManyToManyField(Component, through="IncidentComponent", related_name="incidents", blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-detected_at", "-id"]
        indexes = [
            # The beat's questions, kept small: what waits for publication, what sits in monitoring.
            models.Index(fields=["detected_at"], name="incident_unpublished", condition=Q(published_at__isnull=True)),
            models.Index(fields=["monitoring_at"], name="incident_monitoring", condition=Q(status="monitoring")),
            models.Index(fields=["published_at"], name="incident_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="incident", status__in=["investigating", "identified", "monitoring", "resolved"])
                | Q(kind="maintenance", status__in=["scheduled", "in_progress", "verifying", "completed"]),
                name="incident_status_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="incident") | Q(scheduled_for__isnull=False, scheduled_until__isnull=False),
                name="maintenance_has_window",
            ),
            models.CheckConstraint(
                condition=Q(scheduled_until__isnull=True) | Q(scheduled_until__gt=models.F("scheduled_for")),
                name="maintenance_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_maintenance(self) -> bool:
        return self.kind == self.Kind.MAINTENANCE

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED_STATUSES

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def impact_label(self) -> str:
        """The impact in the words of the banner and the components: Statuspage's "major" reads as worse than it is."""
        words: dict[str, StrOrPromise] = {
            self.Impact.NONE: _("No impact"),
            self.Impact.MINOR: _("Degraded performance"),
            self.Impact.MAJOR: _("Partial outage"),
            self.Impact.CRITICAL: _("Major outage"),
            self.Impact.MAINTENANCE: _("Maintenance"),
        }
        return str(words.get(self.impact, self.get_impact_display()))

    @property
    def started_at(self) -> Any:
        return self.scheduled_for if self.is_maintenance else self.detected_at


class IncidentComponent(models.Model):
    """A component an incident affects, and how badly."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="affected")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="+", verbose_name=_("component"))
    impact = models.CharField(_("impact"), max_length=24, choices=ComponentStatus.choices, default=ComponentStatus.PARTIAL_OUTAGE)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("affected component")
        verbose_name_plural = _("affected components")
        constraints = [models.UniqueConstraint(fields=["incident", "component"], name="incident_component_once")]

    def __str__(self) -> str:
        return f"{self.component} · {self.get_impact_display()}"


class IncidentUpdate(models.Model):
    """One public update of an incident or maintenance: its status at that moment and a message."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=16, choices=Incident.Status.choices)
    message = models.TextField(_("message"))
    affected_components = models.JSONField(
        _("component changes"),
        default=list,
        blank=True,
        help_text=_("Statuspage's affected_components: code, name, old_status, new_status."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.incident} · {self.get_status_display()}"

    @property
    def public_id(self) -> str:
        return f"u{self.pk}"


class IncidentEvent(AppendOnlyModel):
    """The incident's internal timeline: what happened, who or what did it, and why. Never changed."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        PUBLISHED = "published", _("Published")
        UPDATED = "updated", _("Update posted")
        STATUS = "status", _("Status changed")
        COMPONENTS = "components", _("Components changed")
        RESOLVED = "resolved", _("Resolved")
        NOTIFIED = "notified", _("Subscribers notified")
        ORGANISATIONS = "organisations", _("Organisations linked")
        RELAYED = "relayed", _("Update sent to linked organisations")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor label"), max_length=150, blank=True, help_text=_("“Monitoring”, “Status page rules”…"))
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.actor_name}"

    @property
    def actor_name(self) -> str:
        return self.actor.get_full_name() if self.actor is not None else self.actor_label


class IncidentOrganisation(models.Model):
    """A customer organisation an incident affects: it got a proactive notice, and the incident's updates follow there."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="organisation_links")
    organisation = models.ForeignKey(
        "customers.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    notice = models.OneToOneField(
        "notices.Notice",
        on_delete=models.PROTECT,
        related_name="incident_link",
        verbose_name=_("notice"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("linked by"),
        help_text=_("Also the author of the updates relayed when nobody from support posted them (the status page rules)."),
    )
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)

    class Meta:
        verbose_name = _("affected organisation")
        verbose_name_plural = _("affected organisations")
        ordering = ["linked_at", "id"]
        constraints = [
            # Linking twice must never send a second notice.
            models.UniqueConstraint(fields=["incident", "organisation"], name="incident_organisation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.incident} · {self.organisation}"


class Subscriber(models.Model):
    """Someone who gets incident and maintenance updates by email (double opt-in)."""

    email = models.EmailField(_("email"), unique=True)
    all_components = models.BooleanField(_("all components"), default=True)
    components = models.ManyToManyField(Component, blank=True, related_name="subscribers", verbose_name=_("components"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
