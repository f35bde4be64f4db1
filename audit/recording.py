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
    "tickets.TicketType": frozenset(),
    "tickets.TicketField": frozenset(),
    "customers.Organisation": frozenset({"updated_at"}),
    "customers.Contact": frozenset(),
    "customers.Environment": frozenset(),
    "customers.Membership": frozenset(),
    "customers.AccessGrant": frozenset(),
    # Who changed a role, admin rights or a password matters; sign-in times are bookkeeping.
    "accounts.User": frozenset({"last_login"}),
    "sla.Severity": frozenset(),
    "sla.SupportTier": frozenset(),
    "sla.SlaTarget": frozenset(),
    "sla.Calendar": frozenset(),
    "sla.CalendarInterval": frozenset(),
    "sla.CalendarHoliday": frozenset(),
    "incidents.Incident": frozenset({"updated_at"}),
    "incidents.IncidentUpdate": frozenset(),
    "incidents.IncidentComponent": frozenset(),
    "incidents.Component": frozenset({"updated_at"}),
    "incidents.ComponentGroup": frozenset(),
    "notices.ProductArea": frozenset(),
    # Secrets never reach the trail: that they changed is recorded, not what to.
    "monitoring.ServiceKey": frozenset({"last_used_at"}),
    "monitoring.RoutingRule": frozenset({"updated_at"}),
    "webhooks.WebhookEndpoint": frozenset(),
    "retention.RetentionPolicy": frozenset(),
}

# Fields whose change is recorded without the values (a secret, or its hash).
MASKED: frozenset[str] = frozenset(
    {
        "accounts.User.password",
        "monitoring.ServiceKey.key_hash",
        "webhooks.WebhookEndpoint.secret",
    }
)

# Models the admin shows that are not on the trail, and why: each is itself a
# record of what happened, or machine bookkeeping already on a timeline.
NOT_AUDITED: dict[str, str] = {
    "auth.Group": "unused: people's rights come from their role",
    "audit.AuditEntry": "the trail itself (append-only)",
    "notifications.OutboundEmail": "the outbox is the record of every email, with its state and attempts",
    "notices.Notice": "its ticket, on the audit trail and the ticket's timeline, records it",
    "incidents.Subscriber": "a member of the public's own subscription, kept by double opt-in",
    "desk.CannedReply": "agents' text snippets; what is sent is recorded on each ticket",
    "desk.Macro": "agents' prepared actions; each change a macro makes is recorded on the ticket's timeline",
    "api.ApiToken": "a person's own token; its creation and revocation are the person's own",
    "webhooks.WebhookDelivery": "the delivery log is itself the record",
    "otp_static.StaticDevice": "recovery codes, replaced as a whole when their owner enrols again",
    "otp_totp.TOTPDevice": "a person's own authenticator (django-otp's model, which every code check updates)",
    "notifications.TypedAddressMail": "the log of requests to mail a typed address is itself the record",
    "monitoring.Alert": "written only by what monitoring sends; every payload is kept with its outcome",
    "monitoring.ReceivedPayload": "the intake's log is itself the record",
    "mail.InboundMessage": "the intake's record of every message received, with its outcome; read-only in the admin",
    "mail.ThreadMessage": "the Message-IDs of sent ticket mail; written by the outbox's callers, read-only in the admin",
}


def audited_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in AUDITED]


def _ignored(model: type[models.Model]) -> frozenset[str]:
    return AUDITED.get(model._meta.label, frozenset())


def _fields(model: type[models.Model]) -> list[str]:
    ignored = _ignored(model)
    # A field the database stamps on every save (auto_now) says nothing about what changed.
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.name not in ignored and f.attname not in ignored and not getattr(f, "auto_now", False)
    ]


def plain_value(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _translation_mirrors(model: type[models.Model] | None) -> set[str]:
    """Columns django-modeltranslation keeps as a copy of a per-language one (name of name_en, name_es…).

    The change is on the trail once, under the language's column.
    """
    if model is None:
        return set()
    from modeltranslation.translator import NotRegistered, translator

    try:
        # The registered field names are a class attribute of the options (set by their metaclass).
        return set(type(translator.get_options_for_model(model)).fields)
    except NotRegistered:
        return set()


def _same(before: Any, after: Any) -> bool:
    # An untranslated text is NULL until a form saves it as "": both are "no text".
    return plain_value(before) == plain_value(after) or (before in (None, "") and after in (None, ""))


def _diff(before: dict[str, Any], after: dict[str, Any], model: type[models.Model] | None = None) -> dict[str, list[Any]]:
    mirrors = _translation_mirrors(model)
    changes = {
        field: [plain_value(before.get(field)), plain_value(after.get(field))]
        for field in after
        if field not in mirrors and not _same(before.get(field), after.get(field))
    }
    if model is not None:
        for field in changes:
            if f"{model._meta.label}.{field}" in MASKED:
                changes[field] = ["•••" if before.get(field) else None, "•••" if after.get(field) else None]
    return changes


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
        instance._audit_before = None  # type: ignore[attr-defined]  # the previous values ride on the instance from pre_save to post_save
        return
    instance._audit_before = sender._base_manager.filter(pk=instance.pk).values(*_fields(sender)).first()  # type: ignore[attr-defined]  # the previous values ride on the instance from pre_save to post_save


def _after_save(sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    after = {field: getattr(instance, field) for field in _fields(sender)}
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _entry(sender, instance.pk, str(instance), AuditEntry.Action.CREATE, _diff({}, after, sender)).save()
        return
    changes = _diff(before, after, sender)
    if changes:
        _entry(sender, instance.pk, str(instance), AuditEntry.Action.UPDATE, changes).save()


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    before = {field: getattr(instance, field) for field in _fields(sender)}
    _entry(sender, instance.pk, str(instance), AuditEntry.Action.DELETE, _diff(before, dict.fromkeys(before), sender)).save()


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
        changes = _diff(before[row["pk"]], row, model)
        changes.pop("pk", None)
        if changes:
            entries.append(
                _entry(model, row["pk"], f"{model._meta.verbose_name} {row['pk']}", AuditEntry.Action.UPDATE, changes, bulk=True)
            )
    AuditEntry.objects.bulk_create(entries)
    return count


def connect() -> None:
    for model in audited_models():
        uid = f"audit:{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}:pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}:post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}:delete")
