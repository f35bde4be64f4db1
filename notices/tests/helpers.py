from __future__ import annotations

from typing import Any

from customers.models import Organisation
from notices.models import Notice, ProductArea
from notices.services import notice_raise


def raise_notice(organisation: Organisation, area: ProductArea, *, kind: str = "alert", **kwargs: Any) -> Notice:
    defaults: dict[str, Any] = {
        "title": "Increased error rate on published query endpoints",
        "description": "About 4% of requests answer 503 since 02:10 UTC.",
        "actor_label": "Monitoring",
    }
    notice, created = notice_raise(organisation=organisation, kind=kind, area=area, **(defaults | kwargs))
    assert created
    return notice
