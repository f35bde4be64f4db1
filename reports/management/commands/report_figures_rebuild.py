"""Recompute every ticket's report figures from the tickets, clocks, escalations and ratings."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reports.figures import figures_rebuild


class Command(BaseCommand):
    help = "Recompute every ticket's kept report figures from their source rows."

    def handle(self, *args: Any, **options: Any) -> None:
        done = figures_rebuild()
        self.stdout.write(f"{done} tickets' figures recomputed.")
