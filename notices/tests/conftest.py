from __future__ import annotations

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
        organisation=world.alpha,
        name="Omar Ops",
        email="omar@alpha.example",
        language="es",
        emergency_role=Contact.EmergencyRole.ADDITIONAL,
        emergency_order=2,
    )
