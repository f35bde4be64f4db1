"""Support tiers, severities, per-severity targets and business calendars.

The calendar maths itself is pure Python in ``sla.businesstime``; the models
here hold what admins configure and build a ``BusinessCalendar`` from it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

import holidays as holidays_lib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import validate_timezone
from audit.querysets import AuditedQuerySet

if TYPE_CHECKING:
    from sla.businesstime import BusinessCalendar

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def validate_hhmm(value: str) -> None:
    if not _HHMM.match(value):
        raise ValidationError(_("Use 24-hour HH:MM, from 00:00 to 24:00 (got “%(value)s”)."), params={"value": value})


def hhmm_minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


class Severity(models.Model):
    """Severity 1 (Critical) to 5 (Cosmetic), with the definition shown to customers."""

    level = models.PositiveSmallIntegerField(
        _("level"),
        primary_key=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    name = models.CharField(_("name"), max_length=40)
    definition = models.TextField(_("definition"))

    # Declared: the Django plugin cannot resolve the manager of a model django-modeltranslation also registers.
    objects: ClassVar[models.Manager[Severity]] = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("severity")
        verbose_name_plural = _("severities")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.level}: {self.name}"


class Calendar(models.Model):
    """When the clock runs: a timezone, weekly open intervals and holidays."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(_("timezone"), max_length=64, validators=[validate_timezone])
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=8,
        blank=True,
        help_text=_("ISO country code (for example US, ES, BR) whose public holidays close the calendar."),
    )
    holiday_subdivision = models.CharField(
        _("subdivision"),
        max_length=16,
        blank=True,
        help_text=_("Optional state or region code, for example TX."),
    )
    is_default = models.BooleanField(
        _("default business hours"),
        default=False,
        help_text=_(
            "The business hours of organisations without a calendar of their own (warnings wait for them). "
            "At most one calendar is the default."
        ),
    )
    # Bumped whenever the calendar, its intervals or its holidays change: built
    # calendars are cached per (id, updated_at) in each process.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="calendar_one_default",
                violation_error_message=_("Another calendar is already the default; unmark it first."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.holiday_country:
            self.holiday_country = self.holiday_country.upper()
            try:
                holidays_lib.country_holidays(self.holiday_country, subdiv=self.holiday_subdivision or None)
            except NotImplementedError as exc:
                raise ValidationError(
                    {"holiday_country": _("Public holidays are not known for “%(code)s”.") % {"code": self.holiday_country}}
                ) from exc

    def holiday_dates(self, years: range) -> set[date]:
        dates = set(self.holidays.values_list("date", flat=True))
        if self.holiday_country:
            public = holidays_lib.country_holidays(
                self.holiday_country,
                subdiv=self.holiday_subdivision or None,
                years=list(years),
            )
            dates.update(public.keys())
        return dates

    def weekly_hours(self) -> dict[int, list[tuple[str, str]]]:
        hours: dict[int, list[tuple[str, str]]] = {}
        for interval in self.intervals.all():
            hours.setdefault(interval.weekday, []).append((interval.start, interval.end))
        return hours

    def business_calendar(self, years: range | None = None) -> BusinessCalendar:
        from sla.businesstime import BusinessCalendar

        if years is None:
            this_year = date.today().year
            years = range(this_year - 2, this_year + 4)
        return BusinessCalendar(self.timezone, self.weekly_hours(), self.holiday_dates(years))


class CalendarInterval(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="intervals")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.CharField(_("opens"), max_length=5, validators=[validate_hhmm], help_text=_("Local time, HH:MM."))
    end = models.CharField(
        _("closes"),
        max_length=5,
        validators=[validate_hhmm],
        help_text=_("Local time, HH:MM; 24:00 for midnight. At or before the opening time: runs past midnight."),
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("open interval")
        verbose_name_plural = _("open intervals")
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start}–{self.end}"

    def span(self) -> tuple[int, int]:
        """Minutes from the start of its week, the end possibly past the next midnight."""
        start = self.weekday * 1440 + hhmm_minutes(self.start)
        end = self.weekday * 1440 + hhmm_minutes(self.end)
        if end <= start:
            end += 1440
        return start, end


class CalendarHoliday(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique_date_per_calendar")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


class SupportTier(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    escalation_reminder_interval = models.DurationField(
        _("escalation reminder interval"),
        default=timedelta(minutes=30),
        help_text=_("How often a breached, escalated ticket reminds the leads until someone acts."),
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("support tier")
        verbose_name_plural = _("support tiers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def target_for(self, *, severity_id: int, metric: str) -> SlaTarget | None:
        return self.targets.filter(severity_id=severity_id, metric=metric).select_related("calendar").first()


class SlaTarget(models.Model):
    """How quickly a tier promises something for one severity, and in which hours."""

    class Metric(models.TextChoices):
        ACKNOWLEDGEMENT = "ack", _("Acknowledgement")
        NEXT_UPDATE = "update", _("Next update")

    tier = models.ForeignKey(SupportTier, on_delete=models.CASCADE, related_name="targets")
    severity = models.ForeignKey(Severity, on_delete=models.PROTECT, related_name="+")
    metric = models.CharField(_("metric"), max_length=8, choices=Metric.choices, default=Metric.ACKNOWLEDGEMENT)
    duration = models.DurationField(_("target"), help_text=_("Business time, for example 2:00:00 or 2 00:00:00."))
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="+", verbose_name=_("counts in"))
    escalation_eligible = models.BooleanField(_("eligible for escalation"), default=True)
    pauses_while_waiting = models.BooleanField(
        _("paused while waiting on the customer"),
        default=True,
    )
    warn_percent = models.PositiveSmallIntegerField(
        _("warn at %"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["tier", "metric", "severity"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "severity", "metric"], name="sla_target_unique_per_tier_severity"),
            models.CheckConstraint(condition=models.Q(duration__gt=timedelta(0)), name="sla_target_positive_duration"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} · {self.severity} · {self.get_metric_display()} {self.duration}"

    def clean(self) -> None:
        if self.duration is not None and self.duration <= timedelta(0):
            raise ValidationError({"duration": _("A target must be longer than zero.")})


class SlaClock(models.Model):
    """One promise running for one ticket: when it started, when it warns and is due.

    Business time already counted is kept in ``elapsed_before`` up to
    ``segment_start``; while running, the clock counts on from there in the
    target's calendar. Due and warn times are stored so that a restart loses
    nothing and the tick finds what is due with an indexed query.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        STOPPED = "stopped", _("Stopped")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_clocks")
    metric = models.CharField(_("metric"), max_length=8, choices=SlaTarget.Metric.choices)
    target = models.ForeignKey(
        SlaTarget,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target"),
    )
    # The terms of the target in force when the clock started (or was deliberately moved to another
    # target): a contract is a version, so editing a tier later changes no running promise.
    target_tier = models.ForeignKey(
        SupportTier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier promised"),
    )
    target_severity = models.ForeignKey(
        Severity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("severity promised"),
    )
    target_duration = models.DurationField(_("target promised"), null=True, blank=True)
    target_calendar = models.ForeignKey(
        Calendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counts in"),
    )
    target_warn_percent = models.PositiveSmallIntegerField(_("warns at %"), null=True, blank=True)
    target_escalation_eligible = models.BooleanField(_("eligible for escalation"), default=False, db_default=False)
    target_pauses_while_waiting = models.BooleanField(
        _("paused while waiting on the customer"),
        default=True,
        db_default=True,
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(_("started"))
    segment_start = models.DateTimeField(_("counting since"), null=True, blank=True)
    elapsed_before = models.DurationField(_("business time counted before"), default=timedelta(0))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warns"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_total = models.DurationField(_("time paused"), default=timedelta(0))
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    stopped_reason = models.CharField(_("stopped because"), max_length=32, blank=True)
    # [[start, end or null], …] in ISO UTC, and [{"at", "elapsed", "reason"}, …]: for the explanation.
    pauses = models.JSONField(default=list, blank=True)
    recomputations = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["ticket", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "metric"], name="sla_clock_one_per_ticket_metric"),
        ]
        indexes = [
            # The tick's two questions, kept small: only running clocks not yet warned / breached.
            models.Index(
                fields=["warn_at"],
                name="sla_clock_warn_due",
                condition=models.Q(state="running", warned_at__isnull=True, warn_at__isnull=False),
            ),
            models.Index(
                fields=["due_at"],
                name="sla_clock_breach_due",
                condition=models.Q(state="running", breached_at__isnull=True, due_at__isnull=False),
            ),
            # The desk queue joins each open ticket to its unacknowledged clock: only those rows,
            # with what the order and the breached test read (index-only scans).
            models.Index(
                fields=["ticket", "due_at", "state", "breached_at"],
                name="sla_clock_ack_open",
                condition=models.Q(metric="ack", state__in=["running", "paused"]),
            ),
            # The queue's breached tickets are those with a clock still running past its due time
            # (sla_clock_breach_due) or marked breached and not yet acknowledged: only the latter here.
            models.Index(
                fields=["due_at"],
                name="sla_clock_ack_breached",
                condition=models.Q(metric="ack", state__in=["running", "paused"], breached_at__isnull=False),
            ),
            # The dashboard's breaches since midnight, acknowledged since or not.
            models.Index(fields=["breached_at"], name="sla_clock_breached", condition=models.Q(breached_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} · {self.get_state_display()}"

    @property
    def is_breached(self) -> bool:
        return self.breached_at is not None

    @property
    def has_terms(self) -> bool:
        """Whether a target applied when the clock started (none without a severity, or for an unpromised one)."""
        return self.target_duration is not None and self.target_calendar_id is not None

    def terms_copy(self, target: SlaTarget | None) -> None:
        """Take ``target``'s terms as they stand now; None clears them (no promise)."""
        self.target = target
        self.target_tier_id = target.tier_id if target else None
        self.target_severity_id = target.severity_id if target else None
        self.target_duration = target.duration if target else None
        self.target_calendar_id = target.calendar_id if target else None
        if target is not None:
            self.target_calendar = target.calendar
        self.target_warn_percent = target.warn_percent if target else None
        self.target_escalation_eligible = target.escalation_eligible if target else False
        self.target_pauses_while_waiting = target.pauses_while_waiting if target else True

    def terms_differ(self, target: SlaTarget | None) -> bool:
        """Whether ``target`` as it stands now promises something else than this clock holds."""
        if target is None:
            return self.has_terms
        return (
            self.target_tier_id,
            self.target_severity_id,
            self.target_duration,
            self.target_calendar_id,
            self.target_warn_percent,
            self.target_escalation_eligible,
            self.target_pauses_while_waiting,
        ) != (
            target.tier_id,
            target.severity_id,
            target.duration,
            target.calendar_id,
            target.warn_percent,
            target.escalation_eligible,
            target.pauses_while_waiting,
        )


class Escalation(models.Model):
    """A ticket brought to the support leads: by a breach, or by the customer."""

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic (acknowledgement window breached)")
        CUSTOMER = "customer", _("Raised by the customer")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="escalations")
    clock = models.ForeignKey(SlaClock, on_delete=models.SET_NULL, null=True, blank=True, related_name="escalations")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True)
    description = models.TextField(_("description"), blank=True)
    environment = models.CharField(_("environment"), max_length=100, blank=True)
    justification = models.TextField(_("why"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    created_at = models.DateTimeField(_("raised"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    next_reminder_at = models.DateTimeField(_("next reminder"), null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(_("reminders sent"), default=0)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_reminder_at"],
                name="escalation_reminder_due",
                condition=models.Q(acknowledged_at__isnull=True, next_reminder_at__isnull=False),
            ),
        ]
        constraints = [
            # One automatic escalation per breached clock, whatever the workers do.
            models.UniqueConstraint(
                fields=["clock"],
                condition=models.Q(kind="automatic"),
                name="escalation_one_per_breached_clock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.ticket_id}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
