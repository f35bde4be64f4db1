"""Subscriptions: double opt-in, chosen components, one-click unsubscribe, real SMTP delivery."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from incidents import publishing
from incidents.models import Subscriber
from incidents.tests.factories import component
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def link(text: str, name: str) -> str:
    match = re.search(rf"http://\S+/status/{name}/\S+/", text)
    assert match, text
    return match.group(0).replace("http://127.0.0.1:8000", "")


def subscribe(client, email: str, components=()) -> Subscriber:  # type: ignore[no-untyped-def]
    response = client.post(reverse("status:subscribe"), {"email": email, "components": [c.pk for c in components]})
    assert response.status_code == 302
    return Subscriber.objects.get(email=email.lower())


def test_subscribe_confirm_receive_and_unsubscribe_over_real_smtp(client, smtp, django_capture_on_commit_callbacks) -> None:
    labels = component("Correos", group="Carriers · Spain")
    with django_capture_on_commit_callbacks(execute=True):
        subscriber = subscribe(client, "Ops@Shop.example")
    assert subscriber.email == "ops@shop.example" and not subscriber.is_active

    confirmation = smtp.wait_for(1)[0]
    assert confirmation["To"] == "ops@shop.example" and "Confirm" in confirmation["Subject"]
    assert client.get(link(confirmation.text, "subscribe/confirm")).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.is_active

    with django_capture_on_commit_callbacks(execute=True):
        incident = publishing.incident_create(
            title="Correos: labels fail", message="Labels fail.", components={labels: "partial_outage"}, cause="code_change"
        )
    with django_capture_on_commit_callbacks(execute=True):
        publishing.incident_update_post(incident=incident, status="identified", message="Found the cause.")
    mails = smtp.wait_for(3)
    updates = [m for m in mails if "Correos: labels fail" in m["Subject"]]
    assert [("Investigating" in m["Subject"], "Identified" in m["Subject"]) for m in updates] == [(True, False), (False, True)]
    assert "Found the cause." in updates[1].text

    # The link in the text only asks (mail scanners open links); its button POSTs.
    asked = client.get(link(updates[1].text, "unsubscribe"))
    assert asked.status_code == 200 and "Unsubscribe from status updates?" in asked.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.is_active

    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the header's address, with no CSRF token.
    header = updates[1]["List-Unsubscribe"].strip()  # a long value is folded onto its own line, as RFC 5322 allows
    assert updates[1]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header.startswith("<http://127.0.0.1:8000/status/unsubscribe/") and header.endswith("/>")
    one_click = Client(enforce_csrf_checks=True).post(
        header[1:-1].replace("http://127.0.0.1:8000", ""),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200 and "You are unsubscribed" in one_click.content.decode()
    subscriber.refresh_from_db()
    assert not subscriber.is_active
    publishing.incident_resolve(incident=incident)
    assert not OutboundEmail.objects.filter(recipient="ops@shop.example", subject__contains="Resolved").exists()


def test_nothing_is_sent_before_confirmation_nor_for_unpublished_incidents(client) -> None:
    subscriber = subscribe(client, "a@shop.example")
    publishing.incident_create(title="Code change", message="m", cause="code_change")
    assert OutboundEmail.objects.filter(recipient="a@shop.example").count() == 1  # only the confirmation

    Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at="2026-01-01T00:00Z")
    publishing.incident_create(title="Still waiting", message="m")  # monitoring: not public for 30 minutes
    assert OutboundEmail.objects.filter(recipient="a@shop.example").count() == 1


def test_chosen_components_filter_the_mail(client) -> None:
    labels = component("Correos", group="Carriers · Spain")
    shopify = component("Shopify", group="Shop integrations")
    subscriber = subscribe(client, "b@shop.example", [shopify])
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at="2026-01-01T00:00Z")

    publishing.incident_create(title="Correos down", message="m", components={labels: "major_outage"}, cause="code_change")
    publishing.incident_create(title="Shopify late", message="m", components={shopify: "degraded_performance"}, cause="code_change")

    subjects = list(OutboundEmail.objects.filter(recipient="b@shop.example").values_list("subject", flat=True))
    assert any("Shopify late" in s for s in subjects) and not any("Correos down" in s for s in subjects)


def test_maintenance_is_announced_to_subscribers(client) -> None:
    from datetime import timedelta

    from django.utils import timezone

    subscriber = subscribe(client, "c@shop.example")
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=timezone.now())
    now = timezone.now()
    publishing.maintenance_schedule(
        title="DB upgrade",
        message="m",
        components=[component()],
        scheduled_for=now + timedelta(hours=1),
        scheduled_until=now + timedelta(hours=2),
    )
    assert OutboundEmail.objects.filter(recipient="c@shop.example", subject__contains="DB upgrade").exists()


def test_a_forged_or_wrong_token_changes_nothing(client) -> None:
    subscriber = subscribe(client, "d@shop.example")
    assert client.get(reverse("status:subscribe_confirm", args=["forged"])).status_code == 400
    assert client.get(reverse("status:unsubscribe", args=["forged"])).status_code == 400
    assert client.post(reverse("status:unsubscribe", args=["forged"])).status_code == 400
    from incidents import subscriptions

    unsubscribe_token = subscriptions.unsubscribe_url(subscriber).rstrip("/").rsplit("/", 1)[1]
    assert client.get(reverse("status:subscribe_confirm", args=[unsubscribe_token])).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    confirm_token = subscriptions.confirm_url(subscriber).rstrip("/").rsplit("/", 1)[1]
    assert client.post(reverse("status:unsubscribe", args=[confirm_token])).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None


def test_bad_email_gets_a_clear_message(client) -> None:
    response = client.post(reverse("status:subscribe"), {"email": "not an email"})
    assert response.status_code == 200 and "valid email" in response.content.decode()
    assert not Subscriber.objects.exists()
