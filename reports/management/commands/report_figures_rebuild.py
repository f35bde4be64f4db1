"""Recompute every ticket's report figures from the tickets, clocks, escalations and ratings, then the daily
roll-up from those figures."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reports.figures import figures_rebuild
from reports.rollup import rollup_rebuild


class Command(BaseCommand):
    help = "Recompute every ticket's kept report figures from their source rows, then their daily roll-up."

    def handle(self, *args: Any, **options: Any) -> None:
        done = figures_rebuild()
        self.stdout.write(f"{done} tickets' figures recomputed.")
        cells = rollup_rebuild()
        if cells:
            self.stdout.write(f"{cells} daily cells of the roll-up recomputed.")
