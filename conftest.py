"""Fixtures shared by every app's tests.

The base world holds a permanent outsider: organisation "Outsider" and its
people must never see, nor be seen by, organisation "Alpha".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.models.signals import post_migrate

from supportdesk.celery import app as celery_app
from tests import services
from tests.factories import AccessGrantFactory, AttachmentFactory, OrganisationFactory, TicketFactory, UserFactory
from tests.smtp import SmtpSink, smtp_sink


def pytest_configure(config: pytest.Config) -> None:
    """The .mo files are built, not committed: compile what changed, as `make install` does."""
    from supportdesk.catalogs import compile_all

    compile_all()


@pytest.fixture(autouse=True, scope="session")
def _celery_runs_inline() -> Iterator[None]:
    """Unit tests run tasks in-process; the end-to-end tests start a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _fresh_cache(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache of its own (sign-in throttling, page caches).

    Never the configured Redis: clearing it would flush whatever else lives there.
    """
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Passwords hashed in a microsecond: the production hasher spends half a second on each on purpose,
    and the suite makes thousands of users and sign-ins. What is tested is who may sign in, not PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """Uploaded files go to a throwaway folder, never the developer's var/uploads."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return World.build()


class World:
    """alice and alan (admin) at Alpha; charlie and carol (admin) at Outsider; agents and a lead."""

    @classmethod
    def build(cls) -> World:
        self = cls()
        self.alpha = OrganisationFactory(name="Alpha Shop", account_id="ALPHA")
        self.outsider = OrganisationFactory(name="Outsider Corp", account_id="OUTSIDER")
        self.alice = UserFactory(email="alice@alpha.example", full_name="Alice Alpha", organisation=self.alpha)
        self.alan = UserFactory(email="alan@alpha.example", full_name="Alan Alpha", organisation=self.alpha, org_admin=True)
        self.charlie = UserFactory(email="charlie@outsider.example", full_name="Charlie Out", organisation=self.outsider)
        self.carol = UserFactory(
            email="carol@outsider.example",
            full_name="Carol Out",
            organisation=self.outsider,
            org_admin=True,
        )
        self.agent = UserFactory(email="sam@vendor.example", full_name="Sam Agent", role="agent", timezone="America/Chicago")
        self.lead = UserFactory(email="lee@vendor.example", full_name="Lee Lead", role="lead")
        self.admin = UserFactory(
            email="root@vendor.example",
            full_name="Ada Admin",
            role="admin",
            is_staff=True,
            is_superuser=True,
        )
        self.alice_ticket = TicketFactory(organisation=self.alpha, requester_user=self.alice, summary="Alpha checkout is slow")
        self.outsider_ticket = TicketFactory(
            organisation=self.outsider,
            requester_user=self.charlie,
            summary="CANARY-outsider-ticket",
        )
        self.outsider_attachment = AttachmentFactory(
            ticket=self.outsider_ticket,
            uploaded_by=self.charlie,
            name="CANARY-outsider-file.txt",
        )
        self.outsider_grant = AccessGrantFactory(organisation=self.outsider, granted_by=self.carol)
        return self


def _replay_data_migrations() -> None:
    """Put back what the data migrations ship: tiers, calendars, ticket types and their fields.

    Every RunPython of our apps, in migration order, so a new data migration is picked up
    without being listed anywhere. Each is written to be idempotent.
    """
    from django.apps import apps
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    ours = {config.label for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)}
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan = dict.fromkeys(node for leaf in loader.graph.leaf_nodes() for node in loader.graph.forwards_plan(leaf))
    for app_label, name in plan:
        if app_label not in ours:
            continue
        for operation in loader.graph.nodes[app_label, name].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, None)


def _after_flush(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """A transactional test ends with a flush, which sends post_migrate: the shipped rows come back.

    Without this, every test that runs after a transactional one (in a pytest-xdist process that
    received them in another order, say) would find no tiers and no ticket types.
    """
    from django.apps import apps

    # post_migrate goes to each app with a models module, the last of them last.
    if sender is [config for config in apps.get_app_configs() if config.models_module is not None][-1]:
        _replay_data_migrations()


post_migrate.connect(_after_flush, dispatch_uid="tests-replay-data-migrations")


@pytest.fixture
def shipped_defaults(transactional_db) -> None:  # type: ignore[no-untyped-def]
    """For transactional tests that rely on the shipped rows; a flush has already put them back."""
    _replay_data_migrations()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """A real SMTP server on a free port, with Django pointed at it."""
    with smtp_sink() as sink:
        yield sink


@pytest.fixture
def need_postgres() -> None:
    services.require("postgres")


@pytest.fixture
def need_redis() -> None:
    services.require("redis")


@pytest.fixture
def need_chromium() -> None:
    services.require("chromium")


@pytest.fixture
def need_alertmanager() -> None:
    services.require("alertmanager")


from tests.browser import chromium, page  # noqa: E402,F401 - fixtures for the browser tests


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Say how much the access matrix walked, so that a run shows it ran and on what scale."""
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        counts = [(name, value) for name, value in report.user_properties if name.startswith("access matrix ")]
        if counts and report.when == "call":
            terminalreporter.write_line(
                "access matrix walked: "
                + ", ".join(f"{value} {name.removeprefix('access matrix ')}" for name, value in counts)
                + f" (on {connection_vendor()})",
            )


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor
