"""The desk queue's join to unacknowledged acknowledgement clocks."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sla', '0004_next_update_targets'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='slaclock',
            index=models.Index(condition=models.Q(('metric', 'ack'), ('state__in', ['running', 'paused'])), fields=['ticket', 'due_at', 'state', 'breached_at'], name='sla_clock_ack_open'),
        ),
    ]
