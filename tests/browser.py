"""Playwright driving Debian's Chromium against the live test server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.services import CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # the tests make around it are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(need_chromium, chromium, live_server) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    context = chromium.new_context(base_url=live_server.url, viewport=LAPTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Any, email: str, password: str = "password") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page: Any, name: str, *, phone: bool = False) -> Path:
    """Save a full-page picture for a person to look at (test-artifacts/screenshots)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if phone:
        page.set_viewport_size(PHONE)
    path = SCREENSHOTS / f"{name}{'-phone' if phone else ''}.png"
    page.screenshot(path=str(path), full_page=True)
    if phone:
        page.set_viewport_size(LAPTOP)
    return path
