"""The secretariat settles the links a re-imported draft could not carry forward by itself."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from consultation.exceptions import StateConflictError
from consultation.links import HeldLink, move_link
from consultation.models import (
    Assessment,
    Consultation,
    Criterion,
    Reattachment,
    ReattachmentStatus,
    Section,
    Solution,
    TargetKind,
)
from consultation.rules import accepts_changes

TARGET_MODELS = {
    TargetKind.SECTION: Section,
    TargetKind.SOLUTION: Solution,
    TargetKind.CRITERION: Criterion,
    TargetKind.CELL: Assessment,
}


def target_choices(consultation: Consultation, kind: str) -> list[tuple[int, str]]:
    """The places a link of ``kind`` can be re-attached to: the current draft's (retired ones left out)."""
    if kind == TargetKind.SECTION:
        return [(s.pk, f"{s.number} {s.title}") for s in Section.objects.filter(consultation=consultation)]
    if kind == TargetKind.SOLUTION:
        rows = Solution.objects.filter(consultation=consultation, retired_at__isnull=True)
        return [(s.pk, f"{s.code} {s.title}") for s in rows]
    if kind == TargetKind.CRITERION:
        rows = Criterion.objects.filter(consultation=consultation, retired_at__isnull=True)
        return [(c.pk, c.name) for c in rows]
    cells = (
        Assessment.objects.filter(
            consultation=consultation, solution__retired_at__isnull=True, criterion__retired_at__isnull=True
        )
        .select_related("solution", "criterion")
        .order_by("solution__order", "solution__code", "criterion__order")
    )
    return [(a.pk, f"{a.solution.code} × {a.criterion.name}") for a in cells]


@transaction.atomic
def reattachment_resolve(
    *, reattachment: Reattachment, user: AbstractBaseUser, target_id: int | None = None, dismiss: bool = False
) -> Reattachment:
    """Re-attach a listed link to ``target_id`` (a place of the same kind in this consultation), or dismiss it
    (the link stays where it points). Only a pending row can be settled; a holder that no longer holds the link
    (deleted, or changed by hand meanwhile) is refused with the reason."""
    consultation = reattachment.consultation
    if not accepts_changes(consultation):
        raise StateConflictError(
            f"The consultation is {consultation.get_status_display().lower()}: reopen it before re-attaching links."
        )
    locked = Reattachment.objects.select_for_update().get(pk=reattachment.pk)
    if locked.status != ReattachmentStatus.PENDING:
        raise StateConflictError(f"This link was settled already ({locked.get_status_display().lower()}).")
    now = timezone.now()
    if dismiss:
        locked.status, locked.resolved_by, locked.resolved_at = ReattachmentStatus.DISMISSED, user, now
        locked.save(update_fields=["status", "resolved_by", "resolved_at"])
        return locked
    if target_id is None:
        raise ValidationError({"target": ["Choose where the link should point now."]})
    model = TARGET_MODELS[locked.target_kind]
    target = model.objects.filter(consultation=consultation, pk=target_id).first()
    if target is None:
        raise ValidationError({"target": ["There is no such place in this consultation."]})
    label = dict(target_choices(consultation, locked.target_kind)).get(target.pk, str(target))
    if target.pk != locked.old_target_id:
        link = HeldLink(
            locked.holder_kind, locked.holder_id, locked.holder_label, locked.target_kind, locked.old_target_id
        )
        if not move_link(consultation, link, target.pk):
            raise StateConflictError(
                "The link could not be moved: what held it was deleted or changed since, or the new place is taken "
                "(an open item already raised on that cell, say). Dismiss it, or check it by hand."
            )
    locked.status, locked.new_target_id, locked.new_target_label = ReattachmentStatus.REATTACHED, target.pk, label[:400]
    locked.resolved_by, locked.resolved_at = user, now
    locked.save(update_fields=["status", "new_target_id", "new_target_label", "resolved_by", "resolved_at"])
    return locked
