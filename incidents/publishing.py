"""Everything that changes an incident, a maintenance window or a component.

Seed 001's rules live here: an incident raised by monitoring is published once
it has lasted 30 minutes and is still open, at once when a code change caused
it; an agent may publish earlier; an incident in Monitoring whose fix has held
10 minutes is resolved. Updates also reach the organisations linked to the
incident (``incidents.affected``). Every step writes the incident's timeline with why it
happened. The beat sweeps claim each incident with a conditional UPDATE, so
two workers running the same sweep never act twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from incidents import affected, rollup
from incidents.models import (
    Component,
    ComponentStatus,
    Incident,
    IncidentComponent,
    IncidentEvent,
    IncidentUpdate,
)

log = logging.getLogger(__name__)

PUBLISH_AFTER = timedelta(minutes=30)
RESOLVE_AFTER_STABLE = timedelta(minutes=10)
RULES = "Status page rules"  # actor label of what the beat does

Status = Incident.Status


def event_record(
    *,
    incident: Incident,
    kind: str,
    actor: User | None = None,
    actor_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        before=before or {},
        after=after or {},
        reason=reason,
        created_at=at or timezone.now(),
    )


def _changed(incident: Incident, update: IncidentUpdate | None = None) -> None:
    """After commit: the public page is stale, and subscribers may have news."""
    from incidents import cache, subscriptions

    cache.status_changed()  # now, for this transaction's own reads; and again once others can see it
    transaction.on_commit(cache.status_changed)
    if update is not None and incident.published_at is not None:
        subscriptions.update_announce(update=update)


def _check_impacts(impacts: Mapping[Component, str]) -> None:
    unknown = [value for value in impacts.values() if value not in ComponentStatus.values]
    if unknown:
        raise ValidationError(_("Unknown component impact: %(values)s") % {"values": ", ".join(unknown)})


def _set_impacts(incident: Incident, impacts: Mapping[Component, str]) -> list[dict[str, str]]:
    """Apply per-component impacts; return Statuspage-style affected_components for the changes."""
    current = {ic.component_id: ic for ic in incident.affected.select_related("component")}
    changes = []
    for component, impact in impacts.items():
        existing = current.get(component.pk)
        old = existing.impact if existing else ComponentStatus.OPERATIONAL
        if existing is None:
            IncidentComponent.objects.create(incident=incident, component=component, impact=impact)
        elif existing.impact != impact:
            existing.impact = impact
            existing.save(update_fields=["impact"])
        if old != impact or existing is None:
            changes.append({"code": component.public_id, "name": component.name, "old_status": old, "new_status": impact})
    return changes


def _recompute_impact(incident: Incident) -> str:
    impacts = list(incident.affected.values_list("impact", flat=True))
    if incident.is_maintenance:
        return Incident.Impact.MAINTENANCE
    return rollup.incident_impact(impacts)


@transaction.atomic
def incident_create(
    *,
    title: str,
    message: str,
    components: Mapping[Component, str] | None = None,
    market: str = "",
    cause: str = Incident.Cause.UNKNOWN,
    source: str = Incident.Source.MONITORING,
    status: str = Status.INVESTIGATING,
    detected_at: datetime | None = None,
    created_by: User | None = None,
    publish_now: bool = False,
) -> Incident:
    """Open an incident with its first update. Published at once if a code change caused it or an agent says so."""
    if status not in Incident.OPEN_STATUSES:
        raise ValidationError(_("A new incident starts as Investigating, Identified or Monitoring."))
    components = dict(components or {})
    _check_impacts(components)
    now = timezone.now()
    detected_at = detected_at or now
    if detected_at > now:
        raise ValidationError(_("An incident cannot be detected in the future."))
    incident = Incident.objects.create(
        kind=Incident.Kind.INCIDENT,
        title=title.strip(),
        message=message.strip(),
        market=market.strip(),
        cause=cause,
        source=source,
        status=status,
        detected_at=detected_at,
        created_by=created_by,
        monitoring_at=now if status == Status.MONITORING else None,
    )
    changes = _set_impacts(incident, components)
    incident.impact = _recompute_impact(incident)
    incident.save(update_fields=["impact"])
    update = IncidentUpdate.objects.create(
        incident=incident,
        status=status,
        message=incident.message,
        affected_components=changes,
        created_by=created_by,
        created_at=now,
    )
    actor_label = "" if created_by else str(Incident.Source(source).label)
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.CREATED,
        actor=created_by,
        actor_label=actor_label,
        after={
            "status": status,
            "cause": cause,
            "source": source,
            "impact": incident.impact,
            "components": {c["name"]: c["new_status"] for c in changes},
        },
        reason=_("Raised by %(source)s.") % {"source": Incident.Source(source).label},
    )
    if cause == Incident.Cause.CODE_CHANGE:
        _publish(incident, actor=created_by, actor_label=actor_label or RULES, reason=_("Caused by a code change: published at once."))
    elif publish_now:
        _publish(incident, actor=created_by, actor_label=actor_label, reason=_("Published by an agent before the 30 minutes."))
    else:
        event_record(
            incident=incident,
            kind=IncidentEvent.Kind.STATUS,
            actor_label=RULES,
            reason=_("Not public yet: published automatically once it has lasted 30 minutes and is still open."),
        )
    _changed(incident, update if incident.published_at else None)
    return incident


def _publish(incident: Incident, *, actor: User | None, actor_label: str, reason: str) -> bool:
    """Set published_at if nobody has; True if this call did it."""
    now = timezone.now()
    claimed = Incident.objects.filter(pk=incident.pk, published_at__isnull=True).update(published_at=now, updated_at=now)
    if not claimed:
        return False
    incident.published_at = now
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.PUBLISHED,
        actor=actor,
        actor_label=actor_label,
        after={"published_at": now.isoformat()},
        reason=reason,
    )
    return True


@transaction.atomic
def incident_publish(*, incident: Incident, actor: User | None = None, reason: str = "") -> bool:
    """An agent publishes now, before the 30 minutes. False if it was already public."""
    if not incident.is_open:
        raise ValidationError(_("A resolved incident is not published afterwards."))
    done = _publish(incident, actor=actor, actor_label="" if actor else RULES, reason=reason or _("Published by an agent."))
    if done:
        latest = incident.updates.order_by("-created_at", "-id").first()
        _changed(incident, latest)
    return done


@transaction.atomic
def incident_update_post(
    *,
    incident: Incident,
    status: str,
    message: str,
    components: Mapping[Component, str] | None = None,
    actor: User | None = None,
    actor_label: str = "",
    reason: str = "",
) -> IncidentUpdate:
    """Post a public update: its status, its words, and any change of component impact."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    allowed = Incident.MAINTENANCE_STATUSES if incident.is_maintenance else Incident.INCIDENT_STATUSES
    if status not in allowed:
        raise ValidationError(_("“%(status)s” is not a status of this kind of incident.") % {"status": status})
    if not incident.is_open:
        raise ValidationError(_("This incident is closed; open a new one instead."))
    if not message.strip():
        raise ValidationError(_("An update needs a message."))
    components = dict(components or {})
    _check_impacts(components)
    now = timezone.now()
    before = {"status": incident.status, "impact": incident.impact}
    changes = _set_impacts(incident, components)
    incident.status = status
    if status == Status.MONITORING and incident.monitoring_at is None:
        incident.monitoring_at = now
    elif status in (Status.INVESTIGATING, Status.IDENTIFIED):
        incident.monitoring_at = None  # the fix did not hold: the 10 minutes start again next time
    if status in Incident.CLOSED_STATUSES:
        incident.resolved_at = now
    incident.impact = _recompute_impact(incident)
    incident.save(update_fields=["status", "monitoring_at", "resolved_at", "impact", "updated_at"])
    update = IncidentUpdate.objects.create(
        incident=incident,
        status=status,
        message=message.strip(),
        affected_components=changes,
        created_by=actor,
        created_at=now,
    )
    after = {"status": status, "impact": incident.impact}
    kind = IncidentEvent.Kind.RESOLVED if status in Incident.CLOSED_STATUSES else IncidentEvent.Kind.UPDATED
    event_record(
        incident=incident,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        before=before,
        after=after,
        reason=reason or _("Update posted."),
    )
    if changes:
        event_record(
            incident=incident,
            kind=IncidentEvent.Kind.COMPONENTS,
            actor=actor,
            actor_label=actor_label,
            before={c["name"]: c["old_status"] for c in changes},
            after={c["name"]: c["new_status"] for c in changes},
            reason=reason or _("Component impact changed with the update."),
        )
    affected.incident_update_relay(update=update, actor=actor)
    _changed(incident, update)
    return update


def incident_resolve(*, incident: Incident, message: str = "", actor: User | None = None, reason: str = "") -> IncidentUpdate:
    return incident_update_post(
        incident=incident,
        status=Status.RESOLVED,
        actor=actor,
        message=message or _("This incident has been resolved."),
        reason=reason or _("Resolved by an agent."),
    )


@transaction.atomic
def maintenance_schedule(
    *,
    title: str,
    message: str,
    components: Iterable[Component],
    scheduled_for: datetime,
    scheduled_until: datetime,
    created_by: User | None = None,
) -> Incident:
    """Announce a maintenance window; its components show Under Maintenance while it is in progress."""
    if scheduled_until <= scheduled_for:
        raise ValidationError(_("The window must end after it starts."))
    now = timezone.now()
    maintenance = Incident.objects.create(
        kind=Incident.Kind.MAINTENANCE,
        title=title.strip(),
        message=message.strip(),
        status=Status.SCHEDULED,
        impact=Incident.Impact.MAINTENANCE,
        source=Incident.Source.AGENT,
        detected_at=now,
        published_at=now,
        scheduled_for=scheduled_for,
        scheduled_until=scheduled_until,
        created_by=created_by,
    )
    changes = _set_impacts(maintenance, dict.fromkeys(components, ComponentStatus.UNDER_MAINTENANCE))
    update = IncidentUpdate.objects.create(
        incident=maintenance,
        status=Status.SCHEDULED,
        message=maintenance.message,
        affected_components=changes,
        created_by=created_by,
        created_at=now,
    )
    event_record(
        incident=maintenance,
        kind=IncidentEvent.Kind.CREATED,
        actor=created_by,
        after={"scheduled_for": scheduled_for.isoformat(), "scheduled_until": scheduled_until.isoformat()},
        reason=_("Maintenance scheduled; published at once."),
    )
    _changed(maintenance, update)
    return maintenance


@transaction.atomic
def component_status_change(*, component: Component, status: str, actor: User | None = None, reason: str = "") -> bool:
    """Set a component's own status by hand. False if it already had it."""
    if status not in ComponentStatus.values:
        raise ValidationError(_("Unknown component status."))
    changed = Component.objects.filter(pk=component.pk).exclude(status=status).update(status=status, updated_at=timezone.now())
    if changed:
        log.info("Component %s set to %s by %s: %s", component.pk, status, actor, reason)
        component.status = status
        _bust()
        transaction.on_commit(_bust)
    return bool(changed)


def _bust() -> None:
    from incidents import cache

    cache.status_changed()


# --- The beat's sweeps -----------------------------------------------------------------


def incidents_publish_due() -> list[int]:
    """Publish monitoring's incidents that have lasted 30 minutes and are still open."""
    cutoff = timezone.now() - PUBLISH_AFTER
    due = Incident.objects.filter(
        kind=Incident.Kind.INCIDENT,
        published_at__isnull=True,
        status__in=Incident.OPEN_STATUSES,
        detected_at__lte=cutoff,
    ).values_list("pk", flat=True)
    published = []
    for pk in list(due):
        with transaction.atomic():
            now = timezone.now()
            claimed = Incident.objects.filter(
                pk=pk,
                published_at__isnull=True,
                status__in=Incident.OPEN_STATUSES,
                detected_at__lte=cutoff,
            ).update(published_at=now, updated_at=now)
            if not claimed:
                continue  # another worker, or an agent, got there first
            incident = Incident.objects.get(pk=pk)
            event_record(
                incident=incident,
                kind=IncidentEvent.Kind.PUBLISHED,
                actor_label=RULES,
                after={"published_at": now.isoformat()},
                reason=_("Still open %(minutes)d minutes after detection: published automatically.")
                % {"minutes": int(PUBLISH_AFTER.total_seconds() // 60)},
            )
            _changed(incident, incident.updates.order_by("-created_at", "-id").first())
            published.append(pk)
    return published


def incidents_resolve_stable() -> list[int]:
    """Resolve incidents in Monitoring whose fix has held for 10 minutes."""
    cutoff = timezone.now() - RESOLVE_AFTER_STABLE
    due = Incident.objects.filter(kind=Incident.Kind.INCIDENT, status=Status.MONITORING, monitoring_at__lte=cutoff)
    resolved = []
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            now = timezone.now()
            claimed = Incident.objects.filter(pk=pk, status=Status.MONITORING, monitoring_at__lte=cutoff).update(
                status=Status.RESOLVED,
                resolved_at=now,
                updated_at=now,
            )
            if not claimed:
                continue
            incident = Incident.objects.get(pk=pk)
            update = IncidentUpdate.objects.create(
                incident=incident,
                status=Status.RESOLVED,
                created_at=now,
                message=_("The fix has held for %(minutes)d minutes. This incident has been resolved.")
                % {"minutes": int(RESOLVE_AFTER_STABLE.total_seconds() // 60)},
            )
            event_record(
                incident=incident,
                kind=IncidentEvent.Kind.RESOLVED,
                actor_label=RULES,
                before={"status": Status.MONITORING},
                after={"status": Status.RESOLVED},
                reason=_("In Monitoring since %(since)s and stable for %(minutes)d minutes: resolved automatically.")
                % {
                    "since": incident.monitoring_at.isoformat() if incident.monitoring_at else "?",
                    "minutes": int(RESOLVE_AFTER_STABLE.total_seconds() // 60),
                },
            )
            affected.incident_update_relay(update=update, actor=None)
            _changed(incident, update)
            resolved.append(pk)
    return resolved


def maintenances_advance() -> list[int]:
    """Start windows whose time has come and complete those that are over."""
    now = timezone.now()
    moved = []
    steps = [
        (
            (Status.SCHEDULED,),
            "scheduled_for__lte",
            Status.IN_PROGRESS,
            _("The scheduled maintenance is in progress."),
            _("The window started: maintenance in progress."),
        ),
        (
            (Status.IN_PROGRESS, Status.VERIFYING),
            "scheduled_until__lte",
            Status.COMPLETED,
            _("The scheduled maintenance has been completed."),
            _("The window ended: maintenance completed."),
        ),
    ]
    for from_statuses, time_lookup, to_status, message, reason in steps:
        due = Incident.objects.filter(kind=Incident.Kind.MAINTENANCE, status__in=from_statuses, **{time_lookup: now})
        for pk in list(due.values_list("pk", flat=True)):
            with transaction.atomic():
                fields: dict[str, Any] = {"status": to_status, "updated_at": now}
                if to_status == Status.COMPLETED:
                    fields["resolved_at"] = now
                claimed = Incident.objects.filter(pk=pk, status__in=from_statuses, **{time_lookup: now}).update(**fields)
                if not claimed:
                    continue
                maintenance = Incident.objects.get(pk=pk)
                update = IncidentUpdate.objects.create(incident=maintenance, status=to_status, message=message, created_at=now)
                event_record(
                    incident=maintenance,
                    kind=IncidentEvent.Kind.STATUS,
                    actor_label=RULES,
                    before={"status": from_statuses[0]},
                    after={"status": to_status},
                    reason=reason,
                )
                affected.incident_update_relay(update=update, actor=None)
                _changed(maintenance, update)
                moved.append(pk)
    return moved
