"""People who sign in: customers, agents, support leads and admins.

A customer belongs to exactly one organisation through ``customers.Membership``;
the vendor's staff (agents, leads, admins) belong to none and work across all.
"""

from __future__ import annotations

import unicodedata
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

from audit.querysets import AuditedQuerySet


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known IANA timezone."), params={"value": value})


def validate_one_line(value: str) -> None:
    """Names go into the From, To, Cc and Subject lines of mail: one line, no control characters."""
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in value):
        raise ValidationError(
            _("Write the name on one line, without line breaks or control characters."),
            code="one_line",
        )


class UserManager(BaseUserManager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]  # a base class built at run time, which mypy cannot follow
    """Roles and admin rights are decisions: bulk updates of people land on the audit trail too."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # People type their address with whatever capitals they like.
        user: User = self.get(email__iexact=username)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user: User = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.update(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        LEAD = "lead", _("Support lead")
        ADMIN = "admin", _("Administrator")

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, validators=[validate_one_line])
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    timezone = models.CharField(
        _("timezone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("Times are shown to this person in this timezone."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_("Empty: the browser's language, else the organisation's."),
    )
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Whether this person may sign in to the Django admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=django_timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_customer(self) -> bool:
        return self.role == self.Role.CUSTOMER

    @property
    def is_support_staff(self) -> bool:
        """Agents, leads and admins: the vendor's people, who work in the desk."""
        return self.role in {self.Role.AGENT, self.Role.LEAD, self.Role.ADMIN}

    @property
    def is_lead(self) -> bool:
        return self.role in {self.Role.LEAD, self.Role.ADMIN}
