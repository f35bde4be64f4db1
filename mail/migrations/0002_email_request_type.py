"""The ticket type a new mail to support becomes (support files it; customers use the portal's)."""

from django.db import migrations


def forwards(apps, schema_editor):
    TicketType = apps.get_model("tickets", "TicketType")
    TicketType.objects.get_or_create(
        slug="email-request",
        defaults={
            "name": "Email request",
            "category": "request",
            "customer_can_file": False,
            "description": "A request that arrived by email.",
            "order": 90,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("mail", "0001_initial"), ("tickets", "0002_default_types")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
