"""In Chromium: a contact without a login asks for a password reset and comes out signed in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import Contact
from tests.browser import screenshot
from tests.factories import TicketFactory
from tests.test_contact_mails import _link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_contact_asks_for_a_reset_opens_the_mailed_link_and_lands_signed_in_on_their_requests(
    page,
    world,
    smtp,
    shipped_defaults,
) -> None:
    nadia = Contact.objects.create(organisation=world.alpha, name="Nadia Nuñez", email="nadia@alpha.example", language="es")
    ticket = TicketFactory(organisation=world.alpha, requester_contact=nadia, summary="Etiquetas de Correos fallan")
    page.goto(reverse("password_reset"))
    page.fill("input[name=email]", "nadia@alpha.example")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    [offer] = smtp.wait_for(1)
    assert offer.envelope_to == ["nadia@alpha.example"]

    page.goto(_link(offer.html, "/password/new/"))
    screenshot(page, "account-create")
    screenshot(page, "account-create", phone=True)
    page.fill("input[name=new_password1]", "a long Valencia passphrase")
    page.fill("input[name=new_password2]", "a long Valencia passphrase")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("portal:home"))
    assert page.get_by_text(ticket.summary).first.is_visible()
    assert page.get_by_text("Tu acceso está listo. Ya iniciaste sesión.").is_visible()
    screenshot(page, "account-created-home")
