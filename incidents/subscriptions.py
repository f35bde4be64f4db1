"""Email subscriptions to the status page: double opt-in, one-click unsubscribe, mail through the outbox.

Every update mail carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058),
so the reader's mail client can unsubscribe with one POST.

Links carry signed tokens (django.core.signing), so nothing secret is stored:
the confirmation link expires after a week, the unsubscribe link never does,
and the link to manage a subscription (in every mail) lasts 90 days.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incidents.models import Component, Incident, IncidentEvent, IncidentUpdate, Subscriber
from notifications.services import Email, email_queue, emails_queue

SALT = "incidents.subscription"
CONFIRM_MAX_AGE = timedelta(days=7)
MANAGE_MAX_AGE = timedelta(days=90)


def _token(subscriber: Subscriber, action: str) -> str:
    return signing.dumps({"s": subscriber.pk, "a": action, "e": subscriber.email}, salt=SALT, compress=True)


def _read(token: str, action: str, max_age: timedelta | None) -> Subscriber | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("a") != action:
        return None
    subscriber_id, email = data.get("s"), data.get("e")
    if not isinstance(subscriber_id, int) or not isinstance(email, str):
        return None
    return Subscriber.objects.filter(pk=subscriber_id, email=email).first()


def confirm_url(subscriber: Subscriber) -> str:
    return f"{settings.SITE_URL}{reverse('status:subscribe_confirm', args=[_token(subscriber, 'confirm')])}"


def unsubscribe_url(subscriber: Subscriber) -> str:
    return f"{settings.SITE_URL}{reverse('status:unsubscribe', args=[_token(subscriber, 'unsubscribe')])}"


def manage_path(subscriber: Subscriber) -> str:
    return reverse("status:subscription", args=[_token(subscriber, "manage")])


def manage_url(subscriber: Subscriber) -> str:
    site: str = settings.SITE_URL
    return site + manage_path(subscriber)


def subscriber_for_manage(*, token: str) -> Subscriber | None:
    """Whom a manage link is for; None when it is forged, cut short or older than 90 days."""
    return _read(token, "manage", MANAGE_MAX_AGE)


@transaction.atomic
def subscriber_components_choose(*, subscriber: Subscriber, components: Iterable[Component]) -> Subscriber:
    """Replace what a subscriber follows (none chosen: everything), from their manage link.

    The link was mailed to the address, so saving with it also confirms the
    address and resumes updates after an unsubscribe.
    """
    chosen = list(components)
    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    subscriber.all_components = not chosen
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["all_components", "confirmed_at", "unsubscribed_at"])
    subscriber.components.set(chosen)
    return subscriber


def subscriber_stop(*, subscriber: Subscriber) -> Subscriber:
    """Unsubscribe entirely, from the manage page."""
    Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
    subscriber.refresh_from_db()
    return subscriber


@transaction.atomic
def subscriber_subscribe(*, email: str, components: Iterable[Component] = (), language: str = "en") -> Subscriber:
    """Record the wish and mail a confirmation link. Nothing is sent to the address until it confirms.

    Asking again is harmless: the choice of components is replaced and a new link is mailed.
    """
    email = email.strip().lower()
    chosen = list(components)
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(email=email, defaults={"language": language})
    subscriber.all_components = not chosen
    subscriber.language = language
    subscriber.save(update_fields=["all_components", "language"])
    subscriber.components.set(chosen)
    with translation.override(language):
        context = {
            "subscriber": subscriber,
            "confirm_url": confirm_url(subscriber),
            "chosen": chosen,
            "manage_url": manage_url(subscriber),
            "VENDOR_NAME": settings.VENDOR_NAME,
        }
        email_queue(
            event_key=f"status-subscribe:{subscriber.pk}:{timezone.now().timestamp():.6f}",
            email=Email(
                recipient=email,
                subject=_("Confirm your subscription to the %(vendor)s status page") % {"vendor": settings.VENDOR_NAME},
                body_text=render_to_string("status/email/confirm.txt", context),
                body_html=render_to_string("status/email/confirm.html", context),
                language=language,
            ),
        )
    return subscriber


def subscriber_confirm(*, token: str) -> Subscriber | None:
    subscriber = _read(token, "confirm", CONFIRM_MAX_AGE)
    if subscriber is None:
        return None
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=timezone.now(), unsubscribed_at=None)
    subscriber.refresh_from_db()
    return subscriber


def subscriber_for_unsubscribe(*, token: str) -> Subscriber | None:
    """Whom an unsubscribe link is for, without acting on it."""
    return _read(token, "unsubscribe", None)


def subscriber_unsubscribe(*, token: str) -> Subscriber | None:
    subscriber = _read(token, "unsubscribe", None)
    if subscriber is None:
        return None
    Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
    subscriber.refresh_from_db()
    return subscriber


def subscribers_for(incident: Incident) -> list[Subscriber]:
    """Confirmed, still-subscribed people who follow everything or one of the incident's components."""
    component_ids = list(incident.affected.values_list("component_id", flat=True))
    active = Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    if not component_ids:
        return list(active)
    return list(active.filter(Q(all_components=True) | Q(components__in=component_ids)).distinct())


def unsubscribe_headers(subscriber: Subscriber) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients show an Unsubscribe button that POSTs to the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def subscriber_zone(subscriber: Subscriber) -> zoneinfo.ZoneInfo:
    """The zone a subscriber's mail states times in: their own when they have a login here, else UTC.

    Never the zone of whoever posted the update, which is the one active while it is posted.
    """
    from accounts.models import User

    name = User.objects.filter(email__iexact=subscriber.email, is_active=True).values_list("timezone", flat=True).first()
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def update_announce(*, update: IncidentUpdate) -> None:
    """Queue one email per subscriber for a public update, in the caller's transaction; never twice per update."""
    incident = update.incident
    if incident.published_at is None:
        return
    subscribers = subscribers_for(incident)
    queued = 0
    for subscriber in subscribers:
        with translation.override(subscriber.language), timezone.override(subscriber_zone(subscriber)):
            context = {
                "incident": incident,
                "update": update,
                "VENDOR_NAME": settings.VENDOR_NAME,
                "incident_url": settings.SITE_URL + reverse("status:incident", args=[incident.pk]),
                "unsubscribe_url": unsubscribe_url(subscriber),
                "manage_url": manage_url(subscriber),
            }
            kind = _("Maintenance") if incident.is_maintenance else _("Incident")
            rows = emails_queue(
                event_key=f"status-update:{update.pk}",
                emails=[
                    Email(
                        recipient=subscriber.email,
                        subject=_("[%(vendor)s status] %(kind)s: %(title)s – %(status)s")
                        % {
                            "vendor": settings.VENDOR_NAME,
                            "kind": kind,
                            "title": incident.title,
                            "status": update.get_status_display(),
                        },
                        body_text=render_to_string("status/email/update.txt", context),
                        body_html=render_to_string("status/email/update.html", context),
                        language=subscriber.language,
                        headers=unsubscribe_headers(subscriber),
                    )
                ],
            )
            queued += len(rows)
    if queued:
        IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEvent.Kind.NOTIFIED,
            actor_label=_("Status page rules"),
            after={"update": update.pk, "emails": queued},
            reason=_("Update mailed to its subscribers."),
        )
