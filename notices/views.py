"""Desk pages for proactive notices: the list, raising one, its page, and held mail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import support_staff_required
from accounts.http import AuthenticatedHttpRequest
from customers.models import Organisation
from customers.selectors import emergency_ordering, organisations_visible_to
from monitoring.selectors import alerts_behind_notice
from notices import selectors, services
from notices.forms import HeldCancelForm, HeldReleaseForm, NoticeForm, NoticeUpdateForm


def _form_error(form: NoticeForm | NoticeUpdateForm | HeldCancelForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@support_staff_required
def notice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notices = selectors.notices_visible_to(request.user).order_by("-created_at")
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    states = selectors.mail_states_of(list(page.object_list))
    rows = [(notice, states[notice.pk]) for notice in page.object_list]
    held_count = len(selectors.held_notice_mail(user=request.user))
    return render(request, "notices/list.html", {"page": page, "rows": rows, "held_count": held_count})


def _chosen(request: AuthenticatedHttpRequest) -> Organisation | None:
    raw = request.POST.get("organisation") or request.GET.get("organisation") or ""
    if not raw.isdigit():
        return None
    return organisations_visible_to(request.user).filter(pk=int(raw)).first()


@support_staff_required
def notice_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _chosen(request)
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice, created = services.notice_raise(
                    organisation=data["organisation"],
                    kind=data["kind"],
                    area=data["area"],
                    environment=data["environment"],
                    title=data["title"],
                    description=data["description"],
                    call_to_action=data["call_to_action"],
                    actor=request.user,
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                if created:
                    messages.success(
                        request,
                        _("%(kind)s raised as %(reference)s.")
                        % {
                            "kind": notice.get_kind_display(),
                            "reference": notice.ticket.reference,
                        },
                    )
                return redirect("notices:detail", notice_id=notice.pk)
    else:
        form = NoticeForm(initial={"organisation": organisation.pk if organisation else None})
    context: dict[str, Any] = {"form": form, "organisation": organisation}
    if organisation is not None:
        context["registered"], context["additional"] = services.emergency_contacts(organisation=organisation)
        context["environments"] = list(organisation.environments.values_list("name", flat=True))
    return render(request, "notices/new.html", context)


@support_staff_required
def notice_detail(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for(user=request.user, notice_id=notice_id)
    form = NoticeUpdateForm()
    if request.method == "POST":
        form = NoticeUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.notice_update_post(
                    notice=notice,
                    body=form.cleaned_data["body"],
                    call_to_action=form.cleaned_data["call_to_action"],
                    actor=request.user,
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Update sent to the notice's recipients."))
                return redirect("notices:detail", notice_id=notice.pk)
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "updates": notice.updates.select_related("author"),
            "mail": selectors.notice_mail(notice=notice),
            "requester": notice.ticket.requester_contact,
            "copied": notice.ticket.cc_contacts.order_by(*emergency_ordering()),
            "form": form,
            "alerts_behind": alerts_behind_notice(user=request.user, notice=notice),
        },
    )


@support_staff_required
def held_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "notices/held.html", {"held": selectors.held_notice_mail(user=request.user)})


@require_POST
@support_staff_required
def held_release(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = HeldReleaseForm(request.POST)
    if not form.is_valid():
        return redirect("notices:held")
    held = selectors.held_message_get_for(user=request.user, event_key=form.cleaned_data["event_key"])
    count = services.held_mail_release(notice=held.notice, event_key=held.event_key, actor=request.user)
    messages.success(
        request,
        _("%(count)d emails of %(reference)s are being sent now.")
        % {
            "count": count,
            "reference": held.notice.ticket.reference,
        },
    )
    return redirect("notices:held")


@require_POST
@support_staff_required
def held_cancel(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = HeldCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the mail is cancelled."))
        return redirect("notices:held")
    held = selectors.held_message_get_for(user=request.user, event_key=form.cleaned_data["event_key"])
    try:
        count = services.held_mail_cancel(
            notice=held.notice,
            event_key=held.event_key,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("notices:held")
    messages.success(
        request,
        _("%(count)d emails of %(reference)s cancelled.")
        % {
            "count": count,
            "reference": held.notice.ticket.reference,
        },
    )
    return redirect("notices:held")
