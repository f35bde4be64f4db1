"""The access matrix: every route × every role × the outsider's objects, every method.

``tests/routes.py`` says what each route is (public, customer, staff, admin,
API, service); ``EXPECTED`` below says, in one table, what each role may do
with each kind of route. The walk asks every route, as every role, with GET
and with each state-changing method (carrying a plausible form or JSON body
that points at the outsider's objects), then checks three things:

- the answer is the one the table expects (refusals are 403/404/405, a redirect
  to sign in, or a 401 for the API without credentials);
- whenever the role is refused — and always for anyone outside the vendor — the
  outsider's rows are the same afterwards (tickets, comments, files, contacts,
  grants, notices, tokens… and the unpublished status-page incident);
- no answer to anyone outside the vendor shows the outsider's canary strings
  or ticket reference, lists and searches included.

Staff serve every organisation, so for them the table checks role rules
instead: agents and leads work in the desk but never get into the Django
admin; only admins do; nobody but the owner revokes a token.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from tests.routes import (
    API_ACCESS,
    Access,
    Problem,
    Route,
    access_of,
    fill_kwargs,
    is_api_error,
    routes,
    unpublished_incident,
)

ASKED: Counter[str] = Counter()


class Role(enum.Enum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    CUSTOMER_ADMIN = "customer admin"
    AGENT = "agent"
    LEAD = "support lead"
    ADMIN = "admin"

    @property
    def is_vendor(self) -> bool:
        return self in (Role.AGENT, Role.LEAD, Role.ADMIN)


class Outcome(enum.Enum):
    OPEN = "open"  # answers (no server error); shows nothing of the outsider's unless staff
    LOGIN = "login"  # a redirect to sign in, nothing else
    ADMIN_LOGIN = "admin login"  # a redirect to the admin's sign-in
    UNAUTHENTICATED = "unauthenticated"  # 401 (or 403) — credentials are missing or of the wrong kind
    REFUSED = "refused"  # 403, 404 or 405
    SCOPED = "scoped"  # the outsider's object does not exist for them (404/405); their own lists answer
    SERVED = "served"  # staff reach it: GET answers 2xx/3xx, nothing is refused with 401/403


S, R = Outcome.SCOPED, Outcome.REFUSED
EXPECTED: dict[Access, dict[Role, Outcome]] = {
    #                anonymous             customer   cust. admin   agent          lead           admin
    Access.PUBLIC: dict(zip(Role, [Outcome.OPEN] * 6, strict=True)),
    Access.SIGNED_IN: dict(zip(Role, [Outcome.LOGIN, *[Outcome.OPEN] * 5], strict=True)),
    Access.CUSTOMER: dict(zip(Role, [Outcome.LOGIN, S, S, R, R, R], strict=True)),
    Access.STAFF: dict(zip(Role, [Outcome.LOGIN, R, R, *[Outcome.SERVED] * 3], strict=True)),
    Access.API: dict(zip(Role, [Outcome.UNAUTHENTICATED, S, S, *[Outcome.SERVED] * 3], strict=True)),
    Access.API_STAFF: dict(zip(Role, [Outcome.UNAUTHENTICATED, R, R, *[Outcome.SERVED] * 3], strict=True)),
    Access.API_MONITORING: dict(zip(Role, [Outcome.UNAUTHENTICATED, R, R, R, R, R], strict=True)),
    Access.ADMIN: dict(zip(Role, [*[Outcome.ADMIN_LOGIN] * 5, Outcome.SERVED], strict=True)),
}

# Where a route departs from its kind's row, and why.
OVERRIDES: dict[tuple[str, Role], tuple[Outcome, str]] = {
    **{
        ("portal:attachment", role): (Outcome.SERVED, "support staff download through the same checked view")
        for role in (Role.AGENT, Role.LEAD, Role.ADMIN)
    },
    **{
        (name, role): (Outcome.REFUSED, "contacts are managed by the organisation's admins, not by staff or its users")
        for name in ("api:contact-list", "api:contact-detail")
        for role in (Role.CUSTOMER, Role.AGENT, Role.LEAD, Role.ADMIN)
    },
    **{
        ("tokens:desk_revoke", role): (Outcome.REFUSED, "only its owner revokes a token")
        for role in (Role.AGENT, Role.LEAD, Role.ADMIN)
    },
    **{
        ("api:comment-attachments", role): (Outcome.OPEN, "files go only on one's own comment; staff read them all")
        for role in (Role.AGENT, Role.LEAD, Role.ADMIN)
    },
    **{
        ("api:not-found", role): (Outcome.REFUSED, "every other API path is a 404 in the error format")
        for role in (Role.AGENT, Role.LEAD, Role.ADMIN)
    },
    ("reports_desk:report", Role.AGENT): (Outcome.REFUSED, "SLA reports are for support leads and admins"),
}

STATE_CHANGING = ("post", "put", "patch", "delete")
LOGIN_PATH = "/accounts/login/"
ADMIN_LOGIN_PATH = "/admin/login/"


def expected(route_name: str, access: Access, role: Role) -> Outcome:
    if (route_name, role) in OVERRIDES:
        return OVERRIDES[(route_name, role)][0]
    return EXPECTED[access][role]


def role_users(world: Any) -> dict[Role, Any]:
    return {
        Role.ANONYMOUS: None,
        Role.CUSTOMER: world.alice,
        Role.CUSTOMER_ADMIN: world.alan,
        Role.AGENT: world.agent,
        Role.LEAD: world.lead,
        Role.ADMIN: world.admin,
    }


# --- what a careless view could be tricked into doing --------------------------------------------


def attack_body(world: Any) -> dict[str, Any]:
    """One body for every form and endpoint: valid-looking values, every reference the outsider's."""
    outsider_contact = world.outsider.contacts.first()
    return {
        "body": "CANARY-attack wrote this",
        "message": "CANARY-attack wrote this",
        "summary": "CANARY-attack",
        "description": "CANARY-attack",
        "title": "CANARY-attack",
        "name": "Mallory",
        "email": "mallory@alpha.example",
        "phone": "+1 555 0666",
        "kind": "person",
        "language": "en",
        "emergency_role": "registered",
        "emergency_order": "0",
        "status": "closed",
        "severity": "1",
        "reason": "CANARY-attack",
        "justification": "CANARY-attack",
        "environment": str(world.outsider.environments.get(name="live1").pk),
        "level": "elevated",
        "starts_at": "2026-01-01T00:00",
        "ends_at": "2030-01-01T00:00",
        "organisation": str(world.outsider.pk),
        "assignee": str(world.agent.pk),
        "confirm": "yes",
        "cc_contacts": str(outsider_contact.pk),
        "contact": str(outsider_contact.pk),
        "tickets": str(world.outsider_ticket.number),
        "action": "close",
        "other": world.outsider_ticket.reference,
        "is_internal": "false",
        "impact": "major_outage",
        "timezone": "UTC",
        "into": world.outsider_ticket.number,
    }


def outsider_tables(world: Any) -> dict[str, Any]:
    """Everything of the outsider's that no one outside the vendor may change, as querysets."""
    from django.db.models import Q

    from accounts.models import User
    from api.models import ApiToken
    from audit.models import AccessRecord
    from customers.models import AccessGrant, Contact, Environment, Membership, Organisation
    from desk.models import TicketLink
    from incidents.models import Component, Incident, IncidentComponent, IncidentUpdate
    from mail.models import InboundMessage
    from monitoring.models import Alert
    from notices.models import Notice
    from sla.models import Escalation, SlaClock
    from tickets.models import Attachment, Comment, Ticket, TicketEvent

    org = world.outsider
    by_org = {"organisation": org}
    by_ticket = {"ticket__organisation": org}
    return {
        "organisation": Organisation.objects.filter(pk=org.pk),
        "environments": Environment.objects.filter(**by_org),
        "contacts": Contact.objects.filter(**by_org),
        "memberships": Membership.objects.filter(**by_org),
        "people": User.objects.filter(membership__organisation=org),
        "access grants": AccessGrant.objects.filter(**by_org),
        "tickets": Ticket.objects.filter(**by_org),
        "cc lists": Ticket.cc_contacts.through.objects.filter(ticket__organisation=org),
        "comments": Comment.objects.filter(**by_ticket),
        "timeline": TicketEvent.objects.filter(**by_ticket),
        "attachments": Attachment.objects.filter(**by_ticket),
        "sla clocks": SlaClock.objects.filter(**by_ticket),
        "escalations": Escalation.objects.filter(**by_ticket),
        "ticket links": TicketLink.objects.filter(Q(from_ticket__organisation=org) | Q(to_ticket__organisation=org)),
        "notices": Notice.objects.filter(**by_org),
        "monitoring alerts": Alert.objects.filter(**by_org),
        "inbound mail": InboundMessage.objects.filter(
            Q(ticket__organisation=org) | Q(from_address__in=User.objects.filter(membership__organisation=org).values("email")),
        ),
        "api tokens": ApiToken.objects.filter(user__membership__organisation=org),
        "access transparency log": AccessRecord.objects.filter(**by_org),
        "status incidents": Incident.objects.all(),
        "status updates": IncidentUpdate.objects.all(),
        "status impacts": IncidentComponent.objects.all(),
        "status components": Component.objects.all(),
    }


def outsider_access_record(world: Any) -> Any:
    """A look by support at the outsider's file: only the outsider's admins may read of it."""
    from audit.models import AccessRecord

    return AccessRecord.objects.create(
        organisation=world.outsider,
        actor=world.agent,
        actor_label=world.agent.get_full_name(),
        action=AccessRecord.Action.FILE_DOWNLOADED,
        ticket=world.outsider_ticket,
        ticket_reference=world.outsider_ticket.reference,
        object_label=world.outsider_attachment.original_name,
        client="192.0.2.1",
    )


def outsider_rows(world: Any) -> dict[str, str]:
    """A digest of every outsider row, column by column, and of each attached file's bytes.

    The walk takes one before and after each route and role, so it must be cheap:
    on PostgreSQL one query hashes every table; elsewhere each table's rows are
    read and hashed here. Either way equal digests mean identical rows.
    """
    from django.db import connection

    from tickets.models import Attachment

    tables = outsider_tables(world)
    digest = _digest_in_postgres if connection.vendor == "postgresql" else _digest_in_python
    digests = digest(tables)
    files = hashlib.sha256()
    for attachment in Attachment.objects.filter(ticket__organisation=world.outsider).order_by("pk"):
        with attachment.file.open("rb") as handle:
            files.update(handle.read())
    digests["attached files"] = files.hexdigest()
    return digests


def _digest_in_postgres(tables: dict[str, Any]) -> dict[str, str]:
    from django.db import connection

    parts, params = [], []
    for queryset in tables.values():
        sql, query_params = queryset.values().query.sql_with_params()
        # The inner SQL is Django's own, its values passed as parameters.
        parts.append(f"(SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM ({sql}) r)")  # noqa: S608
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _digest_in_python(tables: dict[str, Any]) -> dict[str, str]:
    """Every column of every row, as the database returns it, in an order that does not depend on the query's."""
    digests = {}
    for name, queryset in tables.items():
        rows = sorted(repr(row) for row in queryset.order_by().values_list())
        digests[name] = hashlib.md5("|".join(rows).encode(), usedforsecurity=False).hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# --- asking ------------------------------------------------------------------------------------


def _client(role: Role, user: Any, *, api: bool) -> Client:
    if api:
        from rest_framework.test import APIClient

        client: Client = APIClient()
    else:
        client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _token_client(user: Any) -> Client:
    from rest_framework.test import APIClient

    from api.services import token_create

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='matrix')[1]}")
    return client


def _ask(client: Client, method: str, url: str, body: dict[str, Any], *, api: bool) -> Any:
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, body, format="json")
    if method == "post":
        return client.post(url, body)
    return getattr(client, method)(url, urlencode(body, doseq=True), content_type="application/x-www-form-urlencoded")


def _verdict(outcome: Outcome, route: Route, method: str, response: Any, *, api: bool) -> str | None:
    """What is wrong with this answer, or None."""
    status = response.status_code
    location = response.get("Location", "") if status in (301, 302) else ""
    if status >= 500:
        return f"server error {status}"
    if outcome is Outcome.LOGIN and not (status == 302 and location.startswith(LOGIN_PATH)):
        return f"expected a redirect to sign in, got {status}"
    if outcome is Outcome.ADMIN_LOGIN and not (status == 302 and location.startswith((ADMIN_LOGIN_PATH, LOGIN_PATH))):
        return f"admin answered {status}"
    if outcome is Outcome.UNAUTHENTICATED and status not in ((401,) if api else (401, 403)):
        return f"expected 401 without credentials of the right kind, got {status}"
    if outcome is Outcome.REFUSED and status not in (403, 404, 405):
        what = "staff-only page" if access_of(route) is Access.STAFF else "a route this role may not use"
        return f"{what} answered {status}"
    if outcome is Outcome.SCOPED and route.keywords and status not in (404, 405) and not (api and status == 403):
        return f"another organisation's object answered {status}"
    if outcome is Outcome.SERVED:
        if status in (401, 403):
            return f"refused ({status}) a role that should be served"
        if method == "get" and not (200 <= status < 400 or status == 405):
            return f"GET answered {status} to a role that should be served"
    if api and status >= 400 and not is_api_error(response):
        return f"a {status} outside the error format"
    return None


def _leak(role: Role, route: Route, world: Any, response: Any, canary: str) -> str | None:
    if role.is_vendor and access_of(route) is not Access.PUBLIC:
        return None
    body = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
    if canary in body:
        return (
            "the page shows another organisation's data"
            if not route.name.startswith("api")
            else "the answer shows another organisation's data"
        )
    if re.search(rf"\b{re.escape(world.outsider_ticket.reference)}\b", body):
        return "the answer names another organisation's ticket"
    return None


def _search_url(url: str, world: Any) -> str:
    """The same list asked to search and filter for the outsider's things."""
    query = {
        "q": "outsider-ticket",
        "search": "outsider-ticket",
        "organisation": world.outsider.pk,
        "number": world.outsider_ticket.number,
        "scope": "organisation",
    }
    return f"{url}?{urlencode(query)}"


def check_matrix(
    world: Any,
    *,
    urlconf: str | None = None,
    only: Iterable[str] | None = None,
    roles: Iterable[Role] = tuple(Role),
    canary: str = "CANARY-outsider",
) -> list[Problem]:
    """Walk the routes (or only the named ones) as every role; the list of what is wrong.

    ``ASKED`` counts what the last walk asked, for the run's summary.
    """
    ASKED.clear()
    problems: list[Problem] = []
    wanted = set(only) if only is not None else None
    body = attack_body(world)
    users = role_users(world)
    roles = list(roles)
    clients = {role: _client(role, users[role], api=False) for role in roles}
    api_clients: dict[Role, list[tuple[str, Client]]] = {}
    for role in roles:
        api_clients[role] = [(f"{role.value} (session)", _client(role, users[role], api=True))]
        if role in (Role.CUSTOMER, Role.CUSTOMER_ADMIN):
            api_clients[role].append((f"{role.value} (token)", _token_client(users[role])))

    # The public pages first, before staff routes publish the unpublished incident they must
    # never show (made now, so that every public page is asked with it in the database);
    # signing out last, so that the other routes are asked with a live session.
    unpublished_incident()
    outsider_access_record(world)
    walk = sorted(routes(urlconf), key=lambda route: (route.name == "logout", access_of(route) is not Access.PUBLIC))
    for route in walk:
        access = access_of(route)
        if access is None:
            problems.append(Problem(route.name, "-", "-", f"unclassified route {route.pattern!r}: add it to tests/routes.py"))
            continue
        if access is Access.ADMIN or (wanted is not None and route.name not in wanted):
            continue
        kwargs = fill_kwargs(route, world)
        if kwargs is None:
            problems.append(Problem(route.name, "-", "-", f"no filler for keywords {route.keywords}"))
            continue
        url = reverse(route.name, kwargs=kwargs, urlconf=urlconf)
        api = access in API_ACCESS
        ASKED["routes"] += 1
        for role in roles:
            outcome = expected(route.name, access, role)
            askers = api_clients[role] if api else [(role.value, clients[role])]
            before = outsider_rows(world)
            for who, client in askers:
                requests = [("get", url)]
                if not route.keywords and role is not Role.ANONYMOUS and not role.is_vendor:
                    requests.append(("get", _search_url(url, world)))
                requests += [(method, url) for method in STATE_CHANGING]
                for method, target in requests:
                    response = _ask(client, method, target, body, api=api)
                    ASKED["requests"] += 1
                    for detail in (_verdict(outcome, route, method, response, api=api), _leak(role, route, world, response, canary)):
                        if detail:
                            problems.append(Problem(route.name, who, method, detail))
            if outcome is not Outcome.SERVED:
                for table in changed_tables(before, outsider_rows(world)):
                    problems.append(Problem(route.name, role.value, "*", f"changed another organisation's {table}"))
    problems.extend(check_admin(world, urlconf=urlconf, roles=roles, only=wanted))
    return problems


# --- the Django admin --------------------------------------------------------------------------


def _admin_object(model: type[Any], world: Any) -> Any:
    """The outsider's row of a tenant model where there is one, else any row."""
    fields = {f.name for f in model._meta.get_fields()}
    manager = model._base_manager
    if "organisation" in fields:
        return manager.filter(organisation=world.outsider).first() or manager.first()
    if "ticket" in fields:
        return manager.filter(ticket__organisation=world.outsider).first() or manager.first()
    if model._meta.label == "customers.Organisation":
        return world.outsider
    if model._meta.label == "accounts.User":
        return world.carol
    return manager.first()


def check_admin(
    world: Any, *, urlconf: str | None = None, roles: Iterable[Role] = tuple(Role), only: set[str] | None = None
) -> list[Problem]:
    """Every registered model's list, add, change, delete and history pages, as every role."""
    from django.contrib import admin

    if only is not None and "admin" not in only:
        return []
    problems: list[Problem] = []
    body = attack_body(world)
    users = role_users(world)
    clients = {role: _client(role, users[role], api=False) for role in roles}
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = _admin_object(model, world)
        urls = [reverse(f"{prefix}_changelist", urlconf=urlconf), reverse(f"{prefix}_add", urlconf=urlconf)]
        if obj is not None:
            urls += [reverse(f"{prefix}_{page}", args=[obj.pk], urlconf=urlconf) for page in ("change", "delete", "history")]
        for role, client in clients.items():
            outcome = EXPECTED[Access.ADMIN][role]
            if outcome is Outcome.SERVED:
                response = client.get(urls[0])
                if response.status_code != 200:
                    problems.append(Problem(urls[0], role.value, "get", f"the admin's list answered {response.status_code}"))
                continue
            before = outsider_rows(world)
            row_before = list(model._base_manager.filter(pk=obj.pk).values()) if obj is not None else []
            for url in urls:
                for method in ("get", "post"):
                    response = client.get(url) if method == "get" else client.post(url, {**body, "post": "yes"})
                    ASKED["admin requests"] += 1
                    detail = _verdict(outcome, Route(url, url, ()), method, response, api=False)
                    if detail:
                        problems.append(Problem(url, role.value, method, detail))
            changed = changed_tables(before, outsider_rows(world))
            if obj is not None and list(model._base_manager.filter(pk=obj.pk).values()) != row_before:
                changed.append(model._meta.verbose_name)
            problems.extend(Problem(prefix, role.value, "*", f"changed another organisation's {t}") for t in changed)
    return problems


def matrix_table() -> str:
    """The expectations as text, for a failing run's message and for people reading the tests."""
    lines = [" | ".join(["route kind", *(role.value for role in Role)])]
    for access, row in EXPECTED.items():
        lines.append(" | ".join([access.value, *(row[role].value for role in Role)]))
    lines += [f"{name} as {role.value}: {outcome.value} — {why}" for (name, role), (outcome, why) in OVERRIDES.items()]
    return "\n".join(lines)


# --- merging across organisations ---------------------------------------------------------------


def check_cross_organisation_merge(world: Any) -> list[Problem]:
    """Support staff may merge within an organisation only: as every vendor role, in the desk and the API,
    merging one of Alpha's tickets into the outsider's (and the other way) is refused and changes nothing."""
    from rest_framework.test import APIClient

    problems: list[Problem] = []
    users = role_users(world)
    pairs = ((world.alice_ticket, world.outsider_ticket), (world.outsider_ticket, world.alice_ticket))
    for role in (Role.AGENT, Role.LEAD, Role.ADMIN):
        page, api = Client(), APIClient()
        page.force_login(users[role])
        api.force_authenticate(users[role])
        for duplicate, kept in pairs:
            before = outsider_rows(world)
            answers = {
                "desk": page.post(reverse("desk:merge", kwargs={"number": duplicate.number}), {"other": kept.reference}),
                "api": api.post(
                    reverse("api:ticket-merge", kwargs={"number": duplicate.number}), {"into": kept.number}, format="json"
                ),
            }
            for where, response in answers.items():
                if response.status_code != 400:
                    problems.append(
                        Problem(
                            f"{where} merge {duplicate.reference}→{kept.reference}",
                            role.value,
                            "post",
                            f"a cross-organisation merge answered {response.status_code}",
                        )
                    )
            for table in changed_tables(before, outsider_rows(world)):
                problems.append(
                    Problem(
                        f"merge {duplicate.reference}→{kept.reference}", role.value, "post", f"changed another organisation's {table}"
                    )
                )
    return problems
