"""Backups: one dated archive holding a consistent PostgreSQL dump, the attachments, and a manifest.

Consistency: the backup opens one read-only REPEATABLE READ transaction, exports its snapshot,
and has pg_dump dump exactly that snapshot (``--snapshot``). The manifest's counts and the list
of attachments (with the SHA-256 recorded when each was uploaded) are read in the same snapshot,
so they describe the dump exactly. The recovery point is the snapshot's moment (``snapshot_at``):
whatever was committed before it is in the archive.

Restore refuses a target database that has tables or a media folder that has files, checks
every member of the archive against the manifest, runs pg_restore, unpacks the files, and
compares the restored counts and checksums with the manifest.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg2

# What a restore proves it brought back, by table, and how the manifest names it.
COUNTED = {
    "tickets": "tickets_ticket",
    "comments": "tickets_comment",
    "timeline entries": "tickets_ticketevent",
    "sla clocks": "sla_slaclock",
    "attachments": "tickets_attachment",
    "organisations": "customers_organisation",
    "people": "accounts_user",
    "outbox emails": "notifications_outboundemail",
}
DUMP = "database.dump"
MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class Database:
    """Where a database is, in the words of libpq (and of Django's settings)."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, settings_db: dict[str, Any]) -> Database:
        if "postgresql" not in settings_db["ENGINE"]:
            raise BackupError("Backups need PostgreSQL (DATABASE_URL=postgres://…).")
        return cls(
            name=settings_db["NAME"],
            host=str(settings_db.get("HOST") or ""),
            port=str(settings_db.get("PORT") or ""),
            user=str(settings_db.get("USER") or ""),
            password=str(settings_db.get("PASSWORD") or ""),
        )

    def connect(self) -> Any:
        return psycopg2.connect(
            dbname=self.name, host=self.host or None, port=self.port or None, user=self.user or None, password=self.password or None
        )

    def cli_args(self) -> list[str]:
        args = ["--dbname", self.name]
        for flag, value in (("--host", self.host), ("--port", self.port), ("--username", self.user)):
            if value:
                args += [flag, value]
        return args

    def cli_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _tool(name: str) -> str:
    """The PostgreSQL client program's full path (PostgreSQL 15's pg_dump reads servers up to 15)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client).")
    return path


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for label, table in COUNTED.items():
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - table names are our own constants
        counts[label] = cursor.fetchone()[0]
    return counts


def backup_create(*, database: Database, media_root: Path, output_dir: Path, now: datetime | None = None) -> Path:
    """Write ``supportdesk-<UTC time>.tar`` into ``output_dir``; its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    archive = output_dir / f"supportdesk-{stamp}.tar"
    work = output_dir / f".supportdesk-{stamp}.dump"
    connection = database.connect()
    try:
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), now()")
            snapshot, snapshot_at = cursor.fetchone()
            subprocess.run(  # noqa: S603 - a list of our own arguments, no shell
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(work),
                    *database.cli_args(),
                ],
                check=True,
                env=database.cli_env(),
                capture_output=True,
            )
            counts = _counts(cursor)
            cursor.execute("SELECT file, sha256 FROM tickets_attachment ORDER BY id")
            attachments = cursor.fetchall()
    except subprocess.CalledProcessError as exc:
        work.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {exc.stderr.decode(errors='replace').strip()}") from exc
    finally:
        connection.close()

    files = []
    for name, recorded in attachments:
        path = media_root / name
        if not path.is_file():
            raise BackupError(f"Attachment file missing from the media folder: {name}")
        actual = _sha256_file(path)
        if recorded and actual != recorded:
            raise BackupError(f"Attachment file changed since upload (checksum differs): {name}")
        files.append({"path": f"media/{name}", "sha256": actual, "size": path.stat().st_size})
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "snapshot_at": snapshot_at.astimezone(UTC).isoformat(),
        "database": database.name,
        "counts": counts,
        "dump": {"path": DUMP, "sha256": _sha256_file(work), "size": work.stat().st_size},
        "files": files,
    }
    partial = archive.with_suffix(".tar.partial")
    try:
        with tarfile.open(partial, "w") as tar:
            tar.add(work, arcname=DUMP)
            for entry, (name, _recorded) in zip(files, attachments, strict=True):
                tar.add(media_root / name, arcname=entry["path"])
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o644
            tar.addfile(info, io.BytesIO(data))
        partial.rename(archive)  # an archive that exists is complete
    finally:
        work.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return archive


def manifest_read(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError("The archive has no manifest.")
        manifest: dict[str, Any] = json.load(member)
        return manifest


def _empty_database(database: Database) -> None:
    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            if cursor.fetchone()[0]:
                raise BackupError(f"The database {database.name} is not empty: restore only into an empty one.")
    finally:
        connection.close()


def backup_restore(*, archive: Path, database: Database, media_root: Path) -> dict[str, Any]:
    """Restore ``archive`` into an empty database and media folder; what was restored, checked against the manifest."""
    manifest = manifest_read(archive)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    _empty_database(database)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"The media folder {media_root} is not empty: restore only into an empty one.")
    expected = {manifest["dump"]["path"]: manifest["dump"]["sha256"], **{f["path"]: f["sha256"] for f in manifest["files"]}}
    media_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="supportdesk-restore-"))
    dump = scratch / DUMP
    try:
        with tarfile.open(archive, "r") as tar:
            for member in tar.getmembers():
                if member.name == MANIFEST:
                    continue
                if member.name not in expected or not member.isfile():
                    raise BackupError(f"Unexpected member in the archive: {member.name}")
                source = tar.extractfile(member)
                assert source is not None
                target = dump if member.name == DUMP else media_root / member.name.removeprefix("media/")
                if target != dump and not target.resolve().is_relative_to(media_root.resolve()):
                    raise BackupError(f"Refusing a path outside the media folder: {member.name}")
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    for chunk in iter(functools.partial(source.read, 1 << 20), b""):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected.pop(member.name):
                    raise BackupError(f"Checksum mismatch in the archive: {member.name}")
        if expected:
            raise BackupError(f"Missing from the archive: {sorted(expected)[:5]}")
        result = subprocess.run(  # noqa: S603 - a list of our own arguments, no shell
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *database.cli_args(), str(dump)],
            env=database.cli_env(),
            capture_output=True,
            check=False,
        )
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.decode(errors='replace').strip()}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            counts = _counts(cursor)
    finally:
        connection.close()
    if counts != manifest["counts"]:
        raise BackupError(f"Restored counts differ from the manifest: {counts} ≠ {manifest['counts']}")
    return {"snapshot_at": manifest["snapshot_at"], "counts": counts, "files": len(manifest["files"])}
