"""An agent raises a notice in a real browser; pictures of the desk pages at 1280 and 390 px."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Contact
from notices.models import Notice
from notices.tests.helpers import raise_notice
from tests.browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def pictures(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size(DESKTOP)
    screenshot(page, name)
    screenshot(page, name, phone=True)


def test_an_agent_raises_an_alert_and_sees_held_mail(shipped_defaults, page, world, area) -> None:
    Contact.objects.filter(email="ops-list@alpha.example").update(
        delivery_failing_since=timezone.now(),
        delivery_failure="550 5.1.1 No such list",
    )
    raise_notice(
        world.alpha,
        area,
        kind="warning",
        title="Delays in data trigger processing on test1",
        environment=world.alpha.environments.get(name="test1"),
        not_before=timezone.now() + timedelta(days=1),
    )
    sign_in(page, "sam@vendor.example")

    page.goto("/desk/notices/new/")
    page.select_option("select[name=organisation]", str(world.alpha.pk))
    page.wait_for_url(f"**/desk/notices/new/?organisation={world.alpha.pk}")
    assert page.get_by_text("emergency@alpha.example").is_visible()
    assert page.get_by_text("mail failing since").is_visible()
    page.check("input[name=kind][value=alert]")
    page.select_option("select[name=area]", label="Query API")
    page.fill("input[name=environment]", "live1")
    page.fill("input[name=title]", "Increased error rate on published query endpoints")
    page.fill("textarea[name=description]", "About 4% of requests answer 503 since 02:10 UTC.")
    page.fill("textarea[name=call_to_action]", "Review the index configuration change made at 02:05 UTC.")
    pictures(page, "notice-new")
    page.click("text=Raise and notify")

    page.wait_for_url(re.compile(r"/desk/notices/\d+/$"))
    notice = Notice.objects.get(kind="alert")
    assert page.get_by_text(f"Alert raised as {notice.ticket.reference}.").is_visible()
    pictures(page, "notice-detail")

    page.goto("/desk/notices/")
    assert page.get_by_text("Increased error rate on published query endpoints").is_visible()
    pictures(page, "notice-list")

    page.goto("/desk/notices/held/")
    assert page.get_by_text("Delays in data trigger processing on test1").is_visible()
    pictures(page, "notice-held")
    page.fill("input[name=reason]", "Fixed before business hours")
    page.click("text=Cancel >> nth=-1")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Nothing is held").is_visible()
