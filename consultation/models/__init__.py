from .access import AccessEvent, AccessKind
from .consultation import Consultation, Membership, Role, Status
from .draft import Criterion, Footnote, OpenItem, OpenItemStatus, Reference, Section, Solution, SolutionGroup
from .imports import DraftImport, DraftImportStatus
from .people import ExpertType, Invitation, InvitationStatus, Profile
from .ratings import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationChoice,
    ClassificationRevision,
    RevisionSource,
)
from .reattachments import Reattachment, ReattachmentStatus, TargetKind
from .rounds import Round, RoundAnswer, RoundStatus
from .versions import DraftVersion

__all__ = [
    "AccessEvent",
    "AccessKind",
    "Assessment",
    "AssessmentRevision",
    "Classification",
    "ClassificationChoice",
    "ClassificationRevision",
    "Consultation",
    "Criterion",
    "DraftImport",
    "DraftImportStatus",
    "DraftVersion",
    "ExpertType",
    "Footnote",
    "Invitation",
    "InvitationStatus",
    "Membership",
    "OpenItem",
    "OpenItemStatus",
    "Profile",
    "Reattachment",
    "ReattachmentStatus",
    "Reference",
    "RevisionSource",
    "Role",
    "Round",
    "RoundAnswer",
    "RoundStatus",
    "Section",
    "Solution",
    "SolutionGroup",
    "Status",
    "TargetKind",
]
