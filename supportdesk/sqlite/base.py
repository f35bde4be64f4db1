"""SQLite, as Django has it, except that it never builds PostgreSQL-only indexes.

The model state carries the GIN search indexes on every backend (see
``supportdesk.migration_ops``). SQLite changes most columns by rebuilding the
table, and the stock rebuild recreates every index of the model, GIN ones
included, whose SQL it cannot parse. This backend leaves them out.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.indexes import PostgresIndex
from django.db.backends.sqlite3 import base, schema


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _model_indexes_sql(self, model: Any) -> list[Any]:
        if not model._meta.managed or model._meta.proxy or model._meta.swapped:
            return []
        output: list[Any] = []
        for field in model._meta.local_fields:
            output.extend(self._field_indexes_sql(model, field))  # type: ignore[attr-defined]  # private Django API the stubs omit
        output.extend(index.create_sql(model, self) for index in model._meta.indexes if not isinstance(index, PostgresIndex))
        return output


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
