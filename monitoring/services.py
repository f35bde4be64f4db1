"""Monitoring's service keys, and what an alert from monitoring does."""

from __future__ import annotations

from monitoring.models import ServiceKey, service_key_hash
from supportdesk.usage import mark_used


def service_key_authenticate(*, key: str) -> ServiceKey | None:
    """The active service key this is, marked as used; None for anything else (a personal token, a wrong key)."""
    key = key.strip()
    if not key.startswith(ServiceKey.PREFIX):
        return None
    service_key = ServiceKey.objects.filter(key_hash=service_key_hash(key), active=True).first()
    if service_key is None:
        return None
    mark_used(service_key)
    return service_key
