"""The desk's inbound mail: unknown senders and held loops, and every original for download."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import support_staff_required
from accounts.http import AuthenticatedHttpRequest
from mail import parsing, selectors, services
from mail.forms import AnswerForm, LinkForm
from mail.models import InboundMessage
from mail.quotes import reply_new_text

PAGE = 50


@require_GET
@support_staff_required
def inbound_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = list(selectors.inbound_for_desk(user=request.user)[:PAGE])
    return render(request, "mail/inbound_list.html", {"rows": rows})


@require_GET
@support_staff_required
def inbound_detail(request: AuthenticatedHttpRequest, inbound_id: int) -> HttpResponse:
    row = selectors.inbound_get_for(user=request.user, inbound_id=inbound_id)
    mail = parsing.mail_read(bytes(row.raw))
    return render(
        request,
        "mail/inbound_detail.html",
        {
            "row": row,
            "mail": mail,
            "new_text": reply_new_text(text=mail.text, html=mail.html, subject=mail.subject),
            "link_form": LinkForm(),
            "answer_form": AnswerForm(),
            "open": row.outcome in selectors.DESK_OUTCOMES,
        },
    )


def _original(row: InboundMessage) -> HttpResponse:
    """The message exactly as received, always as a download: never rendered by the browser."""
    response = HttpResponse(bytes(row.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{row.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@support_staff_required
def inbound_original(request: AuthenticatedHttpRequest, inbound_id: int) -> HttpResponse:
    return _original(selectors.inbound_get_for(user=request.user, inbound_id=inbound_id))


@require_GET
@support_staff_required
def comment_original(request: AuthenticatedHttpRequest, comment_id: int) -> HttpResponse:
    return _original(selectors.inbound_of_comment_for(user=request.user, comment_id=comment_id))


def _act(request: AuthenticatedHttpRequest, inbound_id: int, action: Callable[[InboundMessage], str]) -> HttpResponse:
    row = selectors.inbound_get_for(user=request.user, inbound_id=inbound_id)
    try:
        message = action(row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("mail_desk:detail", inbound_id=row.pk)
    messages.success(request, message)
    return redirect("mail_desk:list")


@require_POST
@support_staff_required
def inbound_link(request: AuthenticatedHttpRequest, inbound_id: int) -> HttpResponse:
    form = LinkForm(request.POST)

    def link(row: InboundMessage) -> str:
        if not form.is_valid():
            raise ValidationError(_("Choose an organisation."))
        ticket = services.inbound_link(inbound=row, organisation=form.cleaned_data["organisation"], actor=request.user)
        return _("%(reference)s opened for %(organisation)s.") % {
            "reference": ticket.reference,
            "organisation": ticket.organisation.name,
        }

    return _act(request, inbound_id, link)


@require_POST
@support_staff_required
def inbound_answer(request: AuthenticatedHttpRequest, inbound_id: int) -> HttpResponse:
    form = AnswerForm(request.POST)

    def answer(row: InboundMessage) -> str:
        if not form.is_valid():
            raise ValidationError(_("Write the answer first."))
        services.inbound_answer(inbound=row, actor=request.user, body=form.cleaned_data["body"])
        return _("Answer sent to %(sender)s.") % {"sender": row.from_address}

    return _act(request, inbound_id, answer)


@require_POST
@support_staff_required
def inbound_discard(request: AuthenticatedHttpRequest, inbound_id: int) -> HttpResponse:
    def discard(row: InboundMessage) -> str:
        services.inbound_discard(inbound=row, actor=request.user)
        return _("Message discarded.")

    return _act(request, inbound_id, discard)


@require_POST
@support_staff_required
def inbound_release(request: AuthenticatedHttpRequest, inbound_id: int) -> HttpResponse:
    def release(row: InboundMessage) -> str:
        outcome = services.inbound_release(inbound=row, actor=request.user)
        return _("Message processed: %(outcome)s.") % {"outcome": InboundMessage.Outcome(outcome).label}

    return _act(request, inbound_id, release)
