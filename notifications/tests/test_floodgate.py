"""No mail floods: forms that mail a typed address stay within their limits, whoever posts them.

Each flood posts a form 50 times and counts what a real SMTP server received.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from notifications.models import TypedAddressMail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.org"


@dataclass(frozen=True)
class MailingForm:
    url: str
    field: str
    prepare: Callable[[str], None] = lambda address: None  # what must exist for the form to mail the address
    sign_in: Callable[[Client], None] = lambda client: None  # for a form behind a login: who posts it

    def client(self, ip: str) -> Client:
        client = Client(REMOTE_ADDR=ip)
        self.sign_in(client)
        return client


def _account(address: str) -> None:
    UserFactory(email=address)


# Every form that mails an address somebody typed; each must hold the same limits. A form behind a
# login (an invitation, a signed ticket link) gives ``sign_in``, e.g. ``lambda c: c.force_login(UserFactory(...))``.
FORMS = {
    "status subscription": MailingForm("/status/subscribe/", "email"),
    "password reset": MailingForm("/accounts/password/reset/", "email", _account),
}


def post(client: Client, form: MailingForm, address: str, captured) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with captured(execute=True):
        response = client.post(form.url, {form.field: address})
    return response.status_code, response.get("Location", "")


@pytest.fixture
def travel():  # type: ignore[no-untyped-def]
    """Time moves one minute per post, so that no two requests share a timestamp (reset tokens would)."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.mark.parametrize("name", FORMS)
def test_fifty_posts_for_one_address_from_one_client_mail_it_once(
    name, smtp, travel, settings, django_capture_on_commit_callbacks
) -> None:
    form = FORMS[name]
    form.prepare(VICTIM)
    client = form.client("203.0.113.7")
    answers = set()
    for _ in range(50):
        answers.add(post(client, form, VICTIM, django_capture_on_commit_callbacks))
        travel.shift(timedelta(seconds=1))
    assert len(answers) == 1, answers  # the same neutral answer, mailed or not

    expected = 1 if name == "status subscription" else settings.MAIL_PER_ADDRESS_PER_DAY
    assert len(smtp.to(VICTIM)) == expected
    assert TypedAddressMail.objects.filter(recipient=VICTIM).exclude(refused_because="").count() == 50 - expected


@pytest.mark.parametrize("name", FORMS)
def test_fifty_clients_for_one_address_mail_it_at_most_the_daily_limit(
    name, smtp, travel, settings, django_capture_on_commit_callbacks
) -> None:
    form = FORMS[name]
    form.prepare(VICTIM)
    for n in range(50):
        post(form.client(f"198.51.100.{n}"), form, VICTIM, django_capture_on_commit_callbacks)
        travel.shift(timedelta(minutes=61))  # past the hourly re-send, within two days
        if n == 22:
            assert len(smtp.to(VICTIM)) == settings.MAIL_PER_ADDRESS_PER_DAY  # the first day's 23 posts
    assert len(smtp.messages) <= 3 * settings.MAIL_PER_ADDRESS_PER_DAY  # 50 posts span three days
    sent_at = sorted(row.created_at for row in TypedAddressMail.objects.filter(recipient=VICTIM, refused_because=""))
    for first, later in zip(sent_at, sent_at[settings.MAIL_PER_ADDRESS_PER_DAY :], strict=False):
        assert later - first >= timedelta(hours=24)


@pytest.mark.parametrize("name", FORMS)
def test_one_client_for_fifty_addresses_is_stopped_at_the_hourly_limit(
    name, smtp, travel, settings, django_capture_on_commit_callbacks
) -> None:
    form = FORMS[name]
    addresses = [f"stranger{n}@example.org" for n in range(50)]
    for address in addresses:
        form.prepare(address)
    client = form.client("203.0.113.9")
    for address in addresses:
        post(client, form, address, django_capture_on_commit_callbacks)
        travel.shift(timedelta(seconds=30))  # 25 minutes in all
    assert len(smtp.messages) == settings.MAIL_PER_CLIENT_PER_HOUR
    assert {m.envelope_to[0] for m in smtp.messages} == set(addresses[: settings.MAIL_PER_CLIENT_PER_HOUR])

    # Another client is not held back by this one.
    post(form.client("203.0.113.10"), form, addresses[-1], django_capture_on_commit_callbacks)
    assert len(smtp.to(addresses[-1])) == 1


def test_a_pending_confirmation_is_sent_again_after_an_hour_and_a_new_choice_at_once(
    smtp,
    travel,
    django_capture_on_commit_callbacks,
) -> None:
    from incidents.tests.factories import component

    labels = component("Correos", group="Carriers · Spain")
    client = Client(REMOTE_ADDR="203.0.113.7")
    form = FORMS["status subscription"]
    post(client, form, VICTIM, django_capture_on_commit_callbacks)
    travel.shift(timedelta(minutes=59))
    post(client, form, VICTIM, django_capture_on_commit_callbacks)
    assert len(smtp.to(VICTIM)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form.url, {"email": VICTIM, "components": [labels.pk]})
    assert len(smtp.to(VICTIM)) == 2  # another choice of components is another confirmation
    travel.shift(timedelta(minutes=2))
    post(client, form, VICTIM, django_capture_on_commit_callbacks)
    assert len(smtp.to(VICTIM)) == 3


def test_a_refused_subscription_changes_nothing(client, travel, django_capture_on_commit_callbacks) -> None:
    from incidents.models import Subscriber
    from incidents.tests.factories import component

    labels = component("Correos", group="Carriers · Spain")
    form = FORMS["status subscription"]
    post(client, form, VICTIM, django_capture_on_commit_callbacks)
    for _ in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(form.url, {"email": f"x{_}@example.org"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form.url, {"email": VICTIM, "components": [labels.pk]})  # over the client's hourly limit
    subscriber = Subscriber.objects.get(email=VICTIM)
    assert subscriber.all_components and not subscriber.components.exists()


def test_the_desk_lists_refusals_and_nobody_else_sees_them(
    client, world, travel, django_capture_on_commit_callbacks, django_assert_max_num_queries
) -> None:
    public = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        post(public, FORMS["status subscription"], VICTIM, django_capture_on_commit_callbacks)
    client.force_login(world.agent)
    with django_assert_max_num_queries(6):
        page = client.get("/desk/mail-refusals/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count(VICTIM) == 2 and "203.0.113.7" in text and "less than an hour ago" in text

    client.force_login(world.alan)
    assert client.get("/desk/mail-refusals/").status_code in (403, 404)


def test_invitations_stay_within_the_limits_and_say_so_to_the_signed_in_admin(
    smtp, travel, settings, django_capture_on_commit_callbacks
) -> None:
    from tests.factories import OrganisationFactory

    admin = UserFactory(email="boss@flood.example", organisation=OrganisationFactory(account_id="FLOOD"), org_admin=True)
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(admin)
    answers = []
    for n in range(50):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/portal/organisation/people/",
                {
                    "email": f"newcomer{n}@example.org",
                    "full_name": f"Newcomer {n}",
                    "role": "customer",
                },
            )
        answers.append(response.status_code)
        travel.shift(timedelta(seconds=1))
    limit = settings.MAIL_PER_CLIENT_PER_HOUR
    assert answers == [302] * limit + [400] * (50 - limit)
    assert len(smtp.messages) == limit
    assert {m.envelope_to[0] for m in smtp.messages} == {f"newcomer{n}@example.org" for n in range(limit)}
    refused = client.post("/portal/organisation/people/", {"email": "late@example.org", "full_name": "Late", "role": "customer"})
    assert "Too many invitations" in refused.content.decode()
