from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from monitoring.models import RoutingRule, ServiceKey


class ServiceKeyFactory(DjangoModelFactory):
    """A service key; its secret, shown once in the admin, is on ``secret`` for the test."""

    class Meta:
        model = ServiceKey
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Monitoring {n}")

    @classmethod
    def _create(cls, model_class: type[ServiceKey], *args: Any, **kwargs: Any) -> ServiceKey:
        service_key = model_class(*args, **kwargs)
        service_key.secret = service_key.generate()  # type: ignore[attr-defined]
        service_key.save()
        return service_key


class RoutingRuleFactory(DjangoModelFactory):
    class Meta:
        model = RoutingRule
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Rule {n}")
    matchers = 'team="checkout"'

    @factory.post_generation
    def components(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.components.set(extracted)
