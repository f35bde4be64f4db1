from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from customers.models import Organisation
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_the_logins() -> None:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = (Organisation.objects.count(), User.objects.count(), Ticket.objects.count())
    call_command("seed_demo", stdout=io.StringIO())

    assert (Organisation.objects.count(), User.objects.count(), Ticket.objects.count()) == counts
    assert {o.tier.name for o in Organisation.objects.all()} == {"Break-Fix", "Advanced", "Premium"}
    assert "nina@northwind.example" in out.getvalue() and "password: supportdesk" in out.getvalue()
    assert User.objects.get(email="nina@northwind.example").check_password("supportdesk")
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {"customer", "agent", "lead", "admin"}
