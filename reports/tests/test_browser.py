"""The reports in Chromium: charts drawn, nothing refused by the content security policy, at both widths."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.browser import screenshot, sign_in
from tests.factories import TicketFactory
from tickets.workflow import ticket_acknowledge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_defaults")]


def _last_month_tickets(world) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(ZoneInfo("America/Chicago"))
    filed = (now.replace(day=1) - timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)
    for hours in (1, 3, 30):
        with time_machine.travel(filed, tick=False):
            ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2)
        with time_machine.travel(filed + timedelta(hours=hours), tick=False):
            ticket_acknowledge(ticket=ticket, actor=world.agent)


def _watch_csp(page) -> list[str]:  # type: ignore[no-untyped-def]
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    return violations


@pytest.mark.parametrize(
    "who, path, name",
    [
        ("lead", "/desk/reports/", "desk-report"),
        ("alan", "/portal/organisation/report/", "portal-report"),
    ],
)
def test_the_report_draws_its_charts_within_the_policy(page, world, who, path, name):
    _last_month_tickets(world)
    violations = _watch_csp(page)
    sign_in(page, getattr(world, who).email)
    page.goto(path)
    charts = page.locator("svg.chart")
    assert charts.count() == 2
    assert page.locator("svg.chart rect.col").count() >= 3, "attainment and both percentiles of last month"
    assert charts.first.bounding_box()["height"] > 100
    screenshot(page, name)
    screenshot(page, name, phone=True)
    assert not violations, violations
