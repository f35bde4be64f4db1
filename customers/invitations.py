"""Inviting people to an organisation: a user without a password, and a single-use link to set one.

The link is Django's password-reset token: it stops working once the password is
set (the token hashes it) and after ``PASSWORD_RESET_TIMEOUT``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Membership, Organisation
from notifications.services import Email, emails_queue


def set_password_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    site_url: str = settings.SITE_URL
    return site_url + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def user_invite(
    *,
    organisation: Organisation,
    email: str,
    full_name: str,
    is_admin: bool = False,
    invited_by: User | None = None,
    language: str = "",
    timezone: str = "",
) -> User:
    """Create a customer of ``organisation`` and mail them the link to set their password."""
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this email address already has a login.")})
    user = User.objects.create_user(
        email=email,
        full_name=full_name.strip() or email,
        role=User.Role.CUSTOMER,
        language=language or organisation.language or settings.LANGUAGE_CODE,
        timezone=timezone or organisation.timezone or "UTC",
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Membership.objects.create(user=user, organisation=organisation, is_admin=is_admin)
    invitation_mail_queue(user=user, organisation=organisation, invited_by=invited_by)
    return user


def invitation_mail_queue(*, user: User, organisation: Organisation, invited_by: User | None) -> int:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "organisation": organisation,
            "invited_by": invited_by,
            "vendor": settings.VENDOR_NAME,
            "link": set_password_url(user),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "role": _("organisation admin") if user.membership.is_admin else _("customer"),
        }
        email = Email(
            recipient=user.email,
            subject=_("You are invited to the %(vendor)s support portal") % {"vendor": settings.VENDOR_NAME},
            body_text=render_to_string("email/invitation.txt", context),
            body_html=render_to_string("email/invitation.html", context),
            language=user.language or settings.LANGUAGE_CODE,
        )
    return len(emails_queue(event_key=f"invitation:{user.pk}:{user.password[-12:]}", emails=[email]))


@transaction.atomic
def user_access_revoke(*, user: User, organisation: Organisation, revoked_by: User) -> None:
    """An organisation admin takes a person's login away; their tickets and history stay."""
    if user.pk == revoked_by.pk:
        raise ValidationError(_("You cannot revoke your own access."))
    membership = Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
    if membership is None:
        raise ValidationError(_("This person is not in your organisation."))
    user.is_active = False
    user.save(update_fields=["is_active"])
