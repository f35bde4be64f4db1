"""Tenant isolation, checked structurally: every route × every role × another organisation's objects.

The walk and its one table of expectations live in ``tests/matrix.py``; the
routes and what kind each is, in ``tests/routes.py``. The tests after the
first prove the walk bites, each against a deliberately broken view of
``tests/broken_urls.py``, walked alone so that they cost little.
"""

from __future__ import annotations

import pytest

from tests import matrix, routes

pytestmark = pytest.mark.django_db


def test_every_role_gets_what_the_matrix_allows_and_the_outsider_is_untouched(world, record_property) -> None:
    problems = matrix.check_matrix(world)
    for what, count in matrix.ASKED.items():
        record_property(f"access matrix {what}", count)
    assert not problems, matrix.matrix_table() + "\n\n" + "\n".join(map(str, problems))


def test_merging_across_organisations_is_refused_in_the_desk_and_the_api(world) -> None:
    problems = matrix.check_cross_organisation_merge(world)
    assert not problems, "\n".join(map(str, problems))


def test_the_walk_covers_the_pages_that_matter() -> None:
    names = {route.name for route in routes.routes()}
    assert {"portal:home", "portal:ticket", "desk:queue", "desk:ticket", "login"} <= names


def test_the_walk_covers_every_api_route() -> None:
    api_routes = [route for route in routes.routes() if route.name.startswith("api:")]
    assert api_routes
    assert all(routes.access_of(route) in routes.API_ACCESS for route in api_routes)
    assert {route.name for route in api_routes} >= routes.SERVICE_KEY_ROUTES


def test_every_api_route_refuses_no_revoked_and_wrong_credentials(world) -> None:
    problems = routes.check_api_credentials(world)
    assert not problems, "\n".join(map(str, problems))


def test_a_route_that_lets_a_service_key_in_fails_the_walk(world, monkeypatch, settings) -> None:
    settings.ROOT_URLCONF = "tests.broken_urls"
    monkeypatch.setitem(routes.ACCESS, "keyhole-api", routes.Access.API)

    problems = routes.check_api_credentials(world, urlconf="tests.broken_urls", only=("keyhole-api",))

    holes = [(p.who, p.method, p.detail) for p in problems if p.route == "keyhole-api"]
    assert ("service key", "get", "outside its routes, answered 200") in holes, holes


@pytest.fixture
def broken(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """The project's routes plus the broken ones, classified as their authors meant them."""
    settings.ROOT_URLCONF = "tests.broken_urls"
    for name, access in (
        ("leaky", "CUSTOMER"),
        ("leaky-api", "API"),
        ("sneaky", "CUSTOMER"),
        ("everything", "CUSTOMER"),
        ("unguarded", "STAFF"),
        ("careless", "CUSTOMER"),
    ):
        monkeypatch.setitem(routes.ACCESS, name, routes.Access[access])

    def walk(world, *names: str) -> list[routes.Problem]:  # type: ignore[no-untyped-def]
        return [p for p in matrix.check_matrix(world, urlconf="tests.broken_urls", only=names) if p.route in names]

    return walk


def test_an_unscoped_view_fails_the_walk(world, broken) -> None:
    leaks = broken(world, "leaky")
    assert any(p.who == "customer" and "another organisation's object answered 200" in p.detail for p in leaks)
    assert any("shows another organisation's data" in p.detail for p in leaks)


def test_an_unscoped_api_view_fails_the_walk(world, broken) -> None:
    leaks = broken(world, "leaky-api")
    assert any("token" in p.who and "another organisation's object answered 200" in p.detail for p in leaks)
    assert any("session" in p.who and "shows another organisation's data" in p.detail for p in leaks)


def test_a_post_that_changes_the_outsiders_row_fails_the_walk_even_behind_a_404(world, broken) -> None:
    problems = broken(world, "sneaky")
    assert [p.detail for p in problems if p.who == "customer"] == ["changed another organisation's tickets"]


def test_an_unscoped_list_fails_the_walk(world, broken) -> None:
    problems = broken(world, "everything")
    assert {p.who for p in problems} == {"customer", "customer admin"}
    assert all("shows another organisation's data" in p.detail for p in problems)


def test_a_staff_page_open_to_customers_fails_the_walk(world, broken) -> None:
    problems = broken(world, "unguarded")
    assert {(p.who, p.detail) for p in problems} == {
        ("customer", "staff-only page answered 200"),
        ("customer admin", "staff-only page answered 200"),
    }


def test_an_unclassified_route_fails_the_walk(world, settings) -> None:
    settings.ROOT_URLCONF = "tests.broken_urls"

    problems = matrix.check_matrix(world, urlconf="tests.broken_urls", only=())

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


def test_admin_site_rights_alone_let_nobody_but_an_admin_into_the_admin(world) -> None:
    """Ticking "admin site access" (even superuser) on a customer or an agent must not open every organisation."""
    for user in (world.alan, world.agent, world.lead):
        user.is_staff = user.is_superuser = True
        user.save()
    roles = (matrix.Role.CUSTOMER_ADMIN, matrix.Role.AGENT, matrix.Role.LEAD)
    problems = matrix.check_admin(world, roles=roles)
    assert not problems, "\n".join(map(str, problems[:20]))
