"""One narrow row per ticket holding exactly what the SLA report counts.

The report reads a period's tickets by filing time; joining each of them to its
acknowledgement clock, escalations and rating at a million tickets costs seconds.
So every ticket keeps its figures here, rewritten from the source rows whenever
one of them changes (``reports.figures``), and read under a covering index on
the filing time. Nothing here is ever edited by hand: a row always equals a
recomputation from the ticket, its clock, its escalations and its rating.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TicketFigures(models.Model):
    class Outcome(models.TextChoices):
        NO_TARGET = "", _("No target")
        MET = "met", _("Acknowledged within target")
        BREACHED = "breached", _("Breached")
        # Counting towards a due time: breached once it passes, read against the report's own "now".
        RUNNING = "running", _("Running")
        # Neither: paused within its window, or stopped without an acknowledgement in time.
        UNDECIDED = "undecided", _("Undecided")

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="figures")
    filed_at = models.DateTimeField()
    tier = models.ForeignKey(
        "sla.SupportTier", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "customers.Organisation", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    severity = models.ForeignKey(
        "sla.Severity", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, null=True, related_name="+"
    )
    ticket_type = models.ForeignKey(
        "tickets.TicketType", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    outcome = models.CharField(max_length=9, choices=Outcome.choices, blank=True, default=Outcome.NO_TARGET)
    due_at = models.DateTimeField(null=True)  # kept for a running clock only
    # Time to acknowledge, in seconds, for an acknowledged ticket (None otherwise).
    business_seconds = models.FloatField(null=True)
    wall_seconds = models.FloatField(null=True)
    escalations_automatic = models.PositiveIntegerField(default=0)
    escalations_customer = models.PositiveIntegerField(default=0)
    rated = models.PositiveSmallIntegerField(default=0)
    rated_good = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            # Every figure of a period from the index alone (an index-only scan).
            models.Index(
                fields=["filed_at"],
                name="reports_figures_filed_cover",
                include=[
                    "tier",
                    "organisation",
                    "severity",
                    "ticket_type",
                    "outcome",
                    "due_at",
                    "business_seconds",
                    "wall_seconds",
                    "escalations_automatic",
                    "escalations_customer",
                    "rated",
                    "rated_good",
                ],
            ),
            # The breach list: the latest filed broken promises of a period, without reading the kept ones.
            models.Index(fields=["filed_at"], name="reports_figures_breach_list", condition=Q(outcome__in=["breached", "running"])),
        ]

    def __str__(self) -> str:
        return f"figures of ticket {self.ticket_id}"
