"""Every URL pattern of a URLconf, what kind of route it is, and how to point it at the outsider.

Every named route must be classified in ``ACCESS`` below; a route that is not
makes the walk report it, so a new page cannot slip past the isolation test.
Every URL keyword must have a filler in ``fill_kwargs``, which hands it the
*outsider's* object, so that a customer of Alpha asks for Outsider's things.
``tests/matrix.py`` walks them as every role; ``check_csrf`` below without a token.
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
    API_MONITORING = "api monitoring"  # monitoring's alert intake: service keys only, every person gets 403


ACCESS: dict[str, Access] = {
    "home": Access.SIGNED_IN,
    "login": Access.PUBLIC,
    "logout": Access.SIGNED_IN,
    "two_factor": Access.SIGNED_IN,
    "two_factor_setup": Access.SIGNED_IN,
    "set_language": Access.PUBLIC,
    "password_change": Access.SIGNED_IN,
    "password_change_done": Access.SIGNED_IN,
    "password_reset": Access.PUBLIC,
    "password_reset_done": Access.PUBLIC,
    "password_reset_confirm": Access.PUBLIC,
    "password_reset_complete": Access.PUBLIC,
    # The signed offer of a login to a contact: a forged, used or expired token shows "no longer works".
    "account_create": Access.PUBLIC,
    "help": Access.PUBLIC,
    "portal:home": Access.CUSTOMER,
    "portal:ticket": Access.CUSTOMER,
    "portal:ticket_close": Access.CUSTOMER,
    # A signed token is the credential: a forged or foreign one answers 404 like a missing ticket.
    "portal:contact_ticket": Access.PUBLIC,
    "portal:contact_attachment": Access.PUBLIC,
    "portal:contact_account": Access.PUBLIC,
    "portal:ticket_rate": Access.CUSTOMER,
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
    "portal:people": Access.CUSTOMER,
    "portal:profile": Access.CUSTOMER,
    "portal:person_revoke": Access.CUSTOMER,
    "portal:access_revoke": Access.CUSTOMER,
    # The organisation's own admins only: its people and other organisations never see it.
    "portal:transparency": Access.CUSTOMER,
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
    "desk:mail_refusals": Access.STAFF,
    "desk:acknowledge": Access.STAFF,
    "desk:assign": Access.STAFF,
    "desk:severity": Access.STAFF,
    "desk:status": Access.STAFF,
    "desk:reply": Access.STAFF,
    "desk:note": Access.STAFF,
    "desk:send_back": Access.STAFF,
    "desk:link": Access.STAFF,
    "desk:presence": Access.STAFF,
    "desk:organisations": Access.STAFF,
    "desk:take_next": Access.STAFF,
    "desk:file_on_behalf": Access.STAFF,
    "desk:tags": Access.STAFF,
    "desk:follow": Access.STAFF,
    "desk:cc": Access.STAFF,
    "desk:merge": Access.STAFF,
    "desk:macro": Access.STAFF,
    "desk:notifications": Access.STAFF,
    "desk:notification_count": Access.STAFF,
    "desk:notifications_read": Access.STAFF,
    "desk:notification_settings": Access.STAFF,
    "desk:watch_remove": Access.STAFF,
    "desk:organisation": Access.STAFF,
    "status:index": Access.PUBLIC,
    "status:history": Access.PUBLIC,
    "status:incident": Access.PUBLIC,
    "status:feed_atom": Access.PUBLIC,
    "status:feed_rss": Access.PUBLIC,
    "status:subscribe": Access.PUBLIC,
    "status:subscribe_confirm": Access.PUBLIC,
    "status:unsubscribe": Access.PUBLIC,
    # The signed link in every subscriber mail is the credential: a forged one changes nothing.
    "status:subscription": Access.PUBLIC,
    "desk_status:overview": Access.STAFF,
    "desk_status:incident_create": Access.STAFF,
    "desk_status:incident": Access.STAFF,
    "desk_status:publish": Access.STAFF,
    "desk_status:organisations_link": Access.STAFF,
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
    "monitoring:alerts": Access.STAFF,
    "api:notice-list": Access.API_STAFF,
    "api:notice-detail": Access.API_STAFF,
    "api:notice-updates": Access.API_STAFF,
    "api:incident-list": Access.API_STAFF,
    "api:incident-detail": Access.API_STAFF,
    "api:incident-updates": Access.API_STAFF,
    "api:incident-publish": Access.API_STAFF,
    "api:component-list": Access.API_STAFF,
    # Support leads and admins (agents are refused: see OVERRIDES in tests/matrix.py); the exports are
    # the same route with ?download=csv|xlsx.
    "reports_desk:report": Access.STAFF,
    # An organisation admin's own figures only; the organisation's other users get a 404.
    "reports_portal:report": Access.CUSTOMER,
    "api:monitoring-alertmanager": Access.API_MONITORING,
    "api:monitoring-pagerduty": Access.API_MONITORING,
    "mail_desk:list": Access.STAFF,
    "mail_desk:detail": Access.STAFF,
    "mail_desk:original": Access.STAFF,
    "mail_desk:link": Access.STAFF,
    "mail_desk:answer": Access.STAFF,
    "mail_desk:discard": Access.STAFF,
    "mail_desk:release": Access.STAFF,
    "mail_desk:comment_original": Access.STAFF,
    "api:ticket-merge": Access.API_STAFF,
}

# The only API routes a monitoring system's service key may use; every other one answers it 403.
SERVICE_KEY_ROUTES = frozenset(
    {
        "api:notice-list",
        "api:notice-detail",
        "api:incident-list",
        "api:incident-detail",
        "api:incident-updates",
        "api:component-list",
        "api:monitoring-alertmanager",
        "api:monitoring-pagerduty",
    }
)

# Namespaces whose every route shares one class.
NAMESPACE_ACCESS: dict[str, Access] = {"admin": Access.ADMIN, "api": Access.API}


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


def unpublished_incident() -> Any:
    """An incident the public must never see: every public status route is asked for it."""
    from django.utils import timezone

    from customers.models import Organisation
    from incidents.models import Component, Incident, IncidentComponent

    incident, created = Incident.objects.get_or_create(
        title="CANARY-outsider unpublished incident",
        defaults={"message": "not public", "detected_at": timezone.now()},
    )
    if created:
        # On a component only the outsider uses: should the walk publish it, Alpha's portal must still not show it.
        component, _made = Component.objects.get_or_create(name="Outsider's own carrier")
        component.organisations.set(Organisation.objects.filter(account_id="OUTSIDER"))
        IncidentComponent.objects.create(incident=incident, component=component)
    return incident


def _status_component() -> Any:
    from incidents.models import Component

    # Components are public: the status page lists every one, so this is no canary.
    component, _created = Component.objects.get_or_create(name="Walked component")
    return component


def fill_kwargs(route: Route, world: Any) -> dict[str, Any] | None:
    """Values for a route's keywords that point at the outsider's objects; None if unknown."""
    fillers: dict[str, Callable[[], Any]] = {
        "number": lambda: world.outsider_ticket.number,
        "attachment_id": lambda: world.outsider_attachment.pk,
        # The outsider's comment came by mail: its original is there for the desk's download too.
        "comment_id": lambda: _outsider_inbound(world).comment.pk,
        "grant_id": lambda: world.outsider_grant.pk,
        "contact_id": lambda: world.outsider.contacts.first().pk,
        "member_id": lambda: world.charlie.pk,
        "token_id": lambda: _outsider_token(world).pk,
        "notice_id": lambda: _outsider_notice(world).pk,
        "uidb64": lambda: "MQ",
        "token": lambda: "set-password",
        "incident_id": lambda: unpublished_incident().pk,
        "component_id": lambda: _status_component().pk,
        "inbound_id": lambda: _outsider_inbound(world).pk,
        "organisation_id": lambda: world.outsider.pk,
        "watch_id": lambda: _outsider_watch(world).pk,
    }
    values = {}
    for keyword in route.keywords:
        if keyword not in fillers:
            return None
        values[keyword] = fillers[keyword]()
    return values


def _outsider_watch(world: Any) -> Any:
    """A queue watch of the lead's, on the outsider: nobody else may remove it."""
    from desk.models import QueueWatch

    watch, _created = QueueWatch.objects.get_or_create(user=world.lead, organisation=world.outsider)
    return watch


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


def _outsider_inbound(world: Any) -> Any:
    """A mail from the outsider's requester, on the outsider's ticket, made on first use."""
    if getattr(world, "outsider_inbound", None) is None:
        from mail.models import InboundMessage

        world.outsider_inbound = InboundMessage.objects.create(
            message_id="<canary-outsider@outsider.example>",
            via="smtp",
            from_address=world.charlie.email,
            subject="CANARY-outsider-mail",
            raw=b"Subject: CANARY-outsider-mail\r\n\r\nCANARY-outsider-mail\r\n",
            outcome="unknown_sender",
            ticket=world.outsider_ticket,
            comment=_outsider_comment(world),
        )
    return world.outsider_inbound


def _outsider_notice(world: Any) -> Any:
    """A notice raised for the outsider, made on first use."""
    if getattr(world, "outsider_notice", None) is None:
        from notices.models import ProductArea
        from notices.services import notice_raise

        area, _created = ProductArea.objects.get_or_create(name="Query API")
        world.outsider_notice, _created = notice_raise(
            organisation=world.outsider,
            kind="alert",
            area=area,
            title="CANARY-outsider-notice",
            description="CANARY-outsider-notice",
            actor=world.agent,
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


# Routes that may take a POST without a CSRF token, and why. Anything else
# answering a token-less POST with anything but 403 fails the CSRF walk.
CSRF_EXEMPT: dict[str, str] = {
    "status:unsubscribe": "RFC 8058 one-click POST from a mail client; the signed token in the address is the credential",
}

API_METHODS = ("get", "post", "put", "patch", "delete")
API_ACCESS = (Access.API, Access.API_STAFF, Access.API_MONITORING)


def check_api_credentials(world: Any, urlconf: str | None = None, only: tuple[str, ...] = ()) -> list[Problem]:
    """The credentials half of the API's isolation, beside the matrix's roles: on every API route and method,
    no credentials and a revoked token answer 401, a monitoring service key answers 403 outside its own
    routes and 404 for a notice it did not raise, and every refusal is in the error format."""
    problems: list[Problem] = []
    for route in routes(urlconf):
        if access_of(route) not in API_ACCESS or (only and route.name not in only):
            continue
        kwargs = fill_kwargs(route, world)
        if kwargs is None:
            problems.append(Problem(route.name, "-", "-", f"no filler for keywords {route.keywords}"))
            continue
        problems.extend(_check_api_route(route, reverse(route.name, kwargs=kwargs, urlconf=urlconf), world))
    return problems


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
        from monitoring.models import ServiceKey

        service_key = ServiceKey(name="Walk monitoring")
        world.walk_service_key = service_key.generate()
        service_key.save()
    return _bearer_client(world.walk_service_key)


def is_api_error(response: Any) -> bool:
    """Whether the response carries the API's error envelope (code, message, fields)."""
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error, dict) and {"code", "message", "fields"} <= set(error)


def _check_api_route(route: Route, url: str, world: Any) -> list[Problem]:
    from rest_framework.test import APIClient

    problems: list[Problem] = []
    for who, refused in (("anonymous", APIClient()), ("revoked token", _revoked_token_client(world))):
        for method in API_METHODS:
            response = getattr(refused, method)(url, {}, format="json")
            if response.status_code != 401 or not is_api_error(response):
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
        if status >= 400 and not is_api_error(response):
            problems.append(Problem(route.name, "service key", method, f"a {status} outside the error format"))
    return problems


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
