"""Service keys moved from notices to monitoring: a key issued before the move still opens the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from monitoring.models import ServiceKey, service_key_hash
from monitoring.services import service_key_authenticate

BEFORE = [("notices", "0002_proactive_ticket_types"), ("api", "0002_idempotency_keys_of_service_keys")]
# Every app that points at notices at the state before the move has to go back with it.
MONITORING_ZERO = [("monitoring", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _leaves() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_key_issued_before_the_move_still_authenticates_after_it(shipped_defaults) -> None:
    leaves = _leaves()
    executor = _migrate(MONITORING_ZERO + BEFORE)
    try:
        old_apps = executor.loader.project_state(BEFORE).apps
        OldKey = old_apps.get_model("notices", "ServiceKey")
        secret = "sdk_issued-before-the-move-" + "x" * 20
        OldKey.objects.create(name="Prometheus", key_hash=service_key_hash(secret), key_hint=secret[:10])
        assert "notices_servicekey" in connection.introspection.table_names()
    finally:
        _migrate(leaves)

    tables = connection.introspection.table_names()
    assert "monitoring_servicekey" in tables and "notices_servicekey" not in tables
    found = service_key_authenticate(key=secret)
    assert found is not None and found.name == "Prometheus"
    assert ServiceKey.objects.get().last_used_at is not None
    assert service_key_authenticate(key=secret + "-wrong") is None
