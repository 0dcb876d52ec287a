"""Reads of the evidence app that recur, as QuerySet methods with domain names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from consultation.models import Consultation, Role
from consultation.rules import role_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class SubmissionQuerySet(models.QuerySet):
    def submitted(self) -> SubmissionQuerySet:
        """Submitted at least once (drafts are the author's alone)."""
        return self.filter(submitted_at__isnull=False)

    def visible_to(self, user: AbstractBaseUser, consultation: Consultation) -> SubmissionQuerySet:
        """The submissions of ``consultation`` that ``user`` may read.

        The secretariat reads every submitted one; an author reads their own,
        drafts included; other experts read submitted input only when the
        secretariat shares it, and observers only when it lets them (both see
        it pseudonymised, which is the caller's job to show, and neither sees
        input its author withdrew).
        """
        mine = Q(author=user) if user.is_authenticated else Q(pk__in=[])
        scoped = self.filter(consultation=consultation)
        role = role_of(user, consultation)
        # What others read of input shared with them: submitted and not taken back by its author.
        shared = Q(submitted_at__isnull=False, withdrawn_at__isnull=True)
        if role == Role.SECRETARIAT:
            return scoped.filter(mine | Q(submitted_at__isnull=False))
        if role == Role.EXPERT:
            if consultation.share_input_with_experts:
                return scoped.filter(mine | shared)
            return scoped.filter(mine)
        if role == Role.OBSERVER and consultation.observers_see_input:
            return scoped.filter(shared)
        return scoped.none()
