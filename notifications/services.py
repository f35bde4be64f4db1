"""Writing to the outbox and delivering from it."""

from __future__ import annotations

import logging
import re
import smtplib
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.header import Header
from email.message import Message
from email.utils import make_msgid
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.languages import language_tag
from notifications.models import OutboundEmail

log = logging.getLogger(__name__)


BACKOFF_CAP = timedelta(hours=1)


@dataclass(frozen=True)
class Email:
    """An email about to be queued: the caller's words, not yet a row."""

    recipient: str
    subject: str
    body_text: str
    body_html: str = ""
    cc: tuple[str, ...] = ()
    language: str = "en"
    # A copy of a message addressed to several people: the headers name them
    # all, the envelope only ``recipient``, so that each person's copy is its
    # own row, delivered, retried and refused on its own.
    header_to: tuple[str, ...] = ()
    header_cc: tuple[str, ...] = ()
    # Other headers, such as List-Unsubscribe; stored with the row, so a restart loses none.
    headers: Mapping[str, str] = field(default_factory=dict)


# Headers the outbox writes itself: a caller that set them would change who gets the mail or break threading.
MANAGED_HEADERS = frozenset(
    {
        "from",
        "sender",
        "to",
        "cc",
        "bcc",
        "subject",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)
HEADER_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 field name: printable ASCII but the colon


def email_headers_check(headers: Mapping[str, str]) -> dict[str, str]:
    """The caller's extra headers, or ValueError before anything is stored.

    A line break in a value would let it write headers of its own (or a body),
    so one is refused here rather than quietly joined, as a subject's is.
    """
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not HEADER_NAME.fullmatch(name):
            raise ValueError(f"Not a header name: {name!r}")
        if name.lower() in MANAGED_HEADERS:
            raise ValueError(f"The outbox sets {name} itself.")
        if any(char in value for char in "\r\n\0"):
            raise ValueError(f"The {name} header's value has a line break.")
        checked[name] = value.strip()
    return checked


def single_line(value: str) -> str:
    """Header values never carry line breaks (CR, LF, U+2028, NEL…), whatever a user typed."""
    return " ".join(value.splitlines()).strip()


# "=?charset?q?…?=" typed into a plain ASCII header is decoded by the reader into other
# text, line breaks included: such words are sent encoded, so that they read as typed.
ENCODED_WORD = re.compile(r"=\?[^?]*\?[bq]\?[^?]*\?=", re.IGNORECASE)


def header_words(text: str) -> str:
    """A subject or display name as its reader will see it: encoded if it only looks encoded."""
    if ENCODED_WORD.search(text):
        return Header(text, "utf-8").encode(linesep="")
    return text


class OutboxMessage(EmailMultiAlternatives):
    def message(self, *args: Any, **kwargs: Any) -> Any:
        message = super().message(*args, **kwargs)
        subject = str(self.subject)
        if ENCODED_WORD.search(subject):
            del message["Subject"]
            # Past Django's own __setitem__, which sends an ASCII subject as it stands.
            Message.__setitem__(message, "Subject", header_words(subject))
        return message


def html_from_text(text: str, *, language: str) -> str:
    """A mail written only as text still reaches HTML readers in the shared layout, not as a bare page."""
    if not text.strip():
        return ""
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string("email/plain.html", {"text": text.strip()})


def email_queue(
    *,
    event_key: str,
    email: Email,
    not_before: datetime | None = None,
    held_reason: str = "",
    in_reply_to: str = "",
    references: str = "",
) -> OutboundEmail | None:
    """Record an email in the caller's transaction and send it after commit.

    Returns None when this event already mailed this recipient: queueing the
    same event twice is harmless. Mail with ``not_before`` in the future is
    held and released by the periodic sweep.
    """
    headers = email_headers_check(email.headers)
    recipient = single_line(email.recipient).lower()
    body_html = email.body_html or html_from_text(email.body_text, language=email.language)
    cc = [address for address in (single_line(a).lower() for a in email.cc) if address and address != recipient]
    now = timezone.now()
    row = OutboundEmail(
        event_key=event_key,
        recipient=recipient,
        cc=list(dict.fromkeys(cc)),
        header_to=[single_line(a) for a in email.header_to],
        header_cc=[single_line(a) for a in email.header_cc],
        subject=single_line(email.subject)[:255],
        body_text=email.body_text,
        body_html=body_html,
        language=email.language,
        message_id=make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN),
        in_reply_to=in_reply_to,
        references=references,
        headers=headers,
        next_attempt_at=not_before or now,
        held_reason=held_reason if not_before and not_before > now else "",
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        if OutboundEmail.objects.filter(event_key=event_key, recipient=recipient).exists():
            return None
        raise
    if row.next_attempt_at <= now:
        transaction.on_commit(lambda: outbox_enqueue(outbox_id=row.pk))
    return row


def emails_queue(*, event_key: str, emails: Iterable[Email], **kwargs: Any) -> list[OutboundEmail]:
    rows = [email_queue(event_key=event_key, email=email, **kwargs) for email in emails]
    return [row for row in rows if row is not None]


def outbox_enqueue(*, outbox_id: int) -> bool:
    """Hand a row's send task to the broker; on a broker outage the sweep sends it later.

    The row is marked before publishing, so that a worker (or an eager task) taking it at
    once clears the mark rather than finding it set afterwards.
    """
    OutboundEmail.objects.filter(pk=outbox_id).update(enqueued_at=timezone.now())
    try:
        # By name: the tasks call these services, not the other way round. Registered tasks run
        # eagerly in tests, as a task object's own delay() would.
        current_app.signature("notifications.tasks.send_email").delay(outbox_id)
    except Exception:
        OutboundEmail.objects.filter(pk=outbox_id).update(enqueued_at=None)
        log.warning("Broker unavailable; outbox row %s will be sent by the sweep.", outbox_id, exc_info=True)
        return False
    return True


def backoff(attempts: int) -> timedelta:
    # The exponent stops growing long before it could overflow a timedelta: retries go on without end.
    delay: timedelta = settings.OUTBOX_RETRY_BASE * (2 ** min(max(attempts - 1, 0), 20))
    return min(delay, BACKOFF_CAP)


class PermanentFailure(Exception):
    """The server refused the recipient's address for good (5xx at RCPT): retrying would not help,
    and the address's owner is marked failing."""


class TransientFailure(Exception):
    """Anything else: our server away or refusing us, the network, a 4xx. Retried without end, with
    the backoff capped; the customer is never blamed for it."""


def _classify(exc: Exception) -> Exception:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            return PermanentFailure(str(exc.recipients))
        return TransientFailure(str(exc.recipients))
    if isinstance(exc, smtplib.SMTPResponseException):
        # A 5xx to anything but the address (our sender, our login, the message) is ours to fix.
        return TransientFailure(f"{exc.smtp_code} {exc.smtp_error!r}")
    if isinstance(exc, (smtplib.SMTPException, OSError, socket.timeout)):
        return TransientFailure(f"{type(exc).__name__}: {exc}")
    raise exc


def outbox_claim(*, outbox_id: int) -> OutboundEmail | None:
    """Take a due row for sending. Only one caller ever wins a row."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=outbox_id,
        state=OutboundEmail.State.PENDING,
        next_attempt_at__lte=now,
    ).update(state=OutboundEmail.State.SENDING, claimed_at=now, enqueued_at=None, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return OutboundEmail.objects.get(pk=outbox_id)


def _message(row: OutboundEmail) -> EmailMultiAlternatives:
    # The language the mail was written in (RFC 3282), so that mail readers and screen readers know it.
    headers = {**row.headers, "Message-ID": row.message_id, "Content-Language": language_tag(row.language or settings.LANGUAGE_CODE)}
    if row.in_reply_to:
        headers["In-Reply-To"] = row.in_reply_to
    if row.references:
        headers["References"] = row.references
    if row.header_to:
        headers["To"] = ", ".join(row.header_to)
    if row.header_cc:
        headers["Cc"] = ", ".join(row.header_cc)
    message = OutboxMessage(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient],
        cc=row.cc,
        headers=headers,
        connection=get_connection(),
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def outbox_deliver(*, outbox_id: int) -> OutboundEmail.State | None:
    """Claim one row and send it; record the outcome. Returns the new state, or None if not ours."""
    row = outbox_claim(outbox_id=outbox_id)
    if row is None:
        return None
    try:
        _message(row).send()
    except Exception as exc:  # noqa: BLE001 - classified below; unknown errors re-raise
        failure = _classify(exc)
        return _record_failure(row, failure)
    OutboundEmail.objects.filter(pk=row.pk, state=OutboundEmail.State.SENDING).update(
        state=OutboundEmail.State.SENT,
        sent_at=timezone.now(),
        last_error="",
        held_reason="",
    )
    if row.attempts > 1 and outbox_alert() is not None:
        outbox_alert_refresh()  # mail flows again: the alert may be over
    return OutboundEmail.State.SENT


def _record_failure(row: OutboundEmail, failure: Exception) -> OutboundEmail.State:
    from notifications.signals import delivery_failed_permanently

    permanent = isinstance(failure, PermanentFailure)
    state = OutboundEmail.State.FAILED if permanent else OutboundEmail.State.PENDING
    OutboundEmail.objects.filter(pk=row.pk, state=OutboundEmail.State.SENDING).update(
        state=state,
        last_error=str(failure)[:2000],
        next_attempt_at=timezone.now() + backoff(row.attempts),
        claimed_at=None,
    )
    log.warning("Email %s to %s failed (%s): %s", row.pk, row.recipient, state, failure)
    if permanent:
        delivery_failed_permanently.send(sender=OutboundEmail, email=row, reason=str(failure))
    elif row.attempts >= settings.OUTBOX_ALERT_AFTER_ATTEMPTS:
        alert = outbox_alert_refresh()
        if row.attempts == settings.OUTBOX_ALERT_AFTER_ATTEMPTS and alert is not None:
            log.error(
                "Outgoing mail is failing: %s emails waiting, the oldest since %s. Last error: %s",
                alert.count,
                alert.since.isoformat(),
                alert.last_error,
            )
    return state


# --- The operator alert ------------------------------------------------------------------------

ALERT_CACHE_KEY = "notifications:outbox-alert"
# The sweep renews it every 20 s; if the sweep itself stops, the alert fades rather than lying.
ALERT_CACHE_SECONDS = 15 * 60


@dataclass(frozen=True)
class OutboxAlert:
    """Emails failed again and again and still waiting: our server, or our way to it, needs a person."""

    count: int
    since: datetime
    last_error: str


def _outbox_trouble() -> OutboxAlert | None:
    troubled = OutboundEmail.objects.filter(
        state=OutboundEmail.State.PENDING,
        attempts__gte=settings.OUTBOX_ALERT_AFTER_ATTEMPTS,
    ).exclude(last_error="")
    figures = troubled.aggregate(count=Count("pk"), since=Min("created_at"))
    if not figures["count"]:
        return None
    last_error = troubled.order_by("-next_attempt_at").values_list("last_error", flat=True).first() or ""
    return OutboxAlert(count=figures["count"], since=figures["since"], last_error=last_error[:300])


def outbox_alert_refresh() -> OutboxAlert | None:
    """Work out whether mail is stuck and keep the answer where every desk page can read it for free."""
    alert = _outbox_trouble()
    if alert is None:
        cache.delete(ALERT_CACHE_KEY)
    else:
        cache.set(ALERT_CACHE_KEY, alert, ALERT_CACHE_SECONDS)
    return alert


def outbox_alert() -> OutboxAlert | None:
    value = cache.get(ALERT_CACHE_KEY)
    return value if isinstance(value, OutboxAlert) else None


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    """Rows to send now, after reclaiming rows whose worker died mid-send.

    A row whose task is already waiting in the queue is not queued again: under a backlog
    the sweep would otherwise pile up tasks that find nothing left to do.
    """
    now = timezone.now()
    OutboundEmail.objects.filter(
        state=OutboundEmail.State.SENDING,
        claimed_at__lt=now - settings.OUTBOX_CLAIM_TIMEOUT,
    ).update(state=OutboundEmail.State.PENDING, claimed_at=None, next_attempt_at=now)
    return list(
        OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING, next_attempt_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - settings.OUTBOX_REQUEUE_AFTER))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_release(*, outbox_id: int) -> bool:
    """Send a held email now rather than at its scheduled time."""
    released = OutboundEmail.objects.filter(
        Q(pk=outbox_id),
        state=OutboundEmail.State.PENDING,
        next_attempt_at__gt=timezone.now(),
    ).update(next_attempt_at=timezone.now(), held_reason="")
    if released:
        transaction.on_commit(lambda: outbox_enqueue(outbox_id=outbox_id))
    return bool(released)


def outbox_cancel(*, outbox_id: int, reason: str) -> bool:
    return bool(
        OutboundEmail.objects.filter(pk=outbox_id, state=OutboundEmail.State.PENDING).update(
            state=OutboundEmail.State.CANCELLED,
            last_error=f"Cancelled: {reason}"[:2000],
        )
    )
