"""The customer portal: thin views over the ticket selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import customer_required
from tickets.selectors import comments_visible_to, ticket_get_for, tickets_visible_to


@customer_required
def home(request: HttpRequest) -> HttpResponse:
    tickets = tickets_visible_to(request.user).select_related("ticket_type", "severity").order_by("-created_at")
    page = Paginator(tickets, 25).get_page(request.GET.get("page"))
    return render(request, "portal/home.html", {"page": page})


@customer_required
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, number=number)
    comments = comments_visible_to(user=request.user, ticket=ticket)
    return render(request, "portal/ticket_detail.html", {"ticket": ticket, "comments": comments})
