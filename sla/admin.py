from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin

from accounts.http import AuthenticatedHttpRequest
from audit.admin import AuditedAdmin
from sla.models import Calendar, CalendarHoliday, CalendarInterval, Severity, SlaTarget, SupportTier

WEEK_MINUTES = 7 * 1440


class IntervalFormSet(BaseInlineFormSet[CalendarInterval, Calendar, Any]):
    """Refuse overlapping open intervals, including ones that run past midnight."""

    def clean(self) -> None:
        super().clean()
        spans: list[tuple[int, int, str]] = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            interval = CalendarInterval(weekday=data["weekday"], start=data["start"], end=data["end"])
            start, end = interval.span()
            spans.append((start, end, str(interval)))
        for i, (start_a, end_a, label_a) in enumerate(spans):
            for start_b, end_b, label_b in spans[i + 1 :]:
                for shift in (-WEEK_MINUTES, 0, WEEK_MINUTES):
                    if start_a < end_b + shift and start_b + shift < end_a:
                        raise ValidationError(
                            _("Open intervals overlap: %(a)s and %(b)s. Merge them into one.") % {"a": label_a, "b": label_b}
                        )


class CalendarIntervalInline(admin.TabularInline[CalendarInterval, Calendar]):
    model = CalendarInterval
    formset = IntervalFormSet
    extra = 0


class CalendarHolidayInline(admin.TabularInline[CalendarHoliday, Calendar]):
    model = CalendarHoliday
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(AuditedAdmin):
    list_display = ["name", "timezone", "holiday_country", "opening_hours", "is_default"]
    search_fields = ["name", "timezone"]
    inlines = [CalendarIntervalInline, CalendarHolidayInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Calendar]:
        return super().get_queryset(request).prefetch_related("intervals")

    @admin.display(description=_("Open"))
    def opening_hours(self, calendar: Calendar) -> str:
        return ", ".join(str(interval) for interval in calendar.intervals.all()) or "—"


class SlaTargetInline(admin.TabularInline[SlaTarget, SupportTier]):
    model = SlaTarget
    extra = 0
    fields = ["metric", "severity", "duration", "calendar", "escalation_eligible", "pauses_while_waiting", "warn_percent"]


@admin.register(SupportTier)
class SupportTierAdmin(AuditedAdmin):
    list_display = ["name", "escalation_reminder_interval", "target_count", "organisation_count"]
    search_fields = ["name"]
    inlines = [SlaTargetInline]
    actions = ["apply_to_open_tickets"]

    @admin.action(description=gettext_lazy("Apply the current targets to open tickets (preview first)"))
    def apply_to_open_tickets(
        self,
        request: AuthenticatedHttpRequest,
        queryset: QuerySet[SupportTier],
    ) -> TemplateResponse | None:
        from sla.admin_entitlements import apply_to_open_tickets

        explanation = _(
            "Edited targets apply to tickets filed from then on. Applied here, the open tickets "
            "promised under these tiers take the targets as they stand now, keeping the business "
            "time already counted."
        )
        return apply_to_open_tickets(self, request, queryset, scope="tiers", explanation=explanation)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupportTier]:
        from django.db.models import Count

        tiers: QuerySet[SupportTier] = (
            super()
            .get_queryset(request)
            .annotate(
                _targets=Count("targets", distinct=True),
                _organisations=Count("organisations", distinct=True),
            )
        )
        return tiers

    @admin.display(description=_("Targets"), ordering="_targets")
    def target_count(self, tier: SupportTier) -> int:
        count: int = tier._targets  # type: ignore[attr-defined]  # annotated by get_queryset
        return count

    @admin.display(description=_("Organisations"), ordering="_organisations")
    def organisation_count(self, tier: SupportTier) -> int:
        count: int = tier._organisations  # type: ignore[attr-defined]  # annotated by get_queryset
        return count


@admin.register(SlaTarget)
class SlaTargetAdmin(AuditedAdmin):
    list_display = ["tier", "severity", "metric", "duration", "calendar", "escalation_eligible", "pauses_while_waiting"]
    list_filter = ["tier", "metric", "severity", "calendar", "escalation_eligible"]
    list_select_related = ["tier", "severity", "calendar"]


@admin.register(Severity)
class SeverityAdmin(TranslationAdmin[Severity], AuditedAdmin):
    list_display = ["level", "name", "definition"]
    ordering = ["level"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
