"""Record every change to the audited models: saves, deletes and bulk updates alike.

Saves and deletes are caught by signals; ``QuerySet.update`` (and so
``bulk_update``) sends none, so audited models use ``AuditedQuerySet``, which
reads the rows before and after and records what changed. Entries are written
in the same transaction as the change: a rolled-back change leaves no trace.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from audit.context import current_actor
from audit.models import AuditEntry

# Models whose every change is recorded, and the fields that change too often
# to be worth a line (they are bookkeeping, not decisions).
AUDITED: dict[str, frozenset[str]] = {
    "tickets.Ticket": frozenset({"updated_at"}),
    "customers.Organisation": frozenset({"updated_at"}),
    "customers.Contact": frozenset(),
    "customers.Environment": frozenset(),
    "customers.Membership": frozenset(),
    "sla.SupportTier": frozenset(),
    "sla.SlaTarget": frozenset(),
    "sla.Calendar": frozenset(),
    "sla.CalendarInterval": frozenset(),
    "sla.CalendarHoliday": frozenset(),
    "incidents.Incident": frozenset({"updated_at"}),
    "incidents.IncidentUpdate": frozenset(),
    "incidents.Component": frozenset({"updated_at"}),
}


def audited_models() -> list[type[models.Model]]:
    found = []
    for label in AUDITED:
        try:
            found.append(apps.get_model(label))
        except LookupError:
            continue  # an app that has not shipped that model yet
    return found


def _ignored(model: type[models.Model]) -> frozenset[str]:
    return AUDITED.get(model._meta.label, frozenset())


def _fields(model: type[models.Model]) -> list[str]:
    ignored = _ignored(model)
    return [f.attname for f in model._meta.concrete_fields if f.name not in ignored and f.attname not in ignored]


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        field: [_plain(before.get(field)), _plain(after.get(field))]
        for field in after
        if _plain(before.get(field)) != _plain(after.get(field))
    }


def _entry(model: type[models.Model], pk: Any, label: str, action: str, changes: dict[str, Any], bulk: bool = False) -> AuditEntry:
    actor = current_actor()
    user = actor.user if getattr(actor.user, "pk", None) else None
    return AuditEntry(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id=str(pk),
        object_repr=label[:200],
        action=action,
        changes=changes,
        bulk=bulk,
        actor=user,
        actor_label="" if user else actor.label,
    )


def _before_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance._state.adding or instance.pk is None:
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    instance._audit_before = sender._base_manager.filter(pk=instance.pk).values(*_fields(sender)).first()  # type: ignore[attr-defined]


def _after_save(sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    after = {field: getattr(instance, field) for field in _fields(sender)}
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _entry(sender, instance.pk, str(instance), AuditEntry.Action.CREATE, _diff({}, after)).save()
        return
    changes = _diff(before, after)
    if changes:
        _entry(sender, instance.pk, str(instance), AuditEntry.Action.UPDATE, changes).save()


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    before = {field: getattr(instance, field) for field in _fields(sender)}
    _entry(sender, instance.pk, str(instance), AuditEntry.Action.DELETE, _diff(before, dict.fromkeys(before))).save()


def bulk_update_record(queryset: models.QuerySet[Any], kwargs: dict[str, Any]) -> int:
    """Run ``queryset.update(**kwargs)`` and record a line for each row it changed."""
    model = queryset.model
    fields = [model._meta.get_field(name).attname for name in kwargs]
    fields = [f for f in fields if f in _fields(model)]
    if not fields:
        return models.QuerySet.update(queryset, **kwargs)
    before = {row["pk"]: row for row in queryset.values("pk", *fields)}
    count = models.QuerySet.update(queryset, **kwargs)
    after = model._base_manager.filter(pk__in=list(before)).values("pk", *fields)
    entries = []
    for row in after:
        changes = _diff(before[row["pk"]], row)
        changes.pop("pk", None)
        if changes:
            entries.append(_entry(model, row["pk"], f"{model._meta.verbose_name} {row['pk']}", AuditEntry.Action.UPDATE,
                                  changes, bulk=True))
    AuditEntry.objects.bulk_create(entries)
    return count


def connect() -> None:
    for model in audited_models():
        uid = f"audit:{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}:pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}:post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}:delete")
