"""The ticket page's action forms, drawn once and shared from the cache by the agents who see the same thing.

The forms show lists that change a few times a day (the macros, the canned replies, the tags in use, the
staff one can assign and the severities) and, of the ticket, only its assignee, severity, status and tags:
each part's key is what it shows of those and the lists' version (``desk.lists``), bumped on any change to
one of them; ``supportdesk.fragments`` adds the viewer's zone and language. So one drawing serves every ticket
that shows the same: the ticket's number in the forms' addresses, and the viewer's own CSRF token, are slots
filled in for each request. Nothing else about the viewer or the ticket is in a fragment (the parts are drawn
with a stand-in ticket that has a number and nothing else).

On a hit the page reads none of those lists. Forms that came back with errors are drawn afresh, never kept.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.forms import Form, ModelChoiceField
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from desk import housekeeping, macros, selectors
from desk.forms import AssignForm, LinkForm, MergeForm, ReplyForm, SendBackForm, SeverityForm, StatusForm, TagsForm
from desk.lists import lists_version
from supportdesk.fragments import fragments_render
from tickets.models import Ticket

PARTS = ("macros", "compose", "properties", "tags", "link", "merge", "send_back")
# Which form each part draws, so that one sent back with errors takes its blank twin's place.
FORMS_OF_PART = {
    "compose": ("reply_form", "note_form"),
    "properties": ("assign_form", "severity_form", "status_form"),
    "tags": ("tags_form",),
    "link": ("link_form",),
    "merge": ("merge_form",),
    "send_back": ("send_back_form",),
}


def _slots() -> tuple[str, int]:
    """What stands for the viewer's CSRF token and for the ticket's number in a kept fragment: derived from the
    secret key, so the same in every process and not something a macro title or a canned reply could spell on
    purpose."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"desk-action-forms-slots", hashlib.sha256).hexdigest()
    return f"csrf-slot-{digest[:32]}", 10**15 + int(digest[32:44], 16)


def _blank_forms(*, ticket: Ticket, tags: list[str], reply_initial: Mapping[str, str]) -> dict[str, Form]:
    severity_form = SeverityForm(initial={"severity": ticket.severity_id})
    severity = severity_form.fields["severity"]
    assert isinstance(severity, ModelChoiceField)  # SeverityForm's severity is a choice of severities
    # A required select asks its first choice whether it is empty before drawing them all: from a list, not
    # from a second query of the severities (iter: no count query for len()).
    severity.widget.choices = list(iter(severity.choices))  # type: ignore[arg-type]  # the stubs type a field's choices wider than a ModelChoiceField's iterator
    return {
        "assign_form": AssignForm(initial={"assignee": ticket.assignee_id}),
        "severity_form": severity_form,
        "status_form": StatusForm(initial={"status": ticket.status}),
        "reply_form": ReplyForm(initial=dict(reply_initial)),
        "note_form": ReplyForm(prefix="note"),
        "send_back_form": SendBackForm(),
        "link_form": LinkForm(),
        "merge_form": MergeForm(),
        "tags_form": TagsForm(initial={"tags": ", ".join(tags)}),
    }


def ticket_action_forms(*, request: HttpRequest, ticket: Ticket, tags: list[str], bound: Mapping[str, Form]) -> dict[str, SafeString]:
    """Each part's HTML with this request's CSRF token, by part name.

    ``bound`` holds forms that came back with errors: their parts are drawn with them and not kept. A canned
    reply picked without script (``?canned=``) fills the reply box, so that view is drawn afresh too.
    """
    chosen = request.GET.get("canned", "")
    csrf_slot, number_slot = _slots()
    context: dict[str, Any] = {"ticket": {"number": number_slot}, "csrf_token": csrf_slot}
    loaded = False

    def load_lists() -> None:
        nonlocal loaded
        if loaded:
            return
        loaded = True
        canned = list(selectors.canned_replies())
        reply_initial = next(({"body": reply.body} for reply in canned if str(reply.pk) == chosen), {})
        context.update(
            canned=canned,
            macros=list(macros.macros_active()),
            known_tags=list(housekeeping.tags_all()),
            **_blank_forms(ticket=ticket, tags=tags, reply_initial=reply_initial),
        )

    template = get_template("desk/_ticket_action_forms.html")

    def render(part: str) -> str:
        load_lists()
        return str(template.render({**context, **bound, "part": part}))

    fresh = {part for part in PARTS if chosen or any(name in bound for name in FORMS_OF_PART.get(part, ()))}
    kept = [part for part in PARTS if part not in fresh]
    version = lists_version()
    shown: dict[str, tuple[object, ...]] = {
        "properties": (ticket.assignee_id, ticket.severity_id, ticket.status),
        "tags": tuple(tags),
    }
    found = fragments_render(
        name="desk-ticket-action-form",
        items=kept,
        parts=lambda part: (part, version, *shown.get(part, ())),
        render=render,
    )
    drawn: dict[str, str] = dict(zip(kept, found, strict=True))
    drawn.update({part: render(part) for part in fresh})
    token, number = get_token(request), str(ticket.number)
    # The token is letters and digits, the number digits: safe in HTML as they are.
    filled = {part: drawn[part].replace(csrf_slot, token).replace(str(number_slot), number) for part in PARTS}
    return {part: mark_safe(html) for part, html in filled.items()}  # noqa: S308 - drawn by an autoescaping template
