"""How long an organisation's closed tickets keep their personal data (seed 002's data-privacy requests, made routine)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedQuerySet


class RetentionPolicy(models.Model):
    class Action(models.TextChoices):
        PSEUDONYMISE = "pseudonymise", _("Remove the personal data, keep the ticket")
        DELETE = "delete", _("Delete the ticket")

    organisation = models.OneToOneField(
        "customers.Organisation",
        on_delete=models.CASCADE,
        related_name="retention_policy",
        verbose_name=_("organisation"),
    )
    closed_for_days = models.PositiveIntegerField(
        _("after closed for (days)"),
        validators=[MinValueValidator(1)],
        help_text=_("A closed ticket is handled once it has been closed this many days."),
    )
    action = models.CharField(_("then"), max_length=16, choices=Action.choices, default=Action.PSEUDONYMISE)
    active = models.BooleanField(_("active"), default=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_action_display()} after {self.closed_for_days} days closed"
