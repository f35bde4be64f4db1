"""A column per language for the admin-written texts customers and the public read.

The English text moves into its own column; the translations are the admin's to write.
"""

from django.db import migrations, models
from django.db.models import F


def english_kept(apps, schema_editor):  # type: ignore[no-untyped-def]
    ProductArea = apps.get_model("notices", "ProductArea")
    ProductArea.objects.filter(name_en__isnull=True).update(name_en=F("name"))
    ProductArea.objects.filter(description_en__isnull=True).update(description_en=F("description"))


class Migration(migrations.Migration):

    dependencies = [
        ('notices', '0002_proactive_ticket_types'),
    ]

    operations = [
        migrations.AddField(
            model_name='productarea',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='productarea',
            name='description_es',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='productarea',
            name='description_pt_br',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='productarea',
            name='name_en',
            field=models.CharField(max_length=100, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='productarea',
            name='name_es',
            field=models.CharField(max_length=100, null=True, unique=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='productarea',
            name='name_pt_br',
            field=models.CharField(max_length=100, null=True, unique=True, verbose_name='name'),
        ),
        migrations.RunPython(english_kept, migrations.RunPython.noop),
    ]
