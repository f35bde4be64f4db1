from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.languages import language_for_recipient
from accounts.models import User
from accounts.signals import password_reset_asked
from notifications import floodgate
from notifications.services import Email, email_queue


class ThrottledAuthenticationForm(AuthenticationForm):
    """Sign-in that pauses an address or a client after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed attempts. Wait 15 minutes, or reset your password."),
    }

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username") or ""
        if throttle.login_blocked(self.request, email):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.login_failed(self.request, email)
            raise
        throttle.login_succeeded(self.request, email)
        return cleaned


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset mail goes through the outbox like every other email, within the flood limits."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The page says "if an account exists, we sent a link" whatever happens here.
        request: HttpRequest | None = kwargs.get("request")
        email = self.cleaned_data["email"]
        if floodgate.mail_permit(request=request, purpose="password-reset", address=email):
            super().save(*args, **kwargs)
            # A contact with no login is offered one; the address of a login with no password set
            # (an invitation not yet taken up) gets neither mail, as before.
            password_reset_asked.send(sender=type(self), email=email)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        membership = getattr(user, "membership", None) if user.is_customer else None
        language = language_for_recipient(
            own=user.language,
            organisation=membership.organisation.language if membership else None,
        )
        # The vendor's name and the configured site, never the host the request happened to name.
        context = {
            **context,
            "site_name": settings.VENDOR_NAME,
            "reset_link": settings.SITE_URL
            + reverse(
                "password_reset_confirm",
                kwargs={"uidb64": context["uid"], "token": context["token"]},
            ),
        }
        with translation.override(language):
            subject = loader.render_to_string(subject_template_name, context)
            body = loader.render_to_string(email_template_name, context)
            html = loader.render_to_string("registration/password_reset_email_html.html", context)
        email_queue(
            event_key=f"password-reset:{context['uid']}:{context['token']}",
            email=Email(recipient=to_email, subject=subject, body_text=body, body_html=html, language=language),
        )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        strip=True,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class PersonalProfileForm(forms.ModelForm[User]):
    """What anyone sets about themselves: name, timezone and language (the password has its own page)."""

    class Meta:
        model = User
        fields = ["full_name", "timezone", "language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"] = forms.ChoiceField(
            label=_("Timezone"),
            choices=[(zone, zone) for zone in sorted(zoneinfo.available_timezones())],
            help_text=_("Every time is shown to you in this timezone."),
        )
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            choices=list(settings.LANGUAGES),
            help_text=_("Pages and the mail we send you are in this language."),
        )
