"""API shapes. Validation of rules lives in the services; these only translate."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import Contact
from tickets.attachments import MAX_FILES
from tickets.models import Attachment, Comment, Ticket, TicketEvent, TicketType


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_("Machine-readable, e.g. validation_error, not_found, rate_limited."))
    message = serializers.CharField(help_text=_("A sentence for people."))
    fields = serializers.DictField(  # type: ignore[assignment]  # the error body's key; DRF collects it as a field, leaving Serializer.fields alone
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("For validation errors: the messages of each field."),
    )


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every error answer."""

    error = ErrorDetailSerializer()


class OrganisationRefSerializer(serializers.Serializer[Any]):
    account_id = serializers.CharField()
    name = serializers.CharField()


class PersonSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    email = serializers.EmailField()


class TicketSerializer(serializers.ModelSerializer[Ticket]):
    reference = serializers.CharField(read_only=True)
    organisation = OrganisationRefSerializer(read_only=True)
    type: serializers.SlugRelatedField[TicketType] = serializers.SlugRelatedField(
        source="ticket_type",
        slug_field="slug",
        read_only=True,
    )
    severity = serializers.IntegerField(source="severity_id", read_only=True, allow_null=True, min_value=1, max_value=5)
    environment = serializers.CharField(source="environment.name", read_only=True, allow_null=True, default=None)
    requester = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    details = serializers.DictField(read_only=True)
    tags = serializers.SerializerMethodField(help_text=_("The desk's tags; support staff only (empty for customers)."))

    class Meta:
        model = Ticket
        fields = [
            "number",
            "reference",
            "organisation",
            "type",
            "status",
            "severity",
            "environment",
            "summary",
            "description",
            "details",
            "requester",
            "assignee",
            "created_at",
            "updated_at",
            "acknowledged_at",
            "resolved_at",
            "closed_at",
            "tags",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_requester(self, ticket: Ticket) -> dict[str, str]:
        return {"name": ticket.requester_name, "email": ticket.requester_email}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, ticket: Ticket) -> list[str]:
        request = self.context.get("request")
        if request is None or not request.user.is_support_staff:
            return []
        return sorted(link.tag.name for link in ticket.tag_links.all())

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_assignee(self, ticket: Ticket) -> dict[str, str] | None:
        assignee = ticket.assignee
        if assignee is None:
            return None
        return {"name": assignee.get_full_name(), "email": assignee.email}


class TicketCreateSerializer(serializers.Serializer[Any]):
    type = serializers.SlugField(help_text=_("The ticket type's slug, e.g. production-issue."))
    organisation = serializers.CharField(
        required=False,
        help_text=_("Account id of the organisation. Support staff must give it; customers file for their own."),
    )
    summary = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    severity = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5, default=None)
    environment = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Environment name, e.g. live1."))
    details = serializers.DictField(
        required=False,
        default=dict,
        help_text=_("Answers to the type's structured fields, keyed by field key."),
    )

    def validate_summary(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Write a summary."))
        return value


class TicketMergeSerializer(serializers.Serializer[Any]):
    into = serializers.IntegerField(min_value=1, help_text=_("The number of the ticket to keep."))


class TicketUpdateSerializer(serializers.Serializer[Any]):
    """What may change. Customers may only close; staff change status, severity (with a reason) and assignee."""

    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    severity = serializers.IntegerField(required=False, min_value=1, max_value=5)
    severity_reason = serializers.CharField(required=False, allow_blank=True, default="")
    assignee = serializers.EmailField(
        required=False,
        allow_null=True,
        help_text=_("Email of the agent to assign; null to unassign."),
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Why the status changes."))


class CommentSerializer(serializers.ModelSerializer[Comment]):
    author = serializers.CharField(source="author_name", read_only=True)
    is_internal = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("An internal note, never shown to customers (support staff only)."),
    )

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "is_internal", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class TimelineEventSerializer(serializers.ModelSerializer[TicketEvent]):
    actor = serializers.CharField(source="actor_name", read_only=True)
    before = serializers.DictField(read_only=True)
    after = serializers.DictField(read_only=True)
    comment_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "actor", "before", "after", "reason", "comment_id", "created_at"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer[Contact]):
    class Meta:
        model = Contact
        fields = ["id", "kind", "name", "email", "phone", "language", "emergency_role", "emergency_order"]
        read_only_fields = ["id"]

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Give the contact a name."))
        return value.strip()

    def validate_email(self, value: str) -> str:
        return value.strip().lower()

    def get_validators(self) -> list[Any]:
        return []  # the model's constraints are checked by full_clean in the view, with their own messages


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    name = serializers.CharField(source="original_name", read_only=True)
    comment_id = serializers.IntegerField(read_only=True, allow_null=True)
    uploaded_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "sha256", "comment_id", "uploaded_by", "created_at", "download_url"]
        read_only_fields = fields

    def get_uploaded_by(self, attachment: Attachment) -> str:
        return attachment.uploaded_by.get_full_name() if attachment.uploaded_by is not None else ""

    def get_download_url(self, attachment: Attachment) -> str:
        number = self.context["ticket"].number  # the view's ticket: no query per file
        return f"/api/v1/tickets/{number}/attachments/{attachment.pk}/download/"


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    """One or more files in a multipart body, under the field name ``files``; the checks are the portal's."""

    files = serializers.ListField(
        # Empty files are refused by the same check as the portal's, with its message naming the file.
        child=serializers.FileField(allow_empty_file=True),
        min_length=1,
        max_length=MAX_FILES,
        help_text=_("Up to %(count)s files. Programs and scripts are refused, whatever they are called.") % {"count": MAX_FILES},
    )
