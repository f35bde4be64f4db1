"""Every state-changing request needs the CSRF token, on every route of the project."""

from __future__ import annotations

import pytest

from tests import routes

pytestmark = pytest.mark.django_db


def test_no_route_accepts_a_post_without_a_csrf_token(world) -> None:
    problems = routes.check_csrf(world)
    assert problems == [], "\n".join(map(str, problems))


def test_the_csrf_walk_notices_an_exempt_view(world, settings, monkeypatch) -> None:
    settings.ROOT_URLCONF = "tests.broken_urls"
    monkeypatch.setitem(routes.ACCESS, "leaky", routes.Access.CUSTOMER)
    monkeypatch.setitem(routes.ACCESS, "careless", routes.Access.CUSTOMER)

    problems = routes.check_csrf(world, urlconf="tests.broken_urls")

    assert any(p.route == "careless" and "without a CSRF token" in p.detail for p in problems)
