"""Proactive notices (seed 000): alerts and warnings the vendor raises to one customer.

A notice is a ticket of type Proactive alert / Proactive warning plus what the
emails need: the product area, the call to action, and who raised it. Its
emails live in the outbox under the event keys below, one row per recipient.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedQuerySet


class ProductArea(models.Model):
    """A part of the platform a notice is about: Query API, Data API, Merchandising Studio…"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive areas are not offered for new notices."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # Declared: the Django plugin cannot resolve the manager of a model django-modeltranslation also registers.
    objects: ClassVar[models.Manager[ProductArea]] = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("product area")
        verbose_name_plural = _("product areas")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    class Kind(models.TextChoices):
        ALERT = "alert", _("Alert")
        WARNING = "warning", _("Warning")

    organisation = models.ForeignKey(
        "customers.Organisation",
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    area = models.ForeignKey(ProductArea, on_delete=models.PROTECT, related_name="notices", verbose_name=_("product area"))
    environment = models.ForeignKey(
        "customers.Environment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("environment"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    call_to_action = models.TextField(
        _("call to action"),
        blank=True,
        help_text=_("What the customer must do. Empty: we are working on it and will send updates."),
    )
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT, related_name="notice", verbose_name=_("ticket"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    service_key = models.ForeignKey(
        "monitoring.ServiceKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("service key"),
    )
    raised_by_label = models.CharField(_("raised by (label)"), max_length=150, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_key", "idempotency_key"],
                condition=~Q(idempotency_key="") & Q(service_key__isnull=False),
                name="notice_idempotency_key_unique_per_service_key",
            ),
            # An agent's form carries a key too, so that a double submission raises one notice.
            models.UniqueConstraint(
                fields=["raised_by", "idempotency_key"],
                condition=~Q(idempotency_key="") & Q(service_key__isnull=True),
                name="notice_idempotency_key_unique_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def event_key(self) -> str:
        return f"notice:{self.pk}"

    @property
    def raised_by_name(self) -> str:
        return self.raised_by.get_full_name() if self.raised_by is not None else self.raised_by_label


class NoticeUpdate(models.Model):
    """A further message on a notice: same recipients, same thread, same delivery policy."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="updates")
    body = models.TextField(_("update"))
    call_to_action = models.TextField(_("call to action"), blank=True)
    comment = models.OneToOneField(
        "tickets.Comment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The public reply on the ticket that carries this update."),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice update")
        verbose_name_plural = _("notice updates")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Update on {self.notice}"

    @property
    def event_key(self) -> str:
        return f"notice-update:{self.pk}"
