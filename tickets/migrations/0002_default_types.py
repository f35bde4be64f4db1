"""The ticket types of seeds 000, 002 and 003; their fields come with the portal."""

from django.db import migrations

TYPES = [
    ("production-issue", "Production issue", "issue", "production", True, True, "Issues related to the Production environment."),
    ("sandbox-issue", "Sandbox issue", "issue", "sandbox", True, True, "Issues related to the Sandbox environment."),
    ("incident", "Incident", "issue", "", True, True, "A pipeline or integration failing in any environment."),
    ("development-question", "Development question", "question", "", False, True, "How to build or use something on the platform."),
    ("new-support-user", "Request new support user", "request", "", False, True, "Give a colleague access to the support portal."),
    ("information-security", "Information security request", "request", "", False, True, "Ask to review information security documents or processes."),
    ("data-privacy", "Data privacy request", "request", "", False, True, "A data privacy request to be actioned."),
    ("proactive-alert", "Proactive alert", "proactive", "", True, False, "We found an issue affecting your integration; action is required."),
    ("proactive-warning", "Proactive warning", "proactive", "", False, False, "We found something that should be addressed, not yet causing disruption."),
]


def forwards(apps, schema_editor):
    TicketType = apps.get_model("tickets", "TicketType")
    for order, (slug, name, category, environment_kind, asks_severity, customer_can_file, description) in enumerate(TYPES):
        TicketType.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "category": category,
                "environment_kind": environment_kind,
                "asks_severity": asks_severity,
                "customer_can_file": customer_can_file,
                "description": description,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
