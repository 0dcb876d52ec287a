from .exports import Export, ExportFormat, ExportStatus
from .library import Excerpt, SourceDocument, SourceKind, SourceVersion, Stance
from .notifications import SentNotification
from .submissions import (
    SUBMISSION_SEARCH_CONFIG,
    SUBMISSION_SEARCH_VECTOR,
    Attachment,
    InternalNote,
    ProposedRating,
    ProposedReference,
    Pseudonym,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    Tag,
)

__all__ = [
    "SUBMISSION_SEARCH_CONFIG",
    "SUBMISSION_SEARCH_VECTOR",
    "Attachment",
    "Excerpt",
    "Export",
    "ExportFormat",
    "ExportStatus",
    "InternalNote",
    "ProposedRating",
    "ProposedReference",
    "Pseudonym",
    "SentNotification",
    "SourceDocument",
    "SourceKind",
    "SourceVersion",
    "Stance",
    "Submission",
    "SubmissionStatus",
    "SubmissionVersion",
    "Tag",
]
