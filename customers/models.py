"""The tenants: organisations, their environments, members and contacts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import validate_one_line, validate_timezone
from audit.querysets import AuditedQuerySet


def split_ids(value: str) -> list[str]:
    """Parse a comma-separated list of ids, dropping blanks and duplicates, keeping order."""
    seen: dict[str, None] = {}
    for part in value.split(","):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


class Organisation(models.Model):
    """A customer of the vendor, and the unit of tenant isolation."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_one_line])
    account_id = models.CharField(
        _("account id"),
        max_length=64,
        unique=True,
        help_text=_("The customer's account id on the vendor's platform."),
    )
    tier = models.ForeignKey(
        "sla.SupportTier",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("support tier"),
    )
    calendar = models.ForeignKey(
        "sla.Calendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("business calendar"),
        help_text=_("When business-hours-only mail may be sent. Empty: standard hours."),
    )
    contract_active = models.BooleanField(_("contract active"), default=True)
    retailer_ids = models.TextField(
        _("retailer / sub-account ids"),
        blank=True,
        help_text=_("Comma-separated list of the retailer or sub-account ids that belong to this account."),
    )
    timezone = models.CharField(_("timezone"), max_length=64, default="America/Chicago", validators=[validate_timezone])
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    account_executive_name = models.CharField(
        _("account executive"),
        max_length=150,
        blank=True,
        validators=[validate_one_line],
    )
    account_executive_email = models.EmailField(_("account executive email"), blank=True)
    escalation_email = models.EmailField(
        _("escalation address"),
        blank=True,
        help_text=_("Distribution address that receives escalations for this customer."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def retailer_id_list(self) -> list[str]:
        return split_ids(self.retailer_ids)

    def clean(self) -> None:
        self.retailer_ids = ", ".join(split_ids(self.retailer_ids))

    @property
    def registered_emergency_contact(self) -> Contact | None:
        return self.contacts.filter(emergency_role=Contact.EmergencyRole.REGISTERED).first()


class Environment(models.Model):
    class Kind(models.TextChoices):
        PRODUCTION = "production", _("Production")
        SANDBOX = "sandbox", _("Sandbox / test")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="environments")
    name = models.CharField(_("name"), max_length=64, help_text=_("For example live1 or test1."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PRODUCTION)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("environment")
        verbose_name_plural = _("environments")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="environment_unique_name_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Membership(models.Model):
    """Ties a customer user to the one organisation they belong to."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    is_admin = models.BooleanField(
        _("organisation admin"),
        default=False,
        help_text=_("Sees all of the organisation's requests, manages its contacts and grants access."),
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    def clean(self) -> None:
        if self.user_id and not self.user.is_customer:
            raise ValidationError(_("Only customer users belong to an organisation; support staff work across all."))


class Contact(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        DISTRIBUTION_LIST = "list", _("Distribution list")

    class EmergencyRole(models.TextChoices):
        NONE = "", _("Not an emergency contact")
        REGISTERED = "registered", _("Registered emergency contact")
        ADDITIONAL = "additional", _("Additional emergency contact")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=150, validators=[validate_one_line])
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    emergency_role = models.CharField(
        _("emergency role"),
        max_length=16,
        choices=EmergencyRole.choices,
        default=EmergencyRole.NONE,
        blank=True,
    )
    emergency_order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Order among the additional emergency contacts."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("portal account"),
    )
    delivery_failing_since = models.DateTimeField(_("mail failing since"), null=True, blank=True)
    delivery_failure = models.CharField(_("last mail failure"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["emergency_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(emergency_role="registered"),
                name="contact_one_registered_emergency_contact",
                violation_error_message=_("An organisation has exactly one registered emergency contact."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "email"],
                name="contact_unique_email_per_organisation",
                violation_error_message=_("This organisation already has a contact with this email address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def is_emergency_contact(self) -> bool:
        return bool(self.emergency_role)


class AccessGrant(models.Model):
    """An organisation admin lets the support team into an environment for a while.

    Support has read-only access by default (seed 003); a grant records who
    allowed more, where, for how long and why. Revoking keeps the row.
    """

    class Level(models.TextChoices):
        READ_ONLY = "read_only", _("Read-only")
        ELEVATED = "elevated", _("Elevated (may change configuration)")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="access_grants")
    environment = models.ForeignKey(
        Environment,
        on_delete=models.CASCADE,
        related_name="access_grants",
        verbose_name=_("environment"),
    )
    level = models.CharField(_("access"), max_length=16, choices=Level.choices, default=Level.READ_ONLY)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created_at = models.DateTimeField(_("granted"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="access_grant_ends_after_start",
                violation_error_message=_("The end must come after the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} on {self.environment.name} for {self.organisation}"

    def is_active_at(self, moment: Any) -> bool:
        return self.revoked_at is None and self.starts_at <= moment < self.ends_at


class TierPeriod(models.Model):
    """A stretch of time during which an organisation was on one support tier.

    Reports count each ticket under the tier in force when it was filed; the open
    period (no end) is always the organisation's current tier. Written only by
    ``customers.tiers.organisation_tier_change``.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tier_periods")
    tier = models.ForeignKey("sla.SupportTier", on_delete=models.PROTECT, related_name="+", verbose_name=_("support tier"))
    valid_from = models.DateTimeField(_("from"))
    valid_until = models.DateTimeField(_("until"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tier period")
        verbose_name_plural = _("tier history")
        ordering = ["organisation", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(valid_until__isnull=True),
                name="tier_period_one_open_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="tier_period_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "valid_until"], name="tier_period_until")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.tier}"
