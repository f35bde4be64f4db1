"""Walk every URL pattern of a URLconf and check who may reach what.

Every named route must be classified in ``ACCESS`` below; a route that is not
makes the walk report it, so a new page cannot slip past the isolation test.
Every URL keyword must have a filler in ``fill_kwargs``, which hands it the
*outsider's* object, so that a customer of Alpha asks for Outsider's things.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse


class Access(enum.Enum):
    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_IN = "signed in"  # anyone signed in; no tenant data by itself
    CUSTOMER = "customer"  # customers, scoped to their organisation
    STAFF = "staff"  # agents, leads and admins only
    ADMIN = "admin"  # the Django admin
    API = "api"  # the REST API: 401 without credentials, scoped by the same selectors as the pages
    API_STAFF = "api staff"  # the REST API for support staff and service keys: customers get 403 on every method


ACCESS: dict[str, Access] = {
    "home": Access.SIGNED_IN,
    "login": Access.PUBLIC,
    "logout": Access.SIGNED_IN,
    "password_change": Access.SIGNED_IN,
    "password_change_done": Access.SIGNED_IN,
    "password_reset": Access.PUBLIC,
    "password_reset_done": Access.PUBLIC,
    "password_reset_confirm": Access.PUBLIC,
    "password_reset_complete": Access.PUBLIC,
    "help": Access.PUBLIC,
    "portal:home": Access.CUSTOMER,
    "portal:ticket": Access.CUSTOMER,
    "portal:new": Access.CUSTOMER,
    "portal:severity_suggest": Access.CUSTOMER,
    # Support staff download through the same checked view.
    "portal:attachment": Access.CUSTOMER,
    "portal:organisation": Access.CUSTOMER,
    "portal:contacts": Access.CUSTOMER,
    "portal:contact_new": Access.CUSTOMER,
    "portal:contact_edit": Access.CUSTOMER,
    "portal:contact_register": Access.CUSTOMER,
    "portal:contact_delete": Access.CUSTOMER,
    "portal:access": Access.CUSTOMER,
    "portal:access_revoke": Access.CUSTOMER,
    "desk:queue": Access.STAFF,
    "sla_portal:escalate": Access.CUSTOMER,
    "sla_desk:escalation_acknowledge": Access.STAFF,
    "desk:ticket": Access.STAFF,
    "tokens:portal": Access.CUSTOMER,
    "tokens:portal_revoke": Access.CUSTOMER,
    "tokens:desk": Access.STAFF,
    "tokens:desk_revoke": Access.STAFF,
    "api-schema": Access.PUBLIC,
    "api-docs": Access.PUBLIC,
    "desk:bulk": Access.STAFF,
    "desk:dashboard": Access.STAFF,
    "desk:profile": Access.STAFF,
    "desk:acknowledge": Access.STAFF,
    "desk:assign": Access.STAFF,
    "desk:severity": Access.STAFF,
    "desk:status": Access.STAFF,
    "desk:reply": Access.STAFF,
    "desk:note": Access.STAFF,
    "desk:send_back": Access.STAFF,
    "desk:link": Access.STAFF,
    "desk:presence": Access.STAFF,
    "status:index": Access.PUBLIC,
    "status:history": Access.PUBLIC,
    "status:incident": Access.PUBLIC,
    "status:feed_atom": Access.PUBLIC,
    "status:feed_rss": Access.PUBLIC,
    "status:subscribe": Access.PUBLIC,
    "status:subscribe_confirm": Access.PUBLIC,
    "status:unsubscribe": Access.PUBLIC,
    "desk_status:overview": Access.STAFF,
    "desk_status:incident_create": Access.STAFF,
    "desk_status:incident": Access.STAFF,
    "desk_status:publish": Access.STAFF,
    "desk_status:component_status": Access.STAFF,
    "desk_status:maintenance_create": Access.STAFF,
    "status:api_status": Access.PUBLIC,
    "status:api_summary": Access.PUBLIC,
    "status:api_components": Access.PUBLIC,
    "status:api_incidents": Access.PUBLIC,
    "status:api_incidents_unresolved": Access.PUBLIC,
    "status:api_maintenances": Access.PUBLIC,
    "status:api_maintenances_upcoming": Access.PUBLIC,
    "status:api_maintenances_active": Access.PUBLIC,
    "notices:list": Access.STAFF,
    "notices:new": Access.STAFF,
    "notices:detail": Access.STAFF,
    "notices:held": Access.STAFF,
    "notices:held_release": Access.STAFF,
    "notices:held_cancel": Access.STAFF,
    "api:notice-list": Access.API_STAFF,
    "api:notice-detail": Access.API_STAFF,
    "api:notice-updates": Access.API_STAFF,
    "api:incident-list": Access.API_STAFF,
    "api:incident-detail": Access.API_STAFF,
    "api:incident-updates": Access.API_STAFF,
    "api:incident-publish": Access.API_STAFF,
    "api:component-list": Access.API_STAFF,
}

# The only API routes a monitoring system's service key may use; every other one answers it 403.
SERVICE_KEY_ROUTES = frozenset({
    "api:notice-list", "api:notice-detail", "api:incident-list", "api:incident-detail", "api:incident-updates",
    "api:component-list",
})

# Namespaces whose every route shares one class.
NAMESPACE_ACCESS: dict[str, Access] = {"admin": Access.ADMIN, "api": Access.API}

API_METHODS = ("get", "post", "put", "patch", "delete")



@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    keywords: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.split(":", 1)[0] if ":" in self.name else ""


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            child_ns = namespace
            if entry.namespace:
                child_ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), child_ns)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed {prefix}{entry.pattern}>"
            full_name = f"{namespace}:{name}" if namespace else name
            keywords = tuple(entry.pattern.regex.groupindex)
            yield Route(name=full_name, pattern=prefix + str(entry.pattern), keywords=keywords)


def routes(urlconf: str | None = None) -> list[Route]:
    return list(_walk(get_resolver(urlconf).url_patterns))


def access_of(route: Route) -> Access | None:
    if route.name in ACCESS:
        return ACCESS[route.name]
    return NAMESPACE_ACCESS.get(route.namespace)


def _unpublished_incident() -> Any:
    """An incident the public must never see: every public status route is asked for it."""
    from django.utils import timezone

    from incidents.models import Incident

    incident, _created = Incident.objects.get_or_create(
        title="CANARY-outsider unpublished incident", defaults={"message": "not public", "detected_at": timezone.now()},
    )
    return incident


def _status_component() -> Any:
    from incidents.models import Component

    component, _created = Component.objects.get_or_create(name="CANARY-outsider component")
    return component


def fill_kwargs(route: Route, world: Any) -> dict[str, Any] | None:
    """Values for a route's keywords that point at the outsider's objects; None if unknown."""
    fillers: dict[str, Callable[[], Any]] = {
        "number": lambda: world.outsider_ticket.number,
        "attachment_id": lambda: world.outsider_attachment.pk,
        "comment_id": lambda: _outsider_comment(world).pk,
        "grant_id": lambda: world.outsider_grant.pk,
        "contact_id": lambda: world.outsider.contacts.first().pk,
        "token_id": lambda: _outsider_token(world).pk,
        "notice_id": lambda: _outsider_notice(world).pk,
        "uidb64": lambda: "MQ",
        "token": lambda: "set-password",
        "incident_id": lambda: _unpublished_incident().pk,
        "component_id": lambda: _status_component().pk,
    }
    values = {}
    for keyword in route.keywords:
        if keyword not in fillers:
            return None
        values[keyword] = fillers[keyword]()
    return values


def _outsider_token(world: Any) -> Any:
    from api.models import ApiToken
    from api.services import token_create

    token = ApiToken.objects.filter(user=world.carol).first()
    return token or token_create(user=world.carol, name="outsider")[0]


def _outsider_comment(world: Any) -> Any:
    """A public comment on the outsider's ticket, by its requester, made on first use."""
    if getattr(world, "outsider_comment", None) is None:
        from tickets.workflow import comment_add

        world.outsider_comment = comment_add(ticket=world.outsider_ticket, author=world.charlie, body="CANARY-outsider-comment")
    return world.outsider_comment


def _outsider_notice(world: Any) -> Any:
    """A notice raised for the outsider, made on first use."""
    if getattr(world, "outsider_notice", None) is None:
        from notices.models import ProductArea
        from notices.services import notice_raise

        area, _created = ProductArea.objects.get_or_create(name="Query API")
        world.outsider_notice, _created = notice_raise(
            organisation=world.outsider, kind="alert", area=area, title="CANARY-outsider-notice",
            description="CANARY-outsider-notice", actor=world.agent,
        )
    return world.outsider_notice


@dataclass
class Problem:
    route: str
    who: str
    method: str
    detail: str

    def __str__(self) -> str:
        return f"{self.route} as {self.who} ({self.method}): {self.detail}"


def _is_login_redirect(response: Any, login_path: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(login_path)


def check_routes(world: Any, urlconf: str | None = None, canary: str = "CANARY-outsider") -> list[Problem]:
    """Ask every route, anonymously and as Alpha's customer, for Outsider's objects."""
    problems: list[Problem] = []
    anonymous = Client()
    customer = Client()
    customer.force_login(world.alice)
    customer_admin = Client()
    customer_admin.force_login(world.alan)
    login_path = reverse("login", urlconf=urlconf)
    admin_login_path = "/admin/login/"

    for route in routes(urlconf):
        access = access_of(route)
        if access is None:
            problems.append(Problem(route.name, "-", "-", f"unclassified route {route.pattern!r}: add it to tests/routes.py"))
            continue
        if access is Access.ADMIN:
            continue  # checked below for each registered model, the admin's own patterns being generic
        kwargs = fill_kwargs(route, world)
        if kwargs is None:
            problems.append(Problem(route.name, "-", "-", f"no filler for keywords {route.keywords}"))
            continue
        url = reverse(route.name, kwargs=kwargs, urlconf=urlconf)

        if access in (Access.API, Access.API_STAFF):
            problems.extend(_check_api_route(route, url, world, canary, staff_only=access is Access.API_STAFF))
            continue
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url)
            if access is Access.PUBLIC:
                if response.status_code >= 500:
                    problems.append(Problem(route.name, "anonymous", method, f"server error {response.status_code}"))
            elif not _is_login_redirect(response, login_path):
                detail = f"expected a redirect to sign in, got {response.status_code}"
                problems.append(Problem(route.name, "anonymous", method, detail))

            for who, client in (("customer", customer), ("customer admin", customer_admin)):
                if access is Access.PUBLIC or route.name == "logout":
                    continue
                response = getattr(client, method)(url)
                status = response.status_code
                if access is Access.STAFF and status not in (403, 404, 405):
                    problems.append(Problem(route.name, who, method, f"staff-only page answered {status}"))
                elif route.keywords and access is Access.CUSTOMER and status not in (404, 405):
                    problems.append(Problem(route.name, who, method, f"another organisation's object answered {status}"))
                elif status >= 500:
                    problems.append(Problem(route.name, who, method, f"server error {status}"))
                body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
                if canary in body:
                    problems.append(Problem(route.name, who, method, "the page shows another organisation's data"))

    from django.contrib import admin

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist", urlconf=urlconf)
        response = customer_admin.get(url)
        if not (response.status_code == 302 and response["Location"].startswith(admin_login_path)):
            problems.append(Problem(url, "customer admin", "get", f"admin answered {response.status_code}"))
    return problems


def _api_clients(world: Any) -> list[tuple[str, Any]]:
    """Alpha's customer and customer admin, each by browser session and by personal token."""
    from rest_framework.test import APIClient

    from api.services import token_create

    clients = []
    for who, user in (("customer", world.alice), ("customer admin", world.alan)):
        session = APIClient()
        session.force_login(user)
        clients.append((f"{who} (session)", session))
        bearer = APIClient()
        bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='walk')[1]}")
        clients.append((f"{who} (token)", bearer))
    return clients


def _bearer_client(key: str) -> Any:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def _revoked_token_client(world: Any) -> Any:
    """An agent's token, revoked: it must open nothing, not even what the agent could."""
    from api.services import token_create, token_revoke

    token, key = token_create(user=world.agent, name="revoked")
    token_revoke(token=token)
    return _bearer_client(key)


def _service_key_client(world: Any) -> Any:
    """A monitoring system's key, made on first use; it raised nothing of the outsider's."""
    if getattr(world, "walk_service_key", None) is None:
        from notices.models import ServiceKey

        service_key = ServiceKey(name="Walk monitoring")
        world.walk_service_key = service_key.generate()
        service_key.save()
    return _bearer_client(world.walk_service_key)


def _is_api_error(response: Any) -> bool:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error, dict) and {"code", "message", "fields"} <= set(error)


def _check_api_route(route: Route, url: str, world: Any, canary: str, *, staff_only: bool = False) -> list[Problem]:
    """API routes answer 401 to strangers and revoked tokens, 403/404 to Alpha for Outsider's objects, 403 to
    customers on staff routes and to a service key outside its own routes; always in the error format."""
    from rest_framework.test import APIClient

    problems: list[Problem] = []
    for who, refused in (("anonymous", APIClient()), ("revoked token", _revoked_token_client(world))):
        for method in API_METHODS:
            response = getattr(refused, method)(url, {}, format="json")
            if response.status_code != 401 or not _is_api_error(response):
                problems.append(Problem(route.name, who, method, f"expected a 401 error, got {response.status_code}"))
    service_key = _service_key_client(world)
    for method in API_METHODS:
        response = getattr(service_key, method)(url, {}, format="json")
        status = response.status_code
        if route.name not in SERVICE_KEY_ROUTES:
            if status != 403:
                problems.append(Problem(route.name, "service key", method, f"outside its routes, answered {status}"))
        elif "notice_id" in route.keywords and method == "get" and status != 404:
            problems.append(Problem(route.name, "service key", method, f"a notice it did not raise answered {status}"))
        elif status >= 500:
            problems.append(Problem(route.name, "service key", method, f"server error {status}"))
        if status >= 400 and not _is_api_error(response):
            problems.append(Problem(route.name, "service key", method, f"a {status} outside the error format"))
    for who, client in _api_clients(world):
        for method in API_METHODS:
            response = getattr(client, method)(url, {}, format="json")
            status = response.status_code
            # Alpha's admin may use every route, so for them only scoping can stop a read of Outsider's object.
            must_be_404 = method == "get" and who.startswith("customer admin")
            if staff_only:
                if status != 403:
                    problems.append(Problem(route.name, who, method, f"a customer on a staff route got {status}"))
            # A 405 to a read is no read: the route only writes.
            elif route.keywords and ((must_be_404 and status not in (404, 405)) or status not in (403, 404, 405)):
                problems.append(Problem(route.name, who, method, f"another organisation's object answered {status}"))
            elif status >= 500:
                problems.append(Problem(route.name, who, method, f"server error {status}"))
            if status >= 400 and not _is_api_error(response):
                problems.append(Problem(route.name, who, method, f"a {status} outside the error format"))
            if canary in response.content.decode(errors="replace"):
                problems.append(Problem(route.name, who, method, "the answer shows another organisation's data"))
    return problems


# Routes that may take a POST without a CSRF token, and why. Anything else
# answering a token-less POST with anything but 403 fails the CSRF walk.
CSRF_EXEMPT: dict[str, str] = {}


def check_csrf(world: Any, urlconf: str | None = None) -> list[Problem]:
    """POST to every route without a CSRF token, signed in as staff and as a customer admin."""
    problems: list[Problem] = []
    clients = []
    for who, user in (("agent", world.agent), ("customer admin", world.alan), ("anonymous", None)):
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        clients.append((who, client))
    for route in routes(urlconf):
        access = access_of(route)
        if access is None or access is Access.ADMIN or route.name in CSRF_EXEMPT:
            continue
        kwargs = fill_kwargs(route, world)
        if kwargs is None:
            continue
        url = reverse(route.name, kwargs=kwargs, urlconf=urlconf)
        for who, client in clients:
            for method in ("post", "put", "patch", "delete"):
                response = getattr(client, method)(url, data={})
                if response.status_code == 405:
                    continue
                if who == "anonymous" and access is not Access.PUBLIC and response.status_code in (302, 401):
                    continue
                if response.status_code != 403:
                    problems.append(Problem(route.name, who, method, f"answered {response.status_code} without a CSRF token"))
    return problems
