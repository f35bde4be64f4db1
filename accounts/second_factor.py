"""The second factor at sign-in: TOTP (an authenticator app) with one-use recovery codes, on django-otp.

Support staff must pass it when ``STAFF_REQUIRE_2FA`` is on (the default with ``DEBUG`` off);
a customer who enrolled a device must pass it too. A request signed in with a password alone
reaches only the second-factor pages and sign-out until then: the desk, the portal and the
Django admin alike. API tokens are a credential of their own, untouched by this.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def second_factor_enrolled(user: Any) -> bool:
    return bool(django_otp.user_has_device(user, confirmed=True))


# Whether the signed-in person has enrolled, noted in the session at sign-in and at enrolment,
# so that a page costs no query to find out.
ENROLLED_SESSION_KEY = "second_factor_enrolled"


def note_enrolment(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """At sign-in (connected to user_logged_in): whether this person will be asked for a code."""
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = second_factor_enrolled(user)


def _enrolled(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return second_factor_enrolled(request.user)
    if ENROLLED_SESSION_KEY not in session:
        session[ENROLLED_SESSION_KEY] = second_factor_enrolled(request.user)
    return bool(session[ENROLLED_SESSION_KEY])


def second_factor_required(user: Any, request: HttpRequest | None = None) -> bool:
    """Whether this signed-in person must pass a second factor before anything else."""
    if not getattr(user, "is_authenticated", False):
        return False
    if settings.STAFF_REQUIRE_2FA and (user.is_support_staff or user.is_staff):
        return True
    return _enrolled(request) if request is not None else second_factor_enrolled(user)


def second_factor_satisfied(request: HttpRequest) -> bool:
    user = request.user
    if getattr(user, "is_verified", lambda: False)():
        return True
    return not second_factor_required(user, request)


def totp_enrol_start(*, user: Any) -> TOTPDevice:
    """The device being enrolled: the one not yet confirmed, or a new one with a fresh secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_enrol_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a code it shows; the new recovery codes (shown once), or None for a wrong code.

    Enrolling again replaces the earlier app and recovery codes.
    """
    if not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    recovery = StaticDevice.objects.create(user=device.user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    django_otp.login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True
    return codes


def second_factor_verify(*, request: HttpRequest, token: str) -> bool:
    """Accept a code from the app or a recovery code (used up by this) for the signed-in person."""
    device = django_otp.match_token(request.user, token.strip().lower().replace(" ", ""))
    if device is None:
        return False
    django_otp.login(request, device)
    return True


# Reachable before the second factor: the pages that ask for it, signing out, and files.
OPEN_PATHS = ("/accounts/two-factor/", "/accounts/logout/", "/static/")


class SecondFactorMiddleware:
    """Send whoever still owes a second factor to the page that asks for it, wherever they were going."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(OPEN_PATHS) or second_factor_satisfied(request):
            return self.get_response(request)
        name = "two_factor" if second_factor_enrolled(request.user) else "two_factor_setup"
        return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
