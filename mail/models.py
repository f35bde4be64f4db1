"""The email channel: every message received, and the Message-IDs of the ticket mail we sent.

An inbound message is stored, raw and whole, before anything else happens to it: the
SMTP intake answers 250 only after the row is committed, and IMAP marks a message
only then. Processing claims the row and records its outcome in one transaction,
so a worker that dies mid-way leaves the row as it was, to be processed again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InboundMessage(models.Model):
    class Via(models.TextChoices):
        SMTP = "smtp", _("SMTP intake")
        IMAP = "imap", _("IMAP mailbox")
        PIPE = "pipe", _("mail_in (pipe)")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be processed")
        DONE = "done", _("Processed")

    class Outcome(models.TextChoices):
        ATTACHED = "attached", _("Attached to a ticket")
        AGENT_REPLY = "agent_reply", _("Agent reply on a ticket")
        NEW_TICKET = "new_ticket", _("New ticket")
        UNKNOWN_SENDER = "unknown_sender", _("Unknown sender")
        LINKED = "linked", _("Unknown sender, linked to an organisation")
        ANSWERED = "answered", _("Unknown sender, answered")
        DISCARDED = "discarded", _("Discarded")
        ESCALATION = "escalation", _("Customer escalation")
        AUTO_REPLY = "auto_reply", _("Auto-reply")
        BOUNCE = "bounce", _("Bounce")
        HELD = "held", _("Held (too many messages)")
        REFUSED = "refused", _("Refused")

    message_id = models.CharField(
        _("Message-ID"),
        max_length=255,
        unique=True,
        help_text=_("The message's own Message-ID (or a digest of it when it has none): the unit of “processed once”."),
    )
    via = models.CharField(_("received by"), max_length=8, choices=Via.choices)
    envelope_from = models.CharField(_("envelope sender"), max_length=320, blank=True)
    envelope_to = models.JSONField(_("envelope recipients"), default=list, blank=True)
    from_address = models.CharField(_("from"), max_length=320, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    raw = models.BinaryField(_("original message"))
    size = models.PositiveIntegerField(_("size"), default=0)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("ticket"),
    )
    comment = models.ForeignKey(
        "tickets.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("comment"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
        help_text=_("The agent who linked, answered or discarded an unknown sender's mail."),
    )

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The sweep's "what is still waiting" question: only unprocessed rows.
            models.Index(fields=["received_at"], name="inbound_pending", condition=Q(state="pending")),
            # The desk's list of unknown senders and held mail.
            models.Index(
                fields=["outcome", "-received_at"],
                name="inbound_for_desk",
                condition=Q(outcome__in=["unknown_sender", "held"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject or self.message_id} ← {self.from_address}"


class ThreadMessage(models.Model):
    """One ticket mail we sent: its Message-ID, the ticket and the recipient.

    It threads the next mail to the same person under it (In-Reply-To, References),
    and a reply naming it in References from a participant joins the ticket.
    """

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    recipient = models.EmailField(_("recipient"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sent ticket mail")
        verbose_name_plural = _("sent ticket mail")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "recipient", "created_at"], name="thread_by_recipient")]

    def __str__(self) -> str:
        return self.message_id
