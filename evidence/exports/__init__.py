"""Exports of a consultation: what goes in them and the writers of each format.

The contract between the job (``evidence.services.exports``) and the writers:
each format module (``pdf``, ``docx``, ``xlsx``, ``csv``, ``json``) has

    write(context: ExportContext, out: BinaryIO, progress: Progress) -> None

which writes the whole file to ``out`` (a temporary file the job moves into
place only when ``write`` returned) and calls ``progress(percent, step)`` now and
then with 0-100 and a few words for the progress bar. ``WRITERS`` maps the
format to the module; ``CONTENT_TYPES`` and ``EXTENSIONS`` name the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from consultation.models import Consultation, DraftVersion

Progress = Callable[[int, str], None]

WRITERS = {
    "pdf": "evidence.exports.pdf",
    "docx": "evidence.exports.docx",
    "xlsx": "evidence.exports.xlsx",
    "csv": "evidence.exports.csv",
    "json": "evidence.exports.json",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
    "json": "application/json",
}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "csv": "zip", "json": "json"}


@dataclass
class ExportContext:
    """Everything a writer needs, decided once by the job.

    ``as_of`` is the moment exported (the chosen version's ``published_at``, or the time the job
    started); ``compare_to`` the earlier version whose changes are marked. ``watermark`` is the text
    put on every page or sheet ("Prepared for Jane Doe, 2026-11-22 10:15 CET"), or empty.
    Observers always get ``pseudonymise=True`` and ``include_internal_notes=False``.
    """

    consultation: Consultation
    recipient: object  # the requesting user
    as_of: datetime
    version: DraftVersion | None = None
    compare_to: DraftVersion | None = None
    pseudonymise: bool = False
    include_internal_notes: bool = False
    watermark: str = ""
    made_at: datetime | None = None

    @cached_property
    def expert_numbers(self) -> dict[int, int]:
        """Expert N numbering of this export: authors in the order of their first submission, stable within it."""
        from evidence.models import Submission

        numbers: dict[int, int] = {}
        authors = (
            Submission.objects.filter(consultation=self.consultation, submitted_at__isnull=False)
            .order_by("submitted_at", "id")
            .values_list("author_id", flat=True)
        )
        for author_id in authors.iterator():
            numbers.setdefault(author_id, len(numbers) + 1)
        return numbers

    def author_label(self, user) -> str:
        """How an author is named in this export: "Expert N" when pseudonymised, else their name."""
        if user is None:
            return ""
        if self.pseudonymise:
            number = self.expert_numbers.get(user.pk)
            return f"Expert {number}" if number else "Expert"
        return (user.get_full_name() or user.get_username()).strip()
