"""What monitoring sends, read into one shape: Alertmanager's webhook and PagerDuty's Events API v2.

Plain Python, no Django: a payload in, a list of ``IncomingAlert`` (or a
``PayloadError`` listing every problem) out. Nothing here decides what an alert
does; that is ``monitoring.routing`` and ``monitoring.services``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

TRIGGER, ACKNOWLEDGE, RESOLVE = "trigger", "acknowledge", "resolve"
ALERTMANAGER, PAGERDUTY = "alertmanager", "pagerduty"

PAGERDUTY_SEVERITIES = ("critical", "error", "warning", "info")
PAGERDUTY_ACTIONS = (TRIGGER, ACKNOWLEDGE, RESOLVE)
PAGERDUTY_FIELDS = {
    "routing_key",
    "event_action",
    "dedup_key",
    "payload",
    "images",
    "links",
    "client",
    "client_url",
}
PAGERDUTY_PAYLOAD_FIELDS = {"summary", "source", "severity", "timestamp", "component", "group", "class", "custom_details"}
MAX_KEY = 255
MAX_SUMMARY = 1024
MAX_ALERTS = 1000
# Alertmanager's "no end yet".
ZERO_TIME_PREFIX = "0001-01-01"


class PayloadError(ValueError):
    """The payload cannot be read; ``errors`` says every reason, in words a sender can act on."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class IncomingAlert:
    """One alert as we understand it: its key (fingerprint or dedup_key), what happens to it, and its words."""

    key: str
    action: str
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def _clean(text: str) -> str:
    """Without NUL characters, which no database column takes."""
    return text.replace("\x00", "")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return ""


def _string_map(value: Any, where: str, errors: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(f"{where} must be an object of strings")
        return {}
    result = {}
    for name, item in value.items():
        if not isinstance(item, str):
            errors.append(f"{where}.{name} must be a string")
            continue
        result[_clean(str(name))] = _clean(item)
    return result


def _time(value: Any, where: str, errors: list[str]) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        errors.append(f"{where} must be an RFC 3339 time")
        return None
    if value.startswith(ZERO_TIME_PREFIX):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        errors.append(f"{where} is not an RFC 3339 time: {value[:40]!r}")
        return None
    if parsed.tzinfo is None:
        errors.append(f"{where} needs a timezone (Z or an offset)")
        return None
    return parsed.astimezone(UTC)


def summary_of(labels: dict[str, str], annotations: dict[str, str]) -> str:
    """The one line people read: the summary annotation, else the alert's name, else its labels."""
    text = annotations.get("summary") or annotations.get("title") or labels.get("alertname") or ""
    if not text:
        text = ", ".join(f"{name}={value}" for name, value in sorted(labels.items()))
    return text[:MAX_SUMMARY]


def alertmanager_parse(body: Any) -> list[IncomingAlert]:
    """Alertmanager's webhook (version 4): each alert of the group, on its own."""
    if not isinstance(body, dict):
        raise PayloadError(["the body must be a JSON object (Alertmanager's webhook, version 4)"])
    errors: list[str] = []
    if str(body.get("version", "")) != "4":
        errors.append('version must be "4" (Alertmanager\'s webhook format)')
    alerts = body.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        errors.append("alerts must be a non-empty list")
        raise PayloadError(errors)
    if len(alerts) > MAX_ALERTS:
        raise PayloadError([*errors, f"at most {MAX_ALERTS} alerts in one payload"])
    parsed = []
    for index, alert in enumerate(alerts):
        where = f"alerts[{index}]"
        if not isinstance(alert, dict):
            errors.append(f"{where} must be an object")
            continue
        status = alert.get("status")
        if status not in ("firing", "resolved"):
            errors.append(f'{where}.status must be "firing" or "resolved"')
        fingerprint = alert.get("fingerprint")
        fingerprint = _clean(fingerprint) if isinstance(fingerprint, str) else None
        if fingerprint is None or not fingerprint.strip() or len(fingerprint) > MAX_KEY:
            errors.append(f"{where}.fingerprint must be a non-empty string of at most {MAX_KEY} characters")
        labels = _string_map(alert.get("labels"), f"{where}.labels", errors)
        annotations = _string_map(alert.get("annotations"), f"{where}.annotations", errors)
        starts_at = _time(alert.get("startsAt"), f"{where}.startsAt", errors)
        ends_at = _time(alert.get("endsAt"), f"{where}.endsAt", errors)
        if not errors and fingerprint is not None:
            parsed.append(
                IncomingAlert(
                    key=fingerprint.strip(),
                    action=TRIGGER if status == "firing" else RESOLVE,
                    labels=labels,
                    annotations=annotations,
                    summary=summary_of(labels, annotations),
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
            )
    if errors:
        raise PayloadError(errors)
    return parsed


def _flat(details: Any) -> dict[str, str]:
    """custom_details as labels: its scalar values by name; a plain string is the details themselves."""
    if isinstance(details, str):
        return {"details": _clean(details)}
    if not isinstance(details, dict):
        return {}
    return {_clean(str(name)): _text(value) for name, value in details.items() if isinstance(value, str | int | float | bool)}


def pagerduty_parse(body: Any, *, new_key: Any = None) -> IncomingAlert:
    """One Events API v2 event. A trigger without dedup_key gets a new one, as PagerDuty does."""
    if not isinstance(body, dict):
        raise PayloadError(["Event object is invalid: the body must be a JSON object"])
    errors: list[str] = []
    unknown = sorted(set(body) - PAGERDUTY_FIELDS)
    if unknown:
        errors.append(f"Unknown field(s): {', '.join(unknown)}")
    action = body.get("event_action")
    if action not in PAGERDUTY_ACTIONS:
        errors.append("'event_action' is missing or invalid (trigger, acknowledge or resolve)")
    dedup_key = body.get("dedup_key")
    dedup_key = _clean(dedup_key) if isinstance(dedup_key, str) else dedup_key
    if dedup_key is not None and (not isinstance(dedup_key, str) or not dedup_key.strip() or len(dedup_key) > MAX_KEY):
        errors.append(f"'dedup_key' must be a non-empty string of at most {MAX_KEY} characters")
        dedup_key = None
    if action in (ACKNOWLEDGE, RESOLVE) and dedup_key is None:
        errors.append(f"'dedup_key' is required to {action}")
    payload = body.get("payload")
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    summary = ""
    starts_at = None
    if action == TRIGGER or payload is not None:
        if not isinstance(payload, dict):
            errors.append("'payload' is missing or not an object")
            payload = {}
        unknown = sorted(set(payload) - PAGERDUTY_PAYLOAD_FIELDS)
        if unknown:
            errors.append(f"Unknown payload field(s): {', '.join(unknown)}")
        given = payload.get("summary")
        summary = _clean(given) if isinstance(given, str) else ""
        if action == TRIGGER and not summary.strip():
            errors.append("'payload.summary' is missing or blank")
        elif given is not None and not isinstance(given, str):
            errors.append("'payload.summary' must be a string")
        elif len(summary) > MAX_SUMMARY:
            errors.append(f"'payload.summary' is longer than {MAX_SUMMARY} characters")
        source = payload.get("source")
        if action == TRIGGER and (not isinstance(source, str) or not source.strip()):
            errors.append("'payload.source' is missing or blank")
        severity = payload.get("severity")
        if action == TRIGGER and severity not in PAGERDUTY_SEVERITIES:
            errors.append("'payload.severity' must be one of critical, error, warning, info")
        for name in ("component", "group", "class"):
            if payload.get(name) is not None and not isinstance(payload.get(name), str):
                errors.append(f"'payload.{name}' must be a string")
        starts_at = _time(payload.get("timestamp"), "'payload.timestamp'", errors)
        if not errors:
            labels = {
                **_flat(payload.get("custom_details")),
                **{
                    name: _clean(payload[name])
                    for name in ("source", "severity", "component", "group", "class")
                    if isinstance(payload.get(name), str) and payload[name]
                },
            }
            annotations = {"summary": summary or ""}
            if isinstance(payload.get("custom_details"), dict | str):
                details = payload["custom_details"]
                annotations["description"] = (
                    _clean(details)
                    if isinstance(details, str)
                    else "\n".join(f"{name}: {_text(value)}" for name, value in details.items() if _text(value))
                )
                if isinstance(details, dict) and isinstance(details.get("call_to_action"), str):
                    annotations["call_to_action"] = _clean(details["call_to_action"])
    if errors:
        raise PayloadError(errors)
    key = dedup_key.strip() if dedup_key else (str(new_key) if new_key else uuid.uuid4().hex)
    return IncomingAlert(
        key=key,
        action=str(action),
        labels=labels,
        annotations=annotations,
        summary=(summary or "").strip()[:MAX_SUMMARY],
        starts_at=starts_at,
    )
