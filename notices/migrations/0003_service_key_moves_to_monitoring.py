# Notice.service_key now points at monitoring.ServiceKey: the same table, so the
# database keeps its column and constraint; only the migration state changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0001_initial'),
        ('notices', '0002_proactive_ticket_types'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='notice',
                    name='service_key',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='monitoring.servicekey', verbose_name='service key'),
                ),
            ],
            database_operations=[],
        ),
    ]
