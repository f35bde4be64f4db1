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
            organisation=self, email=f"emergency@{slug}.example",
            defaults={"name": f"{self.name} on call", "emergency_role": Contact.EmergencyRole.REGISTERED},
        )
        Contact.objects.get_or_create(
            organisation=self, email=f"ops-list@{slug}.example",
            defaults={"name": f"{self.name} ops list", "kind": Contact.Kind.DISTRIBUTION_LIST,
                      "emergency_role": Contact.EmergencyRole.ADDITIONAL, "emergency_order": 1},
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


def TicketFactory(
    *,
    organisation: Organisation,
    requester_user: User | None = None,
    summary: str = "Something is wrong",
    type_slug: str = "development-question",
    severity: int | None = None,
    **kwargs: Any,
) -> Any:
    """Tickets are filed through the service, so that they are born as the product files them."""
    return ticket_create(
        organisation=organisation,
        ticket_type=TicketType.objects.get(slug=type_slug),
        summary=summary,
        description=kwargs.pop("description", "Details of the problem."),
        requester_user=requester_user,
        requester_contact=kwargs.pop("requester_contact", None)
        or (None if requester_user else organisation.registered_emergency_contact),
        severity=Severity.objects.get(level=severity) if severity else None,
        **kwargs,
    )
