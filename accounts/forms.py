from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from notifications.services import Email, email_queue


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset mail goes through the outbox like every other email."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        email_queue(
            event_key=f"password-reset:{context['uid']}:{context['token']}",
            email=Email(recipient=to_email, subject=subject, body_text=body),
        )
