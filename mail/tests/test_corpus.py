"""The reply corpus: each reply, sent to its ticket, is stored as exactly its new text."""

from __future__ import annotations

import pytest

from mail.quotes import reply_new_text
from mail.tests.corpus import CASES, Case
from mail.tests.messages import mail, reply_to_ticket

CLIENTS = ("gmail", "outlook desktop", "outlook web", "apple", "ios", "thunderbird", "android")


def test_the_corpus_has_thirty_replies_from_every_client():
    assert len(CASES) >= 30
    for client in CLIENTS:
        assert any(case.name.startswith(client) for case in CASES), client
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_new_text_of_a_reply(case: Case):
    html = (case.html or "") if case.text is None else ""  # a client's text part is read before its HTML
    assert reply_new_text(text=case.text or "", html=html, subject=case.subject) == case.expected


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_stored_comment_is_the_new_text(world, deliver, case: Case):
    raw = mail(
        sender=world.alice.email,
        to=reply_to_ticket(world.alice_ticket.number, world.alice.email),
        subject=case.subject,
        text=case.text,
        html=case.html,
    )
    row = deliver(raw)
    assert row.outcome == "attached"
    assert row.comment.body == case.expected
