"""Factories of expert input, made through the services so that every object is as the app makes it."""

from __future__ import annotations

import io

from consultation.models import Consultation
from evidence.models import Submission
from evidence.services.attachments import attachment_add
from evidence.services.submissions import submission_save_draft, submission_submit

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def named_file(data: bytes, name: str) -> io.BytesIO:
    """A file object as an upload hands it over: bytes with a name and a size."""
    file = io.BytesIO(data)
    file.name = name
    file.size = len(data)
    return file


def draft_of(author, consultation: Consultation, **content) -> Submission:
    content.setdefault("title", "Hash matching misses new material")
    content.setdefault("body", "Perceptual hashes only find **known** images.")
    return submission_save_draft(consultation=consultation, author=author, **content)


def submitted_by(author, consultation: Consultation, **content) -> Submission:
    submission = draft_of(author, consultation, **content)
    submission_submit(submission=submission, user=author)
    submission.refresh_from_db()
    return submission


def attach(submission: Submission, user, data: bytes = PDF_BYTES, name: str = "evidence.pdf"):
    return attachment_add(submission=submission, user=user, file=named_file(data, name))
