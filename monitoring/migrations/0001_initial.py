# ServiceKey moves here from notices. Its table stays as it is in this step: the
# state learns of the model under its old table name, and nothing is written.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('notices', '0002_proactive_ticket_types'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ServiceKey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text='Who uses it, for example “Datadog monitors”.', max_length=100, unique=True, verbose_name='name')),
                        ('key_hash', models.CharField(editable=False, max_length=64, unique=True, verbose_name='key hash')),
                        ('key_hint', models.CharField(editable=False, max_length=16, verbose_name='key starts with')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('last_used_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='last used')),
                    ],
                    options={
                        'verbose_name': 'service key',
                        'verbose_name_plural': 'service keys',
                        'ordering': ['name'],
                        'db_table': 'notices_servicekey',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
