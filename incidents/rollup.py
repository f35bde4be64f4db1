"""Status roll-ups for the status page: pure Python, no Django.

The vocabulary is Statuspage's, so that the JSON API can speak it unchanged:
component statuses (``operational`` … ``under_maintenance``), incident impacts
(``none`` … ``critical``, ``maintenance``) and the page indicator.

Worst wins. An outage outranks maintenance (a component that is down during a
maintenance window is reported as down), and maintenance outranks degraded
performance only in the sense that a window announces itself: see ``RANK``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

OPERATIONAL = "operational"
DEGRADED = "degraded_performance"
PARTIAL = "partial_outage"
MAJOR = "major_outage"
MAINTENANCE = "under_maintenance"

COMPONENT_STATUSES = (OPERATIONAL, DEGRADED, PARTIAL, MAJOR, MAINTENANCE)

# Higher is worse. Maintenance sits between "fine" and "degraded": planned
# work is worth showing over green, but never hides a real problem.
RANK = {OPERATIONAL: 0, MAINTENANCE: 1, DEGRADED: 2, PARTIAL: 3, MAJOR: 4}

# Incident impact (Statuspage ``impact``) implied by the worst affected component.
IMPACT_OF_STATUS = {OPERATIONAL: "none", MAINTENANCE: "maintenance", DEGRADED: "minor", PARTIAL: "major", MAJOR: "critical"}
INCIDENT_IMPACTS = ("none", "minor", "major", "critical", "maintenance")

# Page indicator and its words, as Statuspage's status.json says them.
INDICATORS = ("none", "minor", "major", "critical", "maintenance")
DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major Service Outage",
    "maintenance": "Service Under Maintenance",
}

# Share of a period counted as downtime, as Statuspage counts uptime:
# a major outage is down time, a partial outage counts for 30 %.
DOWNTIME_WEIGHT = {OPERATIONAL: 0.0, MAINTENANCE: 0.0, DEGRADED: 0.0, PARTIAL: 0.3, MAJOR: 1.0}


def worst(statuses: Iterable[str]) -> str:
    """The worst of some component statuses; operational when there are none."""
    result = OPERATIONAL
    for status in statuses:
        if status not in RANK:
            raise ValueError(f"unknown component status {status!r}")
        if RANK[status] > RANK[result]:
            result = status
    return result


def component_status(*, own: str, incident_impacts: Iterable[str] = (), in_maintenance: bool = False) -> str:
    """A component's current status: its own, the impacts of the open incidents on it, and any active window."""
    return worst([own, *incident_impacts, *([MAINTENANCE] if in_maintenance else [])])


def incident_impact(component_impacts: Iterable[str]) -> str:
    """Statuspage's incident ``impact`` from the impacts on its components."""
    return IMPACT_OF_STATUS[worst(component_impacts)]


def page_indicator(component_statuses: Iterable[str], incident_impacts: Iterable[str] = ()) -> str:
    """The page's indicator: the worst component, or an open incident's impact if that is worse.

    An incident that names no component still turns the page from green.
    """
    from_components = IMPACT_OF_STATUS[worst(component_statuses)]
    order = {"none": 0, "maintenance": 1, "minor": 2, "major": 3, "critical": 4}
    result = from_components
    for impact in incident_impacts:
        if impact not in order:
            raise ValueError(f"unknown incident impact {impact!r}")
        if order[impact] > order[result]:
            result = impact
    return result


def page_status(component_statuses: Iterable[str], incident_impacts: Iterable[str] = ()) -> tuple[str, str]:
    indicator = page_indicator(component_statuses, incident_impacts)
    return indicator, DESCRIPTIONS[indicator]


@dataclass(frozen=True)
class Outage:
    """A period during which a component had a status other than operational."""

    status: str
    start: datetime
    end: datetime | None  # None: still going on


@dataclass(frozen=True)
class Day:
    day: date
    status: str  # the worst status seen that day
    downtime: timedelta  # weighted, see DOWNTIME_WEIGHT
    uptime: float  # 0.0 – 1.0 of the part of the day that counts
    counted: bool  # False for days before the component existed or still to come


def daily_history(*, outages: Iterable[Outage], days: list[date], now: datetime, since: datetime | None = None) -> list[Day]:
    """Per day: the worst status and the weighted downtime, for uptime bars.

    ``days`` are UTC dates in order; a day counts only from ``since`` (when
    the component came to be) and up to ``now``.
    """
    periods = list(outages)
    result = []
    for day in days:
        start = datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)
        end = min(start + timedelta(days=1), now)
        if since is not None and since > start:
            start = min(since, end)
        span = end - start
        if span <= timedelta(0):
            result.append(Day(day, OPERATIONAL, timedelta(0), 1.0, False))
            continue
        status = OPERATIONAL
        down = timedelta(0)
        for outage in periods:
            overlap_start = max(outage.start, start)
            overlap_end = min(outage.end or now, end)
            if overlap_end <= overlap_start:
                continue
            status = worst([status, outage.status])
            down += (overlap_end - overlap_start) * DOWNTIME_WEIGHT[outage.status]
        down = min(down, span)
        result.append(Day(day, status, down, 1.0 - down / span, True))
    return result


def uptime(history: Iterable[Day]) -> float:
    """Share of the counted time that was up, 0.0 – 1.0 (1.0 when nothing counted)."""
    counted = [day for day in history if day.counted]
    if not counted:
        return 1.0
    return sum(day.uptime for day in counted) / len(counted)
