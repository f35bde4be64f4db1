from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.selectors import BREAKDOWNS, Period, period_last_full_months, period_of_months

MAX_MONTHS = 36


class MonthField(forms.CharField):
    """A month as the browser's month input sends it: YYYY-MM."""

    widget = forms.TextInput(attrs={"type": "month", "class": "input"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]  # cleans the text it reads into a date
        value = super().to_python(value)
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            return date(year, month, 1)
        except ValueError as exc:
            raise forms.ValidationError(_("Give a month as YYYY-MM, for example 2026-10.")) from exc


class PeriodForm(forms.Form):
    first = MonthField(label=_("From"), required=False)
    last = MonthField(label=_("To"), required=False)
    by = forms.ChoiceField(required=False, choices=[(name, name) for name in BREAKDOWNS], widget=forms.HiddenInput)

    def __init__(self, *args: Any, zone: str, default_by: str = "tier", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.default_by = default_by
        default = period_last_full_months(zone=zone)
        self.fields["first"].initial = f"{default.first:%Y-%m}"
        self.fields["last"].initial = f"{default.last:%Y-%m}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean answers cleaned_data
        first, last = data.get("first"), data.get("last")
        if first and last and abs((last.year - first.year) * 12 + last.month - first.month) >= MAX_MONTHS:
            raise forms.ValidationError(_("A report covers at most %(months)d months.") % {"months": MAX_MONTHS})
        return data

    def period(self) -> Period:
        default = period_last_full_months(zone=self.zone)
        if not self.is_valid():
            return default
        first = self.cleaned_data.get("first") or default.first
        last = self.cleaned_data.get("last") or (first if self.cleaned_data.get("first") else default.last)
        return period_of_months(first=first, last=last, zone=self.zone)

    def breakdown(self) -> str:
        return (self.cleaned_data.get("by") if self.is_valid() else "") or self.default_by
