"""Which language a page speaks: the profile, then the switch or the browser, then the organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.languages import language_for_recipient, language_from_accept_header, language_supported

pytestmark = pytest.mark.django_db


def _lang(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_codes_and_browser_headers_map_to_our_three_languages() -> None:
    assert language_supported("pt") == "pt-br" and language_supported("pt-BR") == "pt-br"
    assert language_supported("es-MX") == "es" and language_supported("fr") is None
    assert language_from_accept_header("fr-FR,fr;q=0.9,pt;q=0.8") == "pt-br"
    assert language_from_accept_header("de, *;q=0.5") is None
    assert language_for_recipient(own="", organisation="es") == "es"
    assert language_for_recipient(own="pt-br", organisation="es") == "pt-br"
    assert language_for_recipient(own=None, organisation=None) == "en"


def test_a_visitor_reads_their_browsers_language_and_the_page_says_so(client) -> None:
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9,en;q=0.5")
    assert response["Content-Language"] == "pt-br" and "Accept-Language" in response["Vary"]
    assert _lang(response) == "pt-BR"
    body = response.content.decode()
    assert "Entre no suporte" in body and "Senha" in body and "Palavra-passe" not in body and "Sign in to support" not in body


def test_the_profile_wins_over_the_browser_and_the_browser_over_the_organisation(client, world) -> None:
    world.alpha.language = "pt-br"
    world.alpha.save(update_fields=["language"])
    client.force_login(world.alice)

    world.alice.language = ""
    world.alice.save(update_fields=["language"])
    assert _lang(client.get(reverse("portal:home"))) == "pt-BR", "no profile, no browser: the organisation's"
    assert _lang(client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="es")) == "es", "the browser before the organisation"

    world.alice.language = "en"
    world.alice.save(update_fields=["language"])
    assert _lang(client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="es")) == "en", "the profile before everything"


def test_the_switch_sets_a_cookie_for_a_visitor_and_saves_a_signed_in_persons_choice(client, world) -> None:
    response = client.post(reverse("set_language"), {"language": "es", "next": "/status/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/status/"
    assert client.cookies["django_language"].value == "es"
    assert _lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")) == "es"

    client.force_login(world.alice)
    client.post(reverse("set_language"), {"language": "pt-br", "next": "https://evil.example/"})
    world.alice.refresh_from_db()
    assert world.alice.language == "pt-br"
    assert _lang(client.get(reverse("portal:home"))) == "pt-BR"


def test_the_switch_refuses_an_off_site_next_and_an_unknown_language(client, world) -> None:
    client.force_login(world.alice)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    world.alice.refresh_from_db()
    assert world.alice.language == ""


def test_the_switch_is_a_form_on_the_sign_in_page_and_in_the_header(client) -> None:
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert body.count('action="/accounts/language/"') == 2
    assert 'value="pt-br" lang="pt-BR"' in body and "Português (Brasil)" in body
    assert 'aria-current="true">Español' in body
