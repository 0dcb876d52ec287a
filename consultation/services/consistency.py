"""The consistency check's writes: the consultation's level-to-stars mapping, and open items raised on a cell."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from consultation.consistency import DEFAULT_LEVEL_STARS, MAPPED_LEVELS, describe_expected, mapping_for
from consultation.exceptions import StateConflictError
from consultation.models import Assessment, Consultation, OpenItem, OpenItemStatus

from . import _check_version, _refuse_if_frozen


@transaction.atomic
def consistency_mapping_update(
    *,
    consultation: Consultation,
    user: AbstractBaseUser,
    mapping: dict[str, int | None],
    expected_version: int | None = None,
) -> Consultation:
    """Set the stars each text level stands for (None for N/A); levels left out keep the default.

    Only the differences from the default are stored, so a later change of the
    default still reaches the levels the secretariat never adjusted.
    """
    _refuse_if_frozen(consultation)
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _check_version(locked.version, expected_version, "The consultation")
    errors = []
    stored = {}
    for level, stars in mapping.items():
        if level not in MAPPED_LEVELS:
            errors.append(f"“{level}” is not a level of the mapping ({', '.join(MAPPED_LEVELS)}).")
        elif stars is not None and not (isinstance(stars, int) and 1 <= stars <= 5):
            errors.append(f"{level}: give 1 to 5 stars or N/A.")
        elif stars != DEFAULT_LEVEL_STARS[level]:
            stored[level] = stars
    if errors:
        raise ValidationError({"mapping": errors})
    if stored != (locked.consistency_mapping or {}):
        locked.consistency_mapping = stored
        locked.version += 1
        locked.save(update_fields=["consistency_mapping", "version", "updated_at"])
    return locked


def cell_open_item_prompt(assessment: Assessment) -> str:
    """The prompt of an open item raised on a disagreeing cell: the cell, its level and its stars."""
    stars = "N/A" if assessment.stars is None else f"{assessment.stars} star{'s' if assessment.stars != 1 else ''}"
    expected = describe_expected(assessment.level, mapping_for(assessment.consultation))
    return (
        f"{assessment.solution.code} {assessment.solution.title} – {assessment.criterion.name}: the text says "
        f"“{assessment.level}”{f' ({expected})' if expected else ''} but the overview table gives {stars}. "
        "Which one is right?"
    )


@transaction.atomic
def open_item_from_cell(*, assessment: Assessment, user: AbstractBaseUser) -> OpenItem:
    """Turn a cell into an open item in its solution's section; refused while one raised on it is unresolved."""
    consultation = assessment.consultation
    _refuse_if_frozen(consultation)
    existing = OpenItem.objects.filter(assessment=assessment).exclude(status=OpenItemStatus.RESOLVED).first()
    if existing is not None:
        raise StateConflictError(
            f"There is an open item on {assessment.solution.code}/{assessment.criterion.key} already "
            f"(item {existing.pk}); resolve it before raising another one."
        )
    try:
        with transaction.atomic():
            return OpenItem.objects.create(
                consultation=consultation,
                assessment=assessment,
                section=assessment.solution.section,
                place=f"Rating of {assessment.solution.code} for {assessment.criterion.name}",
                prompt=cell_open_item_prompt(assessment),
                created_by=user if user.is_authenticated else None,
            )
    except IntegrityError:  # raised at the same moment by someone else
        raise StateConflictError(
            f"There is an open item on {assessment.solution.code}/{assessment.criterion.key} already."
        ) from None
