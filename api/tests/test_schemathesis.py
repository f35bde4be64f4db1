"""The OpenAPI schema against the running API: generated requests never get a 5xx nor an undocumented answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import token_create
from incidents.tests.factories import component
from monitoring.models import ServiceKey
from notices.models import ProductArea
from tests.factories import AttachmentFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """In-process WSGI calls must not close the connection holding the test's transaction (as Django's Client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 20


def _key_of(world, who: str) -> str:  # type: ignore[no-untyped-def]
    if who == "monitoring":
        service_key = ServiceKey(name="Schemathesis monitoring")
        key = service_key.generate()
        service_key.save()
        return key
    return token_create(user=getattr(world, who), name="schemathesis")[1]


@pytest.mark.parametrize("who", ["alan", "agent", "monitoring"])
def test_generated_requests_get_documented_answers(world, who, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "100000/minute"}}
    TicketFactory(organisation=world.alpha, requester_user=world.alan, summary="A second Alpha ticket", severity=2)
    AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice, name="export.csv", content=b"a,b\n")
    component("Label creation", group="Carriers · Spain")
    ProductArea.objects.get_or_create(name="Query API")
    headers = {"Authorization": f"Bearer {_key_of(world, who)}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())

    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them together
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
