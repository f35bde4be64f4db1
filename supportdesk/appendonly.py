"""Records that are written once and never changed: timelines and the audit trail.

A timeline that can be edited afterwards proves nothing, so every way Django offers to
change or remove a row refuses: ``save`` of an existing row, ``delete``, and the queryset's
``update`` and ``delete``. Removing the parent (a ticket, an incident) still cascades, since
Django's collector deletes the children without going through either.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class AppendOnlyError(TypeError):
    pass


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} can only be added to.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} can only be added to.")


class AppendOnlyModel(models.Model):
    objects: ClassVar[models.Manager[Any]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError(f"A saved {self._meta.verbose_name} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"A {self._meta.verbose_name} cannot be deleted.")
