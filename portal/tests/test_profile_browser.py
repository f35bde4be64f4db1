"""A profile change is applied at once (Chromium): name, timezone and language."""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_defaults")]


@pytest.mark.parametrize("email, url", [("alice@alpha.example", "/portal/profile/"), ("sam@vendor.example", "/desk/profile/")])
def test_a_profile_change_is_applied_on_the_next_page(page, world, email, url):
    sign_in(page, email)
    page.goto(url)
    screenshot(page, f"profile-{url.split('/')[1]}")
    screenshot(page, f"profile-{url.split('/')[1]}", phone=True)
    page.fill("input[name=full_name]", "Renamed Person")
    page.select_option("select[name=timezone]", "Europe/Madrid")
    page.select_option("select[name=language]", "es")
    page.click("button:has-text('Save')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(url)
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("header .who").inner_text() == "Renamed Person"
    assert "Europe/Madrid" in page.locator(".messages").inner_text()
    user = User.objects.get(email=email)
    assert (user.full_name, user.timezone, user.language) == ("Renamed Person", "Europe/Madrid", "es")
    assert page.get_by_role("link", name="Cambia tu contraseña").is_visible()  # the page follows the new language
