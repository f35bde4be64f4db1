"""``{% access_grants_panel organisation %}``: the customer's current grants, for agents."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from customers.models import Organisation
from customers.selectors import access_grants_current

register = template.Library()


@register.inclusion_tag("includes/access_grants_agent.html")
def access_grants_panel(organisation: Organisation) -> dict[str, Any]:
    return {"access_grants": access_grants_current(organisation=organisation), "now": timezone.now()}
