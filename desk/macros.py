"""Applying a macro: a canned reply plus field changes, each recorded as the change it is."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from desk.housekeeping import tags_parse, ticket_tags_add
from desk.models import Macro
from tickets import workflow
from tickets.models import Ticket


def macros_active() -> QuerySet[Macro]:
    return Macro.objects.filter(active=True).select_related("severity", "assignee")


def macro_get(*, macro_id: int) -> Macro:
    try:
        return macros_active().get(pk=macro_id)
    except Macro.DoesNotExist as exc:
        raise Http404 from exc


@transaction.atomic
def macro_apply(*, ticket: Ticket, macro: Macro, actor: User) -> list[str]:
    """Apply every part of the macro, all or nothing; returns what was done, for the message.

    Each part goes through the service an agent's own click would use, so the timeline shows the
    reply, the severity (with the macro's reason), the status, the assignee and the tags one by one,
    and a status the ticket cannot take refuses the whole macro.
    """
    if not actor.is_support_staff:
        raise PermissionError("Only support staff apply macros.")
    done: list[str] = []
    if macro.reply.strip():
        workflow.comment_add(ticket=ticket, author=actor, body=macro.reply)
        done.append("reply")
    if macro.severity is not None and macro.severity_id != ticket.severity_id:
        workflow.ticket_severity_change(ticket=ticket, actor=actor, severity=macro.severity, reason=macro.severity_reason)
        done.append("severity")
    if macro.status and macro.status != ticket.status:
        workflow.ticket_status_change(ticket=ticket, actor=actor, status=macro.status, reason=macro.title)
        done.append("status")
    if macro.assign:
        chosen: dict[str, User | None] = {Macro.Assign.ME: actor, Macro.Assign.NOBODY: None}
        assignee = chosen.get(macro.assign, macro.assignee)
        workflow.ticket_assign(ticket=ticket, actor=actor, assignee=assignee)
        done.append("assignee")
    if macro.tags.strip():
        ticket_tags_add(ticket=ticket, names=tags_parse(macro.tags), actor=actor)
        done.append("tags")
    return done
