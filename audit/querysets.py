from __future__ import annotations

from typing import Any

from django.db import models


class AuditedQuerySet(models.QuerySet[Any]):
    """A queryset whose ``update()`` (and so ``bulk_update()``) lands on the audit trail."""

    def update(self, **kwargs: Any) -> int:
        from audit.recording import bulk_update_record

        return bulk_update_record(self, kwargs)
