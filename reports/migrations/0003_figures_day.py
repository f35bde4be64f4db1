"""The daily roll-up of the kept figures: its table and the triggers that keep it, on PostgreSQL only
(SQLite reports count from the tickets), then every cell computed from the figures rows."""

import django.contrib.postgres.fields
from django.db import migrations, models


class CreateModelOnPostgresql(migrations.CreateModel):
    """In the state everywhere; a table on PostgreSQL only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor is None or schema_editor.connection.vendor != "postgresql":
        return  # None: the tests' replay of the data migrations after a flush, the triggers in place already
    from reports.rollup import INSTALL

    schema_editor.execute(INSTALL)


def uninstall(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        from reports.rollup import UNINSTALL

        schema_editor.execute(UNINSTALL)


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The live function on purpose: the cells must be exactly what the triggers keep.
    from reports.rollup import rollup_rebuild

    rollup_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_ticket_figures_backfill"),
    ]

    operations = [
        CreateModelOnPostgresql(
            name="FiguresDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=12)),
                ("day", models.DateField()),
                ("key", models.IntegerField()),
                ("filed", models.IntegerField(default=0)),
                ("with_target", models.IntegerField(default=0)),
                ("met", models.IntegerField(default=0)),
                ("breached", models.IntegerField(default=0)),
                ("acknowledged", models.IntegerField(default=0)),
                ("escalations_automatic", models.IntegerField(default=0)),
                ("escalations_customer", models.IntegerField(default=0)),
                ("rated", models.IntegerField(default=0)),
                ("rated_good", models.IntegerField(default=0)),
                ("business", django.contrib.postgres.fields.ArrayField(base_field=models.FloatField(), default=list, size=None)),
                ("wall", django.contrib.postgres.fields.ArrayField(base_field=models.FloatField(), default=list, size=None)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("kind", "day", "key"), name="reports_figuresday_cell")],
            },
        ),
        migrations.AddIndex(
            model_name="ticketfigures",
            index=models.Index(
                condition=models.Q(("outcome", "running")),
                fields=["filed_at"],
                include=("tier", "organisation", "severity", "ticket_type", "due_at"),
                name="reports_figures_running",
            ),
        ),
        migrations.RunPython(install, uninstall),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
