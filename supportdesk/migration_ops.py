"""Migration operations for what only PostgreSQL can build.

The model state always carries the index (so ``makemigrations`` stays quiet on
every backend); the database only gets it on PostgreSQL. SQLite, used for quick
local runs and the status-page benchmark, has no GIN indexes nor covering
columns, and does not need them at its sizes.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


class AddIndexOnPostgres(migrations.AddIndex):
    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return super().describe() + " (PostgreSQL only)"
