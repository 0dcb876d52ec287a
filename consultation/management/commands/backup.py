"""`manage.py backup [--output PATH]`: the database and the private files in one tar (see consultation.backups)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from consultation.backups import BackupError, Target, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the private files (attachments, exports) into one tar file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="The tar file to write (default: var/backups/backup-<UTC time>.tar)."
        )
        parser.add_argument("--database-url", help="Back up this database instead of the configured one.")
        parser.add_argument("--private-root", type=Path, help="Back up this folder instead of PRIVATE_FILES_ROOT.")

    def handle(self, *args, output=None, database_url=None, private_root=None, **options):
        if output is None:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BASE_DIR) / "var" / "backups" / f"backup-{stamp}.tar"
        target = Target.from_url(database_url) if database_url else Target.default()
        try:
            manifest = backup_create(
                output=output, private_root=private_root or Path(settings.PRIVATE_FILES_ROOT), target=target
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up database {manifest['database']!r} ({manifest['database_dump_bytes']} bytes dumped) and "
            f"{manifest['private_files']} private file(s) to {output}"
        )
