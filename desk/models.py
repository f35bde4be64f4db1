"""What the desk adds around tickets: canned replies and links between tickets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


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
            models.CheckConstraint(condition=~Q(from_ticket=F("to_ticket")), name="ticket_link_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.from_ticket_id} {self.kind} {self.to_ticket_id}"
