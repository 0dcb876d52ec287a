"""`manage.py import_consultation FILE`: recreate a consultation, with its full history, from a JSON export."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from evidence.exports.json_import import ImportRefused, import_consultation


class Command(BaseCommand):
    help = (
        "Recreate a consultation with its full history from a JSON export (docs/export-json.md). "
        "Refuses a slug that exists; missing users are created inactive without a usable password."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .json file of an export.")
        parser.add_argument("--slug", help="Import under this slug instead of the one in the file.")

    def handle(self, *args, file, slug=None, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file} is not a JSON file in UTF-8: {error}.") from None
        try:
            consultation = import_consultation(data, slug=slug)
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(f"The database refused the data; nothing was imported. {error}".strip()) from None
        counts = {
            "submissions": consultation.submissions.count(),
            "rating revisions": consultation.assessment_revisions.count(),
            "members": consultation.memberships.count(),
        }
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(f"Imported the consultation “{consultation.slug}” ({summary}).")
