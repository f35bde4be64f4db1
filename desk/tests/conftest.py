from __future__ import annotations

from importlib import import_module

import pytest


@pytest.fixture
def shipped_defaults(transactional_db) -> None:  # type: ignore[no-untyped-def]
    """Tiers, severities, calendars and ticket types as the data migrations ship them.

    An earlier transactional test may have flushed them; the migrations' own code puts them back.
    """
    from django.apps import apps

    for module in ("sla.migrations.0002_defaults", "tickets.migrations.0002_default_types"):
        import_module(module).forwards(apps, None)
