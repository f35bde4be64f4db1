"""Ship seed 004's tiers, severities and standard hours as editable defaults."""

from datetime import timedelta

from django.db import migrations

SEVERITIES = [
    (1, "Critical", "The service is completely down or inaccessible, resulting in a major business impact."),
    (2, "High", "Major functionality is severely impacted but not completely unavailable, causing some disruption to users or business processes."),
    (3, "Medium", "Partial functionality is affected, may interfere with a project but does not have current business impact."),
    (4, "Low", "Minor functionality is impacted, resulting in minimal disruption or inconvenience to users."),
    (5, "Cosmetic", "Non-critical issues related to visual or aesthetic aspects of the product, without significant impact on functionality or user experience."),
]

STANDARD = "Standard hours (Mon–Fri 08:00–17:00 US Central)"
ALWAYS = "24/7"

# tier: [(severity, hours, calendar, escalation eligible)]
TIERS = {
    "Break-Fix": ("Included in the licence: critical issues, standard hours.", [(1, 24, STANDARD, True), (2, 24, STANDARD, True)]),
    "Advanced": ("Faster break/fix response, standard hours.", [(1, 12, STANDARD, True), (2, 12, STANDARD, True)]),
    "Premium": (
        "24/7 for Critical and High; standard hours for the rest.",
        [(1, 2, ALWAYS, True), (2, 4, ALWAYS, True), (3, 8, STANDARD, True), (4, 24, STANDARD, False), (5, 48, STANDARD, False)],
    ),
}


def forwards(apps, schema_editor):
    Severity = apps.get_model("sla", "Severity")
    Calendar = apps.get_model("sla", "Calendar")
    CalendarInterval = apps.get_model("sla", "CalendarInterval")
    SupportTier = apps.get_model("sla", "SupportTier")
    SlaTarget = apps.get_model("sla", "SlaTarget")

    for level, name, definition in SEVERITIES:
        Severity.objects.update_or_create(level=level, defaults={"name": name, "definition": definition})

    standard, created = Calendar.objects.get_or_create(
        name=STANDARD, defaults={"timezone": "America/Chicago", "holiday_country": "US"},
    )
    if created:
        for weekday in range(5):
            CalendarInterval.objects.create(calendar=standard, weekday=weekday, start="08:00", end="17:00")
    always, created = Calendar.objects.get_or_create(name=ALWAYS, defaults={"timezone": "UTC"})
    if created:
        for weekday in range(7):
            CalendarInterval.objects.create(calendar=always, weekday=weekday, start="00:00", end="24:00")
    calendars = {STANDARD: standard, ALWAYS: always}

    for tier_name, (description, targets) in TIERS.items():
        tier, _ = SupportTier.objects.get_or_create(name=tier_name, defaults={"description": description})
        for level, hours, calendar_name, eligible in targets:
            SlaTarget.objects.get_or_create(
                tier=tier, severity_id=level, metric="ack",
                defaults={
                    "duration": timedelta(hours=hours),
                    "calendar": calendars[calendar_name],
                    "escalation_eligible": eligible,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
