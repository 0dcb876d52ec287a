"""How submissions are read for display: what to load with them, and under which name their author appears.

Shared by the pages and the API, so both cost the same few queries whatever
the number of submissions, and both pseudonymise the same way.
"""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from consultation.models import Consultation, Role
from consultation.rules import role_of
from evidence.models import ProposedRating, Submission, SubmissionVersion
from evidence.services.pseudonyms import pseudonym_labels


def with_receipt(submissions: QuerySet) -> QuerySet:
    """Annotate ``receipt_sha256`` and ``receipt_at``: the latest version's hash and time (None for drafts)."""
    latest = SubmissionVersion.objects.filter(submission=OuterRef("pk"), number=OuterRef("current_version"))
    return submissions.annotate(
        receipt_sha256=Subquery(latest.values("sha256")[:1]), receipt_at=Subquery(latest.values("created_at")[:1])
    )


def for_display(submissions: QuerySet) -> QuerySet:
    """Everything a list or a detail shows, loaded in a fixed number of queries."""
    return with_receipt(
        submissions.select_related("author", "consultation").prefetch_related(
            "solutions",
            "criteria",
            "sections",
            "open_items",
            "references",
            "tags",
            "proposed_references",
            Prefetch("proposed_ratings", queryset=ProposedRating.objects.select_related("solution", "criterion")),
        )
    )


def author_labels(user, consultation: Consultation, submissions) -> dict[int, str]:
    """``{author_id: "Expert N"}`` for the authors whose names ``user`` may not see (empty for the secretariat)."""
    if role_of(user, consultation) == Role.SECRETARIAT:
        return {}
    others = {s.author_id for s in submissions if s.author_id != user.pk}
    return pseudonym_labels(consultation, others) if others else {}


def display_author(user, submission: Submission, labels: dict[int, str]) -> str:
    """The author's name for the author and the secretariat; their pseudonym for anyone else."""
    if submission.author_id in labels:
        return labels[submission.author_id]
    if submission.author_id == user.pk or role_of(user, submission.consultation) == Role.SECRETARIAT:
        author = submission.author
        return author.get_full_name() or author.get_username()
    return "Another expert"
