from __future__ import annotations

from importlib import import_module

import pytest

from customers.models import Contact
from notices.models import ProductArea


@pytest.fixture
def area(db) -> ProductArea:  # type: ignore[no-untyped-def]
    return ProductArea.objects.get_or_create(name="Query API")[0]


@pytest.fixture
def omar(world) -> Contact:  # type: ignore[no-untyped-def]
    """A second additional emergency contact at Alpha, after the ops list."""
    return Contact.objects.create(
        organisation=world.alpha, name="Omar Ops", email="omar@alpha.example", language="es",
        emergency_role=Contact.EmergencyRole.ADDITIONAL, emergency_order=2,
    )


@pytest.fixture
def shipped_defaults(transactional_db) -> None:  # type: ignore[no-untyped-def]
    """The defaults the data migrations ship (tiers, standard hours, ticket types), for transactional tests.

    An earlier transactional test flushes them away, and serialized rollback trips over the
    content types that the flush recreates, so they are put back by the migrations' own code.
    """
    from django.apps import apps

    for module in ("sla.migrations.0002_defaults", "tickets.migrations.0002_default_types",
                   "notices.migrations.0002_proactive_ticket_types"):
        import_module(module).forwards(apps, None)
