"""Demo organisations, people and a few tickets. Idempotent: safe to run again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from django.db import transaction

from accounts.models import User
from customers.models import Contact, Environment, Membership, Organisation
from sla.models import Severity, SupportTier
from tickets.models import TicketType
from tickets.services import ticket_create

DEMO_PASSWORD = "supportdesk"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    where: str


class _OrganisationSpec(TypedDict):
    name: str
    account_id: str
    tier: str
    timezone: str
    language: str
    retailer_ids: str
    executive: tuple[str, str]
    escalation: str
    contacts: list[tuple[str, str, Contact.Kind, Contact.EmergencyRole]]
    users: list[tuple[str, str, bool]]


STAFF = [
    ("sam@supportdesk.example", "Sam Rivera", User.Role.AGENT, "America/Chicago"),
    ("priya@supportdesk.example", "Priya Shah", User.Role.AGENT, "Europe/Madrid"),
    ("lee@supportdesk.example", "Lee Morgan", User.Role.LEAD, "America/Chicago"),
    ("admin@supportdesk.example", "Alex Admin", User.Role.ADMIN, "UTC"),
]

ORGANISATIONS: list[_OrganisationSpec] = [
    {
        "name": "Northwind Retail",
        "account_id": "NW-1001",
        "tier": "Premium",
        "timezone": "America/New_York",
        "language": "en",
        "retailer_ids": "NW-US, NW-CA, NW-UK",
        "executive": ("Dana Fox", "dana.fox@supportdesk.example"),
        "escalation": "escalations@northwind.example",
        "contacts": [
            ("Nadia Novak", "nadia@northwind.example", Contact.Kind.PERSON, Contact.EmergencyRole.REGISTERED),
            ("Ops alerts", "ops-alerts@northwind.example", Contact.Kind.DISTRIBUTION_LIST, Contact.EmergencyRole.ADDITIONAL),
            ("Omar Haddad", "omar@northwind.example", Contact.Kind.PERSON, Contact.EmergencyRole.ADDITIONAL),
        ],
        "users": [("nina@northwind.example", "Nina Park", False), ("nora@northwind.example", "Nora Quinn", True)],
    },
    {
        "name": "Globex Logistics",
        "account_id": "GX-2002",
        "tier": "Advanced",
        "timezone": "Europe/Madrid",
        "language": "es",
        "retailer_ids": "GX-ES, GX-PT",
        "executive": ("Marco Ruiz", "marco.ruiz@supportdesk.example"),
        "escalation": "escalado@globex.example",
        "contacts": [
            ("Gabriela Torres", "gabriela@globex.example", Contact.Kind.PERSON, Contact.EmergencyRole.REGISTERED),
            ("Soporte TI", "soporte@globex.example", Contact.Kind.DISTRIBUTION_LIST, Contact.EmergencyRole.ADDITIONAL),
        ],
        "users": [("gus@globex.example", "Gustavo Lima", False), ("gina@globex.example", "Gina Alves", True)],
    },
    {
        "name": "Initech Commerce",
        "account_id": "IN-3003",
        "tier": "Break-Fix",
        "timezone": "America/Sao_Paulo",
        "language": "pt-br",
        "retailer_ids": "IN-BR",
        "executive": ("Rui Costa", "rui.costa@supportdesk.example"),
        "escalation": "",
        "contacts": [
            ("Isabel Rocha", "isabel@initech.example", Contact.Kind.PERSON, Contact.EmergencyRole.REGISTERED),
        ],
        "users": [("ivan@initech.example", "Ivan Souza", False), ("iris@initech.example", "Iris Mendes", True)],
    },
]

TICKETS: dict[str, list[tuple[str, int | None, str | None, str]]] = {
    "NW-1001": [
        ("production-issue", 1, "live1", "Orders stuck in AWAITING_PICK since 09:10 UTC"),
        ("sandbox-issue", 3, "test1", "GraphQL mutation rejects a valid fulfilment location"),
    ],
    "GX-2002": [("production-issue", 2, "live1", "Inventory feed delayed by about two hours")],
    "IN-3003": [("development-question", None, None, "How do I retry a failed pipeline step?")],
}


def _user(email: str, full_name: str, role: str, timezone: str = "UTC") -> User:
    user: User
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"full_name": full_name, "role": role, "timezone": timezone},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        if role == User.Role.ADMIN:
            user.is_staff = True
            user.is_superuser = True
        user.save()
    return user


def _demo_details(slug: str, organisation: Organisation) -> dict[str, object]:
    """Answers to the type's required questions (the portal demands them)."""
    from tickets.demo import issue_details

    if slug in ("production-issue", "sandbox-issue"):
        return issue_details(organisation, issue_type="Fulfillment", justification="Unchanged workflow since last week.")
    if slug == "development-question":
        return {"integration_logic": "Retry a failed step before alerting.", "pipeline_name": "order-export"}
    return {}


@transaction.atomic
def seed() -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    for email, name, role, timezone in STAFF:
        _user(email, name, role, timezone)
        logins.append(DemoLogin(email, str(User.Role(role).label), "/admin/" if role == User.Role.ADMIN else "/desk/"))

    for spec in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            account_id=spec["account_id"],
            defaults={
                "name": spec["name"],
                "tier": SupportTier.objects.get(name=spec["tier"]),
                "timezone": spec["timezone"],
                "language": spec["language"],
                "retailer_ids": spec["retailer_ids"],
                "account_executive_name": spec["executive"][0],
                "account_executive_email": spec["executive"][1],
                "escalation_email": spec["escalation"],
            },
        )
        Environment.objects.get_or_create(organisation=organisation, name="live1", defaults={"kind": Environment.Kind.PRODUCTION})
        Environment.objects.get_or_create(organisation=organisation, name="test1", defaults={"kind": Environment.Kind.SANDBOX})
        for order, (name, email, kind, emergency_role) in enumerate(spec["contacts"]):
            Contact.objects.get_or_create(
                organisation=organisation,
                email=email,
                defaults={
                    "name": name,
                    "kind": kind,
                    "emergency_role": emergency_role,
                    "emergency_order": order,
                    "language": spec["language"],
                },
            )
        for email, name, is_admin in spec["users"]:
            user = _user(email, name, User.Role.CUSTOMER, spec["timezone"])
            Membership.objects.get_or_create(user=user, defaults={"organisation": organisation, "is_admin": is_admin})
            who = "Customer admin" if is_admin else "Customer"
            logins.append(DemoLogin(email, f"{who}, {organisation.name} ({spec['tier']})", "/portal/"))

        if not organisation.tickets.exists():
            requester = User.objects.get(email=spec["users"][0][0])
            for slug, level, environment, summary in TICKETS.get(spec["account_id"], []):
                ticket_create(
                    organisation=organisation,
                    ticket_type=TicketType.objects.get(slug=slug),
                    summary=summary,
                    description="Filed by the demo data so that the queue has something in it.",
                    requester_user=requester,
                    severity=Severity.objects.get(level=level) if level else None,
                    environment=organisation.environments.get(name=environment) if environment else None,
                    details=_demo_details(slug, organisation),
                )
    return logins
