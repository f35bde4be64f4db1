"""The admin's "apply to open tickets" action: a preview first, then exactly the previewed clocks move."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from sla.entitlements import ClockMove, entitlements_apply, entitlements_preview


def _shift_text(shift: timedelta) -> str:
    sign = "+" if shift >= timedelta(0) else "−"
    minutes = int(abs(shift).total_seconds() // 60)
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def apply_to_open_tickets(
    modeladmin: admin.ModelAdmin[Any],
    request: AuthenticatedHttpRequest,
    queryset: QuerySet[Any],
    *,
    scope: str,
    explanation: str,
) -> TemplateResponse | None:
    """``scope`` is "organisations" or "tiers": what the selected rows are."""
    selected = list(queryset)
    kwargs: dict[str, Any] = {scope: selected}
    if request.POST.get("confirm") == "yes":
        clock_ids = [int(value) for value in request.POST.getlist("clock") if value.isdigit()]
        moved = entitlements_apply(clock_ids=clock_ids, actor=request.user, **kwargs)
        modeladmin.message_user(
            request,
            _("Moved %(count)d open clock(s); each ticket's timeline says why.")
            % {
                "count": len(moved),
            },
        )
        return None
    moves: list[ClockMove] = entitlements_preview(**kwargs)
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Apply to open tickets?"),
        "explanation": explanation,
        "moves": [_with_text(move) for move in moves],
        "selected": [row.pk for row in selected],
        "opts": opts,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "back_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
    }
    return TemplateResponse(request, "admin/sla/entitlements_preview.html", context)


def _with_text(move: ClockMove) -> dict[str, Any]:
    return {**move.__dict__, "shift_text": _shift_text(move.shift)}
