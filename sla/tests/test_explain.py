"""Every deadline can be explained in plain sentences, in the agent's and the contract's timezones."""

from __future__ import annotations

import pytest
import time_machine

from sla.explain import clock_explain, duration_text, when_text
from sla.models import SupportTier
from sla.tests.helpers import chicago, clock
from tests.factories import OrganisationFactory, TicketFactory
from tickets.models import Ticket
from tickets.workflow import comment_add, ticket_status_change

pytestmark = pytest.mark.django_db


def test_times_are_shown_in_each_zone():
    when = chicago(2026, 11, 21, 5, 0)
    assert when_text(when, ["America/Chicago", "Europe/Madrid"]) == (
        "Sat 21 Nov 2026 05:00 CST (America/Chicago) · 12:00 CET (Europe/Madrid)"
    )
    assert when_text(when, ["Asia/Kolkata", "America/Chicago"]) == (
        "Sat 21 Nov 2026 16:30 IST (Asia/Kolkata) · 05:00 CST (America/Chicago)"
    )
    assert duration_text(__import__("datetime").timedelta(hours=26, minutes=5)) == "26 h 5 min"


def test_a_break_fix_deadline_over_a_holiday_and_a_weekend_is_explained():
    organisation = OrganisationFactory(account_id="INITECH", tier=SupportTier.objects.get(name="Break-Fix"))
    with time_machine.travel(chicago(2027, 1, 15, 16, 0), tick=False):
        ticket = TicketFactory(organisation=organisation, severity=1)
        lines = clock_explain(clock(ticket), zones=["Europe/Madrid", "America/Chicago"])
    text = "\n".join(lines)
    assert "Target: acknowledgement within 24 h for Critical on the Break-Fix tier." in text
    assert "timezone America/Chicago: open Mon–Fri 08:00–17:00, closed on US public holidays." in text
    assert "Holidays skipped (closed all day): Mon 18 Jan 2027." in text
    assert "Thu 21 Jan 2027 20:00 CET (Europe/Madrid) · 13:00 CST (America/Chicago)" in text
    assert "It warns at 75 %" in text


def test_a_deadline_across_the_end_of_daylight_saving_time_says_so():
    organisation = OrganisationFactory(account_id="INITECH", tier=SupportTier.objects.get(name="Break-Fix"))
    with time_machine.travel(chicago(2026, 10, 30, 16, 0), tick=False):
        ticket = TicketFactory(organisation=organisation, severity=1)
        text = "\n".join(clock_explain(clock(ticket), zones=["America/Chicago"]))
    assert "Crossed a clock change on Sun 01 Nov 2026 01:00 CST (America/Chicago)" in text
    assert "(UTC−05:00 → UTC−06:00)" in text


def test_pauses_and_stops_are_explained(world):
    with time_machine.travel(chicago(2026, 11, 23, 10, 0), tick=False):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=1)
    with time_machine.travel(chicago(2026, 11, 23, 10, 30), tick=False):
        ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.WAITING_ON_CUSTOMER)
        paused = "\n".join(clock_explain(clock(ticket), zones=["America/Chicago"]))
    assert "Paused while waiting on the customer since Mon 23 Nov 2026 10:30 CST" in paused
    assert "30 min of 2 h counted" in paused
    with time_machine.travel(chicago(2026, 11, 23, 11, 30), tick=False):
        comment_add(ticket=ticket, author=world.alice, body="Logs attached")
    with time_machine.travel(chicago(2026, 11, 23, 11, 45), tick=False):
        comment_add(ticket=ticket, author=world.agent, body="Thanks, looking")
        text = "\n".join(clock_explain(clock(ticket), zones=["America/Chicago"]))
    assert "to Mon 23 Nov 2026 11:30 CST (America/Chicago) (1 h)" in text
    assert "Stopped Mon 23 Nov 2026 11:45 CST (America/Chicago) (acknowledged) after 45 min of 2 h." in text
