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
