"""Open tickets for the desk queue, and full-text search over tickets and comments.

The GIN indexes are PostgreSQL only: SQLite runs keep them in the model state
but build nothing (the search falls back to substrings there).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

from supportdesk.migration_ops import AddIndexOnPostgres


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0004_default_fields'),
    ]

    operations = [
        AddIndexOnPostgres(
            model_name='comment',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.SearchVector('body', config='simple'), name='comment_search'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('status__in', ['new', 'open', 'waiting_customer', 'waiting_vendor'])), fields=['severity', 'created_at', 'id', 'assignee', 'status', 'organisation'], name='ticket_open_queue'),
        ),
        AddIndexOnPostgres(
            model_name='ticket',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.SearchVector('summary', 'description', config='simple'), name='ticket_search'),
        ),
    ]
