"""One entry point: the bytes of an upload and its detected type -> plain text and its structure.

The type comes from ``evidence.attachments.detect_type`` (by content); the name only tells Markdown from
plain text, which share a content type.
"""

from __future__ import annotations

from evidence.attachments import DOCX, PDF, TXT, AttachmentRefused, AttachmentTypeRefused

from .blocks import Extracted
from .formats import extract_docx, extract_markdown, extract_pdf
from .text import extract_text

# The types a source document may be uploaded as, in the words a user reads.
SOURCE_TYPES_TEXT = "plain text, Markdown, PDF or Word (.docx)"
MARKDOWN_SUFFIXES = (".md", ".markdown")


def extract(data: bytes, content_type: str, name: str = "") -> Extracted:
    """Extract ``data``; ``AttachmentRefused`` when the type cannot be read as a source or has no text."""
    if content_type == PDF:
        try:
            result = extract_pdf(data)
        except Exception:
            raise AttachmentRefused("The PDF cannot be read (damaged or encrypted?).") from None
    elif content_type == DOCX:
        try:
            result = extract_docx(data)
        except Exception:
            raise AttachmentRefused("The Word document cannot be read (damaged?).") from None
    elif content_type == TXT:
        text = data.decode("utf-8-sig")
        result = extract_markdown(text) if name.lower().endswith(MARKDOWN_SUFFIXES) else extract_text(text)
    else:
        raise AttachmentTypeRefused(f"A source document must be {SOURCE_TYPES_TEXT}; this file is not.")
    if not result.text.strip():
        raise AttachmentRefused(
            "No text could be read from the file (a scanned PDF holds only images): add it as a link instead, "
            "or upload a version with text."
        )
    return result
