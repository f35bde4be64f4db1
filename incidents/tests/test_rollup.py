"""The status roll-up rules: plain Python, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from incidents import rollup
from incidents.rollup import DEGRADED, MAINTENANCE, MAJOR, OPERATIONAL, PARTIAL, Outage


def test_worst_impact_wins() -> None:
    assert rollup.worst([]) == OPERATIONAL
    assert rollup.worst([OPERATIONAL, DEGRADED]) == DEGRADED
    assert rollup.worst([PARTIAL, DEGRADED, MAJOR, OPERATIONAL]) == MAJOR


def test_an_outage_outranks_maintenance_and_maintenance_outranks_green() -> None:
    assert rollup.worst([MAINTENANCE, OPERATIONAL]) == MAINTENANCE
    assert rollup.worst([MAINTENANCE, DEGRADED]) == DEGRADED
    assert rollup.component_status(own=OPERATIONAL, in_maintenance=True) == MAINTENANCE
    assert rollup.component_status(own=OPERATIONAL, incident_impacts=[PARTIAL], in_maintenance=True) == PARTIAL


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown component status"):
        rollup.worst(["on_fire"])


def test_incident_impact_follows_its_worst_component() -> None:
    assert rollup.incident_impact([]) == "none"
    assert rollup.incident_impact([DEGRADED]) == "minor"
    assert rollup.incident_impact([DEGRADED, PARTIAL]) == "major"
    assert rollup.incident_impact([MAJOR, PARTIAL]) == "critical"
    assert rollup.incident_impact([MAINTENANCE]) == "maintenance"


def test_page_indicator_and_description() -> None:
    assert rollup.page_status([OPERATIONAL, OPERATIONAL]) == ("none", "All Systems Operational")
    assert rollup.page_status([OPERATIONAL, PARTIAL]) == ("major", "Partial System Outage")
    assert rollup.page_status([MAJOR, DEGRADED]) == ("critical", "Major Service Outage")
    assert rollup.page_status([MAINTENANCE, OPERATIONAL]) == ("maintenance", "Service Under Maintenance")
    assert rollup.page_status([DEGRADED]) == ("minor", "Minor Service Outage")


def test_an_open_incident_without_components_still_colours_the_page() -> None:
    assert rollup.page_indicator([OPERATIONAL], ["minor"]) == "minor"
    assert rollup.page_indicator([MAJOR], ["minor"]) == "critical"


def test_every_status_and_indicator_uses_statuspage_words() -> None:
    assert set(rollup.COMPONENT_STATUSES) == {
        "operational",
        "degraded_performance",
        "partial_outage",
        "major_outage",
        "under_maintenance",
    }
    assert set(rollup.DESCRIPTIONS) == {"none", "minor", "major", "critical", "maintenance"}


NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAYS = [date(2026, 3, 8), date(2026, 3, 9), date(2026, 3, 10)]


def test_daily_history_takes_the_worst_status_of_each_day_and_weights_downtime() -> None:
    outages = [
        Outage(DEGRADED, datetime(2026, 3, 8, 1, tzinfo=UTC), datetime(2026, 3, 8, 5, tzinfo=UTC)),
        Outage(MAJOR, datetime(2026, 3, 9, 0, tzinfo=UTC), datetime(2026, 3, 9, 6, tzinfo=UTC)),
        Outage(PARTIAL, datetime(2026, 3, 9, 12, tzinfo=UTC), datetime(2026, 3, 9, 22, tzinfo=UTC)),
    ]

    days = rollup.daily_history(outages=outages, days=DAYS, now=NOW)

    assert [d.status for d in days] == [DEGRADED, MAJOR, OPERATIONAL]
    assert days[0].downtime == timedelta(0)  # degraded performance is not downtime
    assert days[1].downtime == timedelta(hours=6) + timedelta(hours=10) * 0.3
    assert days[1].uptime == pytest.approx(1 - 9 / 24)
    assert days[2].uptime == 1.0


def test_an_ongoing_outage_counts_up_to_now_and_across_midnight() -> None:
    outages = [Outage(MAJOR, datetime(2026, 3, 9, 18, tzinfo=UTC), None)]

    days = rollup.daily_history(outages=outages, days=DAYS, now=NOW)

    assert days[1].downtime == timedelta(hours=6)
    assert days[2].status == MAJOR
    assert days[2].uptime == 0.0  # down for the whole of today so far


def test_days_before_the_component_existed_do_not_count() -> None:
    days = rollup.daily_history(outages=[], days=DAYS, now=NOW, since=datetime(2026, 3, 9, 12, tzinfo=UTC))

    assert [d.counted for d in days] == [False, True, True]
    assert rollup.uptime(days) == 1.0


def test_uptime_averages_the_counted_days() -> None:
    outages = [Outage(MAJOR, datetime(2026, 3, 8, 0, tzinfo=UTC), datetime(2026, 3, 8, 12, tzinfo=UTC))]
    days = rollup.daily_history(outages=outages, days=DAYS[:2], now=NOW)
    assert rollup.uptime(days) == pytest.approx(0.75)


def test_the_rollup_stays_free_of_django() -> None:
    import ast
    from pathlib import Path

    tree = ast.parse(Path(rollup.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith("django") for name in imported)
