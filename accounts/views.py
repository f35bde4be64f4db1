from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts import second_factor
from accounts.forms import SecondFactorForm
from accounts.http import AuthenticatedHttpRequest
from accounts.languages import language_supported
from accounts.services import user_language_set


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each person to where their work is."""
    if request.user.is_support_staff:
        return redirect("desk:queue")
    return redirect("portal:home")


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@require_http_methods(["GET", "HEAD", "POST"])
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    if not second_factor.second_factor_enrolled(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next(request)})}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.second_factor_verify(request=request, token=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", _("That code is not right. Try the next one your app shows, or a recovery code."))
    return render(request, "registration/two_factor.html", {"form": form, "next": _next(request)}, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app; the recovery codes are shown once, right after."""
    enrolled = second_factor.second_factor_enrolled(request.user)
    if enrolled and not request.user.is_verified():  # type: ignore[attr-defined]  # django_otp's OTPMiddleware adds is_verified() to request.user
        return redirect(f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}")
    device = second_factor.totp_enrol_start(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.totp_enrol_confirm(request=request, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            return render(request, "registration/two_factor_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", _("That code is not right. Check the time on your phone and try the next one."))
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "enrolled": enrolled,
            "config_url": device.config_url,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": second_factor.second_factor_required(request.user) and not enrolled,
        },
        status=400 if form.errors else 200,
    )


@login_not_required
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, safe `next`), and the signed-in person's profile keeps the choice."""
    response = set_language(request)
    language = language_supported(request.POST.get("language"))
    if language and request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    return response
