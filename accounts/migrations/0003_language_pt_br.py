"""Stored language codes follow LANGUAGES: "pt" becomes "pt-br" (Brazilian Portuguese).

A person's language was "en" by default with no way to choose it; empty now means
"follow the browser, then the organisation", so that default becomes empty.
"""

from django.db import migrations, models


def codes_forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    for app_label, model_name in (("accounts", "User"),):
        apps.get_model(app_label, model_name).objects.filter(language="pt").update(language="pt-br")
    User = apps.get_model("accounts", "User")
    User.objects.filter(language="en").update(language="")



class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_names_on_one_line'),
    ]

    operations = [
        migrations.RunPython(codes_forward, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='user',
            name='language',
            field=models.CharField(blank=True, choices=[('en', 'English'), ('es', 'Spanish'), ('pt-br', 'Brazilian Portuguese')], default='', help_text="Empty: the browser's language, else the organisation's.", max_length=8, verbose_name='language'),
        ),
    ]
