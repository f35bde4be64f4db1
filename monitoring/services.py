"""Monitoring's service keys, and what an alert from monitoring does.

Each alert of a payload is handled on its own, in a transaction of its own,
under a lock on its row: one alert that cannot be handled leaves the others
done, and a retry of the whole payload is harmless, because an alert is known
by its fingerprint (or dedup key) and keeps the notice and incident it opened.

- Firing, the first time: the routing rule's notice (``notices.services``,
  alerts at once, warnings in business hours) and/or status-page incident
  (``incidents.publishing``: public after 30 minutes, at once for a code change).
- Firing again while firing (a re-send, a repeat interval): nothing new.
- Resolved: an update on the notice; the incident moves to Monitoring, where
  the 10-minute stable rule resolves it.
- Firing after it resolved: an update on the notice; the incident, if still
  open, goes back to Investigating, which cancels the pending resolution; if
  it was already resolved, a new incident opens (a closed one takes no updates).

Nothing is dropped: an alert no rule matches, or whose rule cannot be carried
out (an unknown account id, no emergency contact), is kept with the reason
and listed for agents; every payload is kept with its outcome.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import publishing
from incidents.models import Incident, IncidentEvent
from monitoring.models import Alert, ReceivedPayload, RoutingRule, ServiceKey, service_key_hash
from monitoring.payloads import (
    ACKNOWLEDGE,
    ALERTMANAGER,
    RESOLVE,
    TRIGGER,
    IncomingAlert,
    PayloadError,
    alertmanager_parse,
    pagerduty_parse,
)
from monitoring.routing import Plan, alert_plan, rules_active
from notices.models import Notice
from notices.services import notice_raise, notice_update_post
from supportdesk.usage import mark_used

log = logging.getLogger(__name__)

RAW_KEPT = 65_536


def service_key_authenticate(*, key: str) -> ServiceKey | None:
    """The active service key this is, marked as used; None for anything else (a personal token, a wrong key)."""
    key = key.strip()
    if not key.startswith(ServiceKey.PREFIX):
        return None
    service_key: ServiceKey | None = ServiceKey.objects.filter(key_hash=service_key_hash(key), active=True).first()
    if service_key is None:
        return None
    mark_used(service_key)
    return service_key


@dataclass
class AlertOutcome:
    """What one alert of a payload did, in words for the payload's record and the sender's answer."""

    key: str
    action: str
    alert: Alert | None = None
    did: list[str] = field(default_factory=list)
    failed: bool = False

    def as_dict(self) -> dict[str, Any]:
        alert = self.alert
        return {
            "key": self.key,
            "action": self.action,
            "state": alert.state if alert else None,
            "notice": alert.notice.ticket.reference if alert and alert.notice is not None else None,
            "incident": alert.incident_id if alert else None,
            "outcome": " ".join(self.did),
        }


@dataclass
class Receipt:
    payload: ReceivedPayload
    outcomes: list[AlertOutcome]

    @property
    def failed(self) -> bool:
        return any(outcome.failed for outcome in self.outcomes)


def payload_receive(*, service_key: ServiceKey, source: str, body: Any, raw: str = "") -> Receipt:
    """Read a payload and handle each of its alerts; PayloadError (the payload kept, nothing else changed) if unreadable."""
    try:
        incoming = alertmanager_parse(body) if source == ALERTMANAGER else [pagerduty_parse(body)]
    except PayloadError as error:
        _record(
            service_key=service_key,
            source=source,
            body=body,
            raw=raw,
            status_code=400,
            outcome=_("Refused, nothing changed: %(errors)s") % {"errors": "; ".join(error.errors)},
            alerts=[],
        )
        raise
    rules = rules_active()
    outcomes = []
    for item in incoming:
        outcome = AlertOutcome(key=item.key, action=item.action)
        try:
            with transaction.atomic():
                alert_receive(service_key=service_key, source=source, incoming=item, rules=rules, outcome=outcome)
        except Exception:  # one alert's failure must not undo the others, nor hide: the sender retries on a 500
            log.exception("Alert %s from %s could not be handled", item.key, service_key)
            outcome.failed = True
            outcome.did = [_("Failed; the sender's retry will try again.")]
            outcome.alert = None
        outcomes.append(outcome)
    status_code = 500 if any(o.failed for o in outcomes) else (202 if source != ALERTMANAGER else 200)
    payload = _record(
        service_key=service_key,
        source=source,
        body=body,
        raw=raw,
        status_code=status_code,
        outcome="\n".join(f"{o.key} ({o.action}): {' '.join(o.did)}" for o in outcomes),
        alerts=[o.alert for o in outcomes if o.alert is not None],
    )
    return Receipt(payload=payload, outcomes=outcomes)


def _record(
    *,
    service_key: ServiceKey,
    source: str,
    body: Any,
    raw: str,
    status_code: int,
    outcome: str,
    alerts: list[Alert],
) -> ReceivedPayload:
    payload = ReceivedPayload.objects.create(
        service_key=service_key,
        source=source,
        body=_storable(body) if raw == "" else None,
        raw=raw[:RAW_KEPT].replace("\x00", ""),
        status_code=status_code,
        outcome=outcome.replace("\x00", ""),
    )
    if alerts:
        payload.alerts.set(alerts)
    return payload


def _storable(value: Any) -> Any:
    """The body as it can be kept: no NUL characters, and a PagerDuty routing key (a service key) never stored."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_storable(str(k)): "[hidden]" if k == "routing_key" else _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


def alert_receive(
    *,
    service_key: ServiceKey,
    source: str,
    incoming: IncomingAlert,
    rules: list[RoutingRule],
    outcome: AlertOutcome,
) -> Alert | None:
    """One alert, in the caller's transaction; the row is locked, so two deliveries of one alert act one after the other."""
    now = timezone.now()
    found = Alert.objects.select_for_update().filter(service_key=service_key, source=source, key=incoming.key)
    alert = found.first()
    if alert is None and incoming.action != TRIGGER:
        outcome.did.append(_("No alert with this key was seen firing: nothing to do."))
        return None
    if alert is None:
        alert, created = Alert.objects.get_or_create(
            service_key=service_key,
            source=source,
            key=incoming.key,
            defaults={"state": Alert.State.FIRING, "first_received_at": now, "last_received_at": now},
        )
        if not created:  # a twin delivery created it between our read and our insert: wait for it
            alert = found.get()
            alert.times_received += 1
    else:
        alert.times_received += 1
    alert.last_received_at = now
    outcome.alert = alert
    if incoming.action == TRIGGER:
        _fire(alert, incoming=incoming, rules=rules, service_key=service_key, now=now, outcome=outcome)
    elif incoming.action == ACKNOWLEDGE:
        _acknowledge(alert, service_key=service_key, outcome=outcome)
    elif incoming.action == RESOLVE:
        _resolve(alert, incoming=incoming, service_key=service_key, now=now, outcome=outcome)
    alert.save()
    return alert


def _words(alert: Alert, incoming: IncomingAlert) -> None:
    """Labels and words as the latest delivery says them; a PagerDuty resolve carries none, so it keeps the old ones."""
    if incoming.labels:
        alert.labels = incoming.labels
    if incoming.annotations:
        alert.annotations = incoming.annotations
    if incoming.summary:
        alert.summary = incoming.summary


def _fire(
    alert: Alert,
    *,
    incoming: IncomingAlert,
    rules: list[RoutingRule],
    service_key: ServiceKey,
    now: datetime,
    outcome: AlertOutcome,
) -> None:
    again = alert.state == Alert.State.RESOLVED  # a new alert starts as firing
    _words(alert, incoming)
    alert.starts_at = incoming.starts_at or alert.starts_at or now
    alert.ends_at = None
    plan = alert_plan(labels=alert.labels, rules=rules)
    alert.rule, alert.organisation = plan.rule, plan.organisation or alert.organisation
    problems = list(plan.problems)
    _fire_notice(alert, plan=plan, again=again, service_key=service_key, problems=problems, outcome=outcome)
    _fire_incident(alert, plan=plan, again=again, service_key=service_key, now=now, outcome=outcome)
    if again:
        alert.state = Alert.State.FIRING
    alert.problem = "\n".join(problems)
    if not outcome.did:
        outcome.did.append(
            _("Still firing: nothing new.")
            if not problems
            else _("Kept for agents: %(why)s")
            % {
                "why": " ".join(problems),
            }
        )
    elif problems:
        outcome.did.append(_("Needs attention: %(why)s") % {"why": " ".join(problems)})


def _fire_notice(
    alert: Alert,
    *,
    plan: Plan,
    again: bool,
    service_key: ServiceKey,
    problems: list[str],
    outcome: AlertOutcome,
) -> None:
    if alert.notice_id is not None:
        if again and (posted_on := alert.notice) is not None:
            notice_update_post(
                notice=posted_on,
                service_key=service_key,
                body=_("Our monitoring sees the problem again: %(summary)s") % {"summary": alert.summary},
            )
            outcome.did.append(_("Update posted on %(ticket)s: firing again.") % {"ticket": posted_on.ticket.reference})
        return
    organisation, area = plan.organisation, plan.area
    if not plan.raises_notice or organisation is None or area is None:  # raises_notice implies both; named for mypy
        return
    try:
        with transaction.atomic():
            notice, _created = notice_raise(
                organisation=organisation,
                kind=plan.notice_kind,
                area=area,
                environment=plan.environment,
                title=alert.summary[:200] or alert.key,
                description=_description(alert),
                call_to_action=alert.annotations.get("call_to_action", ""),
                service_key=service_key,
                # Never a second notice for one alert, even if the link to it were lost.
                idempotency_key=f"alert:{alert.source}:{alert.pk}",
            )
    except ValidationError as error:
        problems.append(" ".join(error.messages))
        return
    alert.notice = notice
    outcome.did.append(
        _("%(kind)s raised as %(ticket)s.")
        % {
            "kind": Notice.Kind(notice.kind).label,
            "ticket": notice.ticket.reference,
        }
    )


def _fire_incident(
    alert: Alert,
    *,
    plan: Plan,
    again: bool,
    service_key: ServiceKey,
    now: datetime,
    outcome: AlertOutcome,
) -> None:
    incident = alert.incident
    if incident is not None and incident.is_open:
        if again:
            publishing.incident_update_post(
                incident=incident,
                status=Incident.Status.INVESTIGATING,
                actor_label=service_key.name,
                message=_("Our monitoring sees the problem again. We are investigating."),
                reason=_("The alert fired again within the stable period: the resolution is cancelled."),
            )
            outcome.did.append(_("Incident #%(id)s back to Investigating.") % {"id": incident.pk})
        return
    if not plan.components or (incident is not None and not again):
        return  # an incident an agent closed while the alert still fires stays closed
    detected_at = min(alert.starts_at or now, now)
    alert.incident = publishing.incident_create(
        title=(alert.summary or alert.key)[:200],
        message=_incident_message(alert),
        components=plan.components,
        market=plan.market,
        cause=plan.cause,
        source=Incident.Source.MONITORING,
        detected_at=detected_at,
    )
    outcome.did.append(_("Incident #%(id)s opened.") % {"id": alert.incident.pk})


def _acknowledge(alert: Alert, *, service_key: ServiceKey, outcome: AlertOutcome) -> None:
    if alert.state != Alert.State.FIRING:
        outcome.did.append(_("Not firing: nothing to acknowledge."))
        return
    alert.state = Alert.State.ACKNOWLEDGED
    if alert.incident is not None and alert.incident.is_open:
        publishing.event_record(
            incident=alert.incident,
            kind=IncidentEvent.Kind.STATUS,
            actor_label=service_key.name,
            reason=_("Acknowledged in monitoring: someone is working on it."),
        )
    outcome.did.append(_("Acknowledged."))


def _resolve(alert: Alert, *, incoming: IncomingAlert, service_key: ServiceKey, now: datetime, outcome: AlertOutcome) -> None:
    _words(alert, incoming)
    if alert.state == Alert.State.RESOLVED:
        outcome.did.append(_("Already resolved: nothing new."))
        return
    alert.state = Alert.State.RESOLVED
    alert.ends_at = min(incoming.ends_at or now, now)
    if alert.notice is not None:
        notice_update_post(
            notice=alert.notice,
            service_key=service_key,
            body=_("Resolved: our monitoring no longer sees the problem (%(summary)s). We keep watching.")
            % {"summary": alert.summary},
        )
        outcome.did.append(_("Resolved update posted on %(ticket)s.") % {"ticket": alert.notice.ticket.reference})
    incident = alert.incident
    if incident is not None and incident.is_open and incident.status != Incident.Status.MONITORING:
        publishing.incident_update_post(
            incident=incident,
            status=Incident.Status.MONITORING,
            actor_label=service_key.name,
            message=_("A fix is in place and we are monitoring the results."),
            reason=_("The alert resolved in monitoring: resolved once it has held for 10 minutes."),
        )
        outcome.did.append(_("Incident #%(id)s in Monitoring.") % {"id": incident.pk})
    if not outcome.did:
        outcome.did.append(_("Resolved."))


def _description(alert: Alert) -> str:
    return render_to_string("monitoring/notice_description.txt", {"alert": alert})


def _incident_message(alert: Alert) -> str:
    return (alert.annotations.get("description") or alert.summary or alert.key).strip()


@dataclass
class TrialRow:
    """What one alert of a pasted payload would do, in the words the intake would record."""

    key: str
    action: str
    rule: str
    organisation: str
    labels: dict[str, str]
    did: list[str]
    problem: str


class _Rollback(Exception):
    pass


def payload_try(*, source: str, body: Any, service_key: ServiceKey | None = None) -> list[TrialRow]:
    """Run a payload through the real intake and undo everything: no notice, incident, mail or record stays.

    With a service key, its alerts so far count (a known fingerprint would update, not open);
    without one, every alert is new. PayloadError when the payload cannot be read.
    """
    incoming = alertmanager_parse(body) if source == ALERTMANAGER else [pagerduty_parse(body)]
    rows: list[TrialRow] = []
    try:
        with transaction.atomic():
            key = service_key or ServiceKey.objects.create(name=f"Trial {timezone.now().timestamp()}", key_hash="trial")
            rules = rules_active()
            for item in incoming:
                outcome = AlertOutcome(key=item.key, action=item.action)
                alert = alert_receive(service_key=key, source=source, incoming=item, rules=rules, outcome=outcome)
                rows.append(
                    TrialRow(
                        key=item.key,
                        action=item.action,
                        rule=alert.rule.name if alert and alert.rule else "",
                        organisation=alert.organisation.name if alert and alert.organisation else "",
                        labels=dict(item.labels),
                        did=list(outcome.did),
                        problem=alert.problem if alert else "",
                    )
                )
            raise _Rollback
    except _Rollback:
        pass
    return rows
