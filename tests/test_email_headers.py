"""Nothing a person types adds a header, or a recipient, to the mail a real SMTP server receives.

Names (of contacts and users), subjects (ticket summaries, notice and incident
titles) carry line breaks of every kind, folding, encoded words and address
tricks. Each message is parsed as the server received it and its header set is
compared with that of the same message sent with harmless words.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from email.utils import getaddresses
from typing import Any

import pytest

from customers.models import Contact
from incidents.models import Incident
from incidents.publishing import incident_create, incident_update_post
from incidents.subscriptions import confirm_url, subscriber_confirm, subscriber_subscribe
from notices.models import Notice, ProductArea
from notices.services import notice_raise
from tests.factories import TicketFactory
from tests.smtp import Received
from tickets.emails import ticket_created_emails_queue

pytestmark = pytest.mark.django_db

SMUGGLED = "evil@attacker.example"
INJECTIONS = [
    f"Hello\r\nBcc: {SMUGGLED}",
    f"Hello\nBcc: {SMUGGLED}",
    f"Hello\rBcc: {SMUGGLED}",
    f"Hello\u2028Bcc: {SMUGGLED}",
    f"Hello\u2029Bcc: {SMUGGLED}",
    f"Hello\x85Bcc: {SMUGGLED}",
    f"Hello\x0bBcc: {SMUGGLED}",
    f"Hello\x0cBcc: {SMUGGLED}",
    f"Hello\r\n Bcc: {SMUGGLED}",  # folded: a continuation, then a header
    "Hello\r\n\r\n<h1>A body of my own</h1>\r\nX-Injected: 1",
    "Hello\r\nContent-Type: text/html\r\nX-Injected: 1",
    "Hello\r\nX-Injected: 1",
    "=?utf-8?q?Hello=0D=0ABcc=3A_evil=40attacker=2Eexample?=",
    "=?utf-8?b?" + base64.b64encode(f"Hello\r\nBcc: {SMUGGLED}".encode()).decode() + "?=",
    "Hello%0D%0ABcc:%20evil@attacker.example",
    f"Evil, {SMUGGLED}",
    f'"Evil" <{SMUGGLED}>',
    f'Ünïcödé", {SMUGGLED}, "x',
    f"Ünïcödé\r\nBcc: {SMUGGLED}",
]


def header_names(received: Received) -> Counter[str]:
    return Counter(name.lower() for name in received.message)


def parts(received: Received) -> list[str]:
    return [part.get_content_type() for part in received.message.walk()]


def addresses_in_headers(received: Received) -> set[str]:
    values = [str(value) for name in ("To", "Cc", "Bcc", "From", "Reply-To") for value in received.message.get_all(name, [])]
    return {address.lower() for _name, address in getaddresses(values) if address}


def check(received: list[Received], *, baseline: list[Received], allowed: set[str], words: str) -> list[str]:
    """What differs from the harmless message: headers, recipients, or a header value broken across lines."""
    problems = []
    expected = sorted((sorted(m.envelope_to), header_names(m)) for m in baseline)
    got = sorted((sorted(m.envelope_to), header_names(m)) for m in received)
    if [names for _to, names in got] != [names for _to, names in expected]:
        problems.append(f"{words!r}: headers {[dict(n) for _to, n in got]} instead of {[dict(n) for _to, n in expected]}")
    for message in received:
        if not set(message.envelope_to) <= allowed:
            problems.append(f"{words!r}: delivered to {message.envelope_to}")
        # Our own addresses: the support address and its signed reply addresses (support+<token>@…).
        theirs = {a for a in addresses_in_headers(message) if not re.fullmatch(r"support(\+[a-z0-9-]+)?@supportdesk\.example", a)}
        if not theirs <= allowed:
            problems.append(f"{words!r}: headers name {addresses_in_headers(message)}")
        for name, value in message.message.items():
            if any(ch in str(value) for ch in "\r\n"):
                problems.append(f"{words!r}: {name} spans lines: {str(value)!r}")
    if sorted(parts(m) for m in received) != sorted(parts(m) for m in baseline):
        problems.append(f"{words!r}: the message is built of {[parts(m) for m in received]}")
    return problems


def deliver(smtp: Any, capture: Any, send: Any) -> list[Received]:
    before = len(smtp.messages)
    with capture(execute=True):
        send()
    return smtp.messages[before:]


def test_names_and_summaries_of_a_ticket_add_no_header(world, smtp, django_capture_on_commit_callbacks) -> None:
    alice, alpha = world.alice, world.alpha
    copied = Contact.objects.create(organisation=alpha, email="copied@alpha.example", name="Copied Contact")
    allowed = {alice.email, copied.email}

    def file(words: str) -> list[Received]:
        alice.full_name = words
        alice.save(update_fields=["full_name"])
        copied.name = words
        copied.save(update_fields=["name"])
        ticket = TicketFactory(organisation=alpha, requester_user=alice, summary=words, cc_contacts=[copied])
        return deliver(smtp, django_capture_on_commit_callbacks, lambda: ticket_created_emails_queue(ticket=ticket))

    baseline = file("Checkout is slow")
    assert len(baseline) == 2
    problems = [p for words in INJECTIONS for p in check(file(words), baseline=baseline, allowed=allowed, words=words)]
    assert problems == [], "\n".join(problems)


def test_contact_names_and_notice_titles_add_no_header(world, smtp, django_capture_on_commit_callbacks) -> None:
    alpha = world.alpha
    registered = alpha.registered_emergency_contact
    additional = list(Contact.objects.filter(organisation=alpha, emergency_role=Contact.EmergencyRole.ADDITIONAL))
    allowed = {registered.email, *(c.email for c in additional)}
    area, _created = ProductArea.objects.get_or_create(name="Checkout")

    def raise_alert(words: str, number: int) -> list[Received]:
        for contact in (registered, *additional):
            contact.name = words
            contact.save(update_fields=["name"])

        def send() -> None:
            notice_raise(
                organisation=alpha,
                kind=Notice.Kind.ALERT,
                area=area,
                title=words,
                description="Orders are delayed.",
                actor=world.agent,
                idempotency_key=f"headers-{number}",
            )

        return deliver(smtp, django_capture_on_commit_callbacks, send)

    baseline = raise_alert("Orders delayed", 0)
    assert len(baseline) == len(allowed) and all(m["To"] and m["Cc"] for m in baseline)
    problems = [
        p
        for number, words in enumerate(INJECTIONS, start=1)
        for p in check(raise_alert(words, number), baseline=baseline, allowed=allowed, words=words)
    ]
    assert problems == [], "\n".join(problems)


def test_incident_titles_add_no_header(world, smtp, django_capture_on_commit_callbacks) -> None:
    subscriber = subscriber_subscribe(email="follower@example.com")
    subscriber_confirm(token=confirm_url(subscriber).rstrip("/").rsplit("/", 1)[-1])

    def announce(words: str) -> list[Received]:
        def send() -> None:
            incident = incident_create(
                title=words, message="Labels fail.", source=Incident.Source.AGENT, publish_now=True, created_by=world.agent
            )
            incident_update_post(incident=incident, status="identified", message="Found it.", actor=world.agent)

        return deliver(smtp, django_capture_on_commit_callbacks, send)

    baseline = announce("DHL labels fail")
    assert baseline and all(m.envelope_to == ["follower@example.com"] for m in baseline)
    problems = [
        p for words in INJECTIONS for p in check(announce(words), baseline=baseline, allowed={"follower@example.com"}, words=words)
    ]
    assert problems == [], "\n".join(problems)


# --- A bad address is refused where it is typed ----------------------------------------------

BAD_ADDRESSES = [
    f"ops@alpha.example\r\nBcc: {SMUGGLED}",
    f"ops@alpha.example\nBcc: {SMUGGLED}",
    f"ops@alpha.example\rBcc: {SMUGGLED}",
    f"ops@alpha.example\u2028Bcc: {SMUGGLED}",
    f"ops@alpha.example\x85{SMUGGLED}",
    f"ops@alpha.example, {SMUGGLED}",
    f"ops@alpha.example;{SMUGGLED}",
    f"Ops <ops@alpha.example>, {SMUGGLED}",
    f"ops@alpha.example%0d%0abcc:{SMUGGLED}",
    "ops\r\n@alpha.example",
    "ops@alpha.example\x00",
]
INVALID = "Enter a valid email address."


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_bad_contact_address_is_refused_with_a_message_and_changes_nothing(client, world, smtp, address) -> None:
    client.force_login(world.alan)
    before = list(Contact.objects.filter(organisation=world.alpha).values_list("email", "name").order_by("pk"))

    response = client.post(
        "/portal/organisation/contacts/new/",
        {
            "kind": "person",
            "name": "Ops",
            "email": address,
            "phone": "",
            "language": "en",
            "emergency_role": "",
            "emergency_order": "0",
        },
    )

    assert response.status_code == 400
    assert INVALID in response.content.decode()
    assert list(Contact.objects.filter(organisation=world.alpha).values_list("email", "name").order_by("pk")) == before
    assert smtp.messages == []


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_bad_subscriber_address_is_refused_with_a_message_and_mails_nobody(client, smtp, db, address) -> None:
    from incidents.models import Subscriber

    response = client.post("/status/subscribe/", {"email": address})

    assert response.status_code == 200  # the form again, with its error beside the field
    assert INVALID in response.content.decode()
    assert not Subscriber.objects.exists()
    assert smtp.messages == []


@pytest.mark.parametrize("name", ["Ops\r\nBcc: evil@attacker.example", "Ops\nteam", "Ops\u2028team", "Ops\x85team", "Ops\x1bteam"])
def test_a_contact_name_with_a_line_break_is_refused_with_a_message(client, world, name) -> None:
    client.force_login(world.alan)
    before = Contact.objects.filter(organisation=world.alpha).count()

    response = client.post(
        "/portal/organisation/contacts/new/",
        {
            "kind": "person",
            "name": name,
            "email": "ops-team@alpha.example",
            "phone": "",
            "language": "en",
            "emergency_role": "",
            "emergency_order": "0",
        },
    )

    assert response.status_code == 400
    assert "Write the name on one line, without line breaks or control characters." in response.content.decode()
    assert Contact.objects.filter(organisation=world.alpha).count() == before
