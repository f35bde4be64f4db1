"""A column per language for the admin-written texts customers read; filled by the next migration."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sla', '0007_dashboard_breached_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='severity',
            name='definition_en',
            field=models.TextField(null=True, verbose_name='definition'),
        ),
        migrations.AddField(
            model_name='severity',
            name='definition_es',
            field=models.TextField(null=True, verbose_name='definition'),
        ),
        migrations.AddField(
            model_name='severity',
            name='definition_pt_br',
            field=models.TextField(null=True, verbose_name='definition'),
        ),
        migrations.AddField(
            model_name='severity',
            name='name_en',
            field=models.CharField(max_length=40, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='severity',
            name='name_es',
            field=models.CharField(max_length=40, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='severity',
            name='name_pt_br',
            field=models.CharField(max_length=40, null=True, verbose_name='name'),
        ),
    ]
