"""Issuing, checking and revoking API tokens; remembering idempotent answers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from api.models import ApiToken, IdempotencyKey
from monitoring.models import ServiceKey
from supportdesk.usage import mark_used

KEY_PREFIX = "sdk"  # every key starts "sdk_", so that secret scanners can recognise one


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Issue a token and return it with its full key, which is never shown again."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        secret_hash=_hash(secret),
        expires_at=expires_at,
    )
    return token, f"{KEY_PREFIX}_{prefix}_{secret}"


def token_authenticate(*, key: str) -> ApiToken | None:
    """The active token this key belongs to, or None for a wrong, revoked or expired key."""
    parts = key.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    _kind, prefix, secret = parts
    token = ApiToken.objects.select_related("user", "user__membership__organisation").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
        return None
    if not token.is_active or not token.user.is_active:
        return None
    mark_used(token)
    return token


def token_revoke(*, token: ApiToken) -> bool:
    """Revoke at once; False when it already was."""
    return bool(ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def idempotency_request_hash(*, method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def _owner(*, user: User | None, service_key: ServiceKey | None) -> dict[str, Any]:
    if (user is None) == (service_key is None):
        raise ValueError("An idempotency key belongs to a user or to a service key.")
    return {"user": user} if user is not None else {"service_key": service_key}


def idempotency_find(*, key: str, user: User | None = None, service_key: ServiceKey | None = None) -> IdempotencyKey | None:
    owner = _owner(user=user, service_key=service_key)
    return IdempotencyKey.objects.filter(**owner, key=key, expires_at__gt=timezone.now()).first()


def idempotency_remember(
    *,
    key: str,
    request_hash: str,
    status: int,
    body: Any,
    user: User | None = None,
    service_key: ServiceKey | None = None,
) -> IdempotencyKey:
    """Store the answer in the caller's transaction; a concurrent twin fails on the unique key."""
    owner = _owner(user=user, service_key=service_key)
    IdempotencyKey.objects.filter(**owner, key=key, expires_at__lte=timezone.now()).delete()
    return IdempotencyKey.objects.create(
        **owner,
        key=key,
        request_hash=request_hash,
        response_status=status,
        response_body=body,
        expires_at=timezone.now() + settings.IDEMPOTENCY_KEY_TTL,
    )


@transaction.atomic
def idempotency_purge() -> int:
    deleted, _by_model = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
