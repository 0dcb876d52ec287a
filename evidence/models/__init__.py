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
    "InternalNote",
    "ProposedRating",
    "ProposedReference",
    "Pseudonym",
    "SentNotification",
    "Submission",
    "SubmissionStatus",
    "SubmissionVersion",
    "Tag",
]
