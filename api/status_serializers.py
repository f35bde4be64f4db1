"""API shapes of proactive notices, status-page incidents and components.

The rules (who gets the notice, when an incident is published) live in
``notices.services`` and ``incidents.publishing``; the lookups of a notice
(account id, product area, environment) in ``notices.forms.NoticeApiForm``,
which monitoring's JSON and these serializers share.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.models import Component, ComponentStatus, Incident, IncidentUpdate
from notices.forms import NoticeApiForm
from notices.models import Notice

OPEN_STATUS_CHOICES = [(status.value, status.label) for status in Incident.OPEN_STATUSES]


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not know: a monitoring system's typo should fail loudly, not be dropped."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return attrs


# --- Notices -------------------------------------------------------------------------------------


class NoticeCreateSerializer(StrictSerializer):
    account_id = serializers.CharField(max_length=64, help_text=_("The organisation's account id."))
    kind = serializers.ChoiceField(
        choices=Notice.Kind.choices,
        help_text=_("alert: action required, mailed at once day or night. warning: mailed in business hours."),
    )
    area = serializers.CharField(max_length=100, help_text=_("The product area's name, e.g. Query API."))
    environment = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("e.g. live1; empty for none."),
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    call_to_action = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What the customer must do. Empty: the email says we are working on it."),
    )
    idempotency_key = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Or the Idempotency-Key header: a retry with the same key answers with the first notice."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        form = NoticeApiForm(attrs)
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(error["message"]) for error in errors] for name, errors in form.errors.get_json_data().items()}
            )
        data = form.cleaned_data
        # The form turns account id and area name into the objects the service takes.
        return {**attrs, "organisation": data["account_id"], "area": data["area"], "environment": data["environment"]}


class NoticeUpdateCreateSerializer(StrictSerializer):
    body = serializers.CharField(max_length=20000)
    call_to_action = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class NoticeUpdateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    body = serializers.CharField(read_only=True)
    call_to_action = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    account_id = serializers.CharField(source="organisation.account_id", read_only=True)
    area = serializers.CharField(source="area.name", read_only=True)
    environment = serializers.CharField(source="environment.name", read_only=True, allow_null=True, default=None)
    ticket = serializers.CharField(source="ticket.reference", read_only=True)
    ticket_number = serializers.IntegerField(source="ticket.number", read_only=True)
    raised_by = serializers.CharField(source="raised_by_name", read_only=True)
    emails = serializers.SerializerMethodField(help_text=_("How many of its first emails are sent, held, pending, failed…"))

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "account_id",
            "area",
            "environment",
            "title",
            "description",
            "call_to_action",
            "ticket",
            "ticket_number",
            "raised_by",
            "idempotency_key",
            "created_at",
            "emails",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_emails(self, notice: Notice) -> dict[str, int]:
        states = self.context.get("mail_states", {})
        return dict(states.get(notice.pk, {}))


# --- Incidents and components -------------------------------------------------------------------


class ComponentSerializer(serializers.ModelSerializer[Component]):
    group = serializers.CharField(source="group.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Component
        fields = ["id", "name", "group", "status", "description"]
        read_only_fields = fields


class ComponentImpactSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(min_value=1, max_value=2_147_483_647, help_text=_("A component id, from /components/."))
    impact = serializers.ChoiceField(choices=ComponentStatus.choices)


class AffectedComponentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="component_id", read_only=True)
    name = serializers.CharField(source="component.name", read_only=True)
    impact = serializers.CharField(read_only=True)


class IncidentUpdateSerializer(serializers.ModelSerializer[IncidentUpdate]):
    affected_components = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = IncidentUpdate
        fields = ["id", "status", "message", "affected_components", "created_at"]
        read_only_fields = fields


class IncidentSerializer(serializers.ModelSerializer[Incident]):
    components = AffectedComponentSerializer(source="affected", many=True, read_only=True)
    published = serializers.BooleanField(source="is_published", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "kind",
            "title",
            "message",
            "market",
            "cause",
            "source",
            "status",
            "impact",
            "published",
            "detected_at",
            "published_at",
            "monitoring_at",
            "resolved_at",
            "scheduled_for",
            "scheduled_until",
            "components",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _components_field(help_text: Any) -> serializers.ListField:
    return serializers.ListField(child=ComponentImpactSerializer(), required=False, default=list, max_length=200, help_text=help_text)


class IncidentCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200)
    message = serializers.CharField(max_length=20000)
    market = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    cause = serializers.ChoiceField(
        choices=Incident.Cause.choices,
        required=False,
        default=Incident.Cause.UNKNOWN,
        help_text=_("code_change publishes the incident at once."),
    )
    status = serializers.ChoiceField(
        choices=OPEN_STATUS_CHOICES,
        required=False,
        default=Incident.Status.INVESTIGATING,
    )
    components = _components_field(_("The affected components and the impact on each."))
    detected_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When the problem started (not in the future); publication counts 30 minutes from here."),
    )
    publish_now = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Support staff only: publish before the 30 minutes."),
    )

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Write a title."))
        return value

    def validate_message(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Write a message."))
        return value


class IncidentUpdatePostSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Incident.Status.choices)
    message = serializers.CharField(max_length=20000)
    components = _components_field(_("Components whose impact changes with this update."))

    def validate_message(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Write a message."))
        return value
