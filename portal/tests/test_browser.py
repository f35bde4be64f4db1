"""The customer's journey in a real browser, with mail delivered to a real SMTP server."""

from __future__ import annotations

import re

import pytest

from portal.tests.conftest import PNG
from tests.browser import LAPTOP, PHONE, screenshot, sign_in
from tickets.models import Ticket
from tickets.workflow import comment_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_defaults")]


def test_a_customer_files_a_production_issue_with_files_and_an_outsider_sees_nothing(page, chromium, live_server, world, smtp):
    sign_in(page, "alice@alpha.example")
    page.click("nav >> text=New request")
    page.click("text=Production issue")
    page.fill("input[name=summary]", "Orders stuck in AWAITING_PICK")
    page.fill("textarea[name=description]", "Since 09:10 UTC no order leaves AWAITING_PICK.")
    page.check("input[name=severity][value='2']")
    page.fill("input[name=detail_retailer_ids]", "R1, R2")
    page.select_option("select[name=detail_issue_type]", "Fulfillment")
    page.fill("input[name=detail_issue_start]", "2026-11-20T09:10")
    page.fill("textarea[name=detail_business_impact]", "Stores cannot pick web orders.")
    page.fill("textarea[name=detail_impacted_orders_0]", "ORD-1\nORD-2")
    page.check("input[name=detail_impacted_orders_1][value=examples]")
    page.fill("input[name=detail_impacted_orders_2]", "120")
    page.fill("textarea[name=detail_platform_justification]", "Same workflow works in sandbox.")
    page.set_input_files(
        "input[name=attachments]",
        [
            {"name": "audit.log", "mimeType": "text/plain", "buffer": b"exception 42\n"},
            {"name": "screen.png", "mimeType": "image/png", "buffer": PNG},
        ],
    )
    page.click("button:has-text('Create')")
    page.wait_for_load_state("networkidle")

    ticket = Ticket.objects.get(summary="Orders stuck in AWAITING_PICK")
    assert page.url.endswith(f"/portal/tickets/{ticket.number}/")
    assert page.get_by_text(f"{ticket.reference} was filed").is_visible()
    assert page.locator(".attachments a[download]").count() == 2
    screenshot(page, "portal-filed")

    page.click("nav >> text=My requests")
    assert page.get_by_role("link", name=ticket.reference).is_visible()

    [mail] = [m for m in smtp.wait_for(1) if "alice@alpha.example" in m.envelope_to]
    assert ticket.reference in mail["Subject"]
    assert f"/portal/tickets/{ticket.number}/" in mail.text

    outsider = chromium.new_context(base_url=live_server.url)
    other = outsider.new_page()
    sign_in(other, "charlie@outsider.example")
    assert other.goto(f"/portal/tickets/{ticket.number}/").status == 404
    for attachment in ticket.attachments.all():
        assert other.goto(f"/portal/tickets/{ticket.number}/files/{attachment.pk}/").status == 404
        assert other.goto(f"/portal/tickets/{ticket.number}/files/{attachment.pk}/?preview=1").status == 404
    outsider.close()


def test_bad_input_in_the_browser_shows_errors_beside_the_fields(page, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    sign_in(page, "alice@alpha.example")
    page.goto("/portal/new/?type=production-issue")
    page.fill("input[name=summary]", "Half-filled")
    page.fill("input[name=detail_retailer_ids]", "NOT-OURS")
    page.set_input_files(
        "input[name=attachments]",
        [
            {"name": "run.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"},
            {"name": "big.log", "mimeType": "text/plain", "buffer": b"x" * 4096},
        ],
    )
    page.click("button:has-text('Create')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".field.has-error").count() >= 4
    retailer = page.locator(".field:has(input[name=detail_retailer_ids]) .error")
    assert re.search("Not ids of your account: NOT-OURS", retailer.inner_text())
    files = page.locator(".field:has(input[name=attachments]) .error").all_inner_texts()
    assert any("run.exe" in text for text in files) and any("big.log" in text for text in files)
    assert page.locator("input[name=summary]").input_value() == "Half-filled"
    assert not Ticket.objects.filter(summary="Half-filled").exists()


def test_on_a_phone_the_links_fold_behind_a_menu_that_opens_without_script(need_chromium, chromium, live_server, world):
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    for email, area, link, lands_on in [
        ("alan@alpha.example", "/portal/", "New request", "/portal/new/"),
        ("sam@vendor.example", "/desk/", "Dashboard", "/desk/dashboard/"),
    ]:
        sign_in(page, email)
        page.goto(area)
        header = page.locator("header.topbar")
        assert header.bounding_box()["height"] < 70
        target = page.locator("nav.topnav a", has_text=link)
        assert not target.is_visible()
        assert not page.get_by_role("button", name="Sign out").is_visible()

        page.get_by_text("Menu", exact=True).click()
        assert target.is_visible() and page.get_by_role("button", name="Sign out").is_visible()
        target.click()
        assert page.url.endswith(lands_on)

        page.set_viewport_size(LAPTOP)
        assert not page.get_by_text("Menu", exact=True).is_visible()
        assert page.locator("nav.topnav a", has_text=link).is_visible()
        assert page.locator("header.topbar").bounding_box()["height"] < 60
        page.get_by_role("button", name="Sign out").click()
        page.set_viewport_size(PHONE)
    context.close()


def test_the_severity_cards_are_an_even_grid_on_a_laptop_and_a_column_on_a_phone(page, world):
    sign_in(page, "alice@alpha.example")
    page.goto("/portal/new/?type=production-issue")
    cards = page.locator("label.severity-option")
    assert cards.count() == 5
    boxes = [card.bounding_box() for card in cards.all()]
    assert len({round(box["width"]) for box in boxes}) == 1
    assert len({round(box["x"]) for box in boxes}) >= 3
    first_row = [box for box in boxes if round(box["y"]) == round(boxes[0]["y"])]
    assert len({round(box["height"]) for box in first_row}) == 1

    page.set_viewport_size(PHONE)
    boxes = [card.bounding_box() for card in cards.all()]
    assert len({round(box["x"]) for box in boxes}) == 1
    assert len({round(box["width"]) for box in boxes}) == 1


def test_an_empty_comment_brings_the_customer_back_to_the_comment_and_its_error(page, world):
    ticket = world.alice_ticket
    for n in range(12):
        comment_add(ticket=ticket, author=world.agent, body=f"Update {n}: still looking.\nMore detail follows.")
    sign_in(page, "alice@alpha.example")
    page.goto(f"/portal/tickets/{ticket.number}/")
    page.click("button:has-text('Add')")
    page.wait_for_load_state("networkidle")
    error = page.locator("#comment .field.has-error .error")
    assert error.inner_text() == "Write a comment or choose a file."
    assert error.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")


def test_the_local_time_beside_a_utc_field_follows_what_is_typed(page, world):
    world.alice.timezone = "Asia/Tokyo"
    world.alice.save(update_fields=["timezone"])
    sign_in(page, "alice@alpha.example")
    page.goto("/portal/new/?type=production-issue")
    hint = page.locator('p.local-time[data-local-for="id_detail_issue_start"]')
    assert hint.inner_text().startswith("It is now") and "(Asia/Tokyo)" in hint.inner_text()

    page.fill("input[name=detail_issue_start]", "2026-11-20T23:30")
    typed = hint.inner_text()
    assert "08:30" in typed and "21" in typed and "(Asia/Tokyo)" in typed

    page.fill("input[name=detail_issue_start]", "")
    assert hint.inner_text().startswith("It is now")
