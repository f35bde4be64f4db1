"""Stored language codes follow LANGUAGES: "pt" becomes "pt-br" (Brazilian Portuguese).
"""

from django.db import migrations


def codes_forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    for app_label, model_name in (("notifications", "OutboundEmail"),):
        apps.get_model(app_label, model_name).objects.filter(language="pt").update(language="pt-br")


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0004_outbox_enqueued_at'),
    ]

    operations = [
        migrations.RunPython(codes_forward, migrations.RunPython.noop),
    ]
