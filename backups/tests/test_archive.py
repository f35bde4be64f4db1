"""Backups refuse to restore over data, and refuse an archive that is not what its manifest says."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from backups.archive import BackupError, Database, backup_create, backup_restore, manifest_read
from tests.factories import AttachmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archive(need_postgres, shipped_defaults, world, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    AttachmentFactory(ticket=world.alice_ticket, uploaded_by=world.alice, name="trace.txt", content=b"trace")
    return backup_create(
        database=Database.from_settings(settings.DATABASES["default"]),
        media_root=Path(settings.MEDIA_ROOT),
        output_dir=tmp_path / "backups",
    )


def test_the_manifest_counts_what_the_dump_holds(archive: Path) -> None:
    manifest = manifest_read(archive)
    assert manifest["counts"]["tickets"] == 2 and manifest["counts"]["attachments"] == 2
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"database.dump", "manifest.json", *(f["path"] for f in manifest["files"])} == names


def test_restore_refuses_a_database_that_has_tables(archive: Path, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="not empty"):
        backup_restore(
            archive=archive, database=Database.from_settings(settings.DATABASES["default"]), media_root=tmp_path / "restored"
        )


def test_restore_refuses_an_archive_whose_file_was_changed(archive: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.endswith(".txt"):
                data = data.replace(b"trace", b"TRACE")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    db = settings.DATABASES["default"]
    scratch = f"{db['NAME']}_tamper"
    admin = psycopg2.connect(
        dbname="postgres",
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        target_db = Database(
            name=scratch,
            host=str(db.get("HOST") or ""),
            port=str(db.get("PORT") or ""),
            user=str(db.get("USER") or ""),
            password=str(db.get("PASSWORD") or ""),
        )
        with pytest.raises(BackupError, match="Checksum mismatch"):
            backup_restore(archive=tampered, database=target_db, media_root=tmp_path / "restored")
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.close()
