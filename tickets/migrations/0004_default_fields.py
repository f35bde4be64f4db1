"""The fields of the shipped ticket types: seed 002 step 3 and seed 003.

Summary, description, severity and environment are columns of every ticket;
the rows below are the type-specific questions, editable in the admin.
Existing fields (same type and key) are left as an admin may have changed them.
"""

from django.db import migrations

ISSUE_TYPES = ["Integration", "ServicePoint", "Console", "Fulfillment", "API", "UX Framework", "Other"]

# key, label, kind, required, help text, choices
ISSUE_FIELDS = [
    ("retailer_ids", "Account ID / retailer IDs", "retailer_ids", True,
     "The account id, or every retailer id impacted by this issue, separated by commas.", []),
    ("issue_type", "Issue type", "choice", True,
     "Integration: external systems · ServicePoint: the in-store app · Console: orders and fulfilments on the "
     "console · Fulfillment: order and fulfilment issues · API: REST/GraphQL · UX Framework · Other.", ISSUE_TYPES),
    ("issue_start", "Issue start (UTC)", "datetime", True, "Date and time when the issue started, in UTC.", []),
    ("issue_end", "Issue end (UTC)", "datetime", False, "When the issue ended, in UTC; leave empty if it continues.", []),
    ("business_impact", "Business impact", "textarea", True,
     "How this issue impacts business operations: which processes are impacted, and the impact on your customers.", []),
    ("impacted_orders", "Orders impacted", "order_list", False,
     "Fluent ids or your references (for example the customer order reference), one per line or comma-separated. "
     "If you only give examples, also estimate the total number impacted.", []),
    ("platform_justification", "Platform issue justification", "textarea", False,
     "The investigations you have done so far and why you believe this is a platform issue rather than a rule or "
     "workflow one. Without it the ticket comes back to you to fill in; it is also used to review the severity.", []),
    ("steps_to_reproduce", "Steps to reproduce", "textarea", False,
     "Technical or business steps that reproduce the issue.", []),
    ("expected_result", "Expected result", "textarea", False, "What should happen.", []),
    ("actual_result", "Actual result", "textarea", False, "What happens instead.", []),
    ("exception_events", "Exception event ID / audit event (examples)", "textarea", False,
     "Paste the relevant exception details; large ones can be attached as files instead.", []),
    ("other_information", "Other information", "textarea", False,
     "Anything else that helps us understand, triage and resolve the issue.", []),
]

FIELDS = {
    "production-issue": ISSUE_FIELDS,
    "sandbox-issue": ISSUE_FIELDS,
    "incident": [
        ("pipeline_name", "Pipeline name", "text", True, "", []),
        ("project_name", "Project name", "text", False, "If there is one.", []),
        ("pipeline_key", "Pipeline key", "text", True, "The key of the failing pipeline.", []),
        ("error_message", "Error message", "textarea", True, "The error message, exactly as shown.", []),
        ("error_at", "Error date and time (UTC)", "datetime", True, "When the error happened, in UTC.", []),
        ("expected_behaviour", "Expected behaviour", "textarea", True, "What should have happened.", []),
        ("actual_behaviour", "Actual behaviour", "textarea", True, "What happened instead.", []),
        ("previous_analyses", "Previous analyses", "textarea", False,
         "What you have already analysed or tested, with evidence.", []),
        ("other_information", "Other information", "textarea", False,
         "Anything else that helps identify and analyse the incident.", []),
    ],
    "development-question": [
        ("integration_logic", "Integration logic and goal", "textarea", True,
         "The logic of the integration and what you are trying to achieve.", []),
        ("pipeline_name", "Pipeline name", "text", True, "", []),
    ],
    "new-support-user": [
        ("user_name", "Full name of the new user", "text", True, "", []),
        ("user_email", "Email address of the new user", "email", True,
         "The address they will sign in with and receive ticket mail at.", []),
        ("user_role", "Job title or role", "text", False, "", []),
        ("user_is_admin", "Should they be an organisation admin?", "boolean", False,
         "Admins see all of the organisation's requests, manage contacts and grant access.", []),
    ],
    "information-security": [
        ("request_kind", "What do you need?", "choice", True, "",
         ["Security questionnaire", "Certification or audit report", "Penetration test notice",
          "Policy or process review", "Other"]),
        ("documents", "Documents or processes concerned", "textarea", False, "", []),
        ("needed_by", "Needed by", "text", False, "A date, if there is a deadline.", []),
    ],
    "data-privacy": [
        ("request_kind", "Kind of request", "choice", True, "",
         ["Access to personal data", "Erasure", "Rectification", "Restriction or objection", "Other"]),
        ("data_subject", "Data subject reference", "text", True,
         "Your customer reference for the person concerned. Do not paste more personal data than needed.", []),
        ("regulation", "Regulation", "choice", False, "", ["GDPR", "LGPD", "CCPA / CPRA", "Other"]),
        ("legal_deadline", "Legal deadline", "text", False, "The date by which the request must be answered.", []),
    ],
}


def forwards(apps, schema_editor):
    TicketType = apps.get_model("tickets", "TicketType")
    TicketField = apps.get_model("tickets", "TicketField")
    for slug, fields in FIELDS.items():
        ticket_type = TicketType.objects.filter(slug=slug).first()
        if ticket_type is None:
            continue
        for order, (key, label, kind, required, help_text, choices) in enumerate(fields):
            TicketField.objects.get_or_create(
                ticket_type=ticket_type, key=key,
                defaults={"label": label, "kind": kind, "required": required, "help_text": help_text,
                          "choices": choices, "order": (order + 1) * 10},
            )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_attachments_and_field_kinds")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
