"""Sessions and redirects: nobody is sent off-site, guessing is slowed, cookies are locked down in production."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.throttle import MAX_FAILURES

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
THROTTLED = "Too many failed attempts. Wait 15 minutes, or reset your password."

# Each of these, followed by a browser, would leave our site (or run script).
OFF_SITE = [
    "//evil.example",
    "///evil.example",
    "////evil.example/x",
    "https://evil.example",
    "http://evil.example/path",
    "https:evil.example",
    "http:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "\x01//evil.example",
    "//evil.example%2F..",
    "https://testserver.evil.example/",
    "https://testserver@evil.example/",
    "//testserver@evil.example",
    "http://evil.example\\@testserver/",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://evil.example/",
]
# The same, encoded once more, as they arrive when a link is built carelessly.
OFF_SITE_ENCODED = [quote(target, safe="") for target in ("//evil.example", "/\\evil.example", "https://evil.example")]


def stays_on_our_site(location: str) -> bool:
    """Whether a browser following this Location stays here.

    Browsers drop tabs and newlines, strip leading spaces and controls, read \\ as /,
    and take any run of slashes after http(s): or at the start as the way to another host.
    """
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").lstrip("".join(map(chr, range(0x21))))
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):(.*)", cleaned, re.S)
    if scheme:
        if scheme[1].lower() not in ("http", "https"):
            return False
        rest = scheme[2].lstrip("/")
    elif cleaned.startswith("//"):
        rest = cleaned.lstrip("/")
    else:
        return True  # a path on this site
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    return authority.rsplit("@", 1)[-1].split(":")[0].lower() == "testserver"


def test_the_check_itself_recognises_what_leaves_the_site() -> None:
    for here in ("/portal/", "/desk/?page=2", "portal/", "http://testserver/portal/", "/%2F%2Fevil.example"):
        assert stays_on_our_site(here), here
    for target in OFF_SITE:
        assert not stays_on_our_site(target), target


# --- No off-site redirect through next= --------------------------------------------------


def answers_to(world, target: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Every view that takes next=, given this target, as someone would reach it."""
    answers = {}  # a crash is an answer too: a 500 here is reported, not raised
    client = Client(raise_request_exception=False)
    client.get("/accounts/login/", {"next": target})
    answers["sign in"] = client.post(
        "/accounts/login/",
        {"username": world.alice.email, "password": "password", "next": target},
    )
    answers["sign in, next in the address"] = Client(raise_request_exception=False).post(
        f"/accounts/login/?next={quote(target, safe='')}",
        {"username": world.alice.email, "password": "password"},
    )
    answers["sign-in page when already signed in"] = client.get("/accounts/login/", {"next": target})
    answers["sign out"] = client.post("/accounts/logout/", {"next": target})

    agent = Client(raise_request_exception=False)
    agent.force_login(world.agent)
    answers["desk bulk action"] = agent.post("/desk/bulk/", {"next": target, "action": "assign", "tickets": []})

    answers["admin sign in"] = Client(raise_request_exception=False).post(
        "/admin/login/",
        {"username": world.admin.email, "password": "password", "next": target},
    )
    return answers


def test_no_view_taking_next_sends_anyone_off_site(world) -> None:
    problems = []
    for target in OFF_SITE + OFF_SITE_ENCODED:
        for where, response in answers_to(world, target).items():
            if response.status_code != 302:
                problems.append(f"{where}, next={target!r}: answered {response.status_code}")
            elif not stays_on_our_site(response["Location"]):
                problems.append(f"{where} sent next={target!r} to {response['Location']!r}")
    assert problems == [], "\n".join(problems)


def test_a_safe_next_is_still_followed(world) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": world.alice.email, "password": "password", "next": "/portal/new/"},
    )
    assert response["Location"] == "/portal/new/"


# --- CSRF ----------------------------------------------------------------------------------


def test_a_form_posted_without_the_csrf_token_is_refused_and_changes_nothing(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    ticket = world.alice_ticket

    response = client.post(f"/portal/tickets/{ticket.number}/", {"body": "Posted from another site"})

    assert response.status_code == 403
    assert not ticket.comments.exists()
    signed_out = Client(enforce_csrf_checks=True)
    response = signed_out.post("/accounts/login/", {"username": world.alice.email, "password": "password"})
    assert response.status_code == 403 and "_auth_user_id" not in signed_out.session


def test_the_same_form_with_its_token_goes_through(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    ticket = world.alice_ticket
    client.get(f"/portal/tickets/{ticket.number}/")

    response = client.post(
        f"/portal/tickets/{ticket.number}/",
        {"body": "Posted from the page", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )

    assert response.status_code == 302
    assert ticket.comments.get().body == "Posted from the page"


# --- Sign-in throttling --------------------------------------------------------------------


def sign_in(email: str, password: str, *, ip: str) -> tuple[Client, str]:
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"username": email, "password": password})
    return client, response.content.decode() if response.status_code == 200 else ""


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_an_account_pauses_after_five_failures_from_anywhere(world) -> None:
    for attempt in range(MAX_FAILURES):
        _client, page = sign_in(world.alice.email, f"guess-{attempt}", ip=f"198.51.100.{attempt}")
        assert "correct email address and password" in page

    # Even the right password, from a new address, written differently, waits now.
    for email in (world.alice.email, world.alice.email.upper(), f"  {world.alice.email} "):
        client, page = sign_in(email, "password", ip="203.0.113.9")
        assert not signed_in(client)
        assert THROTTLED in page

    # Someone else signing in from the same addresses is not held up.
    client, _page = sign_in(world.alan.email, "password", ip="198.51.100.1")
    assert signed_in(client)


def test_a_client_pauses_after_many_failures_across_accounts(world) -> None:
    for attempt in range(MAX_FAILURES * 4):
        sign_in(f"nobody{attempt}@alpha.example", "guess", ip="192.0.2.50")

    client, page = sign_in(world.alice.email, "password", ip="192.0.2.50")
    assert not signed_in(client) and THROTTLED in page

    client, _page = sign_in(world.alice.email, "password", ip="192.0.2.51")
    assert signed_in(client)


def test_behind_a_proxy_each_client_is_counted_apart_and_a_forged_header_changes_nothing(world, settings) -> None:
    proxy = "10.0.0.2"

    def through_proxy(email: str, password: str, *, client_ip: str, forged: str = "") -> tuple[Client, str]:
        client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"{forged}, {client_ip}" if forged else client_ip)
        response = client.post("/accounts/login/", {"username": email, "password": password})
        return client, response.content.decode() if response.status_code == 200 else ""

    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(MAX_FAILURES * 4):
        # A guesser rotating what it writes in the header: the proxy's entry, on the right, stays its own.
        through_proxy(f"nobody{attempt}@alpha.example", "guess", client_ip="192.0.2.66", forged=f"203.0.113.{attempt}")
    client, page = through_proxy(world.alice.email, "password", client_ip="192.0.2.66")
    assert not signed_in(client) and THROTTLED in page
    # Everyone else comes through the same proxy and signs in.
    client, _page = through_proxy(world.alice.email, "password", client_ip="192.0.2.67")
    assert signed_in(client)

    # Trusting no proxy, the header is ignored: the guesser cannot pass for another client.
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(MAX_FAILURES * 4):
        sign_in(f"other{attempt}@alpha.example", "guess", ip="192.0.2.80")
    client = Client(REMOTE_ADDR="192.0.2.80", HTTP_X_FORWARDED_FOR="198.51.100.200")
    client.post("/accounts/login/", {"username": world.alan.email, "password": "password"})
    assert not signed_in(client)


def test_the_pause_ends_after_fifteen_minutes(world) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for attempt in range(MAX_FAILURES):
            sign_in(world.alice.email, f"guess-{attempt}", ip="198.51.100.7")
        client, page = sign_in(world.alice.email, "password", ip="198.51.100.7")
        assert THROTTLED in page

        traveller.shift(timedelta(minutes=14))
        client, page = sign_in(world.alice.email, "password", ip="198.51.100.7")
        assert THROTTLED in page

        traveller.shift(timedelta(minutes=2))
        client, _page = sign_in(world.alice.email, "password", ip="198.51.100.7")
        assert signed_in(client)


def test_success_clears_the_accounts_failures(world) -> None:
    for attempt in range(MAX_FAILURES - 1):
        sign_in(world.alice.email, f"guess-{attempt}", ip="198.51.100.8")
    client, _page = sign_in(world.alice.email, "password", ip="198.51.100.8")
    assert signed_in(client)
    for attempt in range(MAX_FAILURES - 1):
        sign_in(world.alice.email, f"again-{attempt}", ip="198.51.100.8")
    client, _page = sign_in(world.alice.email, "password", ip="198.51.100.8")
    assert signed_in(client)


# --- Production settings -------------------------------------------------------------------

PRODUCTION_PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY",
         "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
         "SECURE_REFERRER_POLICY", "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE"]
found = {name: getattr(settings, name) for name in names}
from django.test.utils import override_settings
# The hashed static manifest is built at deploy time (collectstatic); it has nothing to do with these headers.
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
    client = Client()
    plain = client.get("/accounts/login/")
    secure = client.get("/accounts/login/", secure=True)
cookie = secure.cookies.get(settings.CSRF_COOKIE_NAME)
found["http"] = [plain.status_code, plain.get("Location", "")]
found["https"] = {name: secure.get(name, "") for name in
                  ("Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")}
found["https_status"] = secure.status_code
found["csrf_cookie"] = {key: cookie[key] for key in ("secure", "httponly", "samesite")} if cookie else None
print(json.dumps(found))
"""


def production_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "DATABASE_URL", "LANG")}
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver",
            "DJANGO_SETTINGS_MODULE": "supportdesk.settings",
            **overrides,
        }
    )
    return env


def test_production_settings_lock_cookies_down_and_ask_for_https() -> None:
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert found["DEBUG"] is False
    assert found["SESSION_COOKIE_SECURE"] is True and found["CSRF_COOKIE_SECURE"] is True
    assert found["SESSION_COOKIE_HTTPONLY"] is True and found["CSRF_COOKIE_HTTPONLY"] is True
    assert found["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict") and found["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert found["SECURE_HSTS_SECONDS"] >= 31536000 and found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SECURE_SSL_REDIRECT"] is True and found["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert found["X_FRAME_OPTIONS"] == "DENY"
    assert found["SESSION_COOKIE_AGE"] <= 14 * 24 * 3600

    # What a browser receives: plain HTTP is sent to HTTPS; HTTPS answers with HSTS and locked cookies.
    assert found["http"] == [301, "https://testserver/accounts/login/"]
    assert found["https_status"] == 200
    assert found["https"]["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in found["https"]["Strict-Transport-Security"]
    assert found["https"]["X-Content-Type-Options"] == "nosniff" and found["https"]["X-Frame-Options"] == "DENY"
    assert found["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_production_passes_djangos_deployment_checks() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=production_env(SECRET_KEY=""),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr
