"""Signing in sends each person to where their work is."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, sign_in

pytestmark = pytest.mark.django_db


def test_a_customer_lands_on_the_portal_and_an_agent_on_the_desk(client, world) -> None:
    response = client.post("/accounts/login/", {"username": "alice@alpha.example", "password": "password"}, follow=True)
    assert response.redirect_chain[-1][0] == "/portal/"

    client.logout()
    response = client.post("/accounts/login/", {"username": "SAM@vendor.example", "password": "password"}, follow=True)
    assert response.redirect_chain[-1][0] == "/desk/"


def test_a_wrong_password_says_so_and_signs_nobody_in(client, world) -> None:
    response = client.post("/accounts/login/", {"username": "alice@alpha.example", "password": "nope"})
    assert response.status_code == 200
    assert "correct email address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login_except_the_public_ones(client, world) -> None:
    assert client.get("/portal/")["Location"].startswith("/accounts/login/?next=/portal/")
    assert client.get("/accounts/password/reset/").status_code == 200


def test_password_reset_mail_goes_through_the_outbox(client, world, smtp, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "alice@alpha.example"})
    [received] = smtp.to("alice@alpha.example")
    assert "/accounts/password/reset/" in received.text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signing_in_in_a_browser(page, world) -> None:
    page.goto("/portal/")
    assert "/accounts/login/" in page.url
    screenshot(page, "login")
    screenshot(page, "login", phone=True)

    sign_in(page, "alice@alpha.example")
    assert page.url.endswith("/portal/")
    assert page.get_by_text("Alpha checkout is slow").is_visible()
    assert page.get_by_text("CANARY-outsider-ticket").count() == 0
    screenshot(page, "portal-home")

    page.click("text=Sign out")
    sign_in(page, "sam@vendor.example")
    assert page.url.endswith("/desk/")
    screenshot(page, "desk-queue")


def test_sign_in_pauses_after_repeated_failures(client, world) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice@alpha.example", "password": "guess"})
    response = client.post("/accounts/login/", {"username": "alice@alpha.example", "password": "password"})
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "https:evil.example"])
def test_sign_in_never_redirects_off_site(client, world, target) -> None:
    response = client.post(f"/accounts/login/?next={target}", {"username": "alice@alpha.example", "password": "password"})
    assert response.status_code == 302
    assert response["Location"] == "/", response["Location"]
