"""Contacts without a login are told what concerns them and can get a login, checked at a real SMTP server."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from customers.models import Contact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def _link(html: str, fragment: str) -> str:
    [link] = [href for href in re.findall(r'href="([^"]+)"', html) if fragment in href]
    return link.removeprefix(SITE)


@pytest.fixture
def nadia(world) -> Contact:  # type: ignore[no-untyped-def]
    return Contact.objects.create(organisation=world.alpha, name="Nadia Nuñez", email="nadia@alpha.example", language="es")


def test_a_contact_made_the_registered_emergency_contact_in_the_portal_is_told_once(
    world,
    nadia,
    smtp,
    django_capture_on_commit_callbacks,
) -> None:
    client = Client()
    client.force_login(world.alan)
    for _twice in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("portal:contact_register", args=[nadia.pk]))
        assert response.status_code == 302

    [told] = smtp.to("nadia@alpha.example")
    assert told["Subject"].strip() == "Ahora eres el contacto de emergencia registrado de Alpha Shop"
    assert told["Content-Language"] == "es"
    assert "24/7" in told.text and "Alpha Shop" in told.text
    assert "Recibes este correo porque Alpha Shop registró esta dirección como su contacto de emergencia." in told.html
    assert not smtp.to("emergency@alpha.example"), "the previous holder, now an additional contact, is not told"
    # No login: the mail's link offers one, and it opens.
    page = Client().get(_link(told.html, "/password/new/"))
    assert page.status_code == 200 and "nadia@alpha.example" in page.content.decode()


def test_a_contact_made_registered_from_the_admin_is_told_and_an_additional_one_is_not(
    world,
    nadia,
    smtp,
    django_capture_on_commit_callbacks,
) -> None:
    UserFactory(email="oscar@alpha.example", organisation=world.alpha, language="pt-br")
    oscar = Contact.objects.create(organisation=world.alpha, name="Oscar", email="oscar@alpha.example", language="pt-br")
    admin = Client()
    admin.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/admin/customers/contact/", {"action": "make_registered", "_selected_action": [oscar.pk]})
    [told] = smtp.to("oscar@alpha.example")
    assert told["Subject"].strip() == "Agora você é o contato de emergência registrado de Alpha Shop"
    assert told["Content-Language"] == "pt-BR"
    # Oscar has a login: the link is the portal, where he signs in.
    assert _link(told.html, "/portal/") == reverse("portal:home")

    with django_capture_on_commit_callbacks(execute=True):
        from customers.services import contact_update

        contact_update(contact=nadia, emergency_role=Contact.EmergencyRole.ADDITIONAL, emergency_order=2)
    assert not smtp.to("nadia@alpha.example"), "becoming an additional contact is not the registered role"
    assert len(smtp.to("oscar@alpha.example")) == 1


def test_a_contact_without_a_login_asking_for_a_reset_is_offered_a_login_and_nobody_learns_who_exists(
    world,
    nadia,
    smtp,
    django_capture_on_commit_callbacks,
) -> None:
    answers = []
    for address in ("nadia@alpha.example", "nobody@nowhere.example", "alice@alpha.example"):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(reverse("password_reset"), {"email": address}, follow=True)
        answers.append(response.content.decode().split("<main")[-1])
    assert answers[0] == answers[1] == answers[2], "the page says the same whoever asks"

    assert not smtp.to("nobody@nowhere.example")
    [reset] = smtp.to("alice@alpha.example")
    assert "/password/reset/" in reset.text
    [offer] = smtp.to("nadia@alpha.example")
    assert offer["Subject"].strip() == "Crea tu acceso a Supportdesk"
    assert offer["Content-Language"] == "es"
    assert "contacto de Alpha Shop" in offer.text and "/password/reset/" not in offer.text
    link = _link(offer.html, "/password/new/")
    assert SITE + link in offer.text

    client = Client()
    response = client.post(link, {"new_password1": "a long Valencia passphrase", "new_password2": "a long Valencia passphrase"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    nadia.refresh_from_db()
    assert nadia.user is not None and nadia.user.membership.organisation == world.alpha
    assert nadia.user.check_password("a long Valencia passphrase") and nadia.user.language == "es"
    assert client.get(reverse("portal:home")).status_code == 200

    # Single use: the link no longer works, and a new reset is the ordinary one.
    again = Client().get(link)
    assert "ya se usó" in again.content.decode() or "already used" in again.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("password_reset"), {"email": "nadia@alpha.example"})
    assert "/password/reset/" in smtp.to("nadia@alpha.example")[-1].text


def test_the_offer_is_held_by_the_flood_limits_and_a_forged_link_opens_nothing(
    world,
    nadia,
    smtp,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.MAIL_PER_ADDRESS_PER_DAY = 2
    for _asked in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            Client().post(reverse("password_reset"), {"email": "nadia@alpha.example"})
    assert len(smtp.to("nadia@alpha.example")) == 2
    forged = Client().get(reverse("account_create", args=["forged"]))
    assert forged.status_code == 200 and b"new_password1" not in forged.content
    assert not Contact.objects.get(pk=nadia.pk).user


def _admin_form_data(response) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What the admin change page would post back unchanged: the form and every inline, as rendered."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, object] = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_a_contact_made_registered_in_the_organisations_admin_page_is_told(
    world,
    nadia,
    smtp,
    django_capture_on_commit_callbacks,
) -> None:
    admin = Client()
    admin.force_login(world.admin)
    url = f"/admin/customers/organisation/{world.alpha.pk}/change/"
    data = _admin_form_data(admin.get(url))
    rows = {value: key.removesuffix("-email") for key, value in data.items() if key.endswith("-email")}
    data[f"{rows['emergency@alpha.example']}-emergency_role"] = "additional"
    data[f"{rows['nadia@alpha.example']}-emergency_role"] = "registered"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert Contact.objects.get(pk=nadia.pk).emergency_role == "registered"

    [told] = smtp.to("nadia@alpha.example")
    assert told["Subject"].strip() == "Ahora eres el contacto de emergencia registrado de Alpha Shop"
    assert not smtp.to("emergency@alpha.example") and not smtp.to("ops-list@alpha.example")
