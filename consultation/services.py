"""Writes that touch several models. Called by the pages, the API, commands and tasks alike."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from consultation.exceptions import StaleObjectError
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationRevision,
    Consultation,
    Membership,
    RevisionSource,
    Role,
)


@transaction.atomic
def consultation_create(
    *, user: AbstractBaseUser, slug: str, title: str, reference: str = "", **fields
) -> Consultation:
    """Create a consultation; its creator becomes its first secretariat member."""
    consultation = Consultation.objects.create(slug=slug, title=title, reference=reference, **fields)
    Membership.objects.create(consultation=consultation, user=user, role=Role.SECRETARIAT)
    return consultation


def _check_version(current: int, expected: int | None, what: str) -> None:
    if expected is not None and expected != current:
        raise StaleObjectError(
            f"{what} was changed by someone else since you opened it (revision {current}, you had {expected}). "
            "Reload it, then apply your change again."
        )


@transaction.atomic
def assessment_revise(
    *,
    assessment: Assessment,
    stars: int | None,
    level: str,
    rationale: str,
    reason: str,
    source: str = RevisionSource.MANUAL,
    user: AbstractBaseUser | None = None,
    when: datetime | None = None,
    draft_import=None,
    expected_revision: int | None = None,
) -> AssessmentRevision | None:
    """Set a cell's stars, level and rationale as a new revision; None when nothing changed.

    The cell row is locked first so that two concurrent changes are applied one
    after the other, and ``expected_revision`` (the ``If-Match`` the user sent)
    makes the second one fail instead of silently overwriting the first.
    """
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_version(locked.revision, expected_revision, f"The rating {assessment}")
    if locked.revision and (locked.stars, locked.level, locked.rationale) == (stars, level, rationale):
        return None
    when = when or timezone.now()
    revision = AssessmentRevision.objects.create(
        consultation_id=locked.consultation_id,
        assessment=locked,
        number=locked.revision + 1,
        stars=stars,
        level=level,
        rationale=rationale,
        reason=reason,
        source=source,
        draft_import=draft_import,
        created_by=user if user and user.is_authenticated else None,
        created_at=when,
    )
    locked.stars, locked.level, locked.rationale = stars, level, rationale
    locked.revision = revision.number
    locked.changed_at = when
    locked.changed_by = revision.created_by
    locked.save(update_fields=["stars", "level", "rationale", "revision", "changed_at", "changed_by"])
    assessment.refresh_from_db()
    return revision


@transaction.atomic
def classification_revise(
    *,
    classification: Classification,
    value: str,
    reason: str,
    source: str = RevisionSource.MANUAL,
    user: AbstractBaseUser | None = None,
    when: datetime | None = None,
    draft_import=None,
    expected_revision: int | None = None,
) -> ClassificationRevision | None:
    """Set a solution's overall classification as a new revision; None when nothing changed."""
    locked = Classification.objects.select_for_update().get(pk=classification.pk)
    _check_version(locked.revision, expected_revision, f"The classification of {classification.solution.code}")
    if locked.revision and locked.value == value:
        return None
    when = when or timezone.now()
    revision = ClassificationRevision.objects.create(
        consultation_id=locked.consultation_id,
        classification=locked,
        number=locked.revision + 1,
        value=value,
        reason=reason,
        source=source,
        draft_import=draft_import,
        created_by=user if user and user.is_authenticated else None,
        created_at=when,
    )
    locked.value = value
    locked.revision = revision.number
    locked.changed_at = when
    locked.changed_by = revision.created_by
    locked.save(update_fields=["value", "revision", "changed_at", "changed_by"])
    classification.refresh_from_db()
    return revision
