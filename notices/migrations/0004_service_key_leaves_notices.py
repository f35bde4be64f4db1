# Nothing points at notices.ServiceKey any more: it leaves the state. Its table
# is monitoring's now (renamed there), so nothing is dropped.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0003_service_key_moves_to_monitoring'),
        ('notices', '0003_service_key_moves_to_monitoring'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ServiceKey')],
            database_operations=[],
        ),
    ]
