from __future__ import annotations

from collections.abc import Iterator

import pytest

from sla.clocks import calendars_forget


@pytest.fixture(autouse=True)
def _fresh_calendars() -> Iterator[None]:
    """Built calendars are cached per process; each test builds its own."""
    calendars_forget()
    yield
    calendars_forget()


@pytest.fixture
def shipped_defaults(transactional_db) -> None:  # type: ignore[no-untyped-def]
    """Transactional tests start after a flush: put back what the data migrations ship."""
    from importlib import import_module

    from django.apps import apps

    for module in ("sla.migrations.0002_defaults", "sla.migrations.0004_next_update_targets",
                   "tickets.migrations.0002_default_types"):
        import_module(module).forwards(apps, None)
