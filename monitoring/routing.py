"""Which routing rule an alert falls under, and what it asks for: read-only, shared by the intake and the admin's trial."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from customers.models import Environment, Organisation
from incidents.models import Component
from monitoring.matching import matchers_hold, matchers_parse
from monitoring.models import RoutingRule
from notices.models import ProductArea


@dataclass
class Plan:
    """What the first matching rule asks of an alert, with the objects its labels name, and what is missing."""

    rule: RoutingRule | None = None
    organisation: Organisation | None = None
    environment: Environment | None = None
    notice_kind: str = ""
    area: ProductArea | None = None
    components: dict[Component, str] = field(default_factory=dict)
    market: str = ""
    cause: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def raises_notice(self) -> bool:
        return bool(self.notice_kind and self.organisation is not None and self.area is not None)


def rules_active() -> list[RoutingRule]:
    """The rules in the order they are tried, with their components (one read per payload, not per alert)."""
    return list(
        RoutingRule.objects.filter(active=True)
        .select_related("organisation", "area")
        .prefetch_related("components")
        .order_by("order", "name", "pk")
    )


def rule_matching(*, labels: dict[str, str], rules: list[RoutingRule]) -> RoutingRule | None:
    for rule in rules:
        try:
            matchers = matchers_parse(rule.matchers)
        except ValueError:
            continue  # the admin refuses such a rule; one saved around it must not route anything
        if matchers_hold(matchers, labels):
            return rule
    return None


def alert_plan(*, labels: dict[str, str], rules: list[RoutingRule]) -> Plan:
    rule = rule_matching(labels=labels, rules=rules)
    if rule is None:
        return Plan(problems=[_("No routing rule matches these labels.")])
    plan = Plan(
        rule=rule,
        notice_kind=rule.notice_kind,
        area=rule.area,
        market=rule.market,
        cause=rule.cause,
        components=dict.fromkeys(rule.components.all(), rule.impact),
    )
    if not rule.notice_kind:
        return plan
    organisation = rule.organisation
    if organisation is None:
        account_id = labels.get(rule.organisation_label, "").strip()
        if not account_id:
            plan.problems.append(
                _("The rule reads the organisation from the label “%(label)s”, which this alert lacks.")
                % {"label": rule.organisation_label}
            )
            return plan
        organisation = Organisation.objects.filter(account_id=account_id, contract_active=True).first()
        if organisation is None:
            plan.problems.append(_("No organisation with an active contract has the account id “%(id)s”.") % {"id": account_id})
            return plan
    plan.organisation = organisation
    name = rule.environment.strip() or (labels.get(rule.environment_label, "").strip() if rule.environment_label else "")
    if name:
        plan.environment = Environment.objects.filter(organisation=organisation, name=name).first()
        if plan.environment is None:
            plan.problems.append(
                _("%(organisation)s has no environment “%(name)s”: the notice names none.")
                % {"organisation": organisation.name, "name": name}
            )
    if rule.area is None:
        plan.problems.append(_("The rule names no product area: no notice is raised."))
    return plan
