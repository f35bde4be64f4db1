"""A column per language for the admin-written texts customers read; filled by the next migration."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0009_satisfaction_rating'),
    ]

    operations = [
        migrations.AddField(
            model_name='ticketfield',
            name='choices_en',
            field=models.JSONField(blank=True, default=list, help_text='For “one of a list”: a JSON list of strings.', null=True, verbose_name='choices'),
        ),
        migrations.AddField(
            model_name='ticketfield',
            name='choices_es',
            field=models.JSONField(blank=True, default=list, help_text='For “one of a list”: a JSON list of strings.', null=True, verbose_name='choices'),
        ),
        migrations.AddField(
            model_name='ticketfield',
            name='choices_pt_br',
            field=models.JSONField(blank=True, default=list, help_text='For “one of a list”: a JSON list of strings.', null=True, verbose_name='choices'),
        ),
        migrations.AddField(
            model_name='ticketfield',
            name='help_text_en',
            field=models.TextField(blank=True, null=True, verbose_name='help text'),
        ),
        migrations.AddField(
            model_name='ticketfield',
            name='help_text_es',
            field=models.TextField(blank=True, null=True, verbose_name='help text'),
        ),
        migrations.AddField(
            model_name='ticketfield',
            name='help_text_pt_br',
            field=models.TextField(blank=True, null=True, verbose_name='help text'),
        ),
        migrations.AddField(
            model_name='ticketfield',
            name='label_en',
            field=models.CharField(max_length=200, null=True, verbose_name='label'),
        ),
        migrations.AddField(
            model_name='ticketfield',
            name='label_es',
            field=models.CharField(max_length=200, null=True, verbose_name='label'),
        ),
        migrations.AddField(
            model_name='ticketfield',
            name='label_pt_br',
            field=models.CharField(max_length=200, null=True, verbose_name='label'),
        ),
        migrations.AddField(
            model_name='tickettype',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='tickettype',
            name='description_es',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='tickettype',
            name='description_pt_br',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='tickettype',
            name='name_en',
            field=models.CharField(max_length=100, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='tickettype',
            name='name_es',
            field=models.CharField(max_length=100, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='tickettype',
            name='name_pt_br',
            field=models.CharField(max_length=100, null=True, verbose_name='name'),
        ),
    ]
