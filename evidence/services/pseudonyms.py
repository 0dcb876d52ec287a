"""Experts' pseudonyms: the "Expert N" under which their input is shown to other experts and observers.

Numbered per consultation on first need (an expert's first submission, or the
first time their input is listed), so numbers follow the order experts first
took part.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from consultation.models import Consultation
from evidence.models import Pseudonym


def pseudonym_assign(*, consultation: Consultation, user: AbstractBaseUser) -> Pseudonym:
    """The user's "Expert N" in ``consultation``, numbered on first need (1, 2 ... in that order).

    The consultation's row is locked while the next number is chosen, so two
    first submissions at the same moment get different numbers; the unique
    constraints are the last word.
    """
    existing = Pseudonym.objects.filter(consultation=consultation, user=user).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        Consultation.objects.select_for_update(no_key=True).filter(pk=consultation.pk).first()
        existing = Pseudonym.objects.filter(consultation=consultation, user=user).first()
        if existing is not None:
            return existing
        last = Pseudonym.objects.filter(consultation=consultation).aggregate(n=Max("number"))["n"] or 0
        return Pseudonym.objects.create(consultation=consultation, user=user, number=last + 1)


def pseudonym_labels(consultation: Consultation, user_ids: Iterable[int]) -> dict[int, str]:
    """``{user_id: "Expert N"}`` for the given authors (one query; numbers any missing one first)."""
    wanted = set(user_ids)
    labels = {
        user_id: f"Expert {number}"
        for user_id, number in Pseudonym.objects.filter(consultation=consultation, user_id__in=wanted).values_list(
            "user_id", "number"
        )
    }
    missing = wanted - set(labels)
    if missing:
        from django.contrib.auth import get_user_model

        for user in get_user_model().objects.filter(pk__in=missing).order_by("pk"):
            labels[user.pk] = str(pseudonym_assign(consultation=consultation, user=user))
    return labels
