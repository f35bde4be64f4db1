"""The customer portal: thin views over the ticket and customer selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import customer_required
from accounts.forms import PersonalProfileForm
from accounts.http import AuthenticatedHttpRequest
from accounts.profile import profile_saved_response
from audit import access_log
from audit.models import AccessRecord
from customers.access import access_grant_create, access_revoke
from customers.models import Contact
from customers.selectors import (
    access_grant_get_for,
    access_grants_of,
    contact_get_for,
    contacts_in_emergency_order,
    is_organisation_admin,
    members_of,
    organisation_admin_of,
    organisation_of,
)
from customers.services import (
    CONTACT_FIELDS,
    contact_create,
    contact_make_registered,
    contact_remove,
    contact_remove_check,
    contact_update,
)
from portal.feedback import comment_outcome_message
from portal.forms import (
    AccessGrantForm,
    AccessLogFilter,
    CommentForm,
    ContactForm,
    RatingForm,
    SeverityHelperForm,
    TicketFilter,
    request_form_class,
)
from portal.rows import request_rows
from portal.timeline import timeline_entries
from sla.escalations import escalation_panel_for
from sla.explain import target_line
from sla.models import Severity
from tickets.attachments import attachment_response
from tickets.details import details_rows
from tickets.drafts import Draft, draft_discard, draft_keep, draft_load
from tickets.filing import JUSTIFICATION_FIELD, justification_missing, ticket_file
from tickets.merging import ticket_merge_target
from tickets.models import SatisfactionRating
from tickets.selectors import (
    attachment_get_for,
    attachments_visible_to,
    ticket_get_for,
    ticket_get_for_customer,
    ticket_type_fields,
    ticket_type_fileable_get,
    ticket_types_fileable_by_customers,
    tickets_mine,
    tickets_visible_to,
)
from tickets.severity_suggest import Environment, Impact, severity_suggest
from tickets.workflow import comment_add, rating_record, ticket_customer_close, ticket_past_reopening

PAGE_SIZE = 25


@customer_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    is_admin = is_organisation_admin(request.user)
    scope = "organisation" if is_admin and request.GET.get("scope") == "organisation" else "mine"
    tickets = tickets_visible_to(request.user) if scope == "organisation" else tickets_mine(request.user)
    filters = TicketFilter(
        request.GET,
        request=request,
        queryset=tickets.select_related("ticket_type", "severity", "requester_user", "requester_contact"),
    )
    page = Paginator(filters.qs.order_by("-created_at", "-number"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filtered = any(request.GET.get(name) for name in ("q", "status", "ticket_type", "severity"))
    return render(
        request,
        "portal/home.html",
        {
            "page": page,
            "rows": request_rows(tickets=list(page.object_list), scope=scope),
            "filters": filters,
            "query": query.urlencode(),
            "scope": scope,
            "is_admin": is_admin,
            "filtered": filtered,
        },
    )


@customer_required
def ticket_detail(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = ticket_get_for_customer(user=request.user, number=number)
    kept = ticket_merge_target(ticket=ticket)  # a merged duplicate's number leads to the kept ticket
    if kept.pk != ticket.pk and request.method == "GET" and tickets_visible_to(request.user).filter(pk=kept.pk).exists():
        return redirect("portal:ticket", number=kept.number)
    form = CommentForm()
    draft = Draft()
    if request.method == "POST":
        draft = _draft(request)
        form = CommentForm(request.POST, request.FILES, kept_files=len(draft.files))
        if form.is_valid():
            try:
                comment = comment_add(
                    ticket=ticket,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    uploads=[*draft.uploads(), *form.cleaned_data["attachments"]],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                draft_discard(draft)
                messages.success(request, comment_outcome_message(comment.outcome))  # type: ignore[attr-defined]  # comment_add hangs the outcome on the comment it returns
                return redirect("portal:ticket", number=comment.ticket.number)
        draft = draft_keep(user=request.user, draft=draft, uploads=request.FILES.getlist("attachments"))
    # The page shows each file's name, size and kind, never who uploaded it: no join of the people or comments.
    attachments = list(attachments_visible_to(user=request.user, ticket=ticket).select_related(None))
    from tickets.selectors import timeline_visible_to

    events = timeline_visible_to(user=request.user, ticket=ticket)
    return render(
        request,
        "portal/ticket_detail.html",
        {
            "ticket": ticket,
            "entries": timeline_entries(events=events, attachments=attachments),
            "ticket_attachments": [a for a in attachments if a.comment_id is None],
            "all_attachments": attachments,
            "details": details_rows(fields=ticket_type_fields(ticket_type=ticket.ticket_type), details=ticket.details),
            "cc_contacts": ticket.cc_contacts.all(),
            "form": form,
            "draft": draft,
            "comment_opens_new": ticket_past_reopening(ticket),
            "escalation_panel": escalation_panel_for(ticket),
            "target_line": target_line(ticket=ticket, zone=request.user.timezone or "UTC"),
            **_rating_context(request, ticket),
            "needs_justification": ticket.status == ticket.Status.WAITING_ON_CUSTOMER
            and justification_missing(ticket_type=ticket.ticket_type, details=ticket.details),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@customer_required
@require_POST
def ticket_close(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """The customer marks their request resolved, or closes it."""
    ticket = ticket_get_for(user=request.user, number=number)
    status = request.POST.get("status", "")
    try:
        ticket_customer_close(ticket=ticket, user=request.user, status=status)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if status == ticket.Status.CLOSED:
            messages.success(
                request, _("%(reference)s is closed. A comment opens a new request linked to it.") % {"reference": ticket.reference}
            )
        else:
            messages.success(request, _("%(reference)s is marked resolved. A comment reopens it.") % {"reference": ticket.reference})
    return redirect("portal:ticket", number=ticket.number)


@customer_required
@require_POST
def ticket_rate(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, number=number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose good or bad."))
        return redirect("portal:ticket", number=ticket.number)
    try:
        rating_record(ticket=ticket, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you for rating %(reference)s.") % {"reference": ticket.reference})
    return redirect("portal:ticket", number=ticket.number)


def _draft(request: AuthenticatedHttpRequest) -> Draft:
    """The files kept from the page's previous try, less those the customer unticked."""
    return draft_load(user=request.user, token=request.POST.get("draft", ""), keep=request.POST.getlist("draft_keep"))


def _rating_context(request: AuthenticatedHttpRequest, ticket: Any) -> dict[str, Any]:
    """The rating card of a resolved or closed ticket; a mail's one-click link preselects its answer."""
    if ticket.is_open:
        return {"rating": None, "rating_form": None, "rating_chosen": ""}
    rating = SatisfactionRating.objects.filter(ticket=ticket).first()
    chosen = request.GET.get("rate") or (rating.score if rating else "")
    return {"rating": rating, "rating_form": RatingForm(), "rating_chosen": chosen}


def attachment_download(request: AuthenticatedHttpRequest, number: int, attachment_id: int) -> FileResponse:
    """Serve a file of a ticket the user may see (customers and support alike)."""
    attachment = attachment_get_for(user=request.user, number=number, attachment_id=attachment_id)
    access_log.access_record(
        request=request,
        actor=request.user,
        organisation=attachment.ticket.organisation,
        action=AccessRecord.Action.FILE_DOWNLOADED,
        ticket=attachment.ticket,
        object_label=attachment.original_name,
    )
    return attachment_response(attachment, inline=request.GET.get("preview") == "1")


def _suggestion(helper: SeverityHelperForm) -> dict[str, Any] | None:
    if not helper.is_valid():
        return None
    data = helper.cleaned_data
    result = severity_suggest(
        environment=Environment(data["environment"]),
        impact=Impact(data["impact"]),
        workaround=data["workaround"],
        question=data["question"],
    )
    explanations = {
        "question": _("It is not about something being unavailable: questions, requests and guidance are Low."),
        "test": _("Unavailability in a test environment is Medium."),
        "workaround": _("Something in production is unavailable or degraded, but you can work around it: Medium."),
        "total": _("Production is totally unavailable and there is no workaround: Critical."),
        "partial": _("Part of production is unavailable or degraded and there is no workaround: High."),
    }
    severity = Severity.objects.filter(level=result.level).first()
    return {"level": result.level, "name": severity.name if severity else str(result.level), "explanation": explanations[result.rule]}


@customer_required
def request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    slug = request.GET.get("type") or request.POST.get("type")
    if not slug:
        return render(request, "portal/request_types.html", {"types": ticket_types_fileable_by_customers()})
    ticket_type = ticket_type_fileable_get(slug=slug)
    organisation = organisation_of(request.user)
    if organisation is None:
        raise Http404
    form_class = request_form_class(ticket_type=ticket_type, organisation=organisation)
    helper = SeverityHelperForm(prefix="helper")
    suggestion = None
    status = 200
    draft = Draft()
    if request.method == "POST":
        draft = _draft(request)
        if "suggest" in request.POST:
            helper = SeverityHelperForm(request.POST, prefix="helper")
            suggestion = _suggestion(helper)
            data = request.POST.copy()
            if suggestion:
                data["severity"] = str(suggestion["level"])
            form = form_class(data)
            form.skip_validation()
        else:
            form = form_class(request.POST, request.FILES)
            if form.is_valid():
                try:
                    ticket = _submit(request, form, draft)
                except ValidationError as exc:
                    form.add_service_error(exc)
                else:
                    draft_discard(draft)
                    if justification_missing(ticket_type=ticket_type, details=ticket.details):
                        messages.warning(
                            request,
                            _(
                                "%(reference)s was filed, and is waiting for you: production issues need a platform "
                                "issue justification. Add it as a comment below."
                            )
                            % {"reference": ticket.reference},
                        )
                    else:
                        messages.success(
                            request,
                            _("%(reference)s was filed. We emailed you its number and a link.") % {"reference": ticket.reference},
                        )
                    return redirect("portal:ticket", number=ticket.number)
            status = 400
        draft = draft_keep(user=request.user, draft=draft, uploads=request.FILES.getlist("attachments"))
    else:
        initial = {"severity": request.GET.get("severity")} if request.GET.get("severity") else {}
        form = form_class(initial=initial)
    severities = Severity.objects.order_by("level") if ticket_type.asks_severity else []
    return render(
        request,
        "portal/request_form.html",
        {
            "ticket_type": ticket_type,
            "form": form,
            "helper": helper,
            "suggestion": suggestion,
            "severities": severities,
            "justification_field": f"detail_{JUSTIFICATION_FIELD}",
            "user_timezone": request.user.timezone,
            "draft": draft,
            "detail_names": set(form.detail_names),
        },
        status=status,
    )


def _submit(request: AuthenticatedHttpRequest, form: Any, draft: Draft) -> Any:
    cleaned = form.cleaned_data
    return ticket_file(
        actor=request.user,
        requester_user=request.user,
        organisation=form.organisation,
        ticket_type=form.ticket_type,
        summary=cleaned["summary"],
        description=cleaned["description"],
        severity=cleaned.get("severity"),
        environment=cleaned.get("environment"),
        details=cleaned["details"],
        cc_contacts=cleaned["cc_contacts"],
        uploads=[*draft.uploads(), *cleaned["attachments"]],
    )


@customer_required
def severity_suggestion(request: AuthenticatedHttpRequest) -> JsonResponse:
    """The helper's answer for the page's script; the same rule as the no-script round trip."""
    helper = SeverityHelperForm(request.GET, prefix="helper")
    suggestion = _suggestion(helper)
    if suggestion is None:
        return JsonResponse({"errors": helper.errors}, status=400)
    return JsonResponse(suggestion)


# --- Organisation admins ------------------------------------------------------------


@customer_required
def organisation(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = organisation_admin_of(request.user)
    return render(
        request,
        "portal/organisation.html",
        {
            "organisation": org,
            "contacts": contacts_in_emergency_order(organisation=org),
            "grants": access_grants_of(organisation=org)[:5],
            "now": timezone.now(),
        },
    )


@customer_required
def contacts(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = organisation_admin_of(request.user)
    logins = {email.lower() for email in members_of(organisation=org).filter(is_active=True).values_list("email", flat=True)}
    return render(
        request,
        "portal/contacts.html",
        {
            "organisation": org,
            "contacts": contacts_in_emergency_order(organisation=org),
            "login_emails": logins,
        },
    )


def _contact_form_page(request: AuthenticatedHttpRequest, form: ContactForm, contact: Contact | None) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CONTACT_FIELDS if name in form.cleaned_data}
        try:
            with transaction.atomic():
                if contact is None:
                    saved = contact_create(organisation=form.organisation, **fields)
                else:
                    saved = contact_update(contact=contact, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        except IntegrityError:
            form.add_error(None, _("Someone changed these contacts at the same time. Check the list and try again."))
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": saved.name})
            return redirect("portal:contacts")
    return render(
        request, "portal/contact_form.html", {"form": form, "contact": contact}, status=400 if form.is_bound and form.errors else 200
    )


@customer_required
def contact_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = organisation_admin_of(request.user)
    form = ContactForm(request.POST or None, organisation=org)
    return _contact_form_page(request, form, None)


@customer_required
def contact_edit(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    organisation_admin_of(request.user)
    contact = contact_get_for(user=request.user, contact_id=contact_id)
    form = ContactForm(request.POST or None, instance=contact, organisation=contact.organisation)
    return _contact_form_page(request, form, contact)


@customer_required
@require_POST
def contact_register(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    organisation_admin_of(request.user)
    contact = contact_get_for(user=request.user, contact_id=contact_id)
    contact_make_registered(contact=contact)
    messages.success(request, _("%(name)s is now the registered emergency contact.") % {"name": contact.name})
    return redirect("portal:contacts")


@customer_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact_delete(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    """A GET asks first, naming the contact and what stops reaching it; the page's POST removes it."""
    organisation_admin_of(request.user)
    contact = contact_get_for(user=request.user, contact_id=contact_id)
    if request.method != "POST":
        refusal = ""
        try:
            contact_remove_check(contact=contact)
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
        return render(
            request,
            "portal/contact_delete.html",
            {
                "contact": contact,
                "refusal": refusal,
                "copied_on": contact.cc_tickets.count(),
            },
        )
    try:
        contact_remove(contact=contact)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": contact.name})
    return redirect("portal:contacts")


@customer_required
def access_grants(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = organisation_admin_of(request.user)
    form = AccessGrantForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            access_grant_create(
                organisation=org,
                environment=data["environment"],
                level=data["level"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
                granted_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Access granted. The support team sees it on your tickets."))
            return redirect("portal:access")
    return render(
        request,
        "portal/access.html",
        {
            "organisation": org,
            "form": form,
            "grants": access_grants_of(organisation=org),
            "now": timezone.now(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@customer_required
@require_POST
def access_grant_revoke(request: AuthenticatedHttpRequest, grant_id: int) -> HttpResponse:
    grant = access_grant_get_for(user=request.user, grant_id=grant_id)
    if access_revoke(grant=grant, revoked_by=request.user):
        messages.success(request, _("Access revoked."))
    return redirect("portal:access")


@customer_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PersonalProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        return profile_saved_response(request, form, "portal:profile")
    return render(request, "portal/profile.html", {"form": form, "now": timezone.now()}, status=400 if form.errors else 200)


@login_not_required
def help_page(request: HttpRequest) -> HttpResponse:
    """Public (seed 003): what support does, how to reach it, what to send. No customer data."""
    from email.utils import parseaddr

    from django.conf import settings

    return render(
        request,
        "help.html",
        {
            "severities": Severity.objects.order_by("level"),
            "support_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        },
    )


ACCESS_LOG_PAGE = 50


@customer_required
def transparency(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who of the vendor opened the organisation's tickets and files or exported its data."""
    org = organisation_admin_of(request.user)
    form = AccessLogFilter(request.GET or None, people=access_log.access_people_of(organisation=org))
    records = access_log.access_records_for(organisation=org, filters=form.filters())
    if request.GET.get("format") == "csv":
        response = HttpResponse(access_log.access_records_csv(records=records.iterator()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="access-log-{org.account_id}.csv"'
        return response
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "portal/transparency.html",
        {
            "organisation": org,
            "form": form,
            "query": query.urlencode(),
            "page": Paginator(records, ACCESS_LOG_PAGE).get_page(request.GET.get("page")),
        },
    )
