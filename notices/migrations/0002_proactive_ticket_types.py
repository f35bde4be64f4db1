"""The two ticket types a notice becomes, in case an installation lacks them."""

from django.db import migrations

TYPES = [
    ("proactive-alert", "Proactive alert", "We found an issue affecting your integration; action is required."),
    ("proactive-warning", "Proactive warning", "We found something that should be addressed, not yet causing disruption."),
]


def forwards(apps, schema_editor):
    TicketType = apps.get_model("tickets", "TicketType")
    for slug, name, description in TYPES:
        TicketType.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "category": "proactive", "customer_can_file": False, "description": description, "order": 80},
        )


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial"), ("tickets", "0002_default_types")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
