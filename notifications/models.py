"""The durable email outbox.

Every email is first a row, written in the same transaction as the change that
caused it. A worker claims the row with a conditional update, sends it, and
records the outcome; a periodic sweep finds rows whose task was lost. The pair
(event key, recipient) is unique, so one event never mails one person twice.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    event_key = models.CharField(
        _("event"),
        max_length=200,
        help_text=_("What caused this email, for example ticket-created:1042."),
    )
    recipient = models.EmailField(_("recipient"), help_text=_("The To address; the unit of “never twice”."))
    cc = models.JSONField(_("cc"), default=list, blank=True)
    header_to = models.JSONField(
        _("shown as To"),
        default=list,
        blank=True,
        help_text=_("For one copy of a message addressed to several people: the To header. The copy goes only to the recipient."),
    )
    header_cc = models.JSONField(_("shown as Cc"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    headers = models.JSONField(
        _("other headers"),
        default=dict,
        blank=True,
        help_text=_("Headers the sender asked for, such as List-Unsubscribe; checked when queued."),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt"),
        default=timezone.now,
        help_text=_("Not sent before this time: a retry's backoff, or mail held for business hours."),
    )
    held_reason = models.CharField(_("held because"), max_length=200, blank=True)
    enqueued_at = models.DateTimeField(
        _("handed to the broker"),
        null=True,
        blank=True,
        help_text=_("Set while a send task waits in the queue; cleared when a worker claims the row."),
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event_key", "recipient"], name="outbox_once_per_event_and_recipient"),
        ]
        indexes = [
            # The sweep's "what is due" question, kept small: only unsent rows.
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_due",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["claimed_at"], name="outbox_sending_claimed", condition=Q(state="sending")),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"


class TypedAddressMail(models.Model):
    """One request to mail an address somebody typed into a form, and whether it was let through.

    A public form that mails the address it is given (a status-page confirmation, a
    password reset, an invitation, a signed link) would let anyone flood a stranger
    through our mail server. Each such request is a row: the limits count these rows,
    and a refused one (``refused_because`` set) stays as the record of what was not
    sent, for the desk to see. Nothing is queued in the outbox for a refusal.
    """

    class Refusal(models.TextChoices):
        ADDRESS = "address", _("Too many mails to this address today")
        CLIENT = "client", _("Too many requests from this client")
        REPEAT = "repeat", _("The same mail was sent less than an hour ago")

    purpose = models.CharField(_("form"), max_length=40, help_text=_("Which form asked, e.g. status-subscribe."))
    recipient = models.EmailField(_("address typed"))
    client = models.CharField(_("client address"), max_length=64, blank=True)
    key = models.CharField(
        _("same mail as"),
        max_length=64,
        blank=True,
        help_text=_("What makes two requests the same mail, e.g. the components chosen for a subscription."),
    )
    refused_because = models.CharField(_("refused because"), max_length=16, choices=Refusal.choices, blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)

    class Meta:
        verbose_name = _("mail to a typed address")
        verbose_name_plural = _("mails to typed addresses")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["purpose", "recipient", "created_at"], name="typed_mail_per_address"),
            models.Index(fields=["client", "created_at"], name="typed_mail_per_client"),
            models.Index(fields=["-created_at"], name="typed_mail_refused_recent", condition=~Q(refused_because="")),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.recipient}"
