"""The secretariat's triage of submissions: status and response, internal notes, tags, open-item resolution.

Who may call these is decided by the callers (pages and API) through the rules
in ``evidence/rules.py`` (secretariat only); the functions here enforce the
invariants every caller shares:

- A closed or archived consultation is read-only (409, like every other write).
- Drafts (never submitted) are the author's alone: the secretariat cannot triage them.
- A withdrawn submission stays triageable so the secretariat can close it off:
  it may be *noted* or *rejected* (or keep its status), get a response, notes and
  tags, but it can no longer be accepted, incorporated or put under review,
  since its author took it back.
- ``expected_version`` (the ``If-Match`` the user sent, or the version a form was
  rendered with) makes a concurrent change fail with ``StaleObjectError`` instead
  of silently overwriting it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from consultation.exceptions import StaleObjectError, StateConflictError
from consultation.models import Consultation, OpenItem, OpenItemStatus
from consultation.services import _refuse_if_frozen, open_item_update
from evidence.models import InternalNote, Submission, SubmissionStatus, Tag

# What a withdrawn submission may still become (see the module docstring).
WITHDRAWN_STATUSES = frozenset({SubmissionStatus.NOTED, SubmissionStatus.REJECTED})
TAG_NAME_MAX = Tag._meta.get_field("name").max_length


def _check_version(current: int, expected: int | None, what: str) -> None:
    if expected is not None and expected != current:
        raise StaleObjectError(
            f"{what} was changed by someone else since you opened it (version {current}, you had {expected}). "
            "Reload it, then apply your change again."
        )


def _refuse_drafts(submission: Submission) -> None:
    if submission.submitted_at is None:
        raise StateConflictError("This submission is still a draft of its author: it cannot be triaged yet.")


@transaction.atomic
def submission_triage(
    *,
    submission: Submission,
    user: AbstractBaseUser,
    status: str | None = None,
    response: str | None = None,
    tags: Iterable[Tag] | None = None,
    expected_version: int | None = None,
) -> Submission:
    """Set a submission's triage status, the response its author sees, and its tags.

    Values left ``None`` stay as they are; ``tags`` replaces the set of tags.
    Bumps ``version`` when anything changed, stamps ``responded_at`` when the
    response changed, and, after the transaction commits, emails the author
    when the status or the response changed.
    """
    _refuse_if_frozen(submission.consultation)
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    _check_version(locked.version, expected_version, "The submission")
    _refuse_drafts(locked)
    changed: list[str] = []
    if status is not None and status != locked.status:
        if status not in SubmissionStatus.values:
            raise ValidationError({"status": [f"Unknown status {status!r}."]})
        if locked.is_withdrawn and status not in WITHDRAWN_STATUSES:
            raise StateConflictError(
                "The author withdrew this submission: it can only be marked noted or rejected now."
            )
        locked.status = status
        changed.append("status")
    if response is not None and response != locked.response:
        locked.response = response
        locked.responded_at = timezone.now() if response.strip() else None
        changed += ["response", "responded_at"]
    tags_changed = False
    if tags is not None:
        tags = list(tags)
        foreign = [tag.name for tag in tags if tag.consultation_id != locked.consultation_id]
        if foreign:
            raise ValidationError({"tags": [f"Not a tag of this consultation: {', '.join(foreign)}."]})
        wanted = {tag.pk for tag in tags}
        if wanted != set(locked.tags.values_list("pk", flat=True)):
            locked.tags.set(tags)
            tags_changed = True
    if changed or tags_changed:
        locked.version += 1
        locked.save(update_fields=[*changed, "version", "updated_at"])
    if {"status", "response"} & set(changed):
        from evidence.tasks import send_status_change

        submission_id, version = locked.pk, locked.version
        transaction.on_commit(lambda: send_status_change.delay(submission_id, version))
    return locked


def internal_note_add(*, submission: Submission, user: AbstractBaseUser, body: str) -> InternalNote:
    """Add a note of the secretariat to a submission. Experts and observers never see notes."""
    _refuse_if_frozen(submission.consultation)
    _refuse_drafts(submission)
    body = body.strip()
    if not body:
        raise ValidationError({"body": ["Write the note first."]})
    return InternalNote.objects.create(submission=submission, author=user, body=body)


def tag_create(*, consultation: Consultation, user: AbstractBaseUser, name: str) -> Tag:
    """Create a tag in ``consultation``, or return the existing one of that name (case-insensitive)."""
    _refuse_if_frozen(consultation)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": ["Give the tag a name."]})
    if len(name) > TAG_NAME_MAX:
        raise ValidationError({"name": [f"A tag name has at most {TAG_NAME_MAX} characters."]})
    existing = Tag.objects.filter(consultation=consultation, name__iexact=name).first()
    if existing is not None:
        return existing
    return Tag.objects.create(consultation=consultation, name=name)


def open_item_answers_set(
    *, item: OpenItem, user: AbstractBaseUser, submissions: Iterable[Submission], expected_version: int | None = None
) -> OpenItem:
    """Make ``submissions`` exactly the input that answers ``item`` (others are unlinked), without resolving it.

    Only submitted input of the item's consultation can be linked. Bumps the
    item's version (and those of the submissions linked or unlinked) when the
    links change.
    """
    return open_item_update(item=item, expected_version=expected_version, answering_submissions=list(submissions))


def open_item_resolve(
    *,
    item: OpenItem,
    user: AbstractBaseUser,
    submissions: Iterable[Submission],
    resolution: str,
    expected_version: int | None = None,
) -> OpenItem:
    """Resolve an open item: link the submissions that answer it and write the resolution.

    The resolution is required (the database insists too). One transaction
    (``open_item_update``): on any error neither the links nor the status change.
    """
    if not resolution.strip():
        raise ValidationError({"resolution": ["Say how the item was resolved before marking it resolved."]})
    return open_item_update(
        item=item,
        expected_version=expected_version,
        answering_submissions=list(submissions),
        status=OpenItemStatus.RESOLVED,
        resolution=resolution.strip(),
    )
