"""The page where a contact without a login takes up the mailed offer of one (customers.contact_accounts)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from customers.contact_accounts import contact_account_create, contact_for_account


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_create(request: HttpRequest, token: str) -> HttpResponse:
    """A contact takes up the mailed offer: chooses a password, and is signed in to their own requests."""
    contact = contact_for_account(token=token)
    if contact is None:
        return render(request, "registration/account_create.html", {"validlink": False})
    form = SetPasswordForm(User(email=contact.email, full_name=contact.name), request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = contact_account_create(contact=contact, password=form.cleaned_data["new_password1"])
        if user is None:
            return render(request, "registration/account_create.html", {"validlink": False})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        with translation.override(user.language):  # the next page is in their language, so is its message
            messages.success(request, _("Your login is ready. You are signed in."))
        return redirect("portal:home")
    return render(
        request,
        "registration/account_create.html",
        {
            "validlink": True,
            "form": form,
            "contact": contact,
        },
        status=400 if form.errors else 200,
    )
