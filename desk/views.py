"""The agent desk: thin views over the desk selectors and the ticket workflow services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.access import support_staff_required
from accounts.forms import PersonalProfileForm
from accounts.http import AuthenticatedHttpRequest
from accounts.profile import profile_saved_response
from audit import access_log
from audit.models import AccessRecord
from customers.selectors import contacts_of
from desk import clocks, housekeeping, macros, selectors
from desk.action_forms import ticket_action_forms
from desk.counts import queue_counts_kept
from desk.forms import (
    AssignForm,
    BulkForm,
    CcForm,
    LinkForm,
    MergeForm,
    QueueFilterForm,
    ReplyForm,
    SendBackForm,
    SeverityForm,
    StatusForm,
    TagsForm,
)
from desk.models import TicketLink
from desk.rows import queue_filters, queue_rows
from desk.services import presence_touch, ticket_link, ticket_take_next
from notifications import floodgate
from sla.selectors import clocks_of, escalations_open_for
from tickets import workflow
from tickets.merging import merged_into, ticket_merge, ticket_merge_target
from tickets.models import Ticket
from tickets.selectors import attachments_visible_to, ticket_get_for, tickets_visible_to, timeline_visible_to

PAGE_SIZE = 50


# --- Queue -----------------------------------------------------------------------------


@support_staff_required
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET)
    filters = form.filters()
    now = timezone.now()  # one instant for the order and every row's countdown
    partial = request.htmx and not request.htmx.boosted
    counts = None if partial else queue_counts_kept(user=request.user, now=now)
    page = selectors.queue_page(
        user=request.user,
        filters=filters,
        page_number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        now=now,
        # The unfiltered queue is every open ticket: the tabs' count serves the pages too.
        count=counts["open"] if counts and filters == selectors.QueueFilters() else None,
    )
    query = request.GET.copy()
    query.pop("page", None)
    bulk_form = BulkForm()
    # The template's loop takes the choices' length first: from a list, not from a count of the staff.
    assignee = bulk_form.fields["assignee"]
    assert isinstance(assignee, ModelChoiceField)  # BulkForm's assignee is a choice of staff
    assignee.choices = list(iter(assignee.choices))  # type: ignore[arg-type]  # the stubs type a field's choices wider than a ModelChoiceField's iterator
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "now": now,
        "rows": queue_rows(tickets=list(page.object_list), now=now),
        "bulk_form": bulk_form,
        "next": request.get_full_path(),
        "counts": counts,
    }
    if partial:
        return render(request, "desk/_queue_rows.html", context)
    context["filters_form"] = queue_filters(form=form, filters=filters, query=request.GET)
    return render(request, "desk/queue.html", context)


@support_staff_required
@require_POST
def bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("desk:queue")
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick at least one ticket, then choose what to do."))
        return redirect(next_url)
    tickets = tickets_visible_to(request.user).filter(number__in=form.cleaned_data["tickets"]).select_related("assignee")
    done, refused = 0, []
    for ticket in tickets:
        try:
            if form.cleaned_data["action"] == "assign":
                workflow.ticket_assign(ticket=ticket, actor=request.user, assignee=form.cleaned_data["assignee"])
            else:
                workflow.ticket_status_change(
                    ticket=ticket,
                    actor=request.user,
                    status=Ticket.Status.CLOSED,
                    reason=_("Closed from the queue."),
                )
            done += 1
        except ValidationError:
            refused.append(ticket.reference)
    if done:
        messages.success(request, ngettext("%(n)d ticket updated.", "%(n)d tickets updated.", done) % {"n": done})
    if refused:
        messages.error(request, _("Not changed: %(refs)s.") % {"refs": ", ".join(refused)})
    return redirect(next_url)


@support_staff_required
@require_POST
def take_next(request: AuthenticatedHttpRequest) -> HttpResponse:
    ticket = ticket_take_next(user=request.user)
    if ticket is None:
        messages.info(request, _("No unassigned ticket is waiting."))
        return redirect("desk:queue")
    messages.success(request, _("%(ref)s is yours: the most urgent unassigned ticket.") % {"ref": ticket.reference})
    return redirect("desk:ticket", number=ticket.number)


# --- Ticket workspace --------------------------------------------------------------------


def _has_template(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


WORKSPACE_ALSO = ("organisation__tier",)  # the organisation panel shows it


def _workspace(
    request: AuthenticatedHttpRequest,
    ticket: Ticket,
    *,
    status: int = 200,
    links: list[TicketLink] | None = None,
    **forms: Any,
) -> HttpResponse:
    """The ticket page, with any action form that came back with errors in place of its blank twin.

    Each thing shown is read once, here: the links (shown, and followed for a merge), the clocks (the
    countdown and the SLA panel), the organisation's contacts (emergency ones and those who may be copied).
    """
    if links is None:
        links = selectors.ticket_links(ticket=ticket)
    sla_clock_list = clocks_of(ticket_id=ticket.pk)
    contacts = list(contacts_of(organisation=ticket.organisation))
    timeline = list(timeline_visible_to(user=request.user, ticket=ticket))
    fields = [
        (field.label, ticket.details.get(field.key))
        for field in ticket.ticket_type.fields.all()
        if ticket.details.get(field.key) not in (None, "", [])
    ]
    tags = housekeeping.tags_of(ticket=ticket)
    context = {
        "ticket": ticket,
        "fields": fields,
        "attachments": attachments_visible_to(user=request.user, ticket=ticket),
        "countdown": clocks.time_left_of(ticket, clocks=sla_clock_list),
        "sla_clock_list": sla_clock_list,
        "sla_escalations": escalations_open_for(ticket_id=ticket.pk),
        "timeline": timeline,
        "last_event_id": max((event.pk for event in timeline), default=0),
        "links": selectors.links_of(ticket=ticket, links=links),
        "emergency_contacts": [contact for contact in contacts if contact.emergency_role],
        "has_sla_panel": _has_template("sla/clock_panel.html"),
        "action_forms": ticket_action_forms(request=request, ticket=ticket, tags=tags, bound=forms),
        "merged_into": merged_into(ticket=ticket, links=links),
        "tags": tags,
        "followers": (followers := housekeeping.followers_of(ticket=ticket)),
        "following": request.user in followers,
        "cc_contacts": (copied := list(ticket.cc_contacts.all())),
        "cc_candidates": [c for c in contacts if c not in copied],
        "cc_form": forms.get("cc_form"),
        "me": request.user,
    }
    return render(request, "desk/ticket_detail.html", context, status=status)


@support_staff_required
@require_GET
def ticket_detail(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, number=number, also=WORKSPACE_ALSO)
    links = selectors.ticket_links(ticket=ticket)
    target = ticket_merge_target(ticket=ticket, links=links)
    if target.pk != ticket.pk and "stay" not in request.GET:  # the old number leads to the kept ticket
        messages.info(request, _("%(old)s was merged into %(new)s.") % {"old": ticket.reference, "new": target.reference})
        return redirect("desk:ticket", number=target.number)
    access_log.access_record(
        request=request, actor=request.user, organisation=ticket.organisation, action=AccessRecord.Action.TICKET_VIEWED, ticket=ticket
    )
    return _workspace(request, ticket, links=links)


Action = Callable[[Ticket, dict[str, Any]], str]


def _act(request: AuthenticatedHttpRequest, number: int, *, form_name: str, form: Any, action: Action) -> HttpResponse:
    """Run one action: valid input and an accepting service redirect back with a message;
    anything else shows the page again with the error beside the field."""
    ticket = ticket_get_for(user=request.user, number=number, also=WORKSPACE_ALSO)
    if form.is_valid():
        try:
            message = action(ticket, form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, message)
            return redirect("desk:ticket", number=ticket.number)
    return _workspace(request, ticket, status=400, **{form_name: form})


@support_staff_required
@require_POST
def acknowledge(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, number=number)
    if workflow.ticket_acknowledge(ticket=ticket, actor=request.user):
        messages.success(request, _("Acknowledged."))
    else:
        messages.info(request, _("This ticket was already acknowledged."))
    return redirect("desk:ticket", number=ticket.number)


@support_staff_required
@require_POST
def assign(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def run(ticket: Ticket, data: dict[str, Any]) -> str:
        workflow.ticket_assign(ticket=ticket, actor=request.user, assignee=data["assignee"])
        if data["assignee"] is None:
            return _("Unassigned.")
        return _("Assigned to %(name)s.") % {"name": data["assignee"].get_full_name()}

    return _act(request, number, form_name="assign_form", form=AssignForm(request.POST), action=run)


@support_staff_required
@require_POST
def severity(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def run(ticket: Ticket, data: dict[str, Any]) -> str:
        workflow.ticket_severity_change(
            ticket=ticket,
            actor=request.user,
            severity=data["severity"],
            reason=data["reason"],
        )
        return _("Severity set to %(name)s.") % {"name": data["severity"].name}

    return _act(request, number, form_name="severity_form", form=SeverityForm(request.POST), action=run)


@support_staff_required
@require_POST
def status(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def run(ticket: Ticket, data: dict[str, Any]) -> str:
        workflow.ticket_status_change(ticket=ticket, actor=request.user, status=data["status"], reason=data["reason"])
        return _("Status: %(status)s.") % {"status": Ticket.Status(data["status"]).label}

    return _act(request, number, form_name="status_form", form=StatusForm(request.POST), action=run)


@support_staff_required
@require_POST
def reply(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def run(ticket: Ticket, data: dict[str, Any]) -> str:
        workflow.comment_add(ticket=ticket, author=request.user, body=data["body"])
        return _("Reply sent to the customer.")

    return _act(request, number, form_name="reply_form", form=ReplyForm(request.POST), action=run)


@support_staff_required
@require_POST
def note(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def run(ticket: Ticket, data: dict[str, Any]) -> str:
        workflow.comment_add(ticket=ticket, author=request.user, body=data["body"], is_internal=True)
        return _("Internal note added.")

    return _act(request, number, form_name="note_form", form=ReplyForm(request.POST, prefix="note"), action=run)


@support_staff_required
@require_POST
def send_back(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def run(ticket: Ticket, data: dict[str, Any]) -> str:
        workflow.ticket_send_back(ticket=ticket, actor=request.user, message=data["message"])
        return _("Sent back to the reporter; the ticket now waits on them.")

    return _act(request, number, form_name="send_back_form", form=SendBackForm(request.POST), action=run)


@support_staff_required
@require_POST
def link(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def run(ticket: Ticket, data: dict[str, Any]) -> str:
        try:
            other = ticket_get_for(user=request.user, number=data["other"])
        except Http404 as exc:  # beside the field, rather than a 404 page
            raise ValidationError({"other": _("There is no ticket with this number.")}) from exc
        ticket_link(ticket=ticket, other=other, kind=data["kind"], actor=request.user)
        return _("Linked to %(ref)s.") % {"ref": other.reference}

    return _act(request, number, form_name="link_form", form=LinkForm(request.POST), action=run)


@support_staff_required
@require_POST
def tags(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def run(ticket: Ticket, data: dict[str, Any]) -> str:
        names = housekeeping.tags_parse(data["tags"])
        housekeeping.ticket_tags_set(ticket=ticket, names=names, actor=request.user)
        return _("Tags saved.")

    return _act(request, number, form_name="tags_form", form=TagsForm(request.POST), action=run)


@support_staff_required
@require_POST
def follow(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, number=number)
    if request.POST.get("action") == "unfollow":
        housekeeping.ticket_unfollow(ticket=ticket, user=request.user)
        messages.success(request, _("You no longer follow this ticket."))
    else:
        housekeeping.ticket_follow(ticket=ticket, user=request.user)
        messages.success(request, _("You follow this ticket: you hear of its customer comments."))
    return redirect("desk:ticket", number=ticket.number)


@support_staff_required
@require_POST
def cc(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def run(ticket: Ticket, data: dict[str, Any]) -> str:
        contact = contacts_of(organisation=ticket.organisation).filter(pk=data["contact"]).first()
        if contact is None:  # another organisation's contact, or none: the same answer
            raise ValidationError({"contact": _("Only contacts of the ticket's organisation can be copied.")})
        if data["action"] == "remove":
            housekeeping.ticket_cc_remove(ticket=ticket, contact=contact, actor=request.user)
            return _("%(name)s is no longer in copy.") % {"name": contact.name}
        housekeeping.ticket_cc_add(ticket=ticket, contact=contact, actor=request.user)
        return _("%(name)s is now in copy.") % {"name": contact.name}

    return _act(request, number, form_name="cc_form", form=CcForm(request.POST), action=run)


@support_staff_required
@require_POST
def merge(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def run(ticket: Ticket, data: dict[str, Any]) -> str:
        try:
            kept = ticket_get_for(user=request.user, number=data["other"])
        except Http404 as exc:
            raise ValidationError({"other": _("There is no ticket with this number.")}) from exc
        ticket_merge(duplicate=ticket, kept=kept, actor=request.user)
        return _("Merged into %(ref)s.") % {"ref": kept.reference}

    return _act(request, number, form_name="merge_form", form=MergeForm(request.POST), action=run)


@support_staff_required
@require_POST
def macro(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = ticket_get_for(user=request.user, number=number)
    try:
        chosen = macros.macro_get(macro_id=int(request.POST.get("macro", "")))
    except ValueError as exc:
        raise Http404 from exc
    try:
        macros.macro_apply(ticket=ticket, macro=chosen, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _("“%(macro)s” was not applied: %(why)s") % {"macro": chosen.title, "why": " ".join(exc.messages)})
    else:
        messages.success(request, _("Applied “%(macro)s”.") % {"macro": chosen.title})
    return redirect("desk:ticket", number=ticket.number)


def _headline(changes: list[Any]) -> Any:
    """The change worth naming: the latest message if there is one, else the latest change."""
    messages_ = [event for event in changes if event.comment_id]
    return (messages_ or changes or [None])[-1]


@support_staff_required
@require_GET
def presence(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """Polled by the ticket page: who else has it open, and what changed since it was loaded."""
    ticket = ticket_get_for(user=request.user, number=number)
    others = presence_touch(ticket=ticket, user=request.user)
    try:
        since = int(request.GET.get("since", "0"))
    except ValueError:
        since = 0
    changes = list(selectors.events_since(ticket=ticket, after_id=since, viewer=request.user)) if since else []
    return render(
        request,
        "desk/_presence.html",
        {
            "ticket": ticket,
            "others": others,
            "latest": _headline(changes),
            "changes": len(changes),
            "since": since,
        },
    )


# --- Dashboard and profile ----------------------------------------------------------------


@support_staff_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    tiers, by_severity = selectors.open_by_severity_and_tier(user=request.user)
    return render(
        request,
        "desk/dashboard.html",
        {
            "tiers": tiers,
            "by_severity": by_severity,
            "acks": selectors.ack_times(user=request.user),
            "escalations_open": selectors.escalations_open(user=request.user),
            "sla": clocks.dashboard_figures(user=request.user),
        },
    )


@support_staff_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PersonalProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        return profile_saved_response(request, form, "desk:profile")
    return render(request, "desk/profile.html", {"form": form, "now": timezone.now()}, status=400 if form.errors else 200)


@support_staff_required
@require_GET
def mail_refusals(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the public forms were refused to mail, and why: a flood shows here, not in a stranger's inbox."""
    return render(request, "desk/mail_refusals.html", {"refusals": floodgate.mail_refusals_recent()})
