"""Demo tickets for each demo organisation, filed as customers file them. Idempotent.

A ticket is recognised by its organisation and summary, so a second run adds
nothing; comments, files and status changes are only made on first creation.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from customers.models import Organisation
from tickets.models import Ticket, TicketType
from tickets.services import attachments_add, ticket_create
from tickets.workflow import comment_add, ticket_assign, ticket_send_back, ticket_status_change

# A tiny valid PNG (1×1, blue), so that image previews show something.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360a8f80f00020301809f5a5d8b0000000049454e44ae426082"
)


def _when(days: int, hour: int) -> str:
    moment = (timezone.now() - timedelta(days=days)).astimezone(UTC).replace(hour=hour, minute=10, second=0, microsecond=0)
    return moment.isoformat()


def issue_details(
    organisation: Organisation,
    *,
    issue_type: str,
    justification: str = "",
    days: int = 1,
    orders: list[str] | None = None,
    estimate: int | None = None,
) -> dict[str, Any]:
    details: dict[str, Any] = {
        "retailer_ids": organisation.retailer_id_list[:2] or [organisation.account_id],
        "issue_type": issue_type,
        "issue_start": _when(days, 9),
        "business_impact": "Store teams cannot complete web orders; customers are waiting for collection.",
        "steps_to_reproduce": "1. Create a click & collect order\n2. Allocate it to a store\n3. Open it in ServicePoint",
        "expected_result": "The order moves to AWAITING_PICK and appears in the pick list.",
        "actual_result": "The order stays in CREATED and the workflow logs a timeout.",
    }
    if orders:
        details["impacted_orders"] = {
            "orders": orders,
            "scope": "examples" if estimate else "complete",
            "estimated_total": estimate,
        }
    if justification:
        details["platform_justification"] = justification
    return details


def _specs(organisation: Organisation) -> list[dict[str, Any]]:
    account = organisation.account_id
    return [
        {
            "type": "production-issue",
            "severity": 1,
            "environment": "live1",
            "summary": f"{account}: orders stuck in CREATED since this morning",
            "description": "No click & collect order has progressed since 09:10 UTC across all stores.",
            "details": issue_details(
                organisation,
                issue_type="Fulfillment",
                orders=["CO-10021", "CO-10022", "CO-10035"],
                estimate=420,
                justification="No workflow or rule change since Friday's release; the same order flow works in sandbox.",
            ),
            "reply": "We can reproduce it and are working with the platform team. Next update within the hour.",
            "status": Ticket.Status.OPEN,
            "file": ("timeout.png", PNG),
        },
        {
            "type": "production-issue",
            "severity": 2,
            "environment": "live1",
            "summary": "Inventory feed delayed by about two hours",
            "description": "The nightly inventory batch finished at 04:50 instead of 02:45.",
            "details": issue_details(organisation, issue_type="Integration", days=2),
            "sent_back": True,
        },
        {
            "type": "sandbox-issue",
            "severity": 3,
            "environment": "test1",
            "summary": "GraphQL mutation rejects a valid fulfilment location",
            "description": "updateFulfilment returns 400 for location ref LOC-7 which exists.",
            "details": issue_details(organisation, issue_type="API", days=5),
            "reply": "Fixed in the sandbox by redeploying the rule set. Can you confirm?",
            "status": Ticket.Status.RESOLVED,
        },
        {
            "type": "development-question",
            "severity": None,
            "environment": "test1",
            "summary": "How do I retry a failed pipeline step?",
            "description": "We want failed webhook deliveries to be retried three times before alerting.",
            "details": {"integration_logic": "Order created → enrich → send to WMS webhook.", "pipeline_name": "wms-export"},
        },
        {
            "type": "information-security",
            "severity": None,
            "environment": None,
            "summary": "Latest SOC 2 report for our vendor review",
            "description": "Our annual vendor review needs the most recent SOC 2 Type II report.",
            "details": {"request_kind": "Certification or audit report", "needed_by": "end of the month"},
            "status": Ticket.Status.CLOSED,
        },
    ]


@transaction.atomic
def seed() -> None:
    agent = User.objects.filter(email="sam@supportdesk.example").first()
    severities = apps.get_model("sla", "Severity")  # the SLA's, seeded before the tickets
    for organisation in Organisation.objects.filter(account_id__in=["NW-1001", "GX-2002", "IN-3003"]):
        requester = User.objects.filter(membership__organisation=organisation).order_by("email").first()
        if requester is None:
            continue
        for spec in _specs(organisation):
            if organisation.tickets.filter(summary=spec["summary"]).exists():
                continue
            environment = organisation.environments.filter(name=spec["environment"]).first() if spec["environment"] else None
            ticket = ticket_create(
                organisation=organisation,
                ticket_type=TicketType.objects.get(slug=spec["type"]),
                summary=spec["summary"],
                description=spec["description"],
                requester_user=requester,
                severity=severities.objects.filter(level=spec["severity"]).first() if spec["severity"] else None,
                environment=environment,
                details=spec["details"],
                cc_contacts=organisation.contacts.all()[:1],
            )
            if spec.get("file"):
                name, content = spec["file"]
                attachments_add(ticket=ticket, uploads=[SimpleUploadedFile(name, content)], uploaded_by=requester)
            if spec.get("sent_back"):
                ticket_send_back(
                    ticket=ticket,
                    actor=None,
                    actor_label="Supportdesk",
                    message=("Please tell us why you believe this is a platform issue: what you investigated and what it showed."),
                )
            if agent is not None and spec.get("reply"):
                ticket_assign(ticket=ticket, actor=agent, assignee=agent)
                comment_add(ticket=ticket, author=agent, body="Checked the workflow logs; platform side.", is_internal=True)
                comment_add(ticket=ticket, author=agent, body=spec["reply"])
            if agent is not None and spec.get("status") in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
                ticket_status_change(ticket=ticket, actor=agent, status=spec["status"], reason="Confirmed fixed.")
