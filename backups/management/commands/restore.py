from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.archive import BackupError, Database, backup_restore


class Command(BaseCommand):
    help = "Restore an archive made by `backup` into an empty database and an empty media folder, and check it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--database-url", default="", help="The empty target database; DATABASE_URL's by default.")
        parser.add_argument("--media-root", default="", help="The empty target media folder; MEDIA_ROOT by default.")

    def handle(self, *args: Any, **options: Any) -> None:
        target = environ.Env.db_url_config(options["database_url"]) if options["database_url"] else settings.DATABASES["default"]
        try:
            result = backup_restore(
                archive=Path(options["archive"]),
                database=Database.from_settings(target),
                media_root=Path(options["media_root"] or settings.MEDIA_ROOT),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{count} {label}" for label, count in result["counts"].items())
        self.stdout.write(f"restored up to {result['snapshot_at']}: {counts}; {result['files']} files, checksums match")
