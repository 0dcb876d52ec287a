"""Import a draft paper (a Word document, or UTF-8 plain text or Markdown) into a consultation from the command line."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from consultation.importing.parser import DraftParseError
from consultation.importing.services import import_draft_text
from consultation.importing.uploads import DraftUploadError, read_draft_upload
from consultation.models import Consultation, DraftImportStatus


class Command(BaseCommand):
    help = "Import a draft into a consultation: solutions, criteria, ratings, open items, references and more."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The draft: a .docx, or a UTF-8 text or Markdown file.")
        parser.add_argument("--consultation", required=True, metavar="SLUG", help="Slug of the consultation.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; save nothing.")
        parser.add_argument("--user", metavar="USERNAME", help="Record the import and its revisions as this user.")

    def handle(self, *args, path: Path, consultation: str, dry_run: bool, user: str | None, **options):
        target = Consultation.objects.filter(slug=consultation).first()
        if target is None:
            raise CommandError(f'No consultation with the slug "{consultation}".')
        importer = None
        if user:
            importer = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user}).first()
            if importer is None:
                raise CommandError(f'No user "{user}".')
        content = self._read(path)
        try:
            draft_import = import_draft_text(
                consultation=target, filename=path.name, content=content, user=importer, dry_run=dry_run
            )
        except DraftParseError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        self._report(draft_import.preview)
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        elif draft_import.status != DraftImportStatus.DONE:
            raise CommandError(f"The import failed and nothing was saved: {draft_import.error}")
        else:
            revisions = draft_import.result.get("revisions", {})
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {path.name} into {target.slug}: {revisions.get('assessments', 0)} rating and "
                    f"{revisions.get('classifications', 0)} classification revisions."
                )
            )

    @staticmethod
    def _read(path: Path) -> str:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        try:
            return read_draft_upload(path.name, data)  # the same reading as the upload page's
        except DraftUploadError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc

    def _report(self, preview: dict) -> None:
        counts = preview["counts"]
        by_group = ", ".join(f"{group} {n}" for group, n in counts["references_by_group"].items())
        self.stdout.write(
            f"Read {counts['sections']} sections, {counts['footnotes']} footnotes, "
            f"{counts['solution_groups']} solution groups, {counts['solutions']} solutions, "
            f"{counts['criteria']} criteria, {counts['assessments']} assessment levels, {counts['ratings']} star "
            f"ratings, {counts['classifications']} classifications, {counts['open_items']} open items and "
            f"{counts['references']} references" + (f" ({by_group})." if by_group else ".")
        )
        created = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in preview["created"].items() if n)
        self.stdout.write(f"New: {created}." if created else "New: nothing.")
        if preview["unchanged"]:
            self.stdout.write("Nothing changed since the last import.")
        for change in preview["changed"]:
            self.stdout.write(
                f"Changed: {change['kind']} {change['key']} {change['field']}: "
                f"{_short(change['from'])} -> {_short(change['to'])}"
            )
        for cell in preview["disagreements"]:
            stars = "N/A" if cell["stars"] is None else f"{cell['stars']} stars"
            self.stdout.write(f"Text and stars disagree: {cell['cell']} is {cell['level']} but shows {stars}.")


def _short(value, limit: int = 60) -> str:
    text = "—" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
