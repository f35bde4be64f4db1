"""Tenant isolation, checked structurally over every URL of the project."""

from __future__ import annotations

import pytest

from tests import routes

pytestmark = pytest.mark.django_db


def test_every_route_is_classified_and_keeps_outsiders_out(world) -> None:
    problems = routes.check_routes(world)
    assert problems == [], "\n".join(map(str, problems))


def test_the_walk_covers_the_pages_that_matter() -> None:
    names = {route.name for route in routes.routes()}
    assert {"portal:home", "portal:ticket", "desk:queue", "desk:ticket", "login"} <= names


def test_an_unscoped_view_fails_the_walk(world, monkeypatch, settings) -> None:
    settings.ROOT_URLCONF = "tests.broken_urls"
    monkeypatch.setitem(routes.ACCESS, "leaky", routes.Access.CUSTOMER)

    problems = routes.check_routes(world, urlconf="tests.broken_urls")

    leaks = [p for p in problems if p.route == "leaky"]
    assert any("another organisation's object answered 200" in p.detail for p in leaks)
    assert any("shows another organisation's data" in p.detail for p in leaks)


def test_an_unscoped_api_view_fails_the_walk(world, monkeypatch, settings) -> None:
    settings.ROOT_URLCONF = "tests.broken_urls"
    monkeypatch.setitem(routes.ACCESS, "leaky", routes.Access.CUSTOMER)
    monkeypatch.setitem(routes.ACCESS, "leaky-api", routes.Access.API)

    problems = routes.check_routes(world, urlconf="tests.broken_urls")

    leaks = [p for p in problems if p.route == "leaky-api"]
    assert any("token" in p.who and "another organisation's object answered 200" in p.detail for p in leaks)
    assert any("session" in p.who and "shows another organisation's data" in p.detail for p in leaks)


def test_a_route_that_lets_a_service_key_in_fails_the_walk(world, monkeypatch, settings) -> None:
    settings.ROOT_URLCONF = "tests.broken_urls"
    monkeypatch.setitem(routes.ACCESS, "keyhole-api", routes.Access.API)

    problems = routes.check_routes(world, urlconf="tests.broken_urls")

    holes = [(p.who, p.method, p.detail) for p in problems if p.route == "keyhole-api"]
    assert ("service key", "get", "outside its routes, answered 200") in holes, holes


def test_the_walk_covers_every_api_route() -> None:
    api_routes = [route for route in routes.routes() if route.name.startswith("api:")]
    assert api_routes
    assert all(routes.access_of(route) in (routes.Access.API, routes.Access.API_STAFF) for route in api_routes)
    assert {route.name for route in api_routes} >= routes.SERVICE_KEY_ROUTES


def test_an_unclassified_route_fails_the_walk(world, settings) -> None:
    settings.ROOT_URLCONF = "tests.broken_urls"

    problems = routes.check_routes(world, urlconf="tests.broken_urls")

    assert any(p.route == "leaky" and "unclassified" in p.detail for p in problems)


def test_customers_cannot_open_the_desk_or_the_admin(client, world) -> None:
    client.force_login(world.alice)
    assert client.get("/desk/").status_code == 403
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_customer_sees_only_own_tickets_in_my_requests(client, world) -> None:
    client.force_login(world.alice)
    body = client.get("/portal/").content.decode()
    assert world.alice_ticket.summary in body
    assert world.outsider_ticket.summary not in body
