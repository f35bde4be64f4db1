from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.archive import BackupError, Database, backup_create, manifest_read


class Command(BaseCommand):
    help = "Write one dated archive: a consistent PostgreSQL dump, the attachments, a manifest with counts and checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "var" / "backups"), help="Folder for the archive.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = backup_create(
                database=Database.from_settings(settings.DATABASES["default"]),
                media_root=Path(settings.MEDIA_ROOT),
                output_dir=Path(options["output"]),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = manifest_read(archive)
        counts = ", ".join(f"{count} {label}" for label, count in manifest["counts"].items())
        self.stdout.write(f"{archive}\nrecovery point {manifest['snapshot_at']}: {counts}; {len(manifest['files'])} files")
