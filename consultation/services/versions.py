"""Publishing named versions of the draft ("v1 as circulated", "v2 after round 1")."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from consultation.exceptions import StateConflictError
from consultation.models import Consultation, DraftImport, DraftVersion
from consultation.rules import accepts_changes

LABEL_MAX_LENGTH = DraftVersion._meta.get_field("label").max_length


def clean_version_label(label: str) -> str:
    """The label as stored, or ValidationError: it names the version in URLs (``versions/{label}/diff/``)."""
    label = " ".join((label or "").split())
    if not label:
        raise ValidationError({"label": ["Give the version a label, e.g. “v1 as circulated”."]})
    if "/" in label:
        raise ValidationError({"label": ["A label cannot contain “/”: it is part of the version's address."]})
    if len(label) > LABEL_MAX_LENGTH:
        raise ValidationError({"label": [f"A label has at most {LABEL_MAX_LENGTH} characters."]})
    return label


@transaction.atomic
def version_publish(
    *,
    consultation: Consultation,
    user: AbstractBaseUser | None,
    label: str,
    note: str = "",
    published_at: datetime | None = None,
    draft_import: DraftImport | None = None,
) -> DraftVersion:
    """Name the state of the draft at ``published_at`` (now by default) as a version.

    A version only names a moment: the matrix it shows is read from the
    revisions as of that time, so publishing copies nothing. Labels are unique
    per consultation; a time in the future is refused, since nobody can know
    yet what the draft will say then.
    """
    if not accepts_changes(consultation):
        raise StateConflictError(
            f"The consultation is {consultation.get_status_display().lower()}: reopen it before publishing a version."
        )
    label = clean_version_label(label)
    now = timezone.now()
    published_at = published_at or now
    if published_at > now:
        raise ValidationError({"published_at": ["A version cannot be published in the future."]})
    try:
        published_at.astimezone(UTC)  # stored in UTC: a time that cannot be expressed there could not be read back
    except OverflowError:
        raise ValidationError({"published_at": ["This time is out of range."]}) from None
    # Locked so that two people publishing the same label at once get the message, not a database error.
    Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
    if DraftVersion.objects.filter(consultation=consultation, label=label).exists():
        raise ValidationError({"label": [f"There is a version “{label}” already; choose another label."]})
    return DraftVersion.objects.create(
        consultation=consultation,
        label=label,
        published_at=published_at,
        note=(note or "").strip(),
        draft_import=draft_import,
        created_by=user if user is not None and user.is_authenticated else None,
    )


def unique_version_label(consultation: Consultation, wanted: str) -> str:
    """``wanted`` made valid and unused in ``consultation`` ("… (2)", "… (3)" when taken)."""
    base = " ".join(wanted.replace("/", "-").split())[: LABEL_MAX_LENGTH - 6] or "Version"
    taken = set(
        DraftVersion.objects.filter(consultation=consultation, label__startswith=base).values_list("label", flat=True)
    )
    label, n = base, 1
    while label in taken:
        n += 1
        label = f"{base} ({n})"
    return label
