"""Raising notices: the ticket, who gets the mail, when, and in which thread."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.models import Contact
from notices.models import Notice, NoticeUpdate
from notices.services import held_mail_cancel, held_mail_release, notice_raise, notice_update_post
from notices.tests.helpers import raise_notice
from notifications.models import OutboundEmail
from notifications.tasks import outbox_sweep
from sla.models import Calendar, CalendarHoliday, CalendarInterval
from tickets.links import contact_ticket_get
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

FRIDAY_6PM_CHICAGO = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)  # Fri 20 Nov 18:00 CST
MONDAY_8AM_CHICAGO = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
TUESDAY_8AM_CHICAGO = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
WEDNESDAY_10AM_CHICAGO = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


def rows_of(notice: Notice) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(event_key=notice.event_key).order_by("pk"))


def test_a_notice_is_a_ticket_from_the_registered_contact_with_the_others_copied(world, area, omar) -> None:
    notice = raise_notice(world.alpha, area, kind="warning", environment=world.alpha.environments.get(name="live1"))

    ticket = notice.ticket
    assert ticket.ticket_type.slug == "proactive-warning"
    assert ticket.organisation == world.alpha
    assert ticket.requester_contact.email == "emergency@alpha.example"
    assert [c.email for c in ticket.cc_contacts.order_by("emergency_order")] == ["ops-list@alpha.example", "omar@alpha.example"]
    assert ticket.environment.name == "live1"
    assert ticket.summary == notice.title
    assert "Query API" in ticket.description
    assert "working on it" in ticket.description, "no call to action: the ticket says we are on it"
    kinds = list(ticket.events.exclude(kind=TicketEvent.Kind.SLA).values_list("kind", flat=True))
    assert kinds == [TicketEvent.Kind.CREATED, TicketEvent.Kind.NOTIFIED]


def test_an_alert_queues_one_copy_per_recipient_naming_everyone(world, area, omar) -> None:
    notice = raise_notice(world.alpha, area, kind="alert", call_to_action="Roll back the index change.")

    rows = rows_of(notice)
    assert [row.recipient for row in rows] == ["emergency@alpha.example", "ops-list@alpha.example", "omar@alpha.example"]
    for row in rows:
        assert row.header_to == ["Alpha Shop on call <emergency@alpha.example>"]
        assert row.header_cc == ["Alpha Shop ops list <ops-list@alpha.example>", "Omar Ops <omar@alpha.example>"]
        assert row.cc == [], "each copy goes only to its own recipient"
        assert row.next_attempt_at <= timezone.now() and not row.held_reason
        assert notice.ticket.reference in row.subject
    assert rows[2].language == "es"


def test_an_alert_reaches_everyone_with_to_and_cc(world, area, omar, smtp, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notice = raise_notice(world.alpha, area, kind="alert", call_to_action="Roll back the index change.")

    assert len(smtp.messages) == 3
    for address in ("emergency@alpha.example", "ops-list@alpha.example", "omar@alpha.example"):
        [received] = smtp.to(address)
        assert received.envelope_to == [address]
        assert received["To"] == "Alpha Shop on call <emergency@alpha.example>"
        assert received["Cc"] == "Alpha Shop ops list <ops-list@alpha.example>, Omar Ops <omar@alpha.example>"
        assert received["Subject"].startswith(f"[{notice.ticket.reference}]")
        assert "Roll back the index change." in received.text
        assert "Roll back the index change." in received.html
    english = smtp.to("emergency@alpha.example")[0]
    assert "ACTION REQUIRED" in english.text and "Supportdesk" in english.text
    assert english.text.index("ACTION REQUIRED") < english.text.index("What we detected"), "the call to action comes first"
    # The emergency contact has no login: its link is the signed one that opens this ticket.
    [token] = re.findall(r"/portal/t/([^/\s]+)/", english.text)
    assert contact_ticket_get(token=token) == (notice.ticket, notice.ticket.requester_contact)


def test_without_a_call_to_action_the_email_says_we_are_working_on_it(world, area, smtp, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        raise_notice(world.alpha, area, kind="alert")

    received = smtp.to("emergency@alpha.example")[0]
    assert "we are working on the issue and will send further updates" in received.text
    assert "ACTION REQUIRED" not in received.text
    assert "we are working on the issue" in received.html


def test_the_vendor_name_comes_from_settings(world, area, smtp, settings, django_capture_on_commit_callbacks) -> None:
    settings.VENDOR_NAME = "Crownpeak"
    with django_capture_on_commit_callbacks(execute=True):
        raise_notice(world.alpha, area, kind="alert")

    assert "Crownpeak has identified an issue" in smtp.messages[0].text


def test_a_warning_raised_friday_evening_goes_out_monday_at_eight(world, area) -> None:
    with time_machine.travel(FRIDAY_6PM_CHICAGO, tick=False):
        notice = raise_notice(world.alpha, area, kind="warning")

    for row in rows_of(notice):
        assert row.next_attempt_at == MONDAY_8AM_CHICAGO
        assert "business hours" in row.held_reason and "Mon 23 Nov 08:00" in row.held_reason


def test_a_warning_before_a_public_holiday_monday_waits_for_tuesday(world, area) -> None:
    labor_day_friday = datetime(2026, 9, 4, 23, 0, tzinfo=UTC)  # Fri 4 Sep 18:00 CDT; Mon 7 Sep is Labor Day
    with time_machine.travel(labor_day_friday, tick=False):
        notice = raise_notice(world.alpha, area, kind="warning")

    assert {row.next_attempt_at for row in rows_of(notice)} == {datetime(2026, 9, 8, 13, 0, tzinfo=UTC)}


def test_a_warning_before_a_holiday_the_admin_added_waits_for_tuesday(world, area) -> None:
    standard = Calendar.objects.get(is_default=True)
    CalendarHoliday.objects.create(calendar=standard, date=date(2026, 11, 23), name="Company day")
    with time_machine.travel(FRIDAY_6PM_CHICAGO, tick=False):
        notice = raise_notice(world.alpha, area, kind="warning")

    assert {row.next_attempt_at for row in rows_of(notice)} == {TUESDAY_8AM_CHICAGO}


def test_renaming_the_default_business_hours_still_holds_warnings_for_them(world, area) -> None:
    """The fallback calendar is a flag, not a name: an admin who renames it sends no warning at night."""
    standard = Calendar.objects.get(is_default=True)
    standard.name = "Horario laboral (Chicago)"
    standard.save()
    with time_machine.travel(FRIDAY_6PM_CHICAGO, tick=False):
        notice = raise_notice(world.alpha, area, kind="warning")

    assert {row.next_attempt_at for row in rows_of(notice)} == {MONDAY_8AM_CHICAGO}


def test_a_second_default_calendar_is_refused(world) -> None:
    from django.core.exceptions import ValidationError

    other = Calendar(name="Madrid office", timezone="Europe/Madrid", is_default=True)
    with pytest.raises(ValidationError, match="already the default"):
        other.full_clean()


def test_the_organisations_own_calendar_decides(world, area) -> None:
    madrid = Calendar.objects.create(name="Madrid office", timezone="Europe/Madrid")
    for weekday in range(5):
        CalendarInterval.objects.create(calendar=madrid, weekday=weekday, start="09:00", end="18:00")
    world.alpha.calendar = madrid
    world.alpha.save()
    with time_machine.travel(FRIDAY_6PM_CHICAGO, tick=False):
        notice = raise_notice(world.alpha, area, kind="warning")

    assert {row.next_attempt_at for row in rows_of(notice)} == {datetime(2026, 11, 23, 8, 0, tzinfo=UTC)}


def test_a_warning_in_business_hours_and_an_alert_at_night_go_at_once(world, area) -> None:
    with time_machine.travel(WEDNESDAY_10AM_CHICAGO, tick=False):
        warning = raise_notice(world.alpha, area, kind="warning")
    with time_machine.travel(FRIDAY_6PM_CHICAGO, tick=False):
        alert = raise_notice(world.alpha, area, kind="alert", title="Night alert")

    assert {row.next_attempt_at for row in rows_of(warning)} == {WEDNESDAY_10AM_CHICAGO}
    assert {row.next_attempt_at for row in rows_of(alert)} == {FRIDAY_6PM_CHICAGO}
    assert not any(row.held_reason for row in rows_of(warning) + rows_of(alert))


def test_a_held_warning_is_sent_by_the_sweep_once_monday_comes(world, area, smtp, django_capture_on_commit_callbacks) -> None:
    with time_machine.travel(FRIDAY_6PM_CHICAGO, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            raise_notice(world.alpha, area, kind="warning")
        assert smtp.messages == []
        traveller.move_to(datetime(2026, 11, 23, 13, 59, 59, tzinfo=UTC))
        assert outbox_sweep() == 0
        traveller.move_to(MONDAY_8AM_CHICAGO)
        assert outbox_sweep() == 2
        assert outbox_sweep() == 0

    assert sorted(m.envelope_to[0] for m in smtp.messages) == ["emergency@alpha.example", "ops-list@alpha.example"]


def test_an_update_reaches_the_same_people_in_the_same_thread(world, area, omar, smtp, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notice = raise_notice(world.alpha, area, kind="alert")
    Contact.objects.filter(pk=omar.pk).update(emergency_role="")  # later changes to the contacts do not re-route the thread
    with django_capture_on_commit_callbacks(execute=True):
        first_update = notice_update_post(notice=notice, body="Error rate back under 0.5%.", actor=world.agent)
    with django_capture_on_commit_callbacks(execute=True):
        notice_update_post(notice=notice, body="Resolved.", call_to_action="Confirm on the ticket.", actor=world.agent)

    for address in ("emergency@alpha.example", "ops-list@alpha.example", "omar@alpha.example"):
        first, second, third = smtp.to(address)
        assert second["In-Reply-To"] == first["Message-ID"]
        assert second["References"] == first["Message-ID"]
        assert third["In-Reply-To"] == second["Message-ID"]
        assert third["References"] == f"{first['Message-ID']} {second['Message-ID']}"
        assert second["Subject"] == f"Re: {first['Subject']}"
        assert third["Cc"] == first["Cc"]
    english = smtp.to("emergency@alpha.example")
    assert "Error rate back under 0.5%." in english[1].text and "working on the issue" in english[1].text
    assert "Confirm on the ticket." in english[2].text
    assert NoticeUpdate.objects.filter(notice=notice).count() == 2
    comment = first_update.comment
    assert comment is not None and not comment.is_internal and comment.ticket_id == notice.ticket_id


def test_an_update_on_a_warning_waits_for_business_hours_too(world, area) -> None:
    with time_machine.travel(WEDNESDAY_10AM_CHICAGO, tick=False):
        notice = raise_notice(world.alpha, area, kind="warning")
    with time_machine.travel(FRIDAY_6PM_CHICAGO, tick=False):
        update = notice_update_post(notice=notice, body="Still delayed.", actor=world.agent)

    rows = OutboundEmail.objects.filter(event_key=update.event_key)
    assert rows.count() == 2
    assert {row.next_attempt_at for row in rows} == {MONDAY_8AM_CHICAGO}


def test_an_organisation_without_a_registered_contact_gets_a_clear_error_and_nothing_changes(world, area) -> None:
    Contact.objects.filter(organisation=world.alpha, emergency_role="registered").update(emergency_role="")
    tickets = Ticket.objects.count()

    with pytest.raises(ValidationError, match="no registered emergency contact"):
        notice_raise(organisation=world.alpha, kind="alert", area=area, title="T", description="D")

    assert Ticket.objects.count() == tickets
    assert not Notice.objects.exists() and not OutboundEmail.objects.exists()


def test_an_agent_submitting_twice_raises_one_notice(world, area) -> None:
    kwargs = {
        "organisation": world.alpha,
        "kind": "alert",
        "area": area,
        "title": "T",
        "description": "D",
        "actor": world.agent,
        "idempotency_key": "form-123",
    }
    first, created = notice_raise(**kwargs)
    again, created_again = notice_raise(**kwargs)

    assert created and not created_again and again.pk == first.pk
    assert Notice.objects.count() == 1 and OutboundEmail.objects.count() == 2


def test_a_distribution_list_refusing_mail_for_good_is_marked_failing(world, area, smtp, django_capture_on_commit_callbacks) -> None:
    smtp.refused_recipients["ops-list@alpha.example"] = "550 5.1.1 No such list"
    with django_capture_on_commit_callbacks(execute=True):
        notice = raise_notice(world.alpha, area, kind="alert")

    states = {row.recipient: row.state for row in rows_of(notice)}
    assert states == {"emergency@alpha.example": "sent", "ops-list@alpha.example": "failed"}
    ops = Contact.objects.get(email="ops-list@alpha.example")
    assert ops.kind == Contact.Kind.DISTRIBUTION_LIST
    assert ops.delivery_failing_since is not None and "550" in ops.delivery_failure
    assert len(smtp.to("emergency@alpha.example")) == 1, "the others still get theirs"


def test_held_mail_can_be_sent_now_or_cancelled_with_a_reason(world, area, smtp, django_capture_on_commit_callbacks) -> None:
    with time_machine.travel(FRIDAY_6PM_CHICAGO, tick=False):
        to_send = raise_notice(world.alpha, area, kind="warning", title="Send me")
        to_cancel = raise_notice(world.alpha, area, kind="warning", title="Cancel me")
        with pytest.raises(ValidationError):
            held_mail_cancel(notice=to_cancel, event_key=to_cancel.event_key, actor=world.agent, reason=" ")
        assert (
            held_mail_cancel(
                notice=to_cancel,
                event_key=to_cancel.event_key,
                actor=world.agent,
                reason="False positive",
            )
            == 2
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert held_mail_release(notice=to_send, event_key=to_send.event_key, actor=world.agent) == 2

    with time_machine.travel(MONDAY_8AM_CHICAGO, tick=False):
        assert outbox_sweep() == 0, "cancelled mail never goes out"
    assert {m["Subject"].split("] ")[1] for m in smtp.messages} == {"Warning: Send me"}
    assert {row.state for row in rows_of(to_cancel)} == {"cancelled"}
    event = to_cancel.ticket.events.filter(kind=TicketEvent.Kind.NOTIFIED).last()
    assert event.reason == "False positive" and event.actor == world.agent


def test_a_calendar_that_never_opens_does_not_hold_a_warning_forever(world, area) -> None:
    world.alpha.calendar = Calendar.objects.create(name="Never", timezone="UTC")
    world.alpha.save()
    with time_machine.travel(FRIDAY_6PM_CHICAGO, tick=False):
        notice = raise_notice(world.alpha, area, kind="warning")

    assert {row.next_attempt_at for row in rows_of(notice)} == {FRIDAY_6PM_CHICAGO}
