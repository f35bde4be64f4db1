"""Every existing ticket gets its figures row, computed by the same function that keeps them in step."""

from django.db import migrations


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The live function on purpose: the rows must be exactly what the receivers would write.
    from reports.figures import figures_rebuild

    figures_rebuild()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_ticket_figures")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
