"""One narrow row per ticket holding exactly what the SLA report counts.

The report reads a period's tickets by filing time; joining each of them to its
acknowledgement clock, escalations and rating at a million tickets costs seconds.
So every ticket keeps its figures here, rewritten from the source rows whenever
one of them changes (``reports.figures``), and read under a covering index on
the filing time. Nothing here is ever edited by hand: a row always equals a
recomputation from the ticket, its clock, its escalations and its rating.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
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
            # The clocks still running, whose breach the report decides against its own "now".
            models.Index(
                fields=["filed_at"],
                name="reports_figures_running",
                include=["tier", "organisation", "severity", "ticket_type", "due_at"],
                condition=Q(outcome="running"),
            ),
        ]

    def __str__(self) -> str:
        return f"figures of ticket {self.ticket_id}"


class FiguresDay(models.Model):
    """The kept figures of one UTC day's tickets in one group of one breakdown (PostgreSQL only).

    A quarter at a million tickets is 125,000 figures rows; the same quarter is ~90 days of
    cells per group. The counts add up across cells, and each cell keeps its acknowledged
    tickets' business and wall seconds as sorted arrays, so an exact p50/p90 over any set of
    cells is a k-th smallest selection across sorted runs (``reports.ranks``), no sort.

    A cell is never written by Python: statement triggers on the figures table add each
    inserted, updated or deleted figures row to its four cells (one per breakdown) in the
    same statement (``reports.rollup``), whichever code wrote the row, so the cells always
    equal a recomputation from the figures rows. ``key`` is the group's id, 0 for none (no
    tier, no severity).
    """

    kind = models.CharField(max_length=12)  # tier, organisation, severity or ticket_type
    day = models.DateField()
    key = models.IntegerField()
    filed = models.IntegerField(default=0)
    with_target = models.IntegerField(default=0)
    met = models.IntegerField(default=0)
    breached = models.IntegerField(default=0)  # marked breached; running clocks are read from their rows
    acknowledged = models.IntegerField(default=0)
    escalations_automatic = models.IntegerField(default=0)
    escalations_customer = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rated_good = models.IntegerField(default=0)
    business = ArrayField(models.FloatField(), default=list)  # sorted
    wall = ArrayField(models.FloatField(), default=list)  # sorted

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "day", "key"], name="reports_figuresday_cell")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} on {self.day}"
