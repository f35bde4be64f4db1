"""Every mail wears one layout (the vendor's name on top, a footer saying why it came) and states times
in the reader's terms, checked at a real SMTP server."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from incidents import publishing
from incidents.models import Subscriber
from incidents.tests.factories import component
from notifications.services import Email, email_queue
from tests.factories import TicketFactory, UserFactory
from tickets.emails import ticket_created_emails_queue

pytestmark = pytest.mark.django_db

BRAND = re.compile(r'<td bgcolor="#14213d"[^>]*>\s*<span[^>]*>Supportdesk</span>')


def links_in(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_the_reception_mail_wears_the_layout_with_brand_footer_and_a_working_link(
    world,
    smtp,
    client,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="Labels stuck")
        ticket_created_emails_queue(ticket=ticket)

    [mail] = smtp.to("alice@alpha.example")
    assert mail["Content-Language"] == "en"
    assert BRAND.search(mail.html), "the vendor's name heads the mail"
    assert 'name="viewport"' in mail.html and "max-width:600px" in mail.html
    assert f"You receive this because you filed {ticket.reference}." in mail.html
    assert "font-family:-apple-system" in mail.html, "the font is set inline, not left to the reader's default"
    [link] = [href for href in links_in(mail.html) if "/tickets/" in href]
    client.force_login(world.alice)
    assert client.get(link.replace("http://127.0.0.1:8000", "")).status_code == 200


def test_a_text_only_mail_reaches_html_readers_in_the_layout_too(smtp, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(
            event_key="plain:1",
            email=Email(
                recipient="ops@alpha.example",
                subject="Hola",
                body_text="Mira https://example.com/x\n\nAdiós",
                language="es",
            ),
        )
    [mail] = smtp.to("ops@alpha.example")
    assert BRAND.search(mail.html) and 'lang="es"' in mail.html
    assert '<a href="https://example.com/x"' in mail.html
    assert "Recibes este correo del servicio de soporte de Supportdesk." in mail.html
    assert mail["Content-Language"] == "es"


def test_the_password_reset_mail_names_the_vendor_not_the_host_and_its_link_works(
    world,
    smtp,
    django_capture_on_commit_callbacks,
) -> None:
    client = Client()  # the request's host is "testserver"; the mail must not depend on it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "alice@alpha.example"})
    assert response.status_code == 302

    [mail] = smtp.to("alice@alpha.example")
    assert mail["Subject"].strip() == "Reset your Supportdesk password"
    assert "your Supportdesk account" in mail.text and "your Supportdesk account" in mail.html
    assert "testserver" not in mail.text + mail.html
    assert BRAND.search(mail.html)
    [link] = [href for href in links_in(mail.html) if "/password/" in href]
    assert link in mail.text
    opened = Client().get(link.replace("http://127.0.0.1:8000", ""), follow=True)
    assert b"new password" in opened.content.lower()


def _subscribe(email: str) -> Subscriber:
    subscriber = Subscriber.objects.create(email=email, language="en", confirmed_at=datetime(2026, 1, 1, tzinfo=UTC))
    return subscriber


def test_a_status_mail_states_the_time_in_utc_not_in_the_posting_agents_zone(
    world,
    smtp,
    django_capture_on_commit_callbacks,
) -> None:
    assert world.agent.timezone == "America/Chicago"
    _subscribe("watcher@shop.example")
    UserFactory(email="madrid@alpha.example", organisation=world.alpha, timezone="Europe/Madrid")
    _subscribe("madrid@alpha.example")
    labels = component("Correos")
    client = Client()
    client.force_login(world.agent)
    with time_machine.travel(datetime(2026, 12, 3, 10, 5, tzinfo=UTC), tick=False):
        incident = publishing.incident_create(
            title="Correos: labels fail", message="Labels fail.", components={labels: "partial_outage"}, publish_now=True
        )
    with time_machine.travel(datetime(2026, 12, 3, 10, 17, tzinfo=UTC), tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("desk_status:incident", args=[incident.pk]),
            {
                "status": "identified",
                "message": "Found the cause.",
            },
        )
    assert response.status_code == 302

    [anonymous] = [m for m in smtp.to("watcher@shop.example") if "Identified" in m["Subject"]]
    for body in (anonymous.text, anonymous.html):
        assert "3 Dec 2026, 10:17 UTC" in body
        assert "CST" not in body and "04:17" not in body
    [madrid] = [m for m in smtp.to("madrid@alpha.example") if "Identified" in m["Subject"]]
    assert "3 Dec 2026, 11:17 CET" in madrid.text and "3 Dec 2026, 11:17 CET" in madrid.html
    assert BRAND.search(anonymous.html)
    assert "You receive this because you subscribed to the Supportdesk status page." in anonymous.html
    [follow] = [href for href in links_in(anonymous.html) if "/status/incidents/" in href]
    assert Client().get(follow.replace("http://127.0.0.1:8000", "")).status_code == 200
