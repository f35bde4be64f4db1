"""Every mail in its recipient's language, with Content-Language saying which, at a real SMTP server."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import Contact
from incidents import publishing
from incidents.tests.factories import component
from notices.models import ProductArea
from notices.services import notice_raise
from tests.factories import TicketFactory
from tickets.emails import ticket_created_emails_queue
from tickets.workflow import comment_add

pytestmark = pytest.mark.django_db


def _brazilian_emergency_contact(world) -> Contact:  # type: ignore[no-untyped-def]
    contact = world.alpha.registered_emergency_contact
    contact.language = "pt-br"
    contact.save(update_fields=["language"])
    return contact


def test_a_brazilian_contact_gets_the_alert_in_portuguese_and_an_english_one_in_english(
    world,
    smtp,
    django_capture_on_commit_callbacks,
) -> None:
    contact = _brazilian_emergency_contact(world)
    area = ProductArea.objects.get_or_create(name="Query API")[0]
    with django_capture_on_commit_callbacks(execute=True):
        notice_raise(
            organisation=world.alpha,
            kind="alert",
            area=area,
            title="Query API: 503",
            description="4% answer 503.",
            call_to_action="Reverta a mudança de índice.",
            actor_label="Monitoring",
        )

    [alert] = smtp.to(contact.email)
    assert alert["Content-Language"] == "pt-BR"
    assert "Alerta" in alert["Subject"]
    assert "AÇÃO NECESSÁRIA" in alert.text and "identificou um problema" in alert.text
    assert "Olá" in alert.html and 'lang="pt-BR"' in alert.html
    for english in ("ACTION REQUIRED", "What we detected", "Hello", "support team"):
        assert english not in alert.text, english
    copied = [mail for mail in smtp.messages if mail.envelope_to != [contact.email]]
    assert copied and all(mail["Content-Language"] == "en" and "ACTION REQUIRED" in mail.text for mail in copied)


def test_a_brazilian_requester_gets_the_confirmation_and_the_reply_in_portuguese(
    world,
    smtp,
    django_capture_on_commit_callbacks,
) -> None:
    contact = _brazilian_emergency_contact(world)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = TicketFactory(organisation=world.alpha, summary="Pedidos parados")
        ticket_created_emails_queue(ticket=ticket)
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(ticket=ticket, author=world.agent, body="Estamos analisando.")

    received, reply = smtp.to(contact.email)
    assert received["Subject"].strip() == f"[{ticket.reference}] Recebemos sua solicitação: Pedidos parados"
    assert "Recebemos a sua solicitação" in received.text
    assert reply["Subject"].strip() == f"[{ticket.reference}] Nova resposta: Pedidos parados"
    assert "respondeu em" in reply.text and "Estamos analisando." in reply.text
    assert {received["Content-Language"], reply["Content-Language"]} == {"pt-BR"}
    assert "We received your request" not in received.text and "replied on" not in reply.text


def test_a_brazilian_requester_hears_of_the_resolution_in_portuguese(world, smtp, django_capture_on_commit_callbacks) -> None:
    from tickets.models import Ticket
    from tickets.workflow import ticket_status_change

    contact = _brazilian_emergency_contact(world)
    ticket = TicketFactory(organisation=world.alpha, requester_contact=contact, summary="Pedidos parados")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.RESOLVED)

    [resolved] = [mail for mail in smtp.to(contact.email) if "Resolvida" in mail["Subject"]]
    assert resolved["Subject"].strip() == f"[{ticket.reference}] Resolvida: Pedidos parados"
    assert resolved["Content-Language"] == "pt-BR"
    assert "is resolved" not in resolved.text and "How did we do" not in resolved.text
    assert "resolvida" in resolved.text


def test_a_contact_without_a_language_of_their_own_reads_the_organisations(world, smtp, django_capture_on_commit_callbacks) -> None:
    world.alpha.language = "es"
    world.alpha.save(update_fields=["language"])
    user = world.alice
    user.language = ""
    user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = TicketFactory(organisation=world.alpha, requester_user=user, summary="Pedidos atascados")
        ticket_created_emails_queue(ticket=ticket)

    [received] = smtp.to(user.email)
    assert received["Content-Language"] == "es"
    assert received["Subject"].strip() == f"[{ticket.reference}] Recibimos tu solicitud: Pedidos atascados"


def test_a_spanish_status_subscriber_reads_spanish(client, smtp, django_capture_on_commit_callbacks) -> None:
    labels = component("Correos", group="Carriers · Spain")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("status:subscribe"), {"email": "ops@tienda.example"}, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    [confirmation] = smtp.wait_for(1)
    assert confirmation["Content-Language"] == "es"
    assert confirmation["Subject"].strip() == "Confirma tu suscripción a la página de estado de Supportdesk"
    token_link = next(word for word in confirmation.text.split() if "/status/subscribe/confirm/" in word)
    assert client.get(token_link.replace("http://127.0.0.1:8000", "")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        publishing.incident_create(
            title="Correos: etiquetas", message="Las etiquetas fallan.", components={labels: "partial_outage"}, cause="code_change"
        )
    update = next(mail for mail in smtp.wait_for(2) if "Correos: etiquetas" in mail["Subject"])
    assert update["Subject"].strip() == "[Estado de Supportdesk] Incidente: Correos: etiquetas – Investigando"
    assert update["Content-Language"] == "es"
    assert "Investigating" not in update.text and "Unsubscribe" not in update.text
