"""factory_boy factories for the core models."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from customers.models import Contact, Environment, Membership, Organisation
from sla.models import Severity, SupportTier
from tickets.models import TicketType
from tickets.services import ticket_create


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("account_id",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    account_id = factory.Sequence(lambda n: f"ACC-{n:04d}")
    tier = factory.LazyFunction(lambda: SupportTier.objects.get(name="Premium"))
    timezone = "America/Chicago"
    retailer_ids = "R1, R2"

    @factory.post_generation
    def defaults(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        Environment.objects.get_or_create(organisation=self, name="live1", defaults={"kind": Environment.Kind.PRODUCTION})
        Environment.objects.get_or_create(organisation=self, name="test1", defaults={"kind": Environment.Kind.SANDBOX})
        slug = self.account_id.lower()
        Contact.objects.get_or_create(
            organisation=self,
            email=f"emergency@{slug}.example",
            defaults={"name": f"{self.name} on call", "emergency_role": Contact.EmergencyRole.REGISTERED},
        )
        Contact.objects.get_or_create(
            organisation=self,
            email=f"ops-list@{slug}.example",
            defaults={
                "name": f"{self.name} ops list",
                "kind": Contact.Kind.DISTRIBUTION_LIST,
                "emergency_role": Contact.EmergencyRole.ADDITIONAL,
                "emergency_order": 1,
            },
        )


class UserFactory(DjangoModelFactory):
    """A user; pass organisation= (and org_admin=True) for a customer of that organisation."""

    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = User.Role.CUSTOMER

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        organisation = kwargs.pop("organisation", None)
        org_admin = kwargs.pop("org_admin", False)
        password = kwargs.pop("password", "password")
        user = super()._create(model_class, *args, **kwargs)
        user.set_password(password)
        user.save(update_fields=["password"])
        if organisation is not None:
            Membership.objects.get_or_create(user=user, defaults={"organisation": organisation, "is_admin": org_admin})
        return user


def required_details(ticket_type: TicketType, organisation: Organisation) -> dict[str, Any]:
    """Plausible answers to a type's required fields."""
    samples: dict[str, Any] = {
        "text": "sample",
        "textarea": "Sample answer.",
        "datetime": "2026-11-20T09:00:00+00:00",
        "id_list": ["X1"],
        "integer": 1,
        "email": "someone@example.com",
        "boolean": False,
        "retailer_ids": [organisation.account_id],
        "order_list": {"orders": ["ORD-1"], "scope": "complete"},
    }
    answers = {}
    for field in ticket_type.fields.filter(required=True):
        answers[field.key] = field.choices[0] if field.kind == "choice" else samples.get(field.kind, "sample")
    return answers


def TicketFactory(
    *,
    organisation: Organisation,
    requester_user: User | None = None,
    summary: str = "Something is wrong",
    type_slug: str = "development-question",
    severity: int | None = None,
    **kwargs: Any,
) -> Any:
    """Tickets are filed through the service, so that they are born as the product files them.

    Required answers of the type's fields are filled in unless given.
    """
    ticket_type = TicketType.objects.get(slug=type_slug)
    details = {**required_details(ticket_type, organisation), **kwargs.pop("details", {})}
    return ticket_create(
        organisation=organisation,
        ticket_type=ticket_type,
        details=details,
        summary=summary,
        description=kwargs.pop("description", "Details of the problem."),
        requester_user=requester_user,
        requester_contact=kwargs.pop("requester_contact", None)
        or (None if requester_user else organisation.registered_emergency_contact),
        severity=Severity.objects.get(level=severity) if severity else None,
        **kwargs,
    )


def AttachmentFactory(
    *, ticket: Any, uploaded_by: User | None = None, name: str = "notes.txt", content: bytes = b"some notes", comment: Any = None
) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tickets.services import attachments_add

    upload = SimpleUploadedFile(name, content, content_type="text/plain")
    return attachments_add(ticket=ticket, uploads=[upload], uploaded_by=uploaded_by, comment=comment)[0]


def AccessGrantFactory(*, organisation: Organisation, granted_by: User, hours: int = 4, **kwargs: Any) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from customers.models import AccessGrant

    now = timezone.now()
    return AccessGrant.objects.create(
        organisation=organisation,
        environment=organisation.environments.get(name="live1"),
        level=kwargs.pop("level", AccessGrant.Level.ELEVATED),
        starts_at=kwargs.pop("starts_at", now),
        ends_at=kwargs.pop("ends_at", now + timedelta(hours=hours)),
        reason=kwargs.pop("reason", "CANARY-outsider grant"),
        granted_by=granted_by,
        **kwargs,
    )
