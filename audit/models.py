"""The audit trail: who changed which configured or tenant record, when, from what to what."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.appendonly import AppendOnlyModel


class AuditEntry(AppendOnlyModel):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict, help_text=_("Field → [before, after]."))
    bulk = models.BooleanField(_("bulk update"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (label)"), max_length=150, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_recent")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def who(self) -> str:
        if self.actor is not None:
            return self.actor.get_full_name() or self.actor.email
        return self.actor_label or str(_("System"))


class AccessRecord(AppendOnlyModel):
    """One look by the vendor's staff at a customer's data: who, when, what, from where.

    Written once per page (a ticket opened, a file downloaded, data exported) and shown to the
    customer's organisation admins. It names what was opened, never what
    the staff member wrote: an internal note stays internal.
    """

    class Action(models.TextChoices):
        TICKET_VIEWED = "ticket_viewed", _("Opened a ticket")
        FILE_DOWNLOADED = "file_downloaded", _("Downloaded a file")
        DATA_EXPORTED = "data_exported", _("Exported data")

    organisation = models.ForeignKey(
        "customers.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (name then)"), max_length=150)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    # The ticket may be removed by the retention policy; its reference stays.
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    ticket_reference = models.CharField(_("ticket"), max_length=40, blank=True)
    object_label = models.CharField(_("what exactly"), max_length=255, blank=True)
    client = models.CharField(_("from"), max_length=64, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access transparency log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"], name="access_record_org_recent")]

    def __str__(self) -> str:
        return f"{self.actor_label} · {self.get_action_display()} · {self.ticket_reference or self.object_label}"
