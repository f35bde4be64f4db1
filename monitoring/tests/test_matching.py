"""Label matchers, read and applied as Alertmanager does (plain Python, no database)."""

from __future__ import annotations

import pytest

from monitoring.matching import matchers_hold, matchers_parse
from monitoring.payloads import PayloadError, alertmanager_parse, pagerduty_parse

LABELS = {"alertname": "CheckoutErrors", "team": "checkout", "severity": "critical", "env": "live1"}


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ('team="checkout"', True),
        ("team=checkout", True),
        ("team=search", False),
        ("team!=search", True),
        ('severity=~"critical|page"', True),
        ("severity=~crit", False),  # a regex matches the whole value, as in Alertmanager
        ("severity!~info|warning", True),
        ('{team="checkout", env="live1"}', True),
        ("team=checkout\nenv=test1", False),
        ("region=", True),  # a missing label reads as the empty string
        ("region!=", False),
        ("", True),
        ("# comments are ignored\nteam=checkout", True),
        ('alertname=~"Checkout.*", team="checkout,search"', False),
    ],
)
def test_matchers_hold_as_alertmanager_reads_them(text: str, holds: bool) -> None:
    assert matchers_hold(matchers_parse(text), LABELS) is holds


@pytest.mark.parametrize("text", ["team", "=checkout", "team=~(unclosed", "team ~= x"])
def test_a_matcher_that_is_not_one_is_refused_with_its_text(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        matchers_parse(text)
    assert f"“{text}”" in str(refused.value)


def test_nul_characters_never_reach_the_database() -> None:
    alert = alertmanager_parse(
        {
            "version": "4",
            "alerts": [
                {
                    "status": "firing",
                    "fingerprint": "a\x00b",
                    "labels": {"te\x00am": "x\x00"},
                    "annotations": {},
                }
            ],
        }
    )[0]
    assert (alert.key, alert.labels) == ("ab", {"team": "x"})


def test_pagerduty_custom_details_become_labels_and_its_fields_win() -> None:
    event = pagerduty_parse(
        {
            "event_action": "trigger",
            "dedup_key": "k",
            "payload": {
                "summary": "Down",
                "source": "web-1",
                "severity": "error",
                "custom_details": {"source": "ignored", "count": 3, "nested": {"a": 1}},
            },
        }
    )
    assert event.labels == {"source": "web-1", "severity": "error", "count": "3"}
    with pytest.raises(PayloadError) as refused:
        pagerduty_parse({"event_action": "trigger"})
    assert any("payload" in error for error in refused.value.errors)
