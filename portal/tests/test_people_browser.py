"""An organisation admin invites a person in Chromium; the invitation, at a real SMTP server, is accepted; access is revoked."""

from __future__ import annotations

import re

import pytest

from accounts.models import User
from tests.browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_defaults")]


def test_an_admin_invites_an_admin_who_sets_a_password_and_is_later_revoked(page, chromium, live_server, world, smtp, settings):
    settings.SITE_URL = live_server.url
    sign_in(page, "alan@alpha.example")
    page.goto("/portal/organisation/people/")
    page.fill("input[name=email]", "Nadia@Alpha.example")
    page.fill("input[name=full_name]", "Nadia New")
    page.check("input[name=role][value=admin]")
    page.click("button:has-text('Send the invitation')")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("nadia@alpha.example was invited").is_visible()
    assert page.locator("tr", has_text="Nadia New").get_by_text("Invited, no password yet").is_visible()
    screenshot(page, "portal-people")
    screenshot(page, "portal-people", phone=True)

    [mail] = [m for m in smtp.wait_for(1) if m.envelope_to == ["nadia@alpha.example"]]
    assert mail["Subject"] == "You are invited to the Supportdesk support portal"
    assert "Alan Alpha invited you" in mail.text and "as organisation admin" in mail.text
    [link] = re.findall(r"https?://\S+/accounts/password/reset/\S+/", mail.text)
    assert link in mail.html

    invitee = chromium.new_context(base_url=live_server.url).new_page()
    invitee.goto(link)
    invitee.fill("input[name=new_password1]", "a long new secret 42")
    invitee.fill("input[name=new_password2]", "a long new secret 42")
    invitee.click("button[type=submit]")
    invitee.wait_for_load_state("networkidle")
    sign_in(invitee, "nadia@alpha.example", "a long new secret 42")
    invitee.goto("/portal/organisation/")
    assert invitee.locator("nav.topnav a", has_text="Organisation").is_visible()

    page.reload()
    page.locator("tr", has_text="Nadia New").get_by_role("button", name="Revoke access").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Nadia New can no longer sign in.").is_visible()
    assert not User.objects.get(email="nadia@alpha.example").is_active
    invitee.goto("/portal/")
    assert "/accounts/login/" in invitee.url
