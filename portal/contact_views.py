"""A contact without a login, through the signed link we mailed: one ticket, read and comment, nothing else."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.invitations import user_invite
from portal.feedback import comment_outcome_message
from portal.forms import CommentForm
from portal.timeline import timeline_entries
from tickets.attachments import attachment_response
from tickets.details import details_rows
from tickets.links import contact_has_login, contact_ticket_get, contact_ticket_token
from tickets.models import Comment
from tickets.selectors import attachments_public_of, timeline_public_of
from tickets.workflow import comment_add, ticket_past_reopening


@login_not_required
def contact_ticket(request: HttpRequest, token: str) -> HttpResponse:
    ticket, contact = contact_ticket_get(token=token)
    form = CommentForm()
    if request.method == "POST":
        form = CommentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                comment = comment_add(
                    ticket=ticket,
                    author=None,
                    author_contact=contact,
                    body=form.cleaned_data["body"],
                    via=Comment.Via.LINK,
                    uploads=form.cleaned_data["attachments"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, comment_outcome_message(comment.outcome))  # type: ignore[attr-defined]  # comment_add hangs the outcome on the comment it returns
                landed = contact_ticket_token(ticket=comment.ticket, contact=contact)
                return redirect("portal:contact_ticket", token=landed)
    attachments = list(attachments_public_of(ticket=ticket))
    return render(
        request,
        "portal/contact_ticket.html",
        {
            "ticket": ticket,
            "contact": contact,
            "token": token,
            "form": form,
            "entries": timeline_entries(events=timeline_public_of(ticket=ticket), attachments=attachments),
            "ticket_attachments": [a for a in attachments if a.comment_id is None],
            "details": details_rows(fields=ticket.ticket_type.fields.all(), details=ticket.details),
            "comment_opens_new": ticket_past_reopening(ticket),
            "has_login": contact_has_login(contact),
            "is_list": contact.kind == contact.Kind.DISTRIBUTION_LIST,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_not_required
def contact_attachment(request: HttpRequest, token: str, attachment_id: int) -> FileResponse:
    ticket, _contact = contact_ticket_get(token=token)
    attachment = attachments_public_of(ticket=ticket).filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment, inline=False)


@login_not_required
@require_POST
def contact_account(request: HttpRequest, token: str) -> HttpResponse:
    """The contact takes up the offer of a login: an invitation to the address we mailed the link to."""
    ticket, contact = contact_ticket_get(token=token)
    try:
        user_invite(
            organisation=ticket.organisation,
            email=contact.email,
            full_name=contact.name,
            language=contact.language,
        )
    except ValidationError:
        messages.info(request, _("This address already has a login: sign in, or reset your password."))
    else:
        messages.success(request, _("We emailed %(email)s a link to set your password.") % {"email": contact.email})
    return redirect("portal:contact_ticket", token=token)
