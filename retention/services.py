"""The retention policy: closed tickets lose their personal data (or are deleted) after N days, one organisation at a time.

``retention_plan`` is the dry run: what ``retention_apply`` would touch, changing nothing.
Both take the organisation and never read or write another's rows. Changes go through the
audited models, so the audit trail records each ticket's change (or deletion) as the
"Retention policy"'s. Pseudonymising keeps the ticket (number, type, status, severity, dates,
summary, timeline) and removes the description, the form's answers, the comments' text, the
copied contacts and the files; deleting removes the ticket with all of it. A proactive notice's
ticket is part of the notice's record, so it is pseudonymised even where the policy deletes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.context import acting_as
from customers.models import Organisation
from retention.models import RetentionPolicy
from tickets.models import Attachment, Comment, Ticket

REMOVED = "[removed by the retention policy]"
MARK = "_retention"  # the key left in a pseudonymised ticket's details, so it is not handled twice
ACTOR = "Retention policy"


@dataclass
class RetentionPlan:
    organisation: Organisation
    action: str
    cutoff: datetime
    pseudonymise: list[str] = field(default_factory=list)  # ticket references
    delete: list[str] = field(default_factory=list)
    comments: int = 0
    attachments: int = 0

    @property
    def tickets(self) -> int:
        return len(self.pseudonymise) + len(self.delete)


def _policy_of(organisation: Organisation) -> RetentionPolicy | None:
    return RetentionPolicy.objects.filter(organisation=organisation, active=True).first()


def _due(*, organisation: Organisation, policy: RetentionPolicy, now: datetime) -> QuerySet[Ticket]:
    cutoff = now - timedelta(days=policy.closed_for_days)
    return (
        Ticket.objects.filter(organisation=organisation, status=Ticket.Status.CLOSED, closed_at__lte=cutoff)
        .exclude(details__has_key=MARK)
        .order_by("number")
    )


def retention_plan(*, organisation: Organisation, now: datetime | None = None) -> RetentionPlan | None:
    """What the policy would do now (the dry run); None when the organisation has no active policy."""
    policy = _policy_of(organisation)
    if policy is None:
        return None
    now = now or timezone.now()
    due = list(_due(organisation=organisation, policy=policy, now=now).values("pk", "number", "notice"))
    plan = RetentionPlan(organisation=organisation, action=policy.action, cutoff=now - timedelta(days=policy.closed_for_days))
    for row in due:
        reference = f"{settings.TICKET_PREFIX}-{row['number']}"
        deletes = policy.action == RetentionPolicy.Action.DELETE and row["notice"] is None
        (plan.delete if deletes else plan.pseudonymise).append(reference)
    ids = [row["pk"] for row in due]
    plan.comments = Comment.objects.filter(ticket__organisation=organisation, ticket__in=ids).count()
    plan.attachments = Attachment.objects.filter(ticket__organisation=organisation, ticket__in=ids).count()
    return plan


def _files_remove(attachments: QuerySet[Attachment]) -> None:
    for attachment in attachments:
        assert attachment.file.name is not None  # the file field is required: every attachment has one
        # After commit: a rolled-back run must not have lost the files.
        transaction.on_commit(functools.partial(attachment.file.storage.delete, attachment.file.name))


@transaction.atomic
def retention_apply(*, organisation: Organisation, now: datetime | None = None) -> RetentionPlan | None:
    """Do what ``retention_plan`` says, in one transaction; the plan that was carried out."""
    plan = retention_plan(organisation=organisation, now=now)
    if plan is None or not plan.tickets:
        return plan
    numbers = [int(reference.rsplit("-", 1)[1]) for reference in plan.pseudonymise + plan.delete]
    tickets = {t.reference: t for t in Ticket.objects.select_for_update().filter(organisation=organisation, number__in=numbers)}
    stamp = (now or timezone.now()).date().isoformat()
    with acting_as(label=ACTOR):
        for reference in plan.pseudonymise:
            ticket = tickets[reference]
            attachments = Attachment.objects.filter(ticket=ticket)
            _files_remove(attachments)
            attachments.delete()
            Comment.objects.filter(ticket=ticket).update(body=REMOVED)
            ticket.cc_contacts.clear()
            ticket.description = REMOVED
            ticket.details = {MARK: stamp}
            ticket.save(update_fields=["description", "details", "updated_at"])
        for reference in plan.delete:
            ticket = tickets[reference]
            _files_remove(Attachment.objects.filter(ticket=ticket))
            ticket.delete()
    return plan


def retention_apply_all(*, now: datetime | None = None, dry_run: bool = False) -> list[RetentionPlan]:
    """Every organisation with an active policy, each in a transaction of its own."""
    plans = []
    for policy in RetentionPolicy.objects.filter(active=True).select_related("organisation").order_by("organisation__name"):
        run = retention_plan if dry_run else retention_apply
        plan = run(organisation=policy.organisation, now=now)
        if plan is not None:
            plans.append(plan)
    return plans
