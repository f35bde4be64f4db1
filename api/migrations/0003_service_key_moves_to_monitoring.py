# IdempotencyKey.service_key now points at monitoring.ServiceKey: the same table,
# so only the migration state changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0002_idempotency_keys_of_service_keys'),
        ('monitoring', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='idempotencykey',
                    name='service_key',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='monitoring.servicekey'),
                ),
            ],
            database_operations=[],
        ),
    ]
