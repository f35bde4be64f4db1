"""Validating the structured answers of a ticket type's fields.

Plain functions over the field definitions, so that the portal form, the API
and the admin all accept and refuse exactly the same input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from customers.models import Organisation, split_ids
from tickets.models import TicketField


def _clean_orders(raw: Any) -> dict[str, Any]:
    """Impacted orders: the complete list, or examples with an estimate of the total."""
    if not isinstance(raw, Mapping):
        raw = {"orders": raw, "scope": "complete"}
    orders_raw = raw.get("orders") or []
    if isinstance(orders_raw, str):
        orders_raw = orders_raw.replace("\n", ",")
        orders = split_ids(orders_raw)
    else:
        orders = [str(item).strip() for item in orders_raw if str(item).strip()]
    scope = raw.get("scope") or "complete"
    if scope not in ("complete", "examples"):
        raise ValidationError(_("Say whether this is the complete list or examples."))
    if not orders:
        raise ValidationError(_("List at least one order (Fluent id or your order reference)."))
    estimate_raw = raw.get("estimated_total")
    if scope == "complete":
        return {"orders": orders, "scope": scope, "estimated_total": len(orders)}
    if estimate_raw in (None, ""):
        raise ValidationError(_("These are examples: estimate how many orders are impacted in total."))
    try:
        estimate = int(str(estimate_raw).strip())
    except ValueError as exc:
        raise ValidationError(_("Enter the estimated total as a whole number.")) from exc
    if estimate < len(orders):
        raise ValidationError(
            _("The estimated total (%(estimate)s) cannot be less than the %(count)s examples listed.")
            % {"estimate": estimate, "count": len(orders)}
        )
    return {"orders": orders, "scope": scope, "estimated_total": estimate}


def _clean_value(field: TicketField, raw: Any, organisation: Organisation | None = None) -> Any:
    kind = field.kind
    if kind in (TicketField.Kind.TEXT, TicketField.Kind.TEXTAREA):
        value = str(raw).strip()
        if kind == TicketField.Kind.TEXT and len(value) > 500:
            raise ValidationError(_("Keep this under 500 characters."))
        return value
    if kind == TicketField.Kind.CHOICE:
        value = str(raw).strip()
        if value not in field.choice_values:
            raise ValidationError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(field.choice_values)})
        return value
    if kind == TicketField.Kind.DATETIME:
        if isinstance(raw, datetime):
            parsed: datetime | None = raw
        else:
            parsed = parse_datetime(str(raw).strip())
        if parsed is None:
            raise ValidationError(_("Enter a date and time such as 2026-11-23 14:30 (UTC)."))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).isoformat()
    if kind in (TicketField.Kind.ID_LIST, TicketField.Kind.RETAILER_IDS):
        ids = raw if isinstance(raw, list) else split_ids(str(raw))
        ids = [str(item).strip() for item in ids if str(item).strip()]
        if kind == TicketField.Kind.RETAILER_IDS and organisation is not None:
            known = {organisation.account_id, *organisation.retailer_id_list}
            unknown = [item for item in ids if item not in known]
            if unknown:
                raise ValidationError(
                    _("Not ids of your account: %(unknown)s. Yours are: %(known)s.")
                    % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known))}
                )
        return ids
    if kind == TicketField.Kind.ORDER_LIST:
        return _clean_orders(raw)
    if kind == TicketField.Kind.INTEGER:
        try:
            number = int(str(raw).strip())
        except ValueError as exc:
            raise ValidationError(_("Enter a whole number.")) from exc
        if number < 0:
            raise ValidationError(_("Enter zero or more."))
        return number
    if kind == TicketField.Kind.EMAIL:
        value = str(raw).strip()
        validate_email(value)
        return value
    if kind == TicketField.Kind.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in {"1", "true", "yes", "on"}
    raise ValidationError(_("Unknown field kind."))


def _is_blank(value: Any) -> bool:
    if isinstance(value, Mapping):
        return _is_blank(value.get("orders"))
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def details_clean(
    *,
    fields: Iterable[TicketField],
    data: Mapping[str, Any],
    organisation: Organisation | None = None,
) -> dict[str, Any]:
    """Return the cleaned answers, or raise ValidationError keyed by field key.

    Unknown keys are refused rather than silently stored. With an organisation,
    account / retailer ids must be that organisation's.
    """
    fields = list(fields)
    known = {field.key for field in fields}
    errors: dict[str, list[str]] = {}
    for key in data:
        if key not in known:
            errors.setdefault(key, []).append(_("This type of request has no field “%(key)s”.") % {"key": key})
    cleaned: dict[str, Any] = {}
    for field in fields:
        raw = data.get(field.key)
        if _is_blank(raw):
            if field.required and field.kind != TicketField.Kind.BOOLEAN:
                errors.setdefault(field.key, []).append(_("%(label)s is required.") % {"label": field.label})
            continue
        try:
            cleaned[field.key] = _clean_value(field, raw, organisation)
        except ValidationError as exc:
            errors.setdefault(field.key, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def details_rows(*, fields: Iterable[TicketField], details: Mapping[str, Any]) -> list[tuple[TicketField, Any]]:
    """The answered fields of a ticket in form order, for display."""
    return [(field, details[field.key]) for field in fields if not _is_blank(details.get(field.key))]
