"""What an uploaded attachment is, decided from its content, and whether it may be kept.

Allowed: PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT and CSV. The file's name says
nothing about its type: an executable renamed ``.pdf`` is refused, a PNG named
``.pdf`` is kept as the PNG it is. Word, Excel and OpenDocument files are zip
archives: they are opened as such (in memory, never extracted to disk), their
inner structure is checked, and they are refused when their entries would
unpack to more than the configured limit or compress suspiciously well (a zip
bomb). Nothing here writes anything: the service stores a file only after it
passed every check.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat

ALLOWED_TYPES_TEXT = "PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt), PNG, JPEG, plain text or CSV"

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
PNG = "image/png"
JPEG = "image/jpeg"
TXT = "text/plain"
CSV = "text/csv"

EXTENSIONS = {
    PDF: ".pdf",
    DOCX: ".docx",
    XLSX: ".xlsx",
    ODT: ".odt",
    PNG: ".png",
    JPEG: ".jpg",
    TXT: ".txt",
    CSV: ".csv",
}
# Other names a type's files commonly carry (kept as they are rather than renamed).
_ALSO = {JPEG: (".jpeg", ".jpe"), TXT: (".text", ".md", ".log")}

# The form's and the API's ``accept`` hint: a convenience for the file picker, not a check.
ACCEPT = ",".join(sorted({*EXTENSIONS.values(), ".jpeg", *EXTENSIONS}))

_KNOWN_BINARIES = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Office file (.doc, .xls); save it as .docx or .xlsx"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
)
_CHUNK = 64 * 1024


class AttachmentRefused(ValueError):
    """The file is not kept. ``message`` tells the user why; ``status`` is the HTTP status the API answers."""

    status = 400
    code = "invalid"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AttachmentTooLarge(AttachmentRefused):
    status = 413
    code = "too_large"


class AttachmentTypeRefused(AttachmentRefused):
    status = 415
    code = "type_refused"


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: its safe name, detected type, size and SHA-256."""

    name: str
    content_type: str
    size: int
    sha256: str


def safe_name(original: str, content_type: str) -> str:
    """The download name: no folders, only safe characters, and an extension that matches the content.

    ``../../etc/passwd`` becomes ``passwd.txt``; ``C:\\Users\\me\\report.pdf``
    becomes ``report.pdf``; a PNG uploaded as ``chart.pdf`` is offered as
    ``chart.pdf.png`` so that no program opens it as a PDF.
    """
    base = re.split(r"[\\/]", original or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = re.sub(r"[^\w.\- ()]+", "_", base, flags=re.ASCII)
    base = re.sub(r"\s+", " ", base).strip(" ._")
    base = re.sub(r"\.{2,}", ".", base)
    extension = EXTENSIONS[content_type]
    accepted = (extension, *_ALSO.get(content_type, ()))
    stem, dot, current = base.rpartition(".")
    if dot and f".{current.lower()}" in accepted:
        stem, extension = stem, f".{current}"
    else:
        stem = base
    stem = stem[:150].strip(" ._") or "attachment"
    return f"{stem}{extension}"


def refuse_path_parts(original: str) -> None:
    """Refuse a name that tries to climb folders ("../", "C:\\", a leading "/"): no honest upload sends one.

    (Django's upload parser already cuts path parts off names sent by browsers; this guards every other caller.)
    """
    parts = re.split(r"[\\/]", original or "")
    if len(parts) > 1 or original.strip() in {".", ".."} or re.match(r"^[A-Za-z]:", original or ""):
        raise AttachmentRefused(
            f"The file name {original[:120]!r} contains folder parts (such as “../”). Give the file a plain name "
            "(like report.pdf) and upload it again."
        )


def _too_large(what: str, limit: int) -> str:
    return f"{what} is larger than the limit of {filesizeformat(limit)}."


def check_size(size: int, *, already: int = 0) -> None:
    """Refuse a file over the per-file limit, or one that would take the submission over its total."""
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise AttachmentTooLarge(
            _too_large(f"The file ({filesizeformat(size)})", settings.ATTACHMENT_MAX_BYTES)
            + " Split it or leave out what is not needed, then upload it again."
        )
    total = settings.SUBMISSION_ATTACHMENTS_MAX_BYTES
    if already + size > total:
        raise AttachmentTooLarge(
            f"The attachments of one submission may take {filesizeformat(total)} in all; this one already has "
            f"{filesizeformat(already)}, and the file adds {filesizeformat(size)}."
        )


def _zip_type(file: IO[bytes]) -> str:
    """DOCX, XLSX or ODT from the inside of a zip archive, after checking it cannot unpack into a bomb."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise AttachmentTypeRefused(
            f"The file looks like a zip archive but cannot be opened (damaged?). Allowed are {ALLOWED_TYPES_TEXT}."
        ) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > settings.ATTACHMENT_MAX_ZIP_ENTRIES:
            raise AttachmentRefused(
                f"The document holds {len(entries)} files inside; at most {settings.ATTACHMENT_MAX_ZIP_ENTRIES} "
                "are accepted."
            )
        _refuse_zip_bomb(archive, entries)
        names = {entry.filename for entry in entries}
        if "mimetype" in names:
            mimetype = archive.read("mimetype").strip()
            if mimetype == ODT.encode():
                return ODT
            raise AttachmentTypeRefused(
                f"The file is an OpenDocument file of another kind ({mimetype.decode('ascii', 'replace')[:80]}); "
                f"only text documents (.odt) are accepted among them. Allowed are {ALLOWED_TYPES_TEXT}."
            )
        if "[Content_Types].xml" in names:
            if any(name.startswith("word/") for name in names):
                return DOCX
            if any(name.startswith("xl/") for name in names):
                return XLSX
            raise AttachmentTypeRefused(
                f"The file is an Office document of a kind that is not accepted (only Word and Excel). "
                f"Allowed are {ALLOWED_TYPES_TEXT}."
            )
    raise AttachmentTypeRefused(f"The file is a zip archive, not a document. Allowed are {ALLOWED_TYPES_TEXT}.")


def _refuse_zip_bomb(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse archives that unpack beyond the limit, by what they declare and by what they really hold.

    The declared sizes can lie, so every entry is also decompressed in memory,
    chunk by chunk, counting bytes, and abandoned as soon as a limit is passed.
    """
    limit = settings.ATTACHMENT_MAX_UNZIPPED_BYTES
    ratio = settings.ATTACHMENT_MAX_ZIP_RATIO
    bomb = (
        f"The file unpacks to more than {filesizeformat(limit)} or compresses more than {ratio} times, as a zip "
        "bomb does; it was refused. Save the document again (or in a smaller form) and upload it again."
    )
    declared = sum(entry.file_size for entry in entries)
    if declared > limit:
        raise AttachmentRefused(bomb)
    total = 0
    for entry in entries:
        if entry.is_dir():
            continue
        unpacked = 0
        try:
            with archive.open(entry) as member:
                while chunk := member.read(_CHUNK):
                    unpacked += len(chunk)
                    total += len(chunk)
                    if total > limit or unpacked > max(entry.compress_size, 1) * ratio + _CHUNK:
                        raise AttachmentRefused(bomb)
        except AttachmentRefused:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            raise AttachmentTypeRefused(
                f"The document inside cannot be read (damaged or encrypted). Allowed are {ALLOWED_TYPES_TEXT}."
            ) from None


def _text_type(file: IO[bytes], name: str) -> str:
    """TXT or CSV when the whole file is UTF-8 text without NUL bytes; the name only picks between the two."""
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        while chunk := file.read(_CHUNK):
            if b"\x00" in chunk:
                raise AttachmentTypeRefused(
                    f"The file is neither an allowed document nor plain text (it holds binary data). "
                    f"Allowed are {ALLOWED_TYPES_TEXT}."
                )
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise AttachmentTypeRefused(
            f"The file is not an allowed document, and not UTF-8 text either. Allowed are {ALLOWED_TYPES_TEXT}; "
            "save text as UTF-8."
        ) from None
    return CSV if name.lower().endswith(".csv") else TXT


def detect_type(file: IO[bytes], name: str = "") -> str:
    """The content type of ``file`` from its content; ``AttachmentRefused`` when it is not an allowed type."""
    file.seek(0)
    head = file.read(16)
    if not head:
        raise AttachmentRefused("The file is empty.")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        file.seek(0)
        return _zip_type(file)
    for signature, what in _KNOWN_BINARIES:
        if head.startswith(signature):
            raise AttachmentTypeRefused(
                f"The file is {what}, whatever its name says. Allowed are {ALLOWED_TYPES_TEXT}."
            )
    return _text_type(file, name)


def sha256_of(file: IO[bytes]) -> str:
    file.seek(0)
    digest = hashlib.sha256()
    while chunk := file.read(_CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def check_upload(file, *, already: int = 0) -> CheckedFile:
    """Check an uploaded file (Django ``UploadedFile`` or any binary file object with ``name`` and ``size``).

    ``already`` is what the submission's other attachments take. Raises
    ``AttachmentTooLarge`` (413), ``AttachmentTypeRefused`` (415) or
    ``AttachmentRefused`` (400) with a message for the user.
    """
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    original = getattr(file, "name", "") or ""
    refuse_path_parts(original)
    check_size(size, already=already)
    content_type = detect_type(file, original)
    return CheckedFile(
        name=safe_name(original, content_type), content_type=content_type, size=size, sha256=sha256_of(file)
    )
