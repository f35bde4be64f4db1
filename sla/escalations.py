"""Warnings, breaches and escalations: what the minute tick does, and customer escalation.

The tick asks three indexed questions (``sla.selectors``) and acts on each row
it gets back in its own transaction. Before acting it locks the ticket (the
order every ticket change uses, so the tick never deadlocks with an agent) and
claims the row with a conditional UPDATE: only the worker whose UPDATE changed
the row acts, so two workers ticking at once never warn, breach or remind twice.
Mail goes through the outbox with a stable event key, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_for_recipient
from accounts.models import User
from customers.models import Contact
from notifications.services import Email, emails_queue
from sla import selectors
from sla.clocks import ACK, SLA_ACTOR, clock_record, clock_snapshot, target_for
from sla.models import Escalation, SlaClock
from tickets.models import Ticket, TicketEvent
from tickets.services import event_record

BATCH = 200
MAX_BATCHES = 25  # at most 5,000 rows of each kind per tick; the next tick takes the rest


@dataclass
class TickResult:
    breached: int = 0
    escalated: int = 0
    warned: int = 0
    reminded: int = 0


def _ticket_locked(ticket_id: int) -> Ticket:
    ticket: Ticket = (
        Ticket.objects.select_for_update(of=("self",)).select_related("organisation__tier", "severity", "assignee").get(pk=ticket_id)
    )
    return ticket


def _desk_url(ticket: Ticket) -> str:
    return f"{settings.SITE_URL}{reverse('desk:ticket', kwargs={'number': ticket.number})}"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def _staff(role: str) -> list[User]:
    return list(User.objects.filter(role=role, is_active=True).order_by("pk"))


def _mail(*, event_key: str, addresses: Iterable[str], subject: str, body: str, ticket: Ticket | None = None) -> int:
    unique = list(dict.fromkeys(address.strip().lower() for address in addresses if address and address.strip()))
    emails = [Email(recipient=address, subject=subject, body_text=body) for address in unique]
    if ticket is not None:  # a ticket's mail: its reply address, its thread, Auto-Submitted
        from notifications.threads import ticket_emails_queue

        return len(ticket_emails_queue(ticket_id=ticket.pk, number=ticket.number, event_key=event_key, emails=emails))
    return len(emails_queue(event_key=event_key, emails=emails))


def _escalation_addresses(ticket: Ticket) -> list[str]:
    addresses = [lead.email for lead in _staff(User.Role.LEAD)]
    if ticket.organisation.escalation_email:
        addresses.append(ticket.organisation.escalation_email)
    if ticket.assignee is not None and ticket.assignee.is_active:
        addresses.append(ticket.assignee.email)
    return addresses


def _escalation_mail(escalation: Escalation, *, number: int) -> int:
    """The escalation (number 0) and each reminder after it, to the leads and the escalation address."""
    ticket = escalation.ticket
    severity = ticket.severity.name if ticket.severity is not None else "—"
    if escalation.kind == Escalation.Kind.CUSTOMER:
        addresses = [lead.email for lead in _staff(User.Role.LEAD)]
        headline = _("%(organisation)s escalated %(reference)s") % {
            "organisation": ticket.organisation.name,
            "reference": ticket.reference,
        }
        detail = _("Description: %(description)s\nEnvironment: %(environment)s\nWhy: %(why)s") % {
            "description": escalation.description,
            "environment": escalation.environment,
            "why": escalation.justification,
        }
    else:
        addresses = _escalation_addresses(ticket)
        headline = _("%(reference)s breached its acknowledgement window") % {"reference": ticket.reference}
        detail = escalation.reason
    prefix = _("Reminder %(number)d: ") % {"number": number} if number else ""
    subject = f"{prefix}{headline} ({severity}, {ticket.organisation.name})"
    body = "\n\n".join(
        [
            f"{ticket.reference} · {ticket.summary}",
            detail,
            _("Nobody has acknowledged this escalation yet; a reminder follows every %(interval)s until someone does.")
            % {"interval": ticket.organisation.tier.escalation_reminder_interval},
            _desk_url(ticket),
        ]
    )
    return _mail(
        event_key=f"escalation:{escalation.pk}:{number}",
        addresses=addresses,
        subject=subject,
        body=body,
        ticket=ticket,
    )


# --- The tick ------------------------------------------------------------------------------------


@transaction.atomic
def clock_breach(*, clock_id: int, ticket_id: int, now: datetime) -> str | None:
    """Mark one due clock breached and escalate it when its target allows.

    Returns "escalated", "breached", or None when another worker had it.
    """
    ticket = _ticket_locked(ticket_id)
    claimed = SlaClock.objects.filter(
        pk=clock_id,
        state=SlaClock.State.RUNNING,
        breached_at__isnull=True,
        due_at__lte=now,
    ).update(breached_at=F("due_at"), warned_at=Coalesce(F("warned_at"), Value(now)), updated_at=now)
    if claimed != 1:
        return None
    clock = SlaClock.objects.select_related("target_calendar", "target_severity", "target_tier").get(pk=clock_id)
    clock.ticket = ticket
    before = {**clock_snapshot(clock), "breached_at": None}
    promised = clock.target_duration if clock.has_terms else "—"
    eligible = clock.metric == ACK and clock.has_terms and clock.target_escalation_eligible
    if clock.metric == ACK:
        reason = _("Breached: not acknowledged within %(target)s.") % {"target": promised}
    else:
        reason = _("Breached: no update within %(target)s.") % {"target": promised}
    if not eligible and clock.metric == ACK:
        reason += " " + _("This severity is not eligible for escalation.")
    clock_record(clock, before=before, reason=reason)
    if not eligible:
        return "breached"

    interval = ticket.organisation.tier.escalation_reminder_interval
    escalation = Escalation.objects.create(
        ticket=ticket,
        clock=clock,
        kind=Escalation.Kind.AUTOMATIC,
        reason=reason,
        created_at=now,
        next_reminder_at=now + interval,
    )
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.ESCALATED,
        actor_label=SLA_ACTOR,
        is_public=False,
        after={"escalation": escalation.pk, "kind": escalation.kind, "next_reminder_at": _iso(escalation.next_reminder_at)},
        reason=_("Escalated to the support leads: the acknowledgement window was breached."),
    )
    _escalation_mail(escalation, number=0)
    return "escalated"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def clock_warn(*, clock_id: int, ticket_id: int, now: datetime) -> bool:
    """Tell the assignee (or every agent when nobody has the ticket) that a deadline nears."""
    ticket = _ticket_locked(ticket_id)
    claimed = SlaClock.objects.filter(
        pk=clock_id,
        state=SlaClock.State.RUNNING,
        warned_at__isnull=True,
        warn_at__lte=now,
    ).update(warned_at=now, updated_at=now)
    if claimed != 1:
        return False
    clock = SlaClock.objects.select_related("target_calendar", "target_severity", "target_tier").get(pk=clock_id)
    clock.ticket = ticket
    before = {**clock_snapshot(clock), "warned_at": None}
    percent = clock.target_warn_percent if clock.has_terms else 75
    reason = _("Warning: %(percent)d %% of the target has passed; due %(due)s.") % {
        "percent": percent,
        "due": _when(clock.due_at),
    }
    clock_record(clock, before=before, reason=reason)
    if ticket.assignee is not None and ticket.assignee.is_active:
        addresses = [ticket.assignee.email]
    else:
        addresses = [agent.email for agent in _staff(User.Role.AGENT)]
    what = _("acknowledgement") if clock.metric == ACK else _("next update")
    subject = _("%(reference)s: %(what)s due %(due)s") % {
        "reference": ticket.reference,
        "what": what,
        "due": _when(clock.due_at),
    }
    body = "\n\n".join([f"{ticket.reference} · {ticket.summary}", reason, _desk_url(ticket)])
    stamp = clock.warn_at.strftime("%Y%m%dT%H%M%S") if clock.warn_at else "none"
    _mail(
        event_key=f"sla-warn:{clock.pk}:{clock.metric}:{stamp}",
        addresses=addresses,
        subject=subject,
        body=body,
        ticket=ticket,
    )
    return True


@transaction.atomic
def escalation_remind(*, escalation_id: int, ticket_id: int, now: datetime) -> bool:
    """Send the next reminder of an unacknowledged escalation, and schedule the one after."""
    ticket = _ticket_locked(ticket_id)
    escalation = Escalation.objects.get(pk=escalation_id)
    due = escalation.next_reminder_at
    if due is None or due > now or escalation.acknowledged_at is not None:
        return False
    if not ticket.is_open:
        Escalation.objects.filter(pk=escalation_id, next_reminder_at=due).update(next_reminder_at=None)
        return False
    interval = ticket.organisation.tier.escalation_reminder_interval
    following = due + interval
    if following <= now:  # the tick was away for a while: do not fire a burst
        following = now + interval
    claimed = Escalation.objects.filter(
        pk=escalation_id,
        acknowledged_at__isnull=True,
        next_reminder_at=due,
    ).update(next_reminder_at=following, reminders_sent=F("reminders_sent") + 1)
    if claimed != 1:
        return False
    escalation.refresh_from_db()
    escalation.ticket = ticket
    sent = _escalation_mail(escalation, number=escalation.reminders_sent)
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.NOTIFIED,
        actor_label=SLA_ACTOR,
        is_public=False,
        before={"next_reminder_at": _iso(due)},
        after={
            "escalation": escalation.pk,
            "reminder": escalation.reminders_sent,
            "recipients": sent,
            "next_reminder_at": _iso(following),
        },
        reason=_("Escalation reminder %(number)d sent.") % {"number": escalation.reminders_sent},
    )
    return True


def sla_tick(*, now: datetime | None = None, batch: int = BATCH) -> TickResult:
    """One pass: breaches first (a breach also counts as the warning), then warnings, then reminders."""
    now = now or timezone.now()
    result = TickResult()
    for _round in range(MAX_BATCHES):
        due = list(selectors.clocks_due_for_breach(now=now).values_list("pk", "ticket_id")[:batch])
        for clock_id, ticket_id in due:
            outcome = clock_breach(clock_id=clock_id, ticket_id=ticket_id, now=now)
            result.breached += outcome is not None
            result.escalated += outcome == "escalated"
        if len(due) < batch:
            break
    for _round in range(MAX_BATCHES):
        due = list(selectors.clocks_due_for_warning(now=now).values_list("pk", "ticket_id")[:batch])
        for clock_id, ticket_id in due:
            result.warned += clock_warn(clock_id=clock_id, ticket_id=ticket_id, now=now)
        if len(due) < batch:
            break
    for _round in range(MAX_BATCHES):
        due = list(selectors.escalations_due_for_reminder(now=now).values_list("pk", "ticket_id")[:batch])
        for escalation_id, ticket_id in due:
            result.reminded += escalation_remind(escalation_id=escalation_id, ticket_id=ticket_id, now=now)
        if len(due) < batch:
            break
    return result


# --- Acknowledging and raising escalations -------------------------------------------------------


def escalations_acknowledge(
    *,
    ticket: Ticket,
    actor: User | None,
    now: datetime | None = None,
    automatic_only: bool = False,
) -> int:
    """Someone acted: the ticket's open escalations stop reminding. In the caller's transaction."""
    now = now or timezone.now()
    open_escalations = Escalation.objects.filter(ticket=ticket, acknowledged_at__isnull=True)
    if automatic_only:
        open_escalations = open_escalations.filter(kind=Escalation.Kind.AUTOMATIC)
    ids = list(open_escalations.values_list("pk", flat=True))
    if not ids:
        return 0
    count = Escalation.objects.filter(pk__in=ids, acknowledged_at__isnull=True).update(
        acknowledged_at=now,
        acknowledged_by=actor,
        next_reminder_at=None,
    )
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.ESCALATED,
        actor=actor,
        actor_label="" if actor else SLA_ACTOR,
        is_public=False,
        before={"open_escalations": ids},
        after={"open_escalations": []},
        reason=_("Escalation acknowledged: reminders stop."),
    )
    return count


@transaction.atomic
def escalation_acknowledge(*, ticket: Ticket, actor: User) -> int:
    """A lead or agent takes the escalation in hand (without necessarily acknowledging the ticket)."""
    if not actor.is_support_staff:
        raise ValidationError(_("Only support can acknowledge an escalation."))
    list(Ticket.objects.select_for_update(of=("self",)).filter(pk=ticket.pk))
    return escalations_acknowledge(ticket=ticket, actor=actor)


def escalation_refusal(ticket: Ticket, *, customer_escalations: list[Escalation] | None = None) -> str:
    """Why this ticket cannot be escalated by the customer now; empty when it can.

    ``customer_escalations``, all of the ticket's customer escalations already read, spares a query.
    """
    if not ticket.is_open:
        return _("Only an open request can be escalated.")
    if ticket.severity_id is None:
        return _("Only a request with a severity can be escalated.")
    # The clock holds what was promised when it started; a ticket without one asks the target in force.
    clock = SlaClock.objects.filter(ticket=ticket, metric=ACK).first()
    if clock is not None:
        eligible = clock.has_terms and clock.target_escalation_eligible
    else:
        target = target_for(ticket=ticket, metric=ACK)
        eligible = target is not None and target.escalation_eligible
    if not eligible:
        return _("Requests of this severity are not eligible for escalation under your support plan.")
    if customer_escalations is not None:
        escalated = any(escalation.acknowledged_at is None for escalation in customer_escalations)
    else:
        escalated = Escalation.objects.filter(ticket=ticket, kind=Escalation.Kind.CUSTOMER, acknowledged_at__isnull=True).exists()
    if escalated:
        return _("This request is already escalated; a support lead will be in touch.")
    return ""


@transaction.atomic
def escalation_raise(
    *,
    ticket: Ticket,
    user: User | None,
    description: str,
    environment: str,
    justification: str,
    contact: Contact | None = None,
) -> Escalation:
    """A customer brings the ticket to a support lead, saying why. The target does not change.

    The customer is a user, or a contact of the ticket's organisation escalating by mail without a login.
    """
    if (user is None) == (contact is None) or (contact is not None and contact.organisation_id != ticket.organisation_id):
        raise ValueError("a user or a contact of the ticket's organisation escalates, not both")
    errors = {}
    for field, value, message in (
        ("description", description, _("Describe the problem.")),
        ("environment", environment, _("Say which environment is affected.")),
        ("justification", justification, _("Say why you escalate.")),
    ):
        if not value.strip():
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    locked = _ticket_locked(ticket.pk)
    refusal = escalation_refusal(locked)
    if refusal:
        raise ValidationError(refusal)
    now = timezone.now()
    escalation = Escalation.objects.create(
        ticket=locked,
        kind=Escalation.Kind.CUSTOMER,
        created_by=user,
        created_at=now,
        description=description.strip(),
        environment=environment.strip(),
        justification=justification.strip(),
        next_reminder_at=now + locked.organisation.tier.escalation_reminder_interval,
    )
    leads = _staff(User.Role.LEAD)
    event_record(
        ticket=locked,
        kind=TicketEvent.Kind.ESCALATED,
        actor=user,
        actor_label=contact.name if contact else "",
        is_public=True,
        after={
            "escalation": escalation.pk,
            "kind": escalation.kind,
            "environment": escalation.environment,
            "sent_to": [lead.get_full_name() for lead in leads],
        },
        reason=escalation.justification,
    )
    _escalation_mail(escalation, number=0)
    _escalation_confirmation_mail(escalation, user=user, contact=contact, leads=leads)
    Ticket.objects.filter(pk=locked.pk).update(updated_at=now)
    return escalation


def _escalation_confirmation_mail(escalation: Escalation, *, user: User | None, contact: Contact | None, leads: list[User]) -> int:
    """The customer who escalated (a user, or a contact by mail) hears that it arrived, and to whom, in their language."""
    ticket = escalation.ticket
    person = user if user is not None else contact
    assert person is not None
    name = user.get_full_name() if user is not None else contact.name if contact is not None else ""
    language = language_for_recipient(own=person.language, organisation=ticket.organisation.language)
    with translation.override(language):
        context = {
            "ticket": ticket,
            "escalation": escalation,
            "recipient_name": name,
            "leads": [lead.get_full_name() for lead in leads],
            "vendor": settings.VENDOR_NAME,
            "link": settings.SITE_URL + reverse("portal:ticket", kwargs={"number": ticket.number}),
        }
        email = Email(
            recipient=person.email,
            subject=_("[%(reference)s] Your escalation reached a support lead") % {"reference": ticket.reference},
            body_text=render_to_string("email/escalation_confirmed.txt", context),
            body_html=render_to_string("email/escalation_confirmed.html", context),
            language=language,
        )
    return len(emails_queue(event_key=f"escalation-confirmed:{escalation.pk}", emails=[email]))


def escalation_panel_for(ticket: Ticket) -> dict[str, object]:
    """What the customer sees of escalation on a ticket they may see: the latest customer
    escalation (the "Escalated" mark, its justification and who received it), and either
    the way to escalate or the reason there is none."""
    # Who escalated is read only for a ticket that was escalated (the latest one shows it): most never are.
    escalations = list(Escalation.objects.filter(ticket=ticket, kind=Escalation.Kind.CUSTOMER).order_by("-created_at"))
    escalation = escalations[0] if escalations else None
    sent_to: list[str] = []
    if escalation is not None:
        event = TicketEvent.objects.filter(
            ticket=ticket,
            kind=TicketEvent.Kind.ESCALATED,
            after__escalation=escalation.pk,
        ).first()
        sent_to = list((event.after or {}).get("sent_to", [])) if event else []
    return {"escalation": escalation, "sent_to": sent_to, "refusal": escalation_refusal(ticket, customer_escalations=escalations)}
