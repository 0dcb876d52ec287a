"""Writes that touch several models. Called by the pages, the API, commands and tasks alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from rest_framework.authtoken.models import Token

from consultation.exceptions import StaleObjectError, StateConflictError
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationChoice,
    ClassificationRevision,
    Consultation,
    Criterion,
    Membership,
    OpenItem,
    OpenItemStatus,
    RevisionSource,
    Role,
    Round,
    RoundStatus,
    Section,
    Solution,
    SolutionGroup,
)
from consultation.rules import accepts_changes


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


def _append_revision(
    locked,
    revision_model,
    owner_field: str,
    values: dict[str, Any],
    *,
    reason,
    source,
    user,
    when,
    draft_import,
    round=None,
    evidence=(),
    excerpts=(),
):
    """Append the next revision of ``locked`` (a locked cell or classification) and make it the current value."""
    when = when or timezone.now()
    revision = revision_model.objects.create(
        consultation_id=locked.consultation_id,
        **{owner_field: locked},
        number=locked.revision + 1,
        **values,
        reason=reason,
        source=source,
        draft_import=draft_import,
        round=round,
        created_by=user if user and user.is_authenticated else None,
        created_at=when,
    )
    if evidence:
        revision.evidence.set(evidence)
    if excerpts:
        revision.excerpts.set(excerpts)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.revision = revision.number
    locked.changed_at = when
    locked.changed_by = revision.created_by
    locked.save(update_fields=[*values, "revision", "changed_at", "changed_by"])
    return revision


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
    round: Round | None = None,
    evidence: Sequence = (),
    excerpts: Sequence = (),
) -> AssessmentRevision | None:
    """Set a cell's stars, level and rationale as a new revision; None when nothing changed.

    The cell row is locked first so that two concurrent changes are applied one
    after the other, and ``expected_revision`` (the ``If-Match`` the user sent)
    makes the second one fail instead of silently overwriting the first.
    """
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_version(locked.revision, expected_revision, f"The rating {assessment}")
    values = {"stars": stars, "level": level, "rationale": rationale}
    if locked.revision and all(getattr(locked, name) == value for name, value in values.items()):
        return None
    revision = _append_revision(
        locked, AssessmentRevision, "assessment", values,
        reason=reason, source=source, user=user, when=when, draft_import=draft_import, round=round, evidence=evidence,
        excerpts=excerpts,
    )  # fmt: skip
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
    round: Round | None = None,
    evidence: Sequence = (),
    excerpts: Sequence = (),
) -> ClassificationRevision | None:
    """Set a solution's overall classification as a new revision; None when nothing changed."""
    locked = Classification.objects.select_for_update().get(pk=classification.pk)
    _check_version(locked.revision, expected_revision, f"The classification of {classification.solution.code}")
    if locked.revision and locked.value == value:
        return None
    revision = _append_revision(
        locked, ClassificationRevision, "classification", {"value": value},
        reason=reason, source=source, user=user, when=when, draft_import=draft_import, round=round, evidence=evidence,
        excerpts=excerpts,
    )  # fmt: skip
    classification.refresh_from_db()
    return revision


def _refuse_if_frozen(consultation: Consultation) -> None:
    """A closed or archived consultation is read-only: every write below starts with this check."""
    if not accepts_changes(consultation):
        raise StateConflictError(
            f"The consultation is {consultation.get_status_display().lower()}: it can be read but not changed. "
            "The secretariat can reopen it first."
        )


def _apply(obj, changes: dict[str, Any]) -> list[str]:
    """Set the fields that differ; return their names."""
    changed = [name for name, value in changes.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, changes[name])
    return changed


@transaction.atomic
def consultation_update(
    *, consultation: Consultation, user: AbstractBaseUser, expected_version: int | None = None, **changes
) -> Consultation:
    """Change a consultation's details or status; bumps ``version`` when something changed.

    A closed or archived consultation is frozen: only its status may change
    (to reopen it), so that nothing is edited behind a closed consultation's back.
    """
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _check_version(locked.version, expected_version, "The consultation")
    frozen = not accepts_changes(locked)
    changed = _apply(locked, changes)
    if frozen and set(changed) - {"status"}:
        raise StateConflictError(
            f"The consultation is {locked.get_status_display().lower()}: reopen it (change its status) "
            "before changing anything else."
        )
    if changed:
        locked.version += 1
        locked.full_clean(exclude=["slug"], validate_unique=False)
        locked.save(update_fields=[*changed, "version", "updated_at"])
    return locked


@transaction.atomic
def solution_create(
    *,
    consultation: Consultation,
    user: AbstractBaseUser,
    code: str,
    title: str,
    group: int,
    group_name: str = "",
    section: Section | None = None,
    order: int | None = None,
    classification: str | None = None,
) -> Solution:
    """Add a solution to the draft, creating its group when ``group_name`` names a new one.

    A classification given at creation is recorded as the first revision of
    the solution's classification, like any later change.
    """
    _refuse_if_frozen(consultation)
    solution_group = SolutionGroup.objects.filter(consultation=consultation, number=group).first()
    if solution_group is None:
        if not group_name:
            raise ValidationError({"group": [f"There is no group {group}; give group_name to create it."]})
        solution_group = SolutionGroup.objects.create(consultation=consultation, number=group, name=group_name)
    if order is None:
        last = consultation.solutions.order_by("-order").values_list("order", flat=True).first()
        order = 0 if last is None else last + 1
    solution = Solution.objects.create(
        consultation=consultation, group=solution_group, code=code, title=title, section=section, order=order
    )
    if classification is not None:
        record = Classification.objects.create(consultation=consultation, solution=solution)
        classification_revise(
            classification=record, value=classification, reason="Set when the solution was added.", user=user
        )
    return solution


def criterion_create(
    *, consultation: Consultation, key: str, name: str, question: str = "", order: int | None = None
) -> Criterion:
    """Add an assessment criterion; it goes last unless ``order`` says otherwise."""
    _refuse_if_frozen(consultation)
    if order is None:
        last = consultation.criteria.order_by("-order").values_list("order", flat=True).first()
        order = 0 if last is None else last + 1
    return Criterion.objects.create(consultation=consultation, key=key, name=name, question=question, order=order)


def _require_resolution(item: OpenItem) -> None:
    if item.status == OpenItemStatus.RESOLVED and not item.resolution.strip():
        raise ValidationError({"resolution": ["Say how the item was resolved before marking it resolved."]})


@transaction.atomic
def open_item_create(
    *, consultation: Consultation, user: AbstractBaseUser, answering_submissions=None, **fields
) -> OpenItem:
    """Add an open item; one created resolved needs its resolution; ``answering_submissions`` link its input."""
    _refuse_if_frozen(consultation)
    item = OpenItem(consultation=consultation, created_by=user, **fields)
    _require_resolution(item)
    item.save()
    if answering_submissions:
        _set_answering_submissions(item, answering_submissions)
    return item


def _set_answering_submissions(locked: OpenItem, submissions) -> bool:
    """Make ``submissions`` exactly the input that answers the item; True when the links changed.

    Submissions belong to the evidence app, which consultation never imports: they are
    reached through the reverse relation ``answering_submissions``. Only submitted input
    of the item's consultation can answer it. The submissions linked or unlinked get a
    new version, since their representation changed too.
    """
    submissions = list(submissions)
    wrong = sorted(s.pk for s in submissions if s.consultation_id != locked.consultation_id or s.submitted_at is None)
    if wrong:
        raise ValidationError(
            {"submissions": [f"Only submitted input of this consultation can answer the item (not {wrong})."]}
        )
    wanted = {s.pk for s in submissions}
    current = set(locked.answering_submissions.values_list("pk", flat=True))
    if wanted == current:
        return False
    locked.answering_submissions.set(submissions)
    locked.answering_submissions.model.objects.filter(pk__in=wanted ^ current).update(version=F("version") + 1)
    return True


@transaction.atomic
def open_item_update(
    *, item: OpenItem, expected_version: int | None = None, answering_submissions=None, **changes
) -> OpenItem:
    """Change an open item's prompt, place, section, status or resolution; bumps ``version`` on a change.

    Checked against the locked row, so "resolved" always comes with a resolution.
    ``answering_submissions`` (submissions, when given) replaces the input linked as answering the item.
    """
    _refuse_if_frozen(item.consultation)
    locked = OpenItem.objects.select_for_update().get(pk=item.pk)
    _check_version(locked.version, expected_version, "The open item")
    changed = _apply(locked, changes)
    links_changed = answering_submissions is not None and _set_answering_submissions(locked, answering_submissions)
    if changed or links_changed:
        _require_resolution(locked)
        locked.version += 1
        locked.save(update_fields=[*changed, "version", "updated_at"])
    return locked


_UNSET: Any = object()


def citable_excerpts(consultation: Consultation):
    """The excerpts an adopted change may rest on: of this consultation, quoting a source document or input that
    was submitted and not withdrawn. Reached through the revisions' M2M (this app never imports the evidence app)."""
    excerpt = AssessmentRevision.excerpts.field.related_model
    submitted = citable_submissions(consultation).values("pk")
    return excerpt._default_manager.filter(consultation=consultation).filter(
        Q(submission__isnull=True) | Q(submission__in=submitted)
    )


def adoption_excerpts(*, consultation: Consultation, excerpts: Sequence[int] = ()) -> list:
    """The excerpts (by id) a change rests on, or a ValidationError naming the ``excerpts`` field."""
    ids = list(dict.fromkeys(excerpts or ()))
    found = list(citable_excerpts(consultation).filter(pk__in=ids).order_by("pk")) if ids else []
    unknown = sorted(set(ids) - {e.pk for e in found})
    if unknown:
        raise ValidationError(
            {
                "excerpts": [
                    f"Not an excerpt of this consultation that a change can rest on: {', '.join(map(str, unknown))}. "
                    "An excerpt of input counts only while that input is submitted and not withdrawn."
                ]
            }
        )
    return found


def citable_submissions(consultation: Consultation):
    """The submissions an adopted change may rest on: submitted (not drafts, not withdrawn) in this consultation.

    Reached through the revisions' M2M so that this app never imports the evidence app.
    """
    submission = AssessmentRevision.evidence.field.related_model
    return submission._default_manager.filter(
        consultation=consultation, submitted_at__isnull=False, withdrawn_at__isnull=True
    )


def adoption_basis(
    *, consultation: Consultation, evidence: Sequence[int] = (), round_number: int | None = None
) -> tuple[list, Round | None]:
    """The submissions (by id) and the closed round (by number) a change rests on, or ValidationError.

    The excerpts it rests on are checked by ``adoption_excerpts``.
    """
    errors: dict[str, list[str]] = {}
    ids = list(dict.fromkeys(evidence or ()))
    submissions = list(citable_submissions(consultation).filter(pk__in=ids).order_by("pk")) if ids else []
    unknown = sorted(set(ids) - {s.pk for s in submissions})
    if unknown:
        errors["evidence"] = [
            f"Not a submitted submission of this consultation: {', '.join(map(str, unknown))}. "
            "A change can rest only on input that was submitted (not a draft, not withdrawn)."
        ]
    round = None
    if round_number is not None:
        round = Round.objects.filter(consultation=consultation, number=round_number).first()
        if round is None:
            errors["round"] = [f"This consultation has no round {round_number}."]
        elif round.status != RoundStatus.CLOSED:
            errors["round"] = [f"Round {round_number} is still open: a rating can rest only on a closed round."]
    if errors:
        raise ValidationError(errors)
    return submissions, round


@transaction.atomic
def rating_change(
    *,
    consultation: Consultation,
    solution: Solution,
    criterion: Criterion,
    user: AbstractBaseUser,
    reason: str,
    stars: int | None = _UNSET,
    level: str = _UNSET,
    rationale: str = _UNSET,
    expected_revision: int | None = None,
    evidence: Sequence[int] = (),
    round_number: int | None = None,
    excerpts: Sequence[int] = (),
) -> tuple[Assessment, bool]:
    """The secretariat adopts a cell's rating; values not given stay as they are.

    Returns the cell and whether it changed. ``evidence`` names the submitted
    submissions of this consultation the change rests on, ``round_number`` the
    closed round (the revision's source is then "round"), ``excerpts`` the
    excerpts (of source documents or of such input); anything else is a
    ValidationError naming the field. Creates the cell on its first change.
    The values not given are read from the locked row, so a concurrent change
    of another field is never overwritten.
    """
    _refuse_if_frozen(consultation)
    submissions, round = adoption_basis(consultation=consultation, evidence=evidence, round_number=round_number)
    quoted = adoption_excerpts(consultation=consultation, excerpts=excerpts)
    assessment, _ = Assessment.objects.get_or_create(consultation=consultation, solution=solution, criterion=criterion)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    revision = assessment_revise(
        assessment=locked,
        stars=locked.stars if stars is _UNSET else stars,
        level=locked.level if level is _UNSET else level,
        rationale=locked.rationale if rationale is _UNSET else rationale,
        reason=reason,
        source=RevisionSource.ROUND if round else RevisionSource.MANUAL,
        user=user,
        expected_revision=expected_revision,
        round=round,
        evidence=submissions,
        excerpts=quoted,
    )
    return locked, revision is not None


@transaction.atomic
def classification_change(
    *,
    consultation: Consultation,
    solution: Solution,
    user: AbstractBaseUser,
    value: str,
    reason: str,
    expected_revision: int | None = None,
    evidence: Sequence[int] = (),
    round_number: int | None = None,
    excerpts: Sequence[int] = (),
) -> tuple[Classification, bool]:
    """The secretariat adopts a solution's overall classification (evidence and round as for ``rating_change``).

    Creates its record on the first change.
    """
    _refuse_if_frozen(consultation)
    submissions, round = adoption_basis(consultation=consultation, evidence=evidence, round_number=round_number)
    quoted = adoption_excerpts(consultation=consultation, excerpts=excerpts)
    classification, _ = Classification.objects.get_or_create(
        consultation=consultation, solution=solution, defaults={"value": ClassificationChoice.NOT_APPLICABLE}
    )
    revision = classification_revise(
        classification=classification,
        value=value,
        reason=reason,
        source=RevisionSource.ROUND if round else RevisionSource.MANUAL,
        user=user,
        expected_revision=expected_revision,
        round=round,
        evidence=submissions,
        excerpts=quoted,
    )
    return classification, revision is not None


@transaction.atomic
def token_renew(*, user: AbstractBaseUser) -> Token:
    """A new API token for ``user``; the previous one, if any, stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def token_revoke(*, user: AbstractBaseUser) -> bool:
    """Revoke the user's API token; False when they had none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
