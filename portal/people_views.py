"""Organisation admins manage their people: invite (customer or admin), and revoke access."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import customer_required
from accounts.http import AuthenticatedHttpRequest
from customers.invitations import user_access_revoke, user_invite
from customers.selectors import member_get_for, members_of, organisation_admin_of
from notifications import floodgate
from portal.forms import InvitationForm


@customer_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = organisation_admin_of(request.user)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if not floodgate.mail_permit(request=request, purpose="invitation", address=data["email"]):
                # Signed in, the admin is told plainly; the limits are the public forms' own.
                raise ValidationError(_("Too many invitations went to this address, or from here, lately. Try again later."))
            invited = user_invite(
                organisation=org,
                email=data["email"],
                full_name=data["full_name"],
                is_admin=data["role"] == "admin",
                invited_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(email)s was invited and emailed a link to set a password.") % {"email": invited.email})
            return redirect("portal:people")
    return render(
        request,
        "portal/people.html",
        {
            "organisation": org,
            "form": form,
            "people": members_of(organisation=org),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@customer_required
@require_POST
def person_revoke(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    org = organisation_admin_of(request.user)
    member = member_get_for(user=request.user, member_id=member_id)
    try:
        user_access_revoke(user=member, organisation=org, revoked_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": member.get_full_name()})
    return redirect("portal:people")
