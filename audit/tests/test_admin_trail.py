"""A change made through the admin shows up on the trail with who, when, before and after — per category.

Each case opens a record's change page as an admin, submits the form as the
admin's page would (every field as shown, inlines included) with one field
changed, then reads the record's trail through the admin's History button.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.forms import MultiWidget
from django.utils import timezone

from audit.admin import AuditedAdmin
from audit.models import AuditEntry
from audit.recording import AUDITED, NOT_AUDITED, audited_models

pytestmark = pytest.mark.django_db


def _field_data(form: Any) -> dict[str, Any]:
    """What the browser would post back for an unchanged form."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        widget = field.widget
        if isinstance(widget, MultiWidget):
            parts = widget.decompress(value)
            for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
                data[bound.html_name + suffix] = sub.format_value(part) or ""
            continue
        if isinstance(value, bool) or field.__class__.__name__ == "BooleanField":
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [getattr(v, "pk", v) for v in value]
            continue
        formatted = widget.format_value(value) if hasattr(widget, "format_value") else value
        data[bound.html_name] = "" if formatted is None else formatted
    return data


def admin_post_data(response: Any) -> dict[str, Any]:
    """The change page's form and inlines, as they would be submitted unchanged."""
    context = response.context
    data = _field_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = management[name].value()
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.initial_form_count()
        for form in formset.initial_forms:
            data.update(_field_data(form))
    return data


def trail(model: type[Any], pk: Any) -> list[AuditEntry]:
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    return list(AuditEntry.objects.filter(content_type=content_type, object_id=str(pk)).order_by("at", "id"))


def _holiday(world: Any) -> Any:
    from sla.models import Calendar, CalendarHoliday

    calendar = Calendar.objects.first()
    return CalendarHoliday.objects.create(calendar=calendar, date=date(2027, 12, 24), name="Christmas Eve")


def _incident(world: Any) -> Any:
    from incidents.publishing import incident_create

    return incident_create(
        title="Label printing fails",
        message="Carrier labels fail for some orders.",
        detected_at=(timezone.now() - timedelta(minutes=5)).replace(microsecond=0),
    )


def _component(world: Any) -> Any:
    from incidents.models import Component

    return Component.objects.first() or Component.objects.create(name="Query API")


def _tier(world: Any) -> Any:
    from sla.models import SupportTier

    return SupportTier.objects.get(name="Premium")


def _target(world: Any) -> Any:
    from sla.models import SlaTarget

    return SlaTarget.objects.filter(tier__name="Premium", severity__level=1).first()


def _calendar(world: Any) -> Any:
    from sla.models import Calendar

    return Calendar.objects.first()


# category: (the record, the page it is edited on, the field changed and its new value, the field on the trail)
CASES: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any], dict[str, Any], str, Any]] = {
    "ticket": (lambda w: w.alice_ticket, lambda o: o, {"summary": "Checkout is slow at peak"}, "summary", "Checkout is slow at peak"),
    "organisation": (lambda w: w.alpha, lambda o: o, {"retailer_ids": "R1, R2, R9"}, "retailer_ids", "R1, R2, R9"),
    "contact": (lambda w: w.alpha.contacts.first(), lambda o: o, {"phone": "+1 555 0142"}, "phone", "+1 555 0142"),
    "tier": (_tier, lambda o: o, {"escalation_reminder_interval": "00:45:00"}, "escalation_reminder_interval", timedelta(minutes=45)),
    "sla target": (_target, lambda o: o, {"duration": "03:00:00"}, "duration", timedelta(hours=3)),
    "calendar": (_calendar, lambda o: o, {"name": "Standard hours (Chicago)"}, "name", "Standard hours (Chicago)"),
    "holiday": (_holiday, lambda o: o.calendar, {"name": "Christmas Eve (observed)"}, "name", "Christmas Eve (observed)"),
    "incident": (_incident, lambda o: o, {"title": "Label printing fails for UPS"}, "title", "Label printing fails for UPS"),
    # A status component's name is written per language in the admin (django-modeltranslation).
    "component": (_component, lambda o: o, {"name_en": "Query API (EU)"}, "name_en", "Query API (EU)"),
}


def _edit(data: dict[str, Any], change: dict[str, Any], obj: Any, page: Any) -> None:
    """Apply the change to the page's own field, or to the inline row that holds the record."""
    if obj == page:
        data.update(change)
        return
    for key, value in list(data.items()):
        if key.endswith("-id") and str(value) == str(obj.pk):
            prefix = key[: -len("id")]
            data.update({prefix + field: new for field, new in change.items()})
            return
    raise AssertionError(f"{obj!r} is not on its page")


@pytest.mark.parametrize("category", list(CASES))
def test_a_change_through_the_admin_is_on_the_trail_with_before_and_after(client, world, category) -> None:
    make, page_of, change, field, expected_after = CASES[category]
    obj = make(world)
    page = page_of(obj)
    meta = page._meta
    url = f"/admin/{meta.app_label}/{meta.model_name}/{page.pk}/change/"
    client.force_login(world.admin)
    opened = client.get(url)
    assert opened.status_code == 200
    data = admin_post_data(opened)
    before = getattr(obj, field)
    _edit(data, change, obj, page)

    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)

    entry = trail(type(obj), obj.pk)[-1]
    attname = type(obj)._meta.get_field(field).attname
    assert entry.action == AuditEntry.Action.UPDATE and entry.actor == world.admin
    assert list(entry.changes) == [attname], "only what was changed is on the trail"
    recorded_before, recorded_after = entry.changes[attname]
    assert recorded_after == _plain(expected_after)
    assert recorded_before not in (None, recorded_after) and recorded_before == _plain(before)
    assert abs((timezone.now() - entry.at).total_seconds()) < 60

    history = client.get(f"/admin/{meta.app_label}/{meta.model_name}/{page.pk}/history/", follow=True)
    if page == obj:
        assert history.status_code == 200
        assert str(obj.pk) in {row.object_id for row in history.context["cl"].result_list}
    shown = client.get(f"/admin/audit/auditentry/{entry.pk}/change/").content.decode()
    assert world.admin.full_name in shown
    assert str(recorded_after) in shown and str(recorded_before) in shown


def _plain(value: Any) -> Any:
    from audit.recording import plain_value

    return plain_value(value)


def _errors(response: Any) -> Any:
    if not response.context:
        return response.status_code
    errors = [response.context["adminform"].form.errors]
    errors += [inline.formset.errors for inline in response.context["inline_admin_formsets"]]
    return errors


def test_every_model_the_admin_edits_is_audited_or_says_why_not() -> None:
    registered = {model._meta.label for model in admin.site._registry}
    unaccounted = registered - set(AUDITED) - set(NOT_AUDITED)
    assert unaccounted == set(), "add these to audit.recording.AUDITED (or NOT_AUDITED, saying why)"


def test_every_audited_model_exists_and_its_admin_history_shows_the_trail() -> None:
    models = audited_models()  # raises LookupError for a label that names no model
    assert len(models) == len(AUDITED)
    plain_history = [
        model._meta.label
        for model in models
        if model in admin.site._registry and not isinstance(admin.site._registry[model], AuditedAdmin)
    ]
    assert plain_history == [], "give these admins AuditedAdmin, so that History shows before and after"


def test_a_secret_changing_is_recorded_without_its_value(world) -> None:
    from webhooks.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(url="https://hooks.alpha.example/desk", secret="first-secret")
    endpoint.secret = "second-secret"
    endpoint.save()
    entry = trail(WebhookEndpoint, endpoint.pk)[-1]
    assert entry.changes["secret"] == ["•••", "•••"]
    assert "second-secret" not in str(AuditEntry.objects.filter(object_id=str(endpoint.pk)).values_list("changes"))


def test_a_role_or_password_change_is_recorded_without_the_hash(world) -> None:
    world.agent.role = "lead"
    world.agent.set_password("a new password")
    world.agent.save()
    entry = trail(type(world.agent), world.agent.pk)[-1]
    assert entry.changes == {"role": ["agent", "lead"], "password": ["•••", "•••"]}
    assert world.agent.password not in str(AuditEntry.objects.filter(object_id=str(world.agent.pk)).values_list("changes"))
