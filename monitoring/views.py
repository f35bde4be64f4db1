"""The desk's view of monitoring: every alert received, those that need a person first."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.access import support_staff_required
from accounts.http import AuthenticatedHttpRequest
from monitoring import selectors


@support_staff_required
@require_http_methods(["GET", "HEAD"])
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    showing_all = request.GET.get("show") == "all"
    alerts = selectors.alerts_visible_to(request.user) if showing_all else selectors.alerts_needing_attention(request.user)
    page = Paginator(alerts.order_by("-last_received_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/alerts.html",
        {
            "page": page,
            "alerts": page.object_list,
            "showing_all": showing_all,
            "attention_count": selectors.alerts_needing_attention(request.user).count(),
        },
    )
