"""Rows drawn once and shared from the cache never carry one viewer's data, zone or language to another."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests.factories import OrganisationFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """The agents' requests leave their language active in this thread; the next test starts in English."""
    yield
    translation.activate("en")


NOON_UTC = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_agents_and_customers_sharing_cached_rows_each_see_only_their_own_zone_language_and_tickets(world):
    cache.clear()
    with time_machine.travel(NOON_UTC, tick=False):
        alpha = TicketFactory(
            organisation=world.alpha,
            requester_user=world.alice,
            severity=2,
            summary="CANARY-alpha checkout",
            type_slug="production-issue",
        )
        outsider = TicketFactory(
            organisation=world.outsider,
            requester_user=world.charlie,
            severity=2,
            summary="CANARY-outsider invoices",
            type_slug="production-issue",
        )
        in_sao_paulo = UserFactory(
            email="bia@vendor.example", full_name="Bia Agent", role="agent", timezone="America/Sao_Paulo", language="pt-br"
        )
        in_tokyo = UserFactory(
            email="ken@vendor.example", full_name="Ken Agent", role="agent", timezone="Asia/Tokyo", language="pt-br"
        )
        in_spanish = UserFactory(
            email="eva@vendor.example", full_name="Eva Agent", role="agent", timezone="America/Sao_Paulo", language="es"
        )

        # The same rows, first drawn for São Paulo in Portuguese, then asked for from Tokyo in the same
        # language, and from São Paulo in Spanish.
        paulista = signed_in(in_sao_paulo).get("/desk/").content.decode()
        tokyo = signed_in(in_tokyo).get("/desk/").content.decode()
        spanish = signed_in(in_spanish).get("/desk/").content.decode()
        again = signed_in(in_sao_paulo).get("/desk/").content.decode()

        alice = signed_in(world.alice).get("/portal/").content.decode()
        charlie = signed_in(world.charlie).get("/portal/").content.decode()
        alice_on_the_desk = signed_in(world.alice).get("/desk/")

    for page in (paulista, tokyo, spanish, again):
        assert "CANARY-alpha checkout" in page and "CANARY-outsider invoices" in page
    # Filed at noon UTC: 09:00 in São Paulo, 21:00 in Tokyo.
    assert 'datetime="2026-11-24T12:00:00+00:00"' in paulista
    assert ">09:00</time>" in paulista and ">21:00</time>" not in paulista
    assert ">21:00</time>" in tokyo and ">09:00</time>" not in tokyo
    assert ">09:00</time>" in again and ">09:00</time>" in spanish
    assert 'data-label="Organização"' in paulista and 'data-label="Organización"' not in paulista
    assert 'data-label="Organización"' in spanish and 'data-label="Organização"' not in spanish

    assert "CANARY-alpha checkout" in alice and "CANARY-outsider invoices" not in alice
    assert "CANARY-outsider invoices" in charlie and "CANARY-alpha checkout" not in charlie
    assert alice_on_the_desk.status_code in (302, 403, 404)
    assert "CANARY" not in alice_on_the_desk.content.decode()
    assert alpha.number != outsider.number


def test_agents_sharing_the_cached_queue_filters_each_see_their_language_and_their_own_search(world):
    cache.clear()
    in_sao_paulo = UserFactory(
        email="bia@vendor.example", full_name="Bia Agent", role="agent", timezone="America/Sao_Paulo", language="pt-br"
    )
    in_tokyo = UserFactory(email="ken@vendor.example", full_name="Ken Agent", role="agent", timezone="Asia/Tokyo", language="es")
    bia, ken = signed_in(in_sao_paulo), signed_in(in_tokyo)

    paulista = bia.get("/desk/").content.decode()
    tokyo = ken.get("/desk/").content.decode()
    searched = bia.get("/desk/?q=CANARY-bia-search").content.decode()
    unsearched = ken.get("/desk/").content.decode()
    OrganisationFactory(name="CANARY Newly Signed")
    after = ken.get("/desk/").content.decode()

    assert "Qualquer organização" in paulista and "Cualquier organización" not in paulista
    assert "Cualquier organización" in tokyo and "Qualquer organização" not in tokyo
    assert 'value="CANARY-bia-search"' in searched
    assert "CANARY-bia-search" not in unsearched and "CANARY-bia-search" not in tokyo
    # A new organisation is offered at once: the filters are kept under the lists' version.
    assert "CANARY Newly Signed" not in tokyo and "CANARY Newly Signed" in after
