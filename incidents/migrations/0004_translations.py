"""A column per language for the admin-written texts customers and the public read.

The English text moves into its own column; the translations are the admin's to write.
"""

from django.db import migrations, models
from django.db.models import F


def english_kept(apps, schema_editor):  # type: ignore[no-untyped-def]
    ComponentGroup = apps.get_model("incidents", "ComponentGroup")
    ComponentGroup.objects.filter(name_en__isnull=True).update(name_en=F("name"))
    ComponentGroup.objects.filter(description_en__isnull=True).update(description_en=F("description"))
    Component = apps.get_model("incidents", "Component")
    Component.objects.filter(name_en__isnull=True).update(name_en=F("name"))
    Component.objects.filter(description_en__isnull=True).update(description_en=F("description"))


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0003_language_pt_br'),
    ]

    operations = [
        migrations.AddField(
            model_name='component',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='component',
            name='description_es',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='component',
            name='description_pt_br',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='component',
            name='name_en',
            field=models.CharField(max_length=120, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='component',
            name='name_es',
            field=models.CharField(max_length=120, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='component',
            name='name_pt_br',
            field=models.CharField(max_length=120, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='componentgroup',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='componentgroup',
            name='description_es',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='componentgroup',
            name='description_pt_br',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='componentgroup',
            name='name_en',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='componentgroup',
            name='name_es',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='componentgroup',
            name='name_pt_br',
            field=models.CharField(max_length=120, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddConstraint(
            model_name='component',
            constraint=models.UniqueConstraint(fields=('group', 'name_en'), name='component_unique_name_in_group-en'),
        ),
        migrations.AddConstraint(
            model_name='component',
            constraint=models.UniqueConstraint(fields=('group', 'name_es'), name='component_unique_name_in_group-es'),
        ),
        migrations.AddConstraint(
            model_name='component',
            constraint=models.UniqueConstraint(fields=('group', 'name_pt_br'), name='component_unique_name_in_group-pt-br'),
        ),
        migrations.RunPython(english_kept, migrations.RunPython.noop),
    ]
