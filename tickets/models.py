"""Tickets, their types and structured fields, comments and the timeline."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedQuerySet
from supportdesk.appendonly import AppendOnlyModel

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class TicketType(models.Model):  # type: ignore[django-manager-missing]  # TicketField's manager is modeltranslation's, built at run time
    """A kind of request, with the fields its form asks for; configurable in the admin."""

    class Category(models.TextChoices):
        ISSUE = "issue", _("Issue")
        REQUEST = "request", _("Request")
        QUESTION = "question", _("Question")
        PROACTIVE = "proactive", _("Proactive notice")

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.REQUEST)
    environment_kind = models.CharField(
        _("environment"),
        max_length=16,
        blank=True,
        help_text=_("Production or sandbox when the type is tied to one; empty otherwise."),
    )
    asks_severity = models.BooleanField(_("asks for a severity"), default=False)
    customer_can_file = models.BooleanField(_("customers can file it"), default=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    fields: RelatedManager[TicketField]  # TicketField.ticket_type, declared as the plugin cannot build it
    # Declared: the Django plugin cannot resolve the manager of a model django-modeltranslation also registers.
    objects: ClassVar[models.Manager[TicketType]] = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class TicketField(models.Model):
    """One structured field of a ticket type's form; answers are stored in ``Ticket.details``."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Single line of text")
        TEXTAREA = "textarea", _("Paragraph")
        CHOICE = "choice", _("One of a list")
        DATETIME = "datetime", _("Date and time (UTC)")
        ID_LIST = "id_list", _("Comma-separated list of ids")
        INTEGER = "integer", _("Whole number")
        EMAIL = "email", _("Email address")
        BOOLEAN = "boolean", _("Yes / no")
        RETAILER_IDS = "retailer_ids", _("Account / retailer ids (checked against the organisation's)")
        ORDER_LIST = "order_list", _("Impacted orders (a list, or examples with an estimated total)")

    ticket_type = models.ForeignKey(TicketType, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("key"), max_length=64, help_text=_("Name under which the answer is stored."))
    label = models.CharField(_("label"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    help_text = models.TextField(_("help text"), blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_("For “one of a list”: a JSON list of strings."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # Declared: the Django plugin cannot resolve the manager of a model django-modeltranslation also registers.
    objects: ClassVar[models.Manager[TicketField]] = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket_type", "key"], name="ticket_field_unique_key_per_type")]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_values(self) -> list[str]:
        """What a ticket stores: the English list, whatever language the form was shown in."""
        values = getattr(self, "choices_en", None) or self.choices
        return [str(value) for value in values or []]

    def choice_pairs(self) -> list[tuple[str, str]]:
        """(stored value, label in the current language); a translation of another length is ignored."""
        values = self.choice_values
        labels = [str(label) for label in self.choices or []]
        return list(zip(values, labels if len(labels) == len(values) else values, strict=True))

    def choice_label(self, value: object) -> str:
        return dict(self.choice_pairs()).get(str(value), str(value))

    def clean(self) -> None:
        choices = getattr(self, "choices_en", None) or self.choices
        choices_ok = isinstance(choices, list) and choices and all(isinstance(c, str) for c in choices)
        if self.kind == self.Kind.CHOICE and not choices_ok:
            raise ValidationError({"choices": _('List the choices as a JSON list of strings, for example ["API", "Other"].')})


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING_ON_CUSTOMER = "waiting_customer", _("Waiting on customer")
        WAITING_ON_VENDOR = "waiting_vendor", _("Waiting on vendor")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING_ON_CUSTOMER, Status.WAITING_ON_VENDOR)
    _STATUS_LABELS = dict(Status.choices)

    organisation = models.ForeignKey(
        "customers.Organisation",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("organisation"),
    )
    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("type"))
    requester_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_tickets",
        verbose_name=_("requester"),
    )
    requester_contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_tickets",
        verbose_name=_("requester contact"),
    )
    cc_contacts = models.ManyToManyField(
        "customers.Contact",
        blank=True,
        related_name="cc_tickets",
        verbose_name=_("in copy"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    severity = models.ForeignKey(
        "sla.Severity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("severity"),
    )
    environment = models.ForeignKey(
        "customers.Environment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("environment"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    summary = models.CharField(_("summary"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="ticket_org_recent"),
            # The desk queue, its counts and its order read only open tickets (the open statuses,
            # spelled out: Meta cannot see OPEN_STATUSES), and only these columns: index-only scans
            # instead of reading every ticket's full row, description and all.
            models.Index(
                fields=["severity", "created_at", "id", "assignee", "status", "organisation"],
                condition=Q(status__in=["new", "open", "waiting_customer", "waiting_vendor"]),
                name="ticket_open_queue",
            ),
            # The dashboard's acknowledgement times over the last days: the window, and the filing time
            # beside it, read from the index alone.
            models.Index(
                fields=["acknowledged_at", "created_at"],
                condition=Q(acknowledged_at__isnull=False),
                name="ticket_acknowledged",
            ),
            # Must match desk.selectors._search's SearchVector exactly for PostgreSQL to use it.
            GinIndex(SearchVector("summary", "description", config="simple"), name="ticket_search"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(requester_user__isnull=False) | Q(requester_contact__isnull=False),
                name="ticket_has_requester",
                violation_error_message=_("A ticket needs a requester: a user or a contact."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.summary}"

    @property
    def reference(self) -> str:
        return f"{settings.TICKET_PREFIX}-{self.number}"

    def get_status_display(self) -> str:  # type: ignore[no-redef]  # replaces Django's generated one, for speed
        """The status's label. Django's own hashes every choice's lazy label on each call: six
        translations a row on the lists that show fifty."""
        return str(self._STATUS_LABELS.get(self.status, self.status))

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def requester_name(self) -> str:
        if self.requester_user is not None:
            return self.requester_user.get_full_name()
        return self.requester_contact.name if self.requester_contact is not None else ""

    @property
    def requester_email(self) -> str:
        if self.requester_user is not None:
            return self.requester_user.email
        return self.requester_contact.email if self.requester_contact is not None else ""


class TicketNumberSequence(models.Model):
    """A single row handing out ticket numbers, locked for the length of a filing."""

    last_number = models.PositiveIntegerField(default=1000)

    def __str__(self) -> str:
        return str(self.last_number)


class Comment(models.Model):
    class Via(models.TextChoices):
        WEB = "web", _("the web")
        EMAIL = "email", _("email")
        API = "api", _("the API")
        LINK = "link", _("a signed link")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author_label = models.CharField(
        max_length=150,
        blank=True,
        help_text=_("Who wrote it when no user did (a contact, monitoring)."),
    )
    author_contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("contact"),
        help_text=_("The contact who wrote it without a login (by mail or a signed link)."),
    )
    via = models.CharField(_("via"), max_length=16, choices=Via.choices, default=Via.WEB)
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        # Must match desk.selectors._search's SearchVector exactly. PostgreSQL only.
        indexes = [GinIndex(SearchVector("body", config="simple"), name="comment_search")]

    def __str__(self) -> str:
        return f"{'Note' if self.is_internal else 'Reply'} on {self.ticket.reference}"

    @property
    def author_name(self) -> str:
        if self.author is not None:
            return self.author.get_full_name()
        if self.author_contact is not None and not self.author_label:
            return self.author_contact.name
        return self.author_label


class TicketEvent(AppendOnlyModel):
    """One entry of a ticket's timeline: who did what, when, and why. Never changed."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        SEVERITY = "severity", _("Severity changed")
        ASSIGNED = "assigned", _("Assigned")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        REPLIED = "replied", _("Replied")
        NOTE = "note", _("Internal note")
        COMMENTED = "commented", _("Customer comment")
        SENT_BACK = "sent_back", _("Sent back to the reporter")
        ESCALATED = "escalated", _("Escalated")
        SLA = "sla", _("SLA clock")
        FIELDS = "fields", _("Fields changed")
        ATTACHMENT = "attachment", _("Attachment added")
        LINKED = "linked", _("Linked")
        NOTIFIED = "notified", _("Notification")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor label"), max_length=150, blank=True, help_text=_("“System”, “Monitoring”…"))
    is_public = models.BooleanField(_("shown to the customer"), default=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline")
        ordering = ["created_at", "id"]
        indexes = [
            # The desk's Escalated view and count: the few escalated tickets, not the whole timeline.
            models.Index(fields=["ticket"], condition=Q(kind="escalated"), name="ticket_event_escalated"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.actor_name}"

    @property
    def actor_name(self) -> str:
        if self.actor is not None:
            return self.actor.get_full_name()
        return self.actor_label or str(_("System"))


def attachment_path(instance: Attachment, filename: str) -> str:
    """Stored under a random name: the original one is only ever shown, never used as a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:16]
    return f"attachments/{instance.ticket.organisation_id}/{instance.ticket.number}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file on a ticket (or on one of its comments), kept outside the web root.

    Only the permission-checked download view serves it, always as a download
    except for raster images shown as previews.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=127)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_previewable(self) -> bool:
        from tickets.attachments import PREVIEWABLE_TYPES

        return self.content_type in PREVIEWABLE_TYPES


class SatisfactionRating(models.Model):
    """The customer's verdict on a resolved ticket: one per ticket, the latest word kept."""

    class Score(models.TextChoices):
        GOOD = "good", _("Good, I'm satisfied")
        BAD = "bad", _("Bad, I'm unsatisfied")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating")
    score = models.CharField(_("rating"), max_length=8, choices=Score.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_by_contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")

    def __str__(self) -> str:
        return f"{self.ticket.reference}: {self.score}"
