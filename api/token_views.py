"""Pages where people create, list and revoke their personal API tokens (portal and desk alike)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import customer_required, support_staff_required
from accounts.http import AuthenticatedHttpRequest
from api.forms import TokenForm
from api.selectors import token_get_for, tokens_of
from api.services import token_create, token_revoke

AREAS = {"portal": "portal/base.html", "desk": "desk/base.html"}


def _tokens(request: AuthenticatedHttpRequest, area: str) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = token_create(user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at())
        messages.success(
            request,
            _("Token “%(name)s” created. Copy it now, it is not shown again: %(key)s") % {"name": token.name, "key": key},
            extra_tags="secret",
        )
        return redirect(f"tokens:{area}")
    context = {"form": form, "tokens": tokens_of(user=request.user), "area": area, "base_template": AREAS[area]}
    return render(request, "api/tokens.html", context, status=400 if form.errors else 200)


def _revoke(request: AuthenticatedHttpRequest, area: str, token_id: int) -> HttpResponse:
    token = token_get_for(user=request.user, token_id=token_id)
    if token_revoke(token=token):
        messages.success(request, _("Token “%(name)s” revoked; it no longer works.") % {"name": token.name})
    return redirect(f"tokens:{area}")


@customer_required
def portal_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _tokens(request, "portal")


@require_POST
@customer_required
def portal_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    return _revoke(request, "portal", token_id)


@support_staff_required
def desk_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _tokens(request, "desk")


@require_POST
@support_staff_required
def desk_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    return _revoke(request, "desk", token_id)
