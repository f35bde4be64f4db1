"""My requests' rows, drawn once and shared from the cache, never carry one viewer's tickets, zone or language to another."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from tests.factories import TicketFactory, UserFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

NOON_UTC = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_customers_of_two_organisations_sharing_cached_rows_see_only_their_tickets_in_their_zone_and_language(world):
    in_tokyo = UserFactory(
        email="aiko@alpha.example",
        full_name="Aiko Alpha",
        organisation=world.alpha,
        org_admin=True,
        timezone="Asia/Tokyo",
        language="es",
    )
    in_sao_paulo = UserFactory(
        email="bia@alpha.example",
        full_name="Bia Alpha",
        organisation=world.alpha,
        org_admin=True,
        timezone="America/Sao_Paulo",
        language="pt-br",
    )
    in_tokyo_in_portuguese = UserFactory(
        email="ken@alpha.example",
        full_name="Ken Alpha",
        organisation=world.alpha,
        org_admin=True,
        timezone="Asia/Tokyo",
        language="pt-br",
    )
    world.carol.timezone, world.carol.language = "Asia/Tokyo", "es"
    world.carol.save(update_fields=["timezone", "language"])
    with time_machine.travel(NOON_UTC, tick=False):
        TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="CANARY-alpha checkout")
        TicketFactory(organisation=world.outsider, requester_user=world.charlie, summary="CANARY-outsider invoices")

        # The same organisation-wide rows, first drawn for São Paulo in Portuguese, then asked for from Tokyo in
        # Spanish and in Portuguese; then the other organisation's admin, in Tokyo and Spanish too, and both
        # requesters.
        paulista = signed_in(in_sao_paulo).get("/portal/?scope=organisation").content.decode()
        tokyo = signed_in(in_tokyo).get("/portal/?scope=organisation").content.decode()
        tokyo_in_portuguese = signed_in(in_tokyo_in_portuguese).get("/portal/?scope=organisation").content.decode()
        again = signed_in(in_sao_paulo).get("/portal/?scope=organisation").content.decode()
        outsider = signed_in(world.carol).get("/portal/?scope=organisation").content.decode()
        alice = signed_in(world.alice).get("/portal/").content.decode()
        charlie = signed_in(world.charlie).get("/portal/").content.decode()

    for page in (paulista, tokyo, tokyo_in_portuguese, again, alice):
        assert "CANARY-alpha checkout" in page and "CANARY-outsider" not in page
    for page in (outsider, charlie):
        assert "CANARY-outsider invoices" in page and "CANARY-alpha" not in page
    # Filed at noon UTC: 09:00 in São Paulo, 21:00 in Tokyo.
    assert '<time datetime="2026-11-24T09:00:00-03:00">24 Nov 2026 09:00</time>' in paulista
    assert '<time datetime="2026-11-24T21:00:00+09:00">24 Nov 2026 21:00</time>' in tokyo
    assert "2026-11-24T21:00" not in paulista and "2026-11-24T09:00" not in tokyo
    # The same language as São Paulo's, and the same rows: Tokyo's time all the same.
    assert '<time datetime="2026-11-24T21:00:00+09:00">24 Nov 2026 21:00</time>' in tokyo_in_portuguese
    assert "2026-11-24T09:00" not in tokyo_in_portuguese
    assert '<time datetime="2026-11-24T09:00:00-03:00">24 Nov 2026 09:00</time>' in again
    assert 'data-label="Criado"' in paulista and 'data-label="Creado"' not in paulista
    assert 'data-label="Creado"' in tokyo and 'data-label="Criado"' not in tokyo
    # The organisation's list names the requester; the customer's own list has no such column.
    assert "Alice Alpha" in tokyo and 'data-label="Solicitante"' in tokyo
    assert 'data-label="Requester"' not in alice


def test_a_cached_row_is_drawn_again_when_what_it_shows_changes(alice_client, world):
    ticket = world.alice_ticket
    assert "badge status-new" in alice_client.get("/portal/").content.decode()
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.WAITING_ON_CUSTOMER)  # no updated_at, on purpose
    page = alice_client.get("/portal/").content.decode()
    assert "badge status-waiting_customer" in page and "Waiting on customer" in page
    ticket.ticket_type.name = "Renamed question"
    ticket.ticket_type.save()
    assert "Renamed question" in alice_client.get("/portal/").content.decode()
