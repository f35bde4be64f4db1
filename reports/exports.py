"""Reports as CSV and XLSX, with spreadsheet formula injection neutralised.

A text cell that a spreadsheet would read as a formula (it starts with ``=``,
``+``, ``-`` or ``@``, or a tab or carriage return that some strip first) gets a
leading apostrophe, so that it shows as the text it is. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from reports.selectors import Breach, Figures, Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 4)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def table_with_title(report: Report, group: str) -> tuple[list[str], list[list[Any]]]:
    header, rows = report_table(report)
    return [group, *header[1:]], rows


def report_table(report: Report) -> tuple[list[str], list[list[Any]]]:
    """The breakdown's rows and a total row, one column per figure."""
    header = [
        _("Group"),
        _("Tickets filed"),
        _("With a target"),
        _("Acknowledged within target"),
        _("Breached"),
        _("Within target (%)"),
        _("Acknowledged"),
        _("Time to acknowledge p50, business hours"),
        _("Time to acknowledge p90, business hours"),
        _("Time to acknowledge p50, wall hours"),
        _("Time to acknowledge p90, wall hours"),
        _("Automatic escalations"),
        _("Customer escalations"),
        _("Rated"),
        _("Rated good"),
        _("Satisfied (%)"),
    ]

    def row(figures: Figures) -> list[Any]:
        return [
            figures.label,
            figures.filed,
            figures.with_target,
            figures.met,
            figures.breached,
            _percent(figures.share),
            figures.acknowledged,
            _hours(figures.business_p50),
            _hours(figures.business_p90),
            _hours(figures.wall_p50),
            _hours(figures.wall_p90),
            figures.escalations_automatic,
            figures.escalations_customer,
            figures.rated,
            figures.rated_good,
            _percent(figures.satisfaction),
        ]

    return header, [*(row(figures) for figures in report.rows), row(report.total)]


def breaches_table(breaches: Iterable[Breach]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Ticket"),
        _("Summary"),
        _("Organisation"),
        _("Tier when filed"),
        _("Severity"),
        _("Type"),
        _("Filed (UTC)"),
        _("Due (UTC)"),
        _("Acknowledged (UTC)"),
        _("Target, hours"),
        _("Overran by, business hours"),
    ]
    rows = [
        [
            breach.reference,
            breach.summary,
            breach.organisation,
            breach.tier,
            breach.severity,
            breach.ticket_type,
            _utc(breach.filed_at),
            _utc(breach.due_at),
            _utc(breach.acknowledged_at),
            _hours(breach.target),
            _hours(breach.overrun),
        ]
        for breach in breaches
    ]
    return header, rows


def _utc(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(header: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str, sheet: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    worksheet.append([neutralise(cell) for cell in header])
    for row in rows:
        worksheet.append([neutralise(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
