"""Keeping tickets in order: tags, followers and the customer contacts in copy.

Each change writes an internal timeline entry in the same transaction, naming
what was added and removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Contact
from desk.models import Tag, TicketFollower, TicketTag
from tickets.models import Ticket, TicketEvent
from tickets.services import event_record

TAG_MAX = 40
NOT_A_TAG_CHARACTER = re.compile(r"[^a-z0-9]+")


def tag_clean(name: str) -> str:
    """A tag as the desk keeps it: lower case, letters and digits joined by single hyphens."""
    cleaned = NOT_A_TAG_CHARACTER.sub("-", name.strip().lower()).strip("-")
    if not cleaned:
        raise ValidationError({"tags": _("“%(name)s” has no letters or digits to make a tag of.") % {"name": name}})
    if len(cleaned) > TAG_MAX:
        raise ValidationError({"tags": _("Tags are at most %(max)d characters.") % {"max": TAG_MAX}})
    return cleaned


def tags_parse(text: str) -> list[str]:
    """Tags typed in one box, separated by commas or spaces, cleaned and without repeats."""
    return list(dict.fromkeys(tag_clean(part) for part in re.split(r"[,\s]+", text) if part.strip()))


def _staff(actor: User) -> None:
    if not actor.is_support_staff:
        raise PermissionError("Only support staff keep tickets in order.")


@transaction.atomic
def ticket_tags_set(*, ticket: Ticket, names: Iterable[str], actor: User) -> tuple[list[str], list[str]]:
    """Make the ticket's tags exactly ``names``; returns (added, removed)."""
    _staff(actor)
    wanted = list(dict.fromkeys(tag_clean(name) for name in names))
    current = dict(TicketTag.objects.filter(ticket=ticket).values_list("tag__name", "pk"))
    added = [name for name in wanted if name not in current]
    removed = [name for name in current if name not in wanted]
    if removed:
        TicketTag.objects.filter(pk__in=[current[name] for name in removed]).delete()
    for name in added:
        tag, _created = Tag.objects.get_or_create(name=name)
        TicketTag.objects.create(ticket=ticket, tag=tag, added_by=actor)
    if added or removed:
        event_record(
            ticket=ticket,
            kind=TicketEvent.Kind.FIELDS,
            actor=actor,
            is_public=False,
            before={"tags": sorted(current)},
            after={"tags": sorted(wanted), "added": added, "removed": removed},
        )
    return added, removed


@transaction.atomic
def ticket_tags_add(*, ticket: Ticket, names: Iterable[str], actor: User) -> list[str]:
    current = list(TicketTag.objects.filter(ticket=ticket).values_list("tag__name", flat=True))
    added, _removed = ticket_tags_set(ticket=ticket, names=[*current, *names], actor=actor)
    return added


def tags_of(*, ticket: Ticket) -> list[str]:
    return list(TicketTag.objects.filter(ticket=ticket).values_list("tag__name", flat=True).order_by("tag__name"))


def tags_all() -> QuerySet[Tag]:
    """Every tag in use, for the autocomplete that keeps agents from spelling one three ways."""
    return Tag.objects.filter(ticket_links__isnull=False).distinct().order_by("name")


def ticket_follow(*, ticket: Ticket, user: User) -> bool:
    """Follow a ticket; False when already following."""
    _staff(user)
    _follower, created = TicketFollower.objects.get_or_create(ticket=ticket, user=user)
    return created


def ticket_unfollow(*, ticket: Ticket, user: User) -> bool:
    return bool(TicketFollower.objects.filter(ticket=ticket, user=user).delete()[0])


def followers_of(*, ticket: Ticket) -> list[User]:
    return [follower.user for follower in TicketFollower.objects.filter(ticket=ticket).select_related("user")]


@transaction.atomic
def ticket_cc_add(*, ticket: Ticket, contact: Contact, actor: User) -> bool:
    """Copy a contact of the ticket's organisation on it; False when already copied."""
    _staff(actor)
    if contact.organisation_id != ticket.organisation_id:
        raise ValidationError({"contact": _("Only contacts of the ticket's organisation can be copied.")})
    if ticket.cc_contacts.filter(pk=contact.pk).exists():
        return False
    ticket.cc_contacts.add(contact)
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.FIELDS,
        actor=actor,
        is_public=False,
        after={"cc_added": [contact.name]},
    )
    return True


@transaction.atomic
def ticket_cc_remove(*, ticket: Ticket, contact: Contact, actor: User) -> bool:
    _staff(actor)
    if not ticket.cc_contacts.filter(pk=contact.pk).exists():
        return False
    ticket.cc_contacts.remove(contact)
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.FIELDS,
        actor=actor,
        is_public=False,
        after={"cc_removed": [contact.name]},
    )
    return True
