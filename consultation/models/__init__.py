from .consultation import Consultation, Membership, Role, Status
from .draft import Criterion, Footnote, OpenItem, OpenItemStatus, Reference, Section, Solution, SolutionGroup
from .imports import DraftImport, DraftImportStatus
from .ratings import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationChoice,
    ClassificationRevision,
    RevisionSource,
)

__all__ = [
    "Assessment",
    "AssessmentRevision",
    "Classification",
    "ClassificationChoice",
    "ClassificationRevision",
    "Consultation",
    "Criterion",
    "DraftImport",
    "DraftImportStatus",
    "Footnote",
    "Membership",
    "OpenItem",
    "OpenItemStatus",
    "Reference",
    "RevisionSource",
    "Role",
    "Section",
    "Solution",
    "SolutionGroup",
    "Status",
]
