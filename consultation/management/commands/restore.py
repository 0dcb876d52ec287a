"""`manage.py restore PATH [--force]`: put back what `manage.py backup` saved (see consultation.backups)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from consultation.backups import BackupError, Target, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database and private files folder. "
        "--force replaces what is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup tar file.")
        parser.add_argument(
            "--force", action="store_true", help="Replace the contents of a database or folder that is not empty."
        )
        parser.add_argument("--database-url", help="Restore into this database instead of the configured one.")
        parser.add_argument("--private-root", type=Path, help="Restore the files here instead of PRIVATE_FILES_ROOT.")

    def handle(self, *args, path, force=False, database_url=None, private_root=None, **options):
        target = Target.from_url(database_url) if database_url else Target.default()
        try:
            manifest = backup_restore(
                path=path,
                private_root=private_root or Path(settings.PRIVATE_FILES_ROOT),
                target=target,
                force=force,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored database {target.name!r} and {manifest['private_files']} private file(s) "
            f"from the backup of {manifest['created_at']}."
        )
