"""The desk's report (leads and admins), the customer's own report, and their exports."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reports.exports import neutralise
from reports.selectors import period_last_full_months
from sla.escalations import sla_tick
from tests import matrix
from tests.factories import OrganisationFactory, TicketFactory, UserFactory
from tickets.workflow import ticket_acknowledge

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
HOSTILE = '=HYPERLINK("http://evil.example","click")'


def at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CHICAGO)


@pytest.fixture
def october(world):  # type: ignore[no-untyped-def]
    """Alpha and a hostile-named organisation each file tickets in October 2026; some breach."""
    hostile = OrganisationFactory(name=HOSTILE, account_id="HOSTILE")
    for day, organisation, late in (
        (5, world.alpha, False),
        (6, world.alpha, True),
        (7, hostile, True),
        (8, world.outsider, True),
        (9, hostile, False),
    ):
        with time_machine.travel(at(2026, 10, day, 9), tick=False):
            ticket = TicketFactory(organisation=organisation, severity=1, summary=f"-cmd|' /C calc'!A{day}")
        moment = at(2026, 10, day, 9) + (timedelta(hours=5) if late else timedelta(minutes=30))
        sla_tick(now=moment)
        with time_machine.travel(moment, tick=False):
            ticket_acknowledge(ticket=ticket, actor=world.agent)
    return hostile


def _get(client, user, url):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.get(url)


REPORT = "/desk/reports/?first=2026-10&last=2026-10"


def test_leads_and_admins_see_the_desk_report_and_agents_do_not(world, client, october):
    assert _get(client, world.agent, REPORT).status_code == 403
    assert _get(client, world.alice, REPORT).status_code == 403
    for user in (world.lead, world.admin):
        response = _get(client, user, REPORT)
        assert response.status_code == 200
        page = response.content.decode()
        assert "<svg" in page and "Acknowledged within target, per month" in page
        assert "Breaches" in page


def test_the_desk_report_answers_in_a_fixed_number_of_queries(world, client, october):
    client.force_login(world.lead)
    client.get(REPORT + "&by=organisation")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REPORT + "&by=organisation")
    assert response.status_code == 200
    # session and user, tier history, total, months, breakdown (3 each), labels, breaches and their count
    assert len(queries) <= 16, [q["sql"][:120] for q in queries]


def test_the_default_period_is_the_last_full_months(world, client):
    with time_machine.travel(at(2026, 12, 15), tick=False):
        period = period_last_full_months(zone="America/Chicago")
        client.force_login(world.lead)
        page = client.get("/desk/reports/").content.decode()
    assert (period.first, period.last) == (date(2026, 9, 1), date(2026, 11, 1))
    assert "2026-09" in page and "2026-11" in page and "2026-12" not in page


def test_a_bad_month_says_so_and_shows_the_default(world, client):
    response = _get(client, world.lead, "/desk/reports/?first=October")
    assert response.status_code == 400
    assert "Give a month as YYYY-MM" in response.content.decode()


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_csv_and_xlsx_hold_the_same_numbers_and_neutralise_a_hostile_name(world, client, october):
    client.force_login(world.lead)
    base = REPORT + "&by=organisation&what=report"
    as_csv = _csv(client.get(base + "&download=csv"))
    as_xlsx = _xlsx(client.get(base + "&download=xlsx"))
    assert as_csv[0][0] == "Organisation" and as_xlsx[0][0] == "Organisation"
    by_name = {row[0]: row for row in as_csv[1:]}
    assert by_name["'" + HOSTILE][1:5] == ["2", "2", "1", "1"], "filed, with a target, met, breached"
    assert by_name["Alpha Shop"][5] == "50.0"
    assert by_name["All tickets"][1] == "5"
    assert len(as_csv) == len(as_xlsx)
    for text_row, cell_row in zip(as_csv, as_xlsx, strict=True):
        cell_row = cell_row + [None] * (len(text_row) - len(cell_row))  # empty cells at a row's end are not stored
        for text, cell in zip(text_row, cell_row, strict=True):
            if _is_number(text):
                assert isinstance(cell, int | float) and float(text) == float(cell), (text, cell)
            else:
                assert text == ("" if cell is None else cell)
    assert not any(str(cell).startswith(("=", "+", "-", "@")) for row in as_xlsx for cell in row if cell is not None)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_the_breached_list_exports_every_breach_neutralised(world, client, october):
    client.force_login(world.lead)
    rows = _csv(client.get(REPORT + "&what=breaches&download=csv"))
    sheet = _xlsx(client.get(REPORT + "&what=breaches&download=xlsx"))
    assert len(rows) == len(sheet) == 1 + 3
    assert {row[2] for row in rows[1:]} == {"Alpha Shop", "'" + HOSTILE, "Outsider Corp"}
    assert all(row[1].startswith("'-cmd") for row in rows[1:]), "a summary starting with - is neutralised too"
    assert all(float(row[10]) == 3.0 for row in rows[1:]), "five hours against two: three hours over"


def test_neutralise_leaves_numbers_and_plain_text_alone():
    assert neutralise("=1+2") == "'=1+2" and neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("+44 20") == "'+44 20" and neutralise("-3") == "'-3"
    assert neutralise(-3) == -3 and neutralise("Alpha") == "Alpha"


def test_an_organisation_admin_sees_only_their_own_figures(world, client, october):
    url = "/portal/organisation/report/?first=2026-10&last=2026-10"
    assert _get(client, world.alice, url).status_code == 404, "not the organisation's admin"
    page = _get(client, world.alan, url).content.decode()
    assert "Alpha Shop" in page and "Outsider Corp" not in page and "HYPERLINK" not in page
    assert "What your Premium plan promises" in page
    rows = _csv(client.get(url + "&what=report&download=csv"))
    assert rows[-1][:5] == ["All tickets", "2", "2", "1", "1"]
    breaches = _csv(client.get(url + "&what=breaches&download=csv"))
    assert {row[2] for row in breaches[1:]} == {"Alpha Shop"}
    carol = _get(client, world.carol, url).content.decode()
    assert "Alpha Shop" not in carol


def test_a_customer_admins_breakdowns_stop_at_month_and_severity(world, client, october):
    page = _get(client, world.alan, "/portal/organisation/report/?first=2026-10&last=2026-10&by=organisation")
    assert page.status_code == 200
    assert "By Severity" in page.content.decode()


def test_the_report_routes_pass_the_access_matrix(world, need_postgres):
    """The walk digests the outsider's rows with PostgreSQL's string_agg."""
    problems = matrix.check_matrix(world, only={"reports_desk:report", "reports_portal:report"})
    assert not problems, "\n".join(map(str, problems))


def test_a_second_organisation_admin_elsewhere_sees_nothing_of_alpha(world, client, october):
    other_admin = UserFactory(email="boss@hostile.example", organisation=october, org_admin=True)
    page = _get(client, other_admin, "/portal/organisation/report/?first=2026-10&last=2026-10").content.decode()
    assert "Alpha Shop" not in page and "Outsider" not in page


def test_a_cached_report_follows_every_change_it_counts(world, client, django_capture_on_commit_callbacks):
    """The page is cached, yet always shows what a recomputation would: an acknowledgement moves it."""
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):
        ticket = TicketFactory(organisation=world.alpha, severity=1)
    client.force_login(world.lead)
    url = REPORT + "&what=report&download=csv"
    first = _csv(client.get(url))
    assert first[-1][1:5] == ["1", "1", "0", "1"], "still running past its due time: breached"
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(at(2026, 10, 5, 10), tick=False):
        ticket_acknowledge(ticket=ticket, actor=world.agent)
    page = client.get(REPORT)
    assert page.context["report"].total.met == 1 and page.context["report"].total.breached == 0
    again = _csv(client.get(url))
    assert again[-1][1:5] == ["1", "1", "1", "0"]
