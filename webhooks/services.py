"""Recording webhook deliveries with the change that causes them, and delivering them after commit."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from customers.models import Organisation
from incidents.models import Incident, IncidentEvent
from tickets.models import Ticket, TicketEvent
from webhooks import transport
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

BACKOFF_CAP = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    base = timedelta(seconds=settings.WEBHOOK_BACKOFF_SECONDS)
    factor: int = 2 ** max(attempts - 1, 0)
    return min(base * factor, BACKOFF_CAP)


def _endpoints_for(*, event: str, organisation: Organisation | None) -> list[WebhookEndpoint]:
    scope = Q(organisation__isnull=True)
    if organisation is not None:
        scope |= Q(organisation=organisation)
    endpoints = WebhookEndpoint.objects.filter(scope, active=True)
    return [endpoint for endpoint in endpoints if event in (endpoint.events or [])]


# When one transaction records several events about one subject (an incident opened with its first
# update and its publication; a ticket assigned and re-prioritised in one request), each endpoint gets
# one delivery: the strongest name, the latest state, and every change in order.
RANK = {"created": 3, "resolved": 2, "escalated": 2, "updated": 1}


def _rank(event: str) -> int:
    return RANK.get(event.rpartition(".")[2], 0)


@dataclass(eq=False)
class _Batch:
    """The deliveries one transaction has recorded so far, to merge into and to enqueue once it commits."""

    rows: dict[tuple[str, int], WebhookDelivery] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)
    flushed: bool = False

    def flush(self) -> None:
        self.flushed = True
        _enqueue(self.ids)

    def alive(self) -> bool:
        """Still the running transaction's: not committed yet, and its first row not rolled back.

        A rollback (of the transaction, or of the savepoint the batch began in) drops the rows and the
        on-commit callback together, so a batch whose first row is gone belongs to no transaction.
        """
        return not self.flushed and bool(self.ids) and WebhookDelivery.objects.filter(pk=self.ids[0]).exists()


_open = threading.local()


def _current_batch() -> _Batch | None:
    """The batch of the transaction this code runs in; None outside one (each change then stands alone).

    Only public transaction APIs: autocommit says whether a transaction runs, on_commit ends the batch,
    and a rollback is seen in the rows themselves.
    """
    if transaction.get_autocommit():
        return None
    batch: _Batch | None = getattr(_open, "batch", None)
    if batch is not None and batch.alive():
        return batch
    batch = _Batch()
    _open.batch = batch
    transaction.on_commit(batch.flush)
    return batch


def _body(*, delivery: WebhookDelivery, event: str, data: dict[str, Any], created_at: str | None = None) -> str:
    return json.dumps(
        {"id": str(delivery.event_id), "type": event, "created_at": created_at or timezone.now().isoformat(), "data": data},
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
        sort_keys=True,
    )


def _merge(*, delivery: WebhookDelivery, event: str, data: dict[str, Any]) -> bool:
    """Fold a later event into a delivery of the same transaction; False if that row is gone (rolled back)."""
    first = json.loads(delivery.body)
    name = delivery.event if _rank(delivery.event) >= _rank(event) else event
    merged = {**data, "changes": [*first["data"].get("changes", []), *data.get("changes", [])]}
    body = _body(delivery=delivery, event=name, data=merged, created_at=first["created_at"])
    if not WebhookDelivery.objects.filter(pk=delivery.pk, state=WebhookDelivery.State.PENDING).update(event=name, body=body):
        return False
    delivery.event, delivery.body = name, body
    return True


def webhook_event_send(
    *,
    event: str,
    data: dict[str, Any],
    organisation: Organisation | None = None,
    vendor_only: bool = False,
    subject: str = "",
) -> list[WebhookDelivery]:
    """Record one delivery per subscribed endpoint in the caller's transaction; send them after commit.

    ``organisation``: whose event it is; endpoints of other organisations never get it.
    ``vendor_only``: something customers may not see (an internal note): only the vendor's own endpoints.
    ``subject`` (``"ticket:1042"``, ``"incident:7"``): events about one subject in one transaction are
    merged into one delivery per endpoint; ``data["change"]`` is then the latest change and
    ``data["changes"]`` all of them, in order.
    Incidents call this with ``event="incident.created"`` (or updated/resolved) and no organisation.
    """
    if subject and "change" in data:
        data = {**data, "changes": [data["change"]]}
    batch = _current_batch() if subject else None
    deliveries = []
    created = []
    for endpoint in _endpoints_for(event=event, organisation=organisation):
        if vendor_only and endpoint.organisation_id is not None:
            continue
        earlier = batch.rows.get((subject, endpoint.pk)) if batch else None
        if earlier is not None and _merge(delivery=earlier, event=event, data=data):
            deliveries.append(earlier)
            continue
        delivery = WebhookDelivery(endpoint=endpoint, event=event)
        delivery.body = _body(delivery=delivery, event=event, data=data)
        delivery.save(force_insert=True)
        deliveries.append(delivery)
        created.append(delivery.pk)
        if batch is not None:
            batch.rows[(subject, endpoint.pk)] = delivery
    if batch is not None:
        batch.ids.extend(created)
    elif created:
        transaction.on_commit(lambda: _enqueue(created))
    return deliveries


def _enqueue(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        try:
            # By name: the tasks call these services, not the other way round.
            current_app.signature("webhooks.tasks.deliver").delay(delivery_id)
        except Exception:
            log.warning("Broker unavailable; webhook delivery %s will be sent by the sweep.", delivery_id, exc_info=True)


def _ticket_data(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "reference": ticket.reference,
        "organisation": ticket.organisation.account_id,
        "type": ticket.ticket_type.slug,
        "status": ticket.status,
        "severity": ticket.severity_id,
        "summary": ticket.summary,
        "url": f"{settings.SITE_URL}/api/v1/tickets/{ticket.number}/",
    }


def _webhook_event_of(event: TicketEvent) -> str:
    if event.kind == TicketEvent.Kind.CREATED:
        return "ticket.created"
    if event.kind == TicketEvent.Kind.ESCALATED:
        return "ticket.escalated"
    return "ticket.updated"


def webhooks_for_ticket_event(*, event: TicketEvent) -> list[WebhookDelivery]:
    """A timeline entry becomes a webhook event; what customers may not see goes to the vendor's endpoints only.

    The SLA clock's own bookkeeping (started, paused, recomputed) is no change
    to the ticket; a breach that matters arrives as ``ticket.escalated``.
    """
    if event.kind == TicketEvent.Kind.SLA:
        return []
    if not WebhookEndpoint.objects.filter(active=True).exists():
        return []
    ticket = event.ticket
    data = {
        "ticket": _ticket_data(ticket),
        "change": {
            "kind": event.kind,
            "before": event.before,
            "after": event.after,
            "reason": event.reason,
            "at": event.created_at,
        },
    }
    return webhook_event_send(
        event=_webhook_event_of(event),
        data=data,
        organisation=ticket.organisation,
        vendor_only=not event.is_public,
        subject=f"ticket:{ticket.pk}",
    )


def _incident_data(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "kind": incident.kind,
        "title": incident.title,
        "status": incident.status,
        "impact": incident.impact,
        "cause": incident.cause,
        "source": incident.source,
        "market": incident.market,
        "published": incident.published_at is not None,
        "published_at": incident.published_at,
        "detected_at": incident.detected_at,
        "resolved_at": incident.resolved_at,
        "components": [
            {"id": item.component_id, "name": item.component.name, "impact": item.impact}
            for item in incident.affected.select_related("component").order_by("component__name")
        ],
        "url": f"{settings.SITE_URL}/api/v1/incidents/{incident.pk}/",
    }


def _incident_webhook_event_of(event: IncidentEvent) -> str:
    if event.kind == IncidentEvent.Kind.CREATED:
        return "incident.created"
    if event.kind == IncidentEvent.Kind.RESOLVED or event.incident.status in Incident.CLOSED_STATUSES:
        return "incident.resolved"
    return "incident.updated"


def webhooks_for_incident_event(*, event: IncidentEvent) -> list[WebhookDelivery]:
    """An incident's timeline entry becomes ``incident.*``, for the vendor's own endpoints.

    Unpublished incidents included: the vendor's systems hear of them before the public page does.
    Telling subscribers is bookkeeping, not a change of the incident.
    """
    if event.kind == IncidentEvent.Kind.NOTIFIED:
        return []
    if not WebhookEndpoint.objects.filter(active=True, organisation__isnull=True).exists():
        return []
    incident = event.incident
    data = {
        "incident": _incident_data(incident),
        "change": {
            "kind": event.kind,
            "before": event.before,
            "after": event.after,
            "reason": event.reason,
            "actor": event.actor_name,
            "at": event.created_at,
        },
    }
    return webhook_event_send(event=_incident_webhook_event_of(event), data=data, subject=f"incident:{incident.pk}")


def delivery_claim(*, delivery_id: int) -> WebhookDelivery | None:
    """Take a due delivery for sending; only one caller ever wins it."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        state=WebhookDelivery.State.PENDING,
        next_attempt_at__lte=now,
    ).update(state=WebhookDelivery.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def delivery_send(*, delivery_id: int) -> str | None:
    """Claim, POST and record one delivery. Returns the new state, or None if it was not ours to send."""
    delivery = delivery_claim(delivery_id=delivery_id)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"{settings.VENDOR_NAME}-Webhooks/1",
        "X-Supportdesk-Event": delivery.event,
        "X-Supportdesk-Delivery": str(delivery.event_id),
        "X-Supportdesk-Signature": transport.signature(secret=endpoint.secret, timestamp=timestamp, body=delivery.body),
    }
    started = time.monotonic()
    status_code: int | None = None
    excerpt = error = ""
    permanent = False
    try:
        answer = transport.post(url=endpoint.url, body=delivery.body, headers=headers, allow_private=endpoint.allow_private)
        status_code, excerpt = answer.status, answer.excerpt
        if not 200 <= answer.status < 300:
            error = f"HTTP {answer.status}"
    except transport.Refused as exc:
        error, permanent = str(exc), True
    except (OSError, ConnectionError) as exc:  # network failures, timeouts, TLS errors
        error = f"{type(exc).__name__}: {exc}"
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        status_code=status_code,
        response_excerpt=excerpt,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    if not error:
        state = WebhookDelivery.State.DELIVERED
        changes: dict[str, Any] = {"delivered_at": timezone.now(), "last_error": ""}
    else:
        permanent = permanent or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
        state = WebhookDelivery.State.FAILED if permanent else WebhookDelivery.State.PENDING
        changes = {"last_error": error[:2000], "next_attempt_at": timezone.now() + backoff(delivery.attempts)}
        log.warning("Webhook delivery %s to %s failed (%s): %s", delivery.pk, endpoint.url, state, error)
    WebhookDelivery.objects.filter(pk=delivery.pk, state=WebhookDelivery.State.SENDING).update(
        state=state,
        last_status_code=status_code,
        claimed_at=None,
        **changes,
    )
    return str(state)


def deliveries_due_ids(*, limit: int = 500) -> list[int]:
    """Deliveries to send now, after reclaiming those whose worker died mid-send."""
    now = timezone.now()
    WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS),
    ).update(state=WebhookDelivery.State.PENDING, claimed_at=None, next_attempt_at=now)
    return list(
        WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def delivery_retry(*, delivery: WebhookDelivery) -> bool:
    """An admin sends a failed or waiting delivery again now."""
    retried = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        state__in=[WebhookDelivery.State.FAILED, WebhookDelivery.State.PENDING],
    ).update(state=WebhookDelivery.State.PENDING, next_attempt_at=timezone.now())
    if retried:
        transaction.on_commit(lambda: _enqueue([delivery.pk]))
    return bool(retried)
