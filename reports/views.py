"""Report pages: the desk's (support leads and admins) and an organisation admin's own, with exports."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.access import customer_required, lead_required
from accounts.http import AuthenticatedHttpRequest
from customers.models import Organisation
from customers.selectors import organisation_admin_of
from reports import exports
from reports.cache import cached
from reports.charts import Series, bar_chart, hours_scale
from reports.forms import PeriodForm
from reports.selectors import BREACHED_LIST_LIMIT, Period, Report, breaches_count, breaches_of, report_build
from sla.models import SlaTarget

BREAKDOWN_LABELS = {
    "tier": gettext_lazy("Tier"),
    "organisation": gettext_lazy("Organisation"),
    "severity": gettext_lazy("Severity"),
    "ticket_type": gettext_lazy("Ticket type"),
    "month": gettext_lazy("Month"),
}


def _charts(report: Report) -> dict[str, str]:
    labels = [figures.label for figures in report.months]
    attainment = [None if figures.share is None else figures.share * 100 for figures in report.months]
    p50 = [figures.business_p50.total_seconds() / 3600 if figures.business_p50 else None for figures in report.months]
    p90 = [figures.business_p90.total_seconds() / 3600 if figures.business_p90 else None for figures in report.months]
    return {
        "attainment": bar_chart(
            title=_("Acknowledged within target, per month"),
            labels=labels,
            series=[Series(_("Within target"), attainment, "attained")],
            top=100.0,
            fmt=lambda value: f"{value:.0f} %",
            empty=_("No ticket with a target in this period."),
        ),
        "acknowledgement": bar_chart(
            title=_("Time to acknowledge per month, business hours"),
            labels=labels,
            series=[Series(_("p50"), p50, "p50"), Series(_("p90"), p90, "p90")],
            top=hours_scale([*p50, *p90]),
            fmt=lambda value: f"{value:g} h",
            empty=_("No acknowledged ticket in this period."),
        ),
    }


def _export(request: HttpRequest, *, report: Report, organisation: Organisation | None, stem: str) -> HttpResponse:
    what = request.GET.get("what", "report")
    kind = request.GET.get("download", "csv")
    if what not in ("report", "breaches") or kind not in ("csv", "xlsx"):
        raise Http404
    period = report.period
    span = f"{period.first:%Y-%m}_{period.last:%Y-%m}"
    if what == "breaches":
        header, rows = exports.breaches_table(breaches_of(period=period, organisation=organisation))
        filename, sheet = f"{stem}-breaches-{span}", _("Breaches")
    else:
        header, rows = exports.table_with_title(report, str(BREAKDOWN_LABELS[report.by]))
        filename, sheet = f"{stem}-by-{report.by}-{span}", _("Report")
    if kind == "xlsx":
        return exports.xlsx_response(header, rows, filename=filename, sheet=sheet)
    return exports.csv_response(header, rows, filename=filename)


def _query(report: Report) -> dict[str, str]:
    """The shown report's own parameters, for its tabs and download links."""
    return {"first": f"{report.period.first:%Y-%m}", "last": f"{report.period.last:%Y-%m}", "by": report.by}


def _report(*, period: Period, by: str, organisation: Organisation | None, now: Any) -> Report:
    return cached(
        name="report",
        start=period.start,
        end=period.end,
        parts=(period, by, organisation.pk if organisation else None),
        compute=lambda: report_build(period=period, by=by, organisation=organisation, now=now),
    )


def _context(report: Report, form: PeriodForm, *, organisation: Organisation | None, now: Any) -> dict[str, Any]:
    period = report.period
    scope = (period, organisation.pk if organisation else None)
    breaches = cached(
        name="breaches",
        start=period.start,
        end=period.end,
        parts=scope,
        compute=lambda: breaches_of(period=period, organisation=organisation, now=now, limit=BREACHED_LIST_LIMIT),
    )
    breaches_total = cached(
        name="breaches-count",
        start=period.start,
        end=period.end,
        parts=scope,
        compute=lambda: breaches_count(period=period, organisation=organisation, now=now),
    )
    return {
        "form": form,
        "report": report,
        "charts": _charts(report),
        "breaches": breaches,
        "breaches_total": breaches_total,
        "breakdowns": BREAKDOWN_LABELS,
        "by_label": BREAKDOWN_LABELS[report.by],
        "query": _query(report),
    }


@lead_required
@require_GET
def desk_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    zone = request.user.timezone or "UTC"
    form = PeriodForm(request.GET or None, zone=zone)
    now = timezone.now()
    report = _report(period=form.period(), by=form.breakdown(), organisation=None, now=now)
    if request.GET.get("download"):
        return _export(request, report=report, organisation=None, stem="sla")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "reports/desk.html", {**_context(report, form, organisation=None, now=now), "zone": zone}, status=status)


@customer_required
@require_GET
def portal_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = organisation_admin_of(request.user)
    form = PeriodForm(request.GET or None, zone=organisation.timezone, default_by="severity")
    by = form.breakdown() if form.breakdown() in ("severity", "month") else "severity"
    now = timezone.now()
    report = _report(period=form.period(), by=by, organisation=organisation, now=now)
    if request.GET.get("download"):
        return _export(request, report=report, organisation=organisation, stem=f"sla-{organisation.account_id}")
    targets = (
        SlaTarget.objects.filter(tier_id=organisation.tier_id, metric=SlaTarget.Metric.ACKNOWLEDGEMENT)
        .select_related("severity", "calendar")
        .order_by("severity_id")
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "reports/portal.html",
        {
            **_context(report, form, organisation=organisation, now=now),
            "organisation": organisation,
            "targets": targets,
            "zone": organisation.timezone,
            "breakdowns": {key: BREAKDOWN_LABELS[key] for key in ("severity", "month")},
        },
        status=status,
    )
