"""Reads that recur, as QuerySet methods with domain names."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import OuterRef, Subquery

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user: AbstractBaseUser) -> ConsultationQuerySet:
        """Consultations the user is a member of. Nobody else sees them, staff included."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class MembershipQuerySet(models.QuerySet):
    def of(self, user: AbstractBaseUser) -> MembershipQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ScopedQuerySet(models.QuerySet):
    """Rows that belong to a consultation, read only through a visible one."""

    def visible_to(self, user: AbstractBaseUser) -> models.QuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(consultation__memberships__user=user)


class RevisionQuerySet(models.QuerySet):
    """Append-only revisions of a versioned value (a rating cell or a classification)."""

    owner_field = "assessment"

    def latest_ids_as_of(self, owners: models.QuerySet, when: datetime) -> models.QuerySet:
        """Ids of the revision that stood at ``when`` for each owner.

        One correlated index lookup per owner (on ``(owner, created_at)``), so
        the cost grows with the number of cells, not with the number of
        revisions.
        """
        latest = (
            self.filter(**{self.owner_field: OuterRef("pk")}, created_at__lte=when)
            .order_by("-created_at", "-number")
            .values("pk")[:1]
        )
        return owners.annotate(revision_id=Subquery(latest)).exclude(revision_id=None).values("revision_id")

    def as_of(self, owners: models.QuerySet, when: datetime) -> models.QuerySet:
        """The revision of each owner that stood at ``when`` (owners with none then are absent)."""
        return self.filter(pk__in=self.latest_ids_as_of(owners, when))


class AssessmentRevisionQuerySet(RevisionQuerySet):
    owner_field = "assessment"


class ClassificationRevisionQuerySet(RevisionQuerySet):
    owner_field = "classification"
