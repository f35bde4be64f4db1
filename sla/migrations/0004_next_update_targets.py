"""Ship the second kind of target: Premium promises an update every hour on a
Critical ticket and every four hours on a High one, around the clock."""

from datetime import timedelta

from django.db import migrations

ALWAYS = "24/7"
UPDATES = [("Premium", 1, 1), ("Premium", 2, 4)]


def forwards(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    SupportTier = apps.get_model("sla", "SupportTier")
    SlaTarget = apps.get_model("sla", "SlaTarget")
    always = Calendar.objects.filter(name=ALWAYS).first()
    if always is None:
        return
    for tier_name, level, hours in UPDATES:
        tier = SupportTier.objects.filter(name=tier_name).first()
        if tier is None:
            continue
        SlaTarget.objects.get_or_create(
            tier=tier, severity_id=level, metric="update",
            defaults={
                "duration": timedelta(hours=hours),
                "calendar": always,
                # A late update warns the assignee; only the acknowledgement window escalates.
                "escalation_eligible": False,
                "pauses_while_waiting": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_clocks_and_escalations")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
