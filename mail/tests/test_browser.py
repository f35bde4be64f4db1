"""An agent handles an unknown sender's mail in the desk, in Chromium."""

from __future__ import annotations

import pytest

from mail.intake import inbound_process, inbound_store
from mail.tests.messages import mail
from tests.browser import screenshot, sign_in
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_links_an_unknown_senders_mail_to_an_organisation(page, world, shipped_defaults):
    raw = mail(
        sender="Nadia New <nadia@alpha.example>",
        subject="Where is my invoice?",
        text="Hello, I cannot find the invoice for November.\n\nThanks,\nNadia",
    )
    row, _created = inbound_store(raw=raw, via="smtp")
    inbound_process(inbound_id=row.pk)
    sign_in(page, world.agent.email)
    page.goto("/desk/mail/")
    page.get_by_role("link", name="Where is my invoice?").click()
    assert "I cannot find the invoice for November." in page.inner_text("main")
    screenshot(page, "desk-inbound-mail")
    screenshot(page, "desk-inbound-mail", phone=True)
    page.select_option("select[name=organisation]", label=world.alpha.name)
    page.get_by_role("button", name="Link and open a ticket").click()
    ticket = Ticket.objects.get(summary="Where is my invoice?")
    assert f"{ticket.reference} opened for {world.alpha.name}." in page.inner_text("body")
    assert ticket.requester_contact.email == "nadia@alpha.example"
