from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def alice_client(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.alice)
    return client


def production_issue_post(world, **overrides):  # type: ignore[no-untyped-def]
    """A complete, valid production issue as the portal form posts it."""
    live1 = world.alpha.environments.get(name="live1")
    data = {
        "type": "production-issue",
        "summary": "Orders stuck in AWAITING_PICK",
        "description": "Since 09:10 UTC no order leaves AWAITING_PICK.",
        "environment": str(live1.pk),
        "severity": "2",
        "detail_retailer_ids": "R1, R2",
        "detail_issue_type": "Fulfillment",
        "detail_issue_start": "2026-11-20T09:10",
        "detail_issue_end": "",
        "detail_business_impact": "Stores cannot pick web orders.",
        "detail_impacted_orders_0": "ORD-1\nORD-2",
        "detail_impacted_orders_1": "examples",
        "detail_impacted_orders_2": "250",
        "detail_platform_justification": "Workflow unchanged since last week; the same rule works in sandbox.",
        "detail_steps_to_reproduce": "",
        "detail_expected_result": "",
        "detail_actual_result": "",
        "detail_exception_events": "",
        "detail_other_information": "",
    }
    data.update(overrides)
    return data


def upload(name: str = "log.txt", content: bytes = b"line 1\nline 2\n", content_type: str = "text/plain"):  # type: ignore[no-untyped-def]
    return SimpleUploadedFile(name, content, content_type=content_type)
