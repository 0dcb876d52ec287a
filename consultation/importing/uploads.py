"""From an uploaded file to the text of a draft, for the upload form, the API and the ``import_draft`` command.

What a file is, is decided by its content, not its name: a Word document
renamed ``.txt`` is still read as a Word document, and a text file named
``.docx`` as text.
"""

from __future__ import annotations

import io
import zipfile

from .docx import UNREADABLE, WordDocumentError, WordDocumentText, docx_to_text, parse_error
from .parser import parse_draft
from .types import DraftParseError, ParsedDraft

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc and the other pre-2007 Office files
_PDF_SIGNATURE = b"%PDF-"
_WORD_NAMES = (".docx", ".docm", ".dotx", ".doc")
_SAVE_AS = "Save the draft as .docx, .md or .txt (UTF-8) and upload it again."


class DraftUploadError(ValueError):
    """The file cannot be read as a draft; ``code`` names the reason (the form's error code)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def read_draft_upload(filename: str, data: bytes) -> str:
    """The text of an uploaded draft: a Word document (.docx) read into the plain-text form, or UTF-8 text.

    Text may be plain text or Markdown (.txt, .md); a byte order mark is dropped.
    Raises ``DraftUploadError`` with a message for the user when the file is
    neither, or holds no text.
    """
    if data.startswith(_ZIP_SIGNATURES) or zipfile.is_zipfile(io.BytesIO(data)):
        try:
            content = docx_to_text(data)
        except WordDocumentError as error:
            raise DraftUploadError(str(error), error.code) from error
        if not content.strip():
            raise DraftUploadError("The Word document holds no text.", "empty")
        return content
    if data.startswith(_OLE_SIGNATURE):
        raise DraftUploadError(
            f"The file is an older Word document (.doc) or another Office file of that age, which cannot be read. "
            f"{_SAVE_AS}",
            "binary",
        )
    if data.startswith(_PDF_SIGNATURE):
        raise DraftUploadError(f"The file is a PDF, which cannot be read. {_SAVE_AS}", "binary")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if filename.lower().endswith(_WORD_NAMES):
            raise DraftUploadError(f"{UNREADABLE}, nor UTF-8 text. {_SAVE_AS}", "not_docx") from None
        raise DraftUploadError(
            f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start} cannot be "
            f"read). {_SAVE_AS}",
            "not_utf8",
        ) from None
    if "\x00" in content:
        raise DraftUploadError(
            f"The file looks like a binary document, not plain text or a Word document (.docx). {_SAVE_AS}",
            "binary",
        )
    if not content.strip():
        raise DraftUploadError("The file is empty.", "empty")
    return content


def parse_uploaded_draft(content: str, filename: str = "") -> ParsedDraft:
    """``parse_draft`` for text from ``read_draft_upload``.

    A line error in text read from a Word document says that its line is a line of that text.
    """
    try:
        return parse_draft(content, filename)
    except DraftParseError as error:
        if isinstance(content, WordDocumentText):
            raise parse_error(error) from error
        raise
