"""Customer organisations an incident affects, told directly through proactive notices (seed 000).

The public page speaks to everyone; an organisation the agent knows is hit
also gets a notice of its own: a ticket with its registered emergency contact
as requester and the other emergency contacts in copy. Linking is once per
organisation (a unique constraint, under a lock on the incident), so a second
click sends nothing. From then on every update of the incident, the automatic
resolution included, is posted on each linked notice and mailed in its thread:
seed 000 promises "further updates as they become available", and the
resolution is the one a customer waits for.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Organisation
from incidents import rollup
from incidents.models import ComponentStatus, Incident, IncidentEvent, IncidentOrganisation, IncidentUpdate
from notices.models import Notice, ProductArea
from notices.services import emergency_contacts, notice_raise, notice_update_post

# Component impacts that hurt the customer now. Degraded performance counts: seed 000's first example
# of an Alert is "performance degradation … increased error rate or increased latency".
ALERT_IMPACTS = (ComponentStatus.DEGRADED_PERFORMANCE, ComponentStatus.PARTIAL_OUTAGE, ComponentStatus.MAJOR_OUTAGE)


def notice_kind_for(*, incident: Incident) -> tuple[str, str]:
    """Alert or Warning for the organisations of this incident, and why, for the timeline."""
    if incident.is_maintenance:
        return Notice.Kind.WARNING, _("A planned maintenance window disrupts nothing yet: a Warning, sent in business hours.")
    worst = rollup.worst(incident.affected.values_list("impact", flat=True))
    if worst in ALERT_IMPACTS:
        return Notice.Kind.ALERT, _("A component is in “%(impact)s”: an Alert, sent at once, day or night.") % {
            "impact": ComponentStatus(worst).label,
        }
    return Notice.Kind.WARNING, _("No component is impaired yet: a Warning, sent in business hours.")


def public_url(incident: Incident) -> str:
    return settings.SITE_URL + reverse("status:incident", args=[incident.pk]) if incident.published_at else ""


def organisations_linked(*, incident: Incident) -> list[IncidentOrganisation]:
    return list(incident.organisation_links.select_related("organisation", "notice__ticket", "linked_by").order_by("linked_at", "pk"))


@transaction.atomic
def incident_organisations_link(
    *,
    incident: Incident,
    organisations: Iterable[Organisation],
    area: ProductArea,
    actor: User,
    call_to_action: str = "",
) -> list[IncidentOrganisation]:
    """Link organisations to an open incident and raise one notice each; returns the new links only.

    All or nothing: if one organisation cannot be told (no registered emergency
    contact), nothing is linked and the message names it.
    """
    if not actor.is_support_staff:
        raise ValidationError(_("Only support links organisations to an incident."))
    incident = Incident.objects.select_for_update().get(pk=incident.pk)  # two agents at once link one after the other
    if not incident.is_open:
        raise ValidationError(_("This incident is closed: tell the organisations in a notice of its own."))
    already = set(incident.organisation_links.values_list("organisation_id", flat=True))
    new = [o for o in dict.fromkeys(organisations) if o.pk not in already]
    if not new:
        return []
    unreachable = [o.name for o in new if emergency_contacts(organisation=o)[0] is None]
    if unreachable:
        raise ValidationError(
            _("No registered emergency contact at %(names)s: add one first. Nothing was linked.")
            % {"names": ", ".join(sorted(unreachable))}
        )
    kind, why = notice_kind_for(incident=incident)
    latest = incident.updates.order_by("-created_at", "-id").first()
    description = render_to_string(
        "status/notice_description.txt",
        {
            "incident": incident,
            "latest": latest,
            "public_url": public_url(incident),
            "affected": incident.affected.select_related("component").order_by("component__name"),
        },
    )
    links = []
    for organisation in new:
        notice, _created = notice_raise(
            organisation=organisation,
            kind=kind,
            area=area,
            title=incident.title,
            description=description,
            call_to_action=call_to_action,
            actor=actor,
            # A second click with the same organisation is answered with the first notice.
            idempotency_key=f"incident:{incident.pk}:organisation:{organisation.pk}",
        )
        links.append(IncidentOrganisation.objects.create(incident=incident, organisation=organisation, notice=notice, linked_by=actor))
    IncidentEvent.objects.create(
        incident=incident,
        kind=IncidentEvent.Kind.ORGANISATIONS,
        actor=actor,
        after={
            "kind": kind,
            "organisations": [link.organisation.name for link in links],
            "tickets": [link.notice.ticket.reference for link in links],
        },
        reason=_("%(kind)s raised for %(names)s. %(why)s")
        % {
            "kind": Notice.Kind(kind).label,
            "names": ", ".join(link.organisation.name for link in links),
            "why": why,
        },
    )
    return links


def incident_update_relay(*, update: IncidentUpdate, actor: User | None) -> int:
    """Post an incident update on every linked organisation's notice, in the caller's transaction.

    Returns how many notices got it. An update from the status page rules (or
    a machine) is posted in the name of the agent who linked the organisation.
    """
    incident = update.incident
    links = organisations_linked(incident=incident)
    if not links:
        return 0
    url = public_url(incident)
    relayed, failed = [], []
    for link in links:
        author = actor if actor is not None and actor.is_support_staff else link.linked_by
        body = f"{update.get_status_display()}: {update.message}"
        if url:
            body += "\n\n" + _("Follow it on the status page: %(url)s") % {"url": url}
        try:
            with transaction.atomic():  # one notice that cannot take it must not undo the incident's update
                notice_update_post(notice=link.notice, body=body, actor=author)
        except ValidationError as error:
            failed.append(f"{link.organisation.name} ({' '.join(error.messages)})")
        else:
            relayed.append(link.organisation.name)
    reason = _("“%(status)s” posted on the notices of %(names)s.") % {
        "status": update.get_status_display(),
        "names": ", ".join(relayed) or "—",
    }
    if failed:
        reason += " " + _("Not posted, tell them by hand: %(failed)s.") % {"failed": "; ".join(failed)}
    IncidentEvent.objects.create(
        incident=incident,
        kind=IncidentEvent.Kind.RELAYED,
        actor=actor,
        actor_label="" if actor else _("Status page rules"),
        after={"update": update.pk, "organisations": relayed, "failed": failed},
        reason=reason,
    )
    return len(relayed)
