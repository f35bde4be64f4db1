"""Escalation pages: the customer's request for a support lead, and the desk's acknowledgement."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import customer_required, support_staff_required
from accounts.http import AuthenticatedHttpRequest
from sla.escalations import escalation_acknowledge, escalation_raise, escalation_refusal
from sla.forms import EscalationForm
from tickets.selectors import ticket_get_for


@customer_required
def escalate(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, number=number)
    refusal = escalation_refusal(ticket)
    initial = {"environment": ticket.environment.name if ticket.environment is not None else ""}
    form = EscalationForm(request.POST or None, initial=initial)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            escalation_raise(ticket=ticket, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Your escalation reached a support lead. The target for this request is unchanged."))
            return redirect("portal:ticket", number=ticket.number)
    status = 409 if refusal and request.method == "POST" else 200
    return render(request, "sla/escalate.html", {"ticket": ticket, "form": form, "refusal": refusal}, status=status)


@require_POST
@support_staff_required
def escalation_acknowledge_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, number=number)
    if escalation_acknowledge(ticket=ticket, actor=request.user):
        messages.success(request, _("Escalation acknowledged: the reminders stop."))
    return redirect("desk:ticket", number=ticket.number)
