"""Building inbound mail for the tests, the way mail clients write it."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from django.conf import settings

from notifications.tokens import reply_address


def reply_to_ticket(number: int, recipient: str) -> str:
    return reply_address(number=number, recipient=recipient)


def mail(
    *,
    sender: str,
    to: str | None = None,
    subject: str = "Re: your request",
    text: str | None = "Thanks, that fixed it.",
    html: str | None = None,
    cc: str = "",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to or settings.INBOUND_ADDRESS
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="client.example")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for name, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()
