"""An expert's input from the first autosaved draft to its last version: save, submit, edit, withdraw.

Called by the pages, the API and tests alike. Every function here is the one
place its rule is written:

- Only experts (and the secretariat, for input of their own) author
  submissions; observers never (``PermissionDenied``). Only the author changes
  a submission.
- Input is accepted while the consultation is open and before its closing
  date; after that (or when it is closed) only from a member whose deadline the
  secretariat extended (``Membership.deadline_extended_until``). Otherwise
  ``StateConflictError`` (409) with a message that says what to do.
- A draft is saved as often as the author likes. Submitting records version 1
  with the canonical JSON of everything written and its SHA-256 (the receipt);
  every later change by the author records the next version, and every earlier
  one is kept. Withdrawing keeps everything and marks the submission withdrawn.
- ``expected_version`` (``If-Match``, or the version a form or the autosave
  was based on) makes a concurrent change fail with ``StaleObjectError`` (412).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from consultation.exceptions import StaleObjectError, StateConflictError
from consultation.models import Consultation, Criterion, Membership, OpenItem, Reference, Section, Solution, Status
from evidence.models import (
    ProposedRating,
    ProposedReference,
    Submission,
    SubmissionVersion,
)
from evidence.rules import can_author
from evidence.services.pseudonyms import pseudonym_assign

UNSET: Any = object()
TITLE_MAX = Submission._meta.get_field("title").max_length

# --- Deadline -----------------------------------------------------------------------------------------------


def deadline_extension(consultation: Consultation, user: AbstractBaseUser) -> datetime | None:
    return (
        Membership.objects.filter(consultation=consultation, user=user)
        .values_list("deadline_extended_until", flat=True)
        .first()
    )


def input_deadline(consultation: Consultation, extension: datetime | None) -> datetime | None:
    """The moment after which a member's input is refused: the closing date, or their later extension."""
    return max(filter(None, [consultation.closes_at, extension]), default=None)


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def input_refusal(
    consultation: Consultation, user: AbstractBaseUser, *, now: datetime | None = None, extension=UNSET
) -> str:
    """Why ``consultation`` takes no input from ``user`` now, or "" when it does.

    A deadline extension later than now lets a member in after the closing date
    and after the secretariat closed the consultation, but never into a
    consultation still in preparation or archived.
    """
    now = now or timezone.now()
    if extension is UNSET:
        extension = deadline_extension(consultation, user)
    extended = extension is not None and extension > now
    if consultation.status == Status.DRAFT:
        return "The consultation has not opened yet: it takes no input so far, so nothing was saved."
    if consultation.status == Status.ARCHIVED:
        return "The consultation is archived: it takes no more input, so nothing was saved."
    if extended:
        return ""
    ask = " If you need more time, ask the secretariat for an extension."
    if consultation.status == Status.CLOSED:
        return "The consultation is closed: it takes no more input, so nothing was saved." + ask
    if consultation.closes_at is not None and now >= consultation.closes_at:
        return (
            f"The consultation closed for input on {_when(consultation.closes_at)}: nothing new is accepted, so "
            "nothing was saved." + ask
        )
    if consultation.opens_at is not None and now < consultation.opens_at:
        return f"The consultation opens for input on {_when(consultation.opens_at)}; nothing was saved."
    return ""


def refuse_unless_accepting(consultation: Consultation, user: AbstractBaseUser) -> None:
    message = input_refusal(consultation, user)
    if message:
        raise StateConflictError(message)


# --- Checks shared by the writes ---------------------------------------------------------------------------


def _require_author_role(consultation: Consultation, user: AbstractBaseUser) -> None:
    if not can_author(user, consultation):
        raise PermissionDenied("Only the experts and the secretariat of this consultation can write input.")


def _require_author(submission: Submission, user: AbstractBaseUser) -> None:
    if submission.author_id != getattr(user, "pk", None):
        raise PermissionDenied("Only its author can change a submission.")


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise StaleObjectError(
            f"The submission was changed since you opened it (version {current}, you had {expected}), perhaps in "
            "another window. Reload it, then apply your change again."
        )


def _refuse_withdrawn(submission: Submission) -> None:
    if submission.withdrawn_at is not None:
        raise StateConflictError(
            "You withdrew this submission: it is kept as it was and can no longer be changed. Write a new one instead."
        )


def _lock(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("consultation").get(pk=submission.pk)


def _same_consultation(field: str, objects: Iterable, consultation: Consultation) -> list:
    objects = list(objects)
    foreign = [str(obj) for obj in objects if obj.consultation_id != consultation.pk]
    if foreign:
        raise ValidationError({field: [f"Not part of this consultation: {', '.join(foreign)}."]})
    return objects


# --- Content -----------------------------------------------------------------------------------------------


def _rating_key(rating: dict | ProposedRating) -> tuple:
    if isinstance(rating, dict):
        return (rating["solution"].pk, rating["criterion"].pk, rating.get("stars"), rating.get("justification", ""))
    return (rating.solution_id, rating.criterion_id, rating.stars, rating.justification)


_REFERENCE_FIELDS = ("authors", "title", "year", "venue", "url")


def _reference_key(reference: dict | ProposedReference) -> tuple:
    if isinstance(reference, dict):
        return tuple(reference.get(name) or ("" if name != "year" else None) for name in _REFERENCE_FIELDS)
    return tuple(getattr(reference, name) for name in _REFERENCE_FIELDS)


def _clean_ratings(ratings: Sequence[dict], consultation: Consultation) -> list[dict]:
    cleaned, seen, errors = [], set(), []
    for number, rating in enumerate(ratings, start=1):
        solution, criterion = rating.get("solution"), rating.get("criterion")
        if solution is None or criterion is None:
            errors.append(f"Rating {number}: choose both a solution and a criterion.")
            continue
        if solution.consultation_id != consultation.pk or criterion.consultation_id != consultation.pk:
            errors.append(f"Rating {number}: the solution or criterion is not part of this consultation.")
            continue
        stars = rating.get("stars")
        if stars is not None and not (isinstance(stars, int) and 1 <= stars <= 5):
            errors.append(f"Rating {number}: stars go from 1 to 5 (or leave it empty for N/A).")
            continue
        cell = (solution.pk, criterion.pk)
        if cell in seen:
            errors.append(f"Rating {number}: {solution.code} × {criterion.name} is rated twice; keep one.")
            continue
        seen.add(cell)
        cleaned.append(
            {
                "solution": solution,
                "criterion": criterion,
                "stars": stars,
                "justification": (rating.get("justification") or "").strip(),
            }
        )
    if errors:
        raise ValidationError({"proposed_ratings": errors})
    return cleaned


def _clean_references(references: Sequence[dict]) -> list[dict]:
    cleaned, errors = [], []
    for number, reference in enumerate(references, start=1):
        values = {name: reference.get(name) for name in _REFERENCE_FIELDS}
        for name in ("authors", "title", "venue", "url"):
            values[name] = (values[name] or "").strip()
        if not values["title"]:
            errors.append(f"New reference {number}: give at least its title.")
            continue
        year = values["year"]
        if year is not None and not (isinstance(year, int) and 1900 <= year <= 2200):
            errors.append(f"New reference {number}: the year should be between 1900 and 2200.")
            continue
        cleaned.append(values)
    if errors:
        raise ValidationError({"proposed_references": errors})
    return cleaned


def _apply_content(
    locked: Submission,
    *,
    title=UNSET,
    body=UNSET,
    solutions=UNSET,
    criteria=UNSET,
    sections=UNSET,
    open_items=UNSET,
    references=UNSET,
    proposed_ratings=UNSET,
    proposed_references=UNSET,
) -> bool:
    """Set what the author wrote; returns whether anything changed. Links must be of the same consultation."""
    consultation = locked.consultation
    changed = False
    if title is not UNSET:
        title = " ".join((title or "").split())
        if len(title) > TITLE_MAX:
            raise ValidationError({"title": [f"A title has at most {TITLE_MAX} characters (this one {len(title)})."]})
        if title != locked.title:
            locked.title, changed = title, True
    if body is not UNSET:
        body = (body or "").replace("\r\n", "\n")
        if body != locked.body:
            locked.body, changed = body, True
    links = {
        "solutions": (solutions, Solution),
        "criteria": (criteria, Criterion),
        "sections": (sections, Section),
        "open_items": (open_items, OpenItem),
        "references": (references, Reference),
    }
    for field, (value, _model) in links.items():
        if value is UNSET:
            continue
        wanted = _same_consultation(field, value or [], consultation)
        manager = getattr(locked, field)
        if {obj.pk for obj in wanted} != set(manager.values_list("pk", flat=True)):
            manager.set(wanted)
            changed = True
    if proposed_ratings is not UNSET:
        ratings = _clean_ratings(proposed_ratings or [], consultation)
        current = sorted(_rating_key(r) for r in locked.proposed_ratings.all())
        if sorted(_rating_key(r) for r in ratings) != current:
            locked.proposed_ratings.all().delete()
            ProposedRating.objects.bulk_create(ProposedRating(submission=locked, **r) for r in ratings)
            changed = True
    if proposed_references is not UNSET:
        new_references = _clean_references(proposed_references or [])
        current = [_reference_key(r) for r in locked.proposed_references.order_by("id")]
        if [_reference_key(r) for r in new_references] != current:
            locked.proposed_references.all().delete()
            ProposedReference.objects.bulk_create(ProposedReference(submission=locked, **r) for r in new_references)
            changed = True
    return changed


def submission_content(submission: Submission) -> dict:
    """Everything the author wrote, in a canonical form: what a version records and its receipt hashes."""
    ratings = (
        submission.proposed_ratings.select_related("solution", "criterion")
        .order_by("solution__order", "solution__code", "criterion__order", "criterion__key")
        .values_list("solution__code", "criterion__key", "stars", "justification")
    )
    return {
        "title": submission.title,
        "body": submission.body,
        "solutions": sorted(submission.solutions.values_list("code", flat=True)),
        "criteria": sorted(submission.criteria.values_list("key", flat=True)),
        "sections": sorted(submission.sections.values_list("number", flat=True)),
        "open_items": sorted(submission.open_items.values_list("pk", flat=True)),
        "references": sorted(submission.references.values_list("pk", flat=True)),
        "proposed_ratings": [
            {"solution": code, "criterion": key, "stars": stars, "justification": justification}
            for code, key, stars, justification in ratings
        ],
        "proposed_references": [
            dict(zip(_REFERENCE_FIELDS, _reference_key(r), strict=True))
            for r in submission.proposed_references.order_by("id")
        ],
        "attachments": [
            {"name": name, "content_type": content_type, "size": size, "sha256": sha256}
            for name, content_type, size, sha256 in submission.attachments.order_by("uploaded_at", "id").values_list(
                "name", "content_type", "size", "sha256"
            )
        ],
    }


_VERSION_META = ("submission", "consultation", "version", "submitted_at")


def canonical_json(content: dict) -> bytes:
    """The bytes a receipt's SHA-256 is taken of: sorted keys, no spaces, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def content_sha256(content: dict) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


def _record_version(locked: Submission, user: AbstractBaseUser, when: datetime) -> SubmissionVersion | None:
    """Append the next version when the content differs from the latest one; None when it does not."""
    content = submission_content(locked)
    latest = locked.versions.order_by("-number").first()
    if latest is not None:
        previous = {k: v for k, v in latest.content.items() if k not in _VERSION_META}
        if previous == content:
            return None
    number = (latest.number if latest else 0) + 1
    full = {
        "submission": locked.pk,
        "consultation": locked.consultation.slug,
        "version": number,
        "submitted_at": when.isoformat(),
        **content,
    }
    version = SubmissionVersion.objects.create(
        submission=locked,
        number=number,
        title=locked.title,
        body=locked.body,
        content=full,
        sha256=content_sha256(full),
        created_by=user,
        created_at=when,
    )
    locked.current_version = number
    version_id = version.pk
    transaction.on_commit(lambda: _queue_receipt(version_id))
    return version


def _queue_receipt(version_id: int) -> None:
    from evidence.tasks import send_submission_receipt

    send_submission_receipt.delay(version_id)


def _save(locked: Submission, *fields: str) -> None:
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])


# --- The author's writes -----------------------------------------------------------------------------------


@transaction.atomic
def submission_save_draft(
    *,
    consultation: Consultation,
    author: AbstractBaseUser,
    submission: Submission | None = None,
    expected_version: int | None = None,
    **content,
) -> Submission:
    """Create a draft, or save what the author typed into their draft (the autosave calls this).

    ``content`` takes any of title, body, solutions, criteria, sections,
    open_items, references (lists of objects of the same consultation),
    proposed_ratings (dicts: solution, criterion, stars 1-5 or None for N/A,
    justification) and proposed_references (dicts: authors, title, year,
    venue, url); what is not given stays as it is. A submitted submission is
    changed with ``submission_edit`` instead.
    """
    _require_author_role(consultation, author)
    refuse_unless_accepting(consultation, author)
    if submission is None:
        submission = Submission.objects.create(consultation=consultation, author=author)
        locked = _lock(submission)
        _apply_content(locked, **content)
        locked.save(update_fields=["title", "body", "updated_at"])
        return locked
    if submission.consultation_id != consultation.pk:
        raise PermissionDenied("This submission belongs to another consultation.")
    locked = _lock(submission)
    _require_author(locked, author)
    _check_version(locked.version, expected_version)
    if locked.submitted_at is not None:
        raise StateConflictError(
            "This submission was submitted already: a change now makes a new version (edit it), so the draft "
            "was not saved over it."
        )
    if _apply_content(locked, **content):
        _save(locked, "title", "body")
    return locked


def _missing_for_submit(locked: Submission) -> str:
    if not locked.title.strip():
        return "Give your input a title before submitting it."
    if not (locked.body.strip() or locked.proposed_ratings.exists() or locked.attachments.exists()):
        return "Your input is empty: write something, propose a rating or attach a file before submitting."
    return ""


@transaction.atomic
def submission_submit(
    *, submission: Submission, user: AbstractBaseUser, expected_version: int | None = None
) -> SubmissionVersion:
    """Submit a draft: stamp ``submitted_at``, record version 1 and its SHA-256, and email the receipt.

    The author gets their pseudonym in the consultation at that moment (it is
    what others see, should the secretariat share the input).
    """
    locked = _lock(submission)
    _require_author(locked, user)
    _check_version(locked.version, expected_version)
    if locked.submitted_at is not None:
        raise StateConflictError("This submission was submitted already; edit it to make a new version.")
    refuse_unless_accepting(locked.consultation, user)
    missing = _missing_for_submit(locked)
    if missing:
        raise ValidationError({"title" if "title" in missing else "body": [missing]})
    now = timezone.now()
    pseudonym_assign(consultation=locked.consultation, user=user)
    locked.submitted_at = now
    version = _record_version(locked, user, now)
    _save(locked, "submitted_at", "current_version")
    return version


@transaction.atomic
def submission_edit(
    *, submission: Submission, user: AbstractBaseUser, expected_version: int | None = None, **content
) -> tuple[Submission, SubmissionVersion | None]:
    """Change a submitted submission: a new version when the content changed (None when it did not).

    Every earlier version is kept as it was. ``content`` as for
    ``submission_save_draft``. A draft is simply saved (no version yet).
    """
    locked = _lock(submission)
    _require_author(locked, user)
    _check_version(locked.version, expected_version)
    _refuse_withdrawn(locked)
    refuse_unless_accepting(locked.consultation, user)
    changed = _apply_content(locked, **content)
    if locked.submitted_at is None:
        if changed:
            _save(locked, "title", "body")
        return locked, None
    if changed and not locked.title.strip():
        raise ValidationError({"title": ["A submitted input keeps a title."]})
    # Compared with the latest version rather than trusting ``changed``: files attached just before (with
    # ``record_version=False``) belong to this version too.
    version = _record_version(locked, user, timezone.now())
    if changed or version is not None:
        _save(locked, "title", "body", "current_version")
    return locked, version


@transaction.atomic
def submission_withdraw(
    *, submission: Submission, user: AbstractBaseUser, expected_version: int | None = None
) -> Submission:
    """Withdraw a submitted submission: nothing is deleted; it is marked withdrawn and can no longer change."""
    locked = _lock(submission)
    _require_author(locked, user)
    _check_version(locked.version, expected_version)
    if locked.withdrawn_at is not None:
        raise StateConflictError("This submission was withdrawn already.")
    if locked.submitted_at is None:
        raise StateConflictError(
            "This is a draft nobody else sees: there is nothing to withdraw. Leave it unsubmitted."
        )
    refuse_unless_accepting(locked.consultation, user)
    locked.withdrawn_at = timezone.now()
    _save(locked, "withdrawn_at")
    return locked
