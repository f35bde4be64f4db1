"""A contact without a login opens the signed link from our mail, comments, and takes up a login (Chromium, real SMTP)."""

from __future__ import annotations

import re

import pytest

from accounts.models import User
from customers.models import Contact
from tests.browser import screenshot, sign_in
from tickets.emails import ticket_created_emails_queue
from tickets.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_defaults")]


def link_in(text: str) -> str:
    [url] = re.findall(r"https?://\S+/portal/t/\S+/", text)
    return url


def test_a_contact_opens_the_signed_link_comments_and_accepts_a_login(page, chromium, live_server, world, smtp, settings):
    settings.SITE_URL = live_server.url
    contact = Contact.objects.create(organisation=world.alpha, email="olga@alpha.example", name="Olga Ops", language="pt-br")
    ticket = world.alice_ticket
    ticket.cc_contacts.add(contact)
    ticket_created_emails_queue(ticket=ticket)
    [copy] = smtp.wait_for(2) and smtp.to("olga@alpha.example")
    assert copy["Content-Language"] == "pt-BR"
    url = link_in(copy.text)
    assert url in copy.html

    page.goto(url)
    assert page.get_by_text(ticket.summary).first.is_visible()
    assert page.locator("nav.topnav a", has_text="My requests").count() == 0  # this ticket, nothing else
    screenshot(page, "portal-contact-link")
    screenshot(page, "portal-contact-link", phone=True)
    page.fill("textarea[name=body]", "Seen from the ops desk.")
    page.click("#comment button:has-text('Add')")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Your comment was added.").is_visible()
    comment = ticket.comments.get()
    assert (comment.author_contact, comment.via, comment.author_id) == (contact, Comment.Via.LINK, None)
    assert page.goto("/portal/").url.endswith("/accounts/login/?next=/portal/")  # no more than the one ticket
    assert page.goto(url.replace("/portal/t/", "/portal/t/x")).status == 404

    page.goto(url)
    page.click("button:has-text('Create my account')")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("We emailed olga@alpha.example a link to set your password.").is_visible()
    invitation = [m for m in smtp.wait_for(4) if m.envelope_to == ["olga@alpha.example"]][-1]
    assert invitation["Subject"].strip() == "Você foi convidado para o portal de suporte da Supportdesk"  # her language
    [set_password] = re.findall(r"https?://\S+/accounts/password/reset/\S+/", invitation.text)
    page.goto(set_password)
    page.fill("input[name=new_password1]", "a long new secret 42")
    page.fill("input[name=new_password2]", "a long new secret 42")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    olga = User.objects.get(email="olga@alpha.example")
    assert olga.membership.organisation == world.alpha and not olga.membership.is_admin
    sign_in(page, "olga@alpha.example", "a long new secret 42")
    assert page.url.endswith("/portal/")
    assert page.goto(set_password).ok and page.locator("input[name=new_password1]").count() == 0, "the link works once"
