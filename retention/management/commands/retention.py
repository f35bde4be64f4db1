from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from retention.services import retention_apply_all


class Command(BaseCommand):
    help = "Apply each organisation's retention policy to its closed tickets. Without --apply, only say what it would do."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="Change the data (default: a dry run).")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = not options["apply"]
        for plan in retention_apply_all(dry_run=dry_run):
            verb = "would" if dry_run else "did"
            self.stdout.write(
                f"{plan.organisation.account_id}: {verb} pseudonymise {len(plan.pseudonymise)} and delete {len(plan.delete)} "
                f"tickets closed before {plan.cutoff:%Y-%m-%d} ({plan.comments} comments, {plan.attachments} files)"
                + (f": {', '.join(plan.pseudonymise + plan.delete)}" if plan.tickets else "")
            )
