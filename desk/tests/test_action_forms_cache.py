"""The ticket page's action forms, drawn once and shared from the cache, never carry one viewer's language,
CSRF token or ticket to another, and show a changed list at once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from desk.housekeeping import ticket_tags_set
from desk.models import CannedReply, Macro
from tests.factories import TicketFactory, UserFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """The agents' requests leave their language active in this thread; the next test starts in English."""
    yield
    translation.activate("en")


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TAGS_BOX = re.compile(r'<input type="text" name="tags" value="([^"]*)"')


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def page(client: Client, ticket: Ticket) -> str:
    response = client.get(f"/desk/tickets/{ticket.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_agents_sharing_cached_action_forms_each_get_their_language_token_and_ticket(world):
    cache.clear()
    alpha = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="CANARY-alpha", severity=2)
    outsider = TicketFactory(organisation=world.outsider, requester_user=world.charlie, summary="CANARY-outsider", severity=2)
    ticket_tags_set(ticket=alpha, names=["alpha-only"], actor=world.agent)
    ticket_tags_set(ticket=outsider, names=["outsider-only"], actor=world.agent)
    in_sao_paulo = UserFactory(
        email="bia@vendor.example", full_name="Bia Agent", role="agent", timezone="America/Sao_Paulo", language="pt-br"
    )
    in_tokyo = UserFactory(email="ken@vendor.example", full_name="Ken Agent", role="agent", timezone="Asia/Tokyo", language="es")
    bia, ken = signed_in(in_sao_paulo), signed_in(in_tokyo)

    # Bia draws both tickets' forms in Portuguese; Ken then reads the same tickets in Spanish, and Bia again.
    bia_alpha, bia_outsider = page(bia, alpha), page(bia, outsider)
    ken_alpha, ken_outsider = page(ken, alpha), page(ken, outsider)
    bia_again = page(bia, alpha)

    for body in (bia_alpha, bia_outsider, bia_again):
        assert "Enviar resposta" in body and "Alterar severidade" in body
        assert "Enviar respuesta" not in body
    for body in (ken_alpha, ken_outsider):
        assert "Enviar respuesta" in body and "Cambiar severidad" in body
        assert "Enviar resposta" not in body
    # Each ticket's forms post to that ticket and show its own tags, never the other's.
    for body, mine, other in ((bia_alpha, alpha, outsider), (ken_alpha, alpha, outsider), (ken_outsider, outsider, alpha)):
        assert f'action="/desk/tickets/{mine.number}/reply/"' in body
        assert f"/desk/tickets/{other.number}/" not in body
    # (Agents may see every tag in use, in the box's suggestions; the box itself holds the ticket's own.)
    assert TAGS_BOX.findall(ken_alpha) == ["alpha-only"] and TAGS_BOX.findall(bia_alpha) == ["alpha-only"]
    assert TAGS_BOX.findall(ken_outsider) == ["outsider-only"] and TAGS_BOX.findall(bia_outsider) == ["outsider-only"]
    assert "csrf-slot-" not in ken_alpha and "csrf-slot-" not in bia_again

    # Each page carries its viewer's own CSRF token: it posts for them, and not for the other agent.
    ken_token = TOKEN.search(ken_alpha)
    bia_token = TOKEN.search(bia_again)
    assert ken_token and bia_token
    assert (
        ken.post(f"/desk/tickets/{alpha.number}/note/", {"note-body": "Ken's note", "csrfmiddlewaretoken": bia_token[1]}).status_code
        == 403
    )
    sent = ken.post(f"/desk/tickets/{alpha.number}/note/", {"note-body": "Ken's note", "csrfmiddlewaretoken": ken_token[1]})
    assert sent.status_code == 302
    assert (
        bia.post(f"/desk/tickets/{alpha.number}/note/", {"note-body": "Bia's note", "csrfmiddlewaretoken": bia_token[1]}).status_code
        == 302
    )


def test_a_new_macro_canned_reply_or_agent_shows_on_the_next_view(world):
    cache.clear()
    ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2)
    client = Client()
    client.force_login(world.agent)
    before = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Escalate to billing" not in before and "Thanks, fixed" not in before and "Nia Newcomer" not in before

    Macro.objects.create(title="Escalate to billing", reply="We asked billing.")
    CannedReply.objects.create(title="Thanks, fixed", body="It is fixed.")
    UserFactory(email="nia@vendor.example", full_name="Nia Newcomer", role="agent")

    after = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Escalate to billing" in after and "Thanks, fixed" in after and "Nia Newcomer" in after
