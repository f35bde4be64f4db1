"""A customer's journeys in Chromium in Spanish and in Brazilian Portuguese show no English.

Each page's visible text is scanned for the English msgids of the catalog: the ones whose
translation differs from the English, whole, or the fixed words around their placeholders.
Proper names (the vendor, organisations, people, the languages' own names in the switch) and
what the test typed itself are not msgids, so they cannot match. Screenshots at laptop and phone
size land in test-artifacts/screenshots/languages/.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import polib
import pytest

from accounts.languages import SELF_NAMES
from accounts.models import User
from incidents import publishing
from incidents.models import Component, ComponentGroup, Subscriber
from tests.browser import LAPTOP, PHONE, SCREENSHOTS, sign_in
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_defaults")]

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdif%]|\{\{[^}]*\}\}|<[^>]+>")
# Proper names that are also msgids: each language's own name in the switch.
PROPER_NAMES = set(SELF_NAMES.values())


@cache
def english_phrases(locale: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(msgid, pattern) for each English phrase that must not be seen on a page in `locale`."""
    phrases = []
    for entry in polib.pofile(str(ROOT / "locale" / locale / "LC_MESSAGES" / "django.po")):
        translated = entry.msgstr or (entry.msgstr_plural or {}).get(0, "")
        if entry.obsolete or not translated or translated == entry.msgid:
            continue
        for source in filter(None, (entry.msgid, entry.msgid_plural)):
            for fragment in PLACEHOLDER.split(source.replace("\n", " ")):
                fragment = fragment.strip(" ,.:;·—–-()[]“”\"'")
                words = fragment.split()
                # A lone short word ("No", "Open") is too often a word of the other language too.
                if not words or (len(words) == 1 and len(fragment) < 6) or fragment in PROPER_NAMES:
                    continue
                if fragment in translated:
                    continue
                phrases.append((fragment, re.compile(rf"(?<![\w-]){re.escape(fragment)}(?![\w-])")))
    return tuple(dict.fromkeys(phrases))


def english_on(page: Any, locale: str) -> list[str]:
    text = page.evaluate("() => document.body.innerText")
    return sorted({phrase for phrase, pattern in english_phrases(locale) if pattern.search(text)})


def look(page: Any, locale: str, name: str) -> None:
    """The page in both sizes for a person to look at, then the scan."""
    folder = SCREENSHOTS / "languages"
    folder.mkdir(parents=True, exist_ok=True)
    for label, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"{locale}-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(LAPTOP)
    tag = {"es": "es", "pt_BR": "pt-BR"}[locale]
    assert page.locator("html").get_attribute("lang") == tag
    assert english_on(page, locale) == [], f"English on {page.url}"


def status_page_components() -> dict[str, Component]:
    platform = ComponentGroup.objects.create(name="Platform", name_es="Plataforma", name_pt_br="Plataforma", order=1)
    carriers = ComponentGroup.objects.create(
        name="Carriers · Spain",
        name_es="Transportistas · España",
        name_pt_br="Transportadoras · Espanha",
        order=2,
    )
    return {
        "labels": Component.objects.create(
            group=platform,
            name="Label creation",
            name_es="Creación de etiquetas",
            name_pt_br="Criação de etiquetas",
        ),
        "correos": Component.objects.create(group=carriers, name="Correos"),
    }


JOURNEYS = {
    # browser locale, catalog, what the test types, the button words it clicks
    "es": (
        "es-ES",
        "es",
        {
            "summary": "Pedidos atascados en AWAITING_PICK",
            "impact": "Las tiendas no pueden preparar pedidos.",
            "justification": "El mismo flujo funciona en sandbox.",
        },
        {"create": "Crear", "subscribe": "Suscribirse", "switch": "Português (Brasil)", "switched": "pt-br"},
    ),
    "pt-BR": (
        "pt-BR",
        "pt_BR",
        {
            "summary": "Pedidos parados em AWAITING_PICK",
            "impact": "As lojas não conseguem separar pedidos.",
            "justification": "O mesmo fluxo funciona no sandbox.",
        },
        {"create": "Criar", "subscribe": "Assinar", "switch": "Español", "switched": "es"},
    ),
}


@pytest.mark.parametrize("language", JOURNEYS)
def test_a_customer_journey_shows_no_english(chromium, live_server, need_chromium, world, language: str) -> None:
    browser_locale, locale, typed, words = JOURNEYS[language]
    components = status_page_components()
    publishing.incident_create(
        title="Correos",
        message="—",
        components={components["correos"]: "partial_outage"},
        cause="code_change",
    )
    context = chromium.new_context(base_url=live_server.url, viewport=LAPTOP, locale=browser_locale)
    context.set_default_timeout(15_000)
    page = context.new_page()

    page.goto("/accounts/login/")
    look(page, locale, "sign-in")
    sign_in(page, "alice@alpha.example")
    assert page.url.endswith("/portal/")
    look(page, locale, "my-requests")

    page.goto("/portal/new/")
    look(page, locale, "request-types")

    page.goto("/portal/new/?type=production-issue")
    page.fill("input[name=summary]", typed["summary"])
    page.click(f"button.primary:has-text('{words['create']}')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".field.has-error").count() >= 3
    look(page, locale, "production-issue-errors")

    page.fill("textarea[name=description]", typed["impact"])
    page.check("input[name=severity][value='2']")
    page.fill("input[name=detail_retailer_ids]", "ALPHA")
    page.select_option("select[name=detail_issue_type]", "Fulfillment")
    page.fill("input[name=detail_issue_start]", "2026-11-20T09:10")
    page.fill("textarea[name=detail_business_impact]", typed["impact"])
    page.fill("textarea[name=detail_impacted_orders_0]", "ORD-1\nORD-2")
    page.check("input[name=detail_impacted_orders_1][value=examples]")
    page.fill("input[name=detail_impacted_orders_2]", "120")
    page.fill("textarea[name=detail_platform_justification]", typed["justification"])
    page.click(f"button.primary:has-text('{words['create']}')")
    page.wait_for_load_state("networkidle")
    ticket = Ticket.objects.get(summary=typed["summary"])
    assert ticket.details["issue_type"] == "Fulfillment", "the stored answer is the English value"
    assert page.url.endswith(f"/portal/tickets/{ticket.number}/")
    look(page, locale, "ticket")

    page.goto("/status/")
    look(page, locale, "status")
    page.goto("/status/subscribe/")
    look(page, locale, "subscribe")
    page.fill("input[name=email]", f"ops-{locale.lower()}@shop.example")
    page.click(f"button.primary:has-text('{words['subscribe']}')")
    page.wait_for_load_state("networkidle")
    look(page, locale, "subscribed")
    assert Subscriber.objects.get(email=f"ops-{locale.lower()}@shop.example").language == {"es": "es", "pt_BR": "pt-br"}[locale]

    # The switch in the header: the page changes language and the profile keeps the choice.
    page.click(f".topbar .language-switch button:has-text('{words['switch']}')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/status/")
    assert User.objects.get(pk=world.alice.pk).language == words["switched"]
    context.close()
