"""Stored language codes follow LANGUAGES: "pt" becomes "pt-br" (Brazilian Portuguese).
"""

from django.db import migrations, models


def codes_forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    for app_label, model_name in (("incidents", "Subscriber"),):
        apps.get_model(app_label, model_name).objects.filter(language="pt").update(language="pt-br")


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0002_affected_organisations'),
    ]

    operations = [
        migrations.RunPython(codes_forward, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='subscriber',
            name='language',
            field=models.CharField(choices=[('en', 'English'), ('es', 'Spanish'), ('pt-br', 'Brazilian Portuguese')], default='en', max_length=8, verbose_name='language'),
        ),
    ]
