"""What the desk adds around tickets: canned replies, links between tickets, tags and followers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _ticket_statuses() -> list[tuple[str, StrOrPromise]]:
    from tickets.models import Ticket

    return list(Ticket.Status.choices)


class CannedReply(models.Model):
    """A prepared answer agents pick to prefill the reply box; managed in the admin."""

    title = models.CharField(_("title"), max_length=120, unique=True)
    body = models.TextField(_("body"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TicketLink(models.Model):
    """Two tickets that belong together: related, or one a duplicate of the other.

    Stored once, from the ticket where the agent made the link; both tickets'
    timelines record it and both pages list it.
    """

    class Kind(models.TextChoices):
        RELATED = "related", _("Related")
        DUPLICATE = "duplicate", _("Duplicate of")
        # The duplicate (from) was merged into the kept ticket (to): its number leads there.
        MERGED = "merged", _("Merged into")

    from_ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="links_out")
    to_ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.RELATED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["from_ticket", "to_ticket"], name="ticket_link_unique_pair"),
            models.UniqueConstraint(fields=["from_ticket"], condition=Q(kind="merged"), name="ticket_merged_once"),
            models.CheckConstraint(condition=~Q(from_ticket=F("to_ticket")), name="ticket_link_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.from_ticket_id} {self.kind} {self.to_ticket_id}"


class Tag(models.Model):
    """A free label agents put on tickets to group them; kept tidy: lower case, words joined by hyphens."""

    name = models.SlugField(_("name"), max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TicketTag(models.Model):
    """One tag on one ticket. Internal: customers never see tags."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="ticket_links")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ticket tag")
        verbose_name_plural = _("ticket tags")
        ordering = ["tag__name"]
        constraints = [models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tag_once")]
        # The queue's tag filter reads the tickets of one tag.
        indexes = [models.Index(fields=["tag", "ticket"], name="ticket_tag_by_tag")]

    def __str__(self) -> str:
        return f"{self.ticket_id} #{self.tag_id}"


class TicketFollower(models.Model):
    """An agent who wants to hear about a ticket without owning it."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_tickets")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="ticket_follower_once")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.ticket_id}"


class Macro(models.Model):
    """A canned reply plus field changes, applied to a ticket in one click; managed in the admin.

    Applied, each part is its own change on the timeline (the reply, the severity with its
    reason, the status, the assignee, the tags), exactly as if made by hand.
    """

    class Assign(models.TextChoices):
        KEEP = "", _("Leave as it is")
        ME = "me", _("The agent applying it")
        NOBODY = "nobody", _("Nobody")
        SOMEONE = "someone", _("The agent chosen below")

    title = models.CharField(_("title"), max_length=120, unique=True)
    reply = models.TextField(_("public reply"), blank=True, help_text=_("Sent to the customer; empty: no reply."))
    status = models.CharField(
        _("status"),
        max_length=20,
        blank=True,
        choices=[("", _("Leave as it is")), *[(value, label) for value, label in _ticket_statuses()]],
    )
    assign = models.CharField(_("assign to"), max_length=8, blank=True, choices=Assign.choices, default=Assign.KEEP)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
        limit_choices_to={"role__in": ["agent", "lead"]},
    )
    severity = models.ForeignKey(
        "sla.Severity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("severity"),
    )
    severity_reason = models.CharField(
        _("severity reason"),
        max_length=500,
        blank=True,
        help_text=_("Required with a severity: the customer sees it."),
    )
    tags = models.CharField(_("tags to add"), max_length=300, blank=True, help_text=_("Separated by commas."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.severity_id and not self.severity_reason.strip():
            raise ValidationError({"severity_reason": _("Say why the severity changes; the customer sees it.")})
        if self.assign == self.Assign.SOMEONE and not self.assignee_id:
            raise ValidationError({"assignee": _("Choose the agent.")})


class NotificationEvent(models.TextChoices):
    """What an agent can be told of."""

    NEW_TICKET = "new_ticket", _("A new ticket in a queue I watch")
    CUSTOMER_COMMENT = "customer_comment", _("A customer's comment on a ticket I have or follow")
    ASSIGNED = "assigned", _("A ticket assigned to me")
    MENTION = "mention", _("A colleague mentions me in a note")
    ESCALATION = "escalation", _("An escalation of a ticket I have (leads: every escalation)")
    BREACH_SOON = "breach_soon", _("A clock about to breach on my ticket")


class NotificationChannel(models.TextChoices):
    DESK = "desk", _("In the desk")
    EMAIL = "email", _("By email")
    BOTH = "both", _("Both")
    OFF = "off", _("Not at all")


class NotificationSetting(models.Model):
    """How one agent wants to hear of one kind of event; no row means the default (both)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings")
    event = models.CharField(_("event"), max_length=20, choices=NotificationEvent.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=NotificationChannel.choices, default=NotificationChannel.BOTH)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_setting_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event}: {self.channel}"


class QueueWatch(models.Model):
    """New tickets an agent wants to hear of: those matching every field set here (none set: all)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="queue_watches")
    tier = models.ForeignKey(
        "sla.SupportTier", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("tier")
    )
    severity = models.ForeignKey(
        "sla.Severity", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("severity")
    )
    organisation = models.ForeignKey(
        "customers.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("queue watch")
        verbose_name_plural = _("queue watches")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.tier_id}/{self.severity_id}/{self.organisation_id}"


class AgentNotification(models.Model):
    """One thing an agent is told of in the desk; read once they mark it so."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_notifications")
    event = models.CharField(_("event"), max_length=20, choices=NotificationEvent.choices)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("text"), max_length=300)
    source_key = models.CharField(max_length=80, help_text=_("What caused it, so that one cause notifies once."))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("desk notification")
        verbose_name_plural = _("desk notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "source_key"], name="agent_notification_once_per_cause"),
        ]
        # The header's count, polled every few seconds by every agent: unread rows only.
        indexes = [models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="agent_notification_unread")]

    def __str__(self) -> str:
        return self.text
