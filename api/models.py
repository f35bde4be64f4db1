"""Personal API tokens and the memory of idempotent requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal token. Only a SHA-256 of its secret is kept; the whole key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What uses this token, for example “Monitoring”."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, help_text=_("The public part of the key, to find it."))
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an Idempotency-Key, replayed to its retries.

    Keys belong to whoever sent them: a person, or a monitoring system's service key.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    service_key = models.ForeignKey(
        "monitoring.ServiceKey",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64, help_text=_("SHA-256 of the method, path and body."))
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user"),
            models.UniqueConstraint(fields=["service_key", "key"], name="idempotency_key_unique_per_service_key"),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, service_key__isnull=True)
                | models.Q(user__isnull=True, service_key__isnull=False),
                name="idempotency_key_has_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.key
