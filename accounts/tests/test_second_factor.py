"""Staff sign in with a second factor: an authenticator app's code or a one-use recovery code."""

from __future__ import annotations

import re
import time
from base64 import b32encode

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.totp import totp
from api.services import token_create
from tests.browser import screenshot, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings) -> None:  # type: ignore[no-untyped-def]
    settings.STAFF_REQUIRE_2FA = True


def secret_of(user) -> str:  # type: ignore[no-untyped-def]
    return b32encode(TOTPDevice.objects.get(user=user).bin_key).decode()


def enrol(client, user) -> list[str]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    page = client.get("/accounts/two-factor/setup/").content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    done = client.post("/accounts/two-factor/setup/", {"code": totp(secret)}).content.decode()
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", done)


def test_staff_reach_nothing_but_the_setup_page_until_they_enrol(client, world, required) -> None:
    client.post("/accounts/login/", {"username": world.agent.email, "password": "password"})
    for path in ("/desk/", f"/desk/tickets/{world.alice_ticket.number}/", "/portal/", "/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/setup/?next="), path

    client.force_login(world.admin)
    response = client.get("/admin/")
    assert response["Location"].startswith("/accounts/two-factor/setup/")


def test_enrolled_staff_need_a_code_at_each_sign_in_and_a_recovery_code_works_once(client, world, required) -> None:
    codes = enrol(client, world.agent)
    assert len(codes) == 10
    assert client.get("/desk/").status_code == 200  # verified by enrolling

    client.logout()
    client.post("/accounts/login/", {"username": world.agent.email, "password": "password"})
    assert client.get("/desk/")["Location"].startswith("/accounts/two-factor/?next=")
    wrong = client.post("/accounts/two-factor/", {"code": "000000", "next": "/desk/"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    assert client.get("/desk/").status_code == 302

    with time_machine.travel(time.time() + 2):  # a wrong code pauses the devices for a second (django-otp's throttling)
        assert client.post("/accounts/two-factor/", {"code": codes[0], "next": "/desk/"})["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200

    client.logout()
    client.post("/accounts/login/", {"username": world.agent.email, "password": "password"})
    assert client.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 400  # used up
    next_step = totp(secret_of(world.agent), at=time.time() + 30)  # the enrolment used this step's code
    with time_machine.travel(time.time() + 10):  # past the pause that three failures bring
        assert client.post("/accounts/two-factor/", {"code": next_step})["Location"] == "/"


def test_the_admin_needs_the_second_factor_even_for_a_verified_looking_session(client, world, required) -> None:
    enrol(client, world.admin)
    assert client.get("/admin/").status_code == 200
    client.logout()
    client.post("/accounts/login/", {"username": world.admin.email, "password": "password"})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")


def test_api_tokens_are_unaffected(client, world, required) -> None:
    _token, key = token_create(user=world.agent, name="monitoring")
    response = client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


def test_customers_may_opt_in_and_are_then_asked(client, world, required) -> None:
    client.force_login(world.alice)
    assert client.get("/portal/").status_code == 200  # not required of customers
    enrol(client, world.alice)
    client.logout()
    client.post("/accounts/login/", {"username": world.alice.email, "password": "password"})
    assert client.get("/portal/")["Location"].startswith("/accounts/two-factor/?next=")


def test_off_by_default_in_development(client, world, settings) -> None:
    settings.STAFF_REQUIRE_2FA = False
    client.force_login(world.agent)
    assert client.get("/desk/").status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_agent_enrols_signs_in_with_a_code_and_a_recovery_code_and_is_refused_without(page, world, settings) -> None:
    settings.STAFF_REQUIRE_2FA = True
    sign_in(page, world.agent.email)
    assert "/accounts/two-factor/setup/" in page.url
    screenshot(page, "two-factor-setup")
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.fill("input[name=code]", totp(secret))
    page.click("button:has-text('Turn on')")
    codes = page.get_by_test_id("recovery-codes").inner_text().split()
    assert len(codes) == 10
    screenshot(page, "two-factor-codes", phone=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("text=Continue")
    assert page.url.endswith("/desk/")

    # With a code from the app.
    page.click("text=Sign out")
    sign_in(page, world.agent.email)
    assert "/accounts/two-factor/" in page.url
    page.fill("input[name=code]", totp(secret, at=time.time() + 30))
    page.click("button:has-text('Verify')")
    assert page.url.endswith("/desk/")

    # With a recovery code.
    page.click("text=Sign out")
    sign_in(page, world.agent.email)
    page.fill("input[name=code]", codes[3])
    page.click("button:has-text('Verify')")
    assert page.url.endswith("/desk/")

    # Without a code: refused, whatever the address.
    page.click("text=Sign out")
    sign_in(page, world.agent.email)
    page.fill("input[name=code]", "123456" if totp(secret) != "123456" else "654321")
    page.click("button:has-text('Verify')")
    assert "not right" in page.content()
    for path in ("/desk/", f"/desk/tickets/{world.alice_ticket.number}/", "/admin/"):
        page.goto(path)
        assert "/accounts/two-factor/" in page.url, path
    screenshot(page, "two-factor-refused")

    # The admin: unreachable until the second factor.
    page.click("text=Sign out")
    sign_in(page, world.admin.email)
    page.goto("/admin/")
    assert "/accounts/two-factor/setup/" in page.url
    assert "Site administration" not in page.content()
