"""Helpers shared by the tests of rating rounds: a small grid of cells, experts with types, rounds in any state."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from consultation.models import Membership, Profile, Role, Round, RoundAnswer, RoundStatus
from tests.factories import CriterionFactory, SolutionFactory, SolutionGroupFactory, UserFactory


def make_grid(consultation, codes=("1a", "1b"), keys=("effectiveness", "privacy"), group=1):
    """Solutions × criteria, with no cells rated yet; returns (solutions, criteria)."""
    group = SolutionGroupFactory(consultation=consultation, number=group, name=f"Group {group}")
    solutions = [
        SolutionFactory(consultation=consultation, group=group, code=code, title=f"Solution {code}", order=n)
        for n, code in enumerate(codes)
    ]
    criteria = [
        CriterionFactory(consultation=consultation, key=key, name=key.title(), order=n) for n, key in enumerate(keys)
    ]
    return solutions, criteria


def make_expert(consultation, username: str, expert_type: str = ""):
    user = UserFactory(username=username, first_name=username.title())
    Membership.objects.create(consultation=consultation, user=user, role=Role.EXPERT)
    if expert_type:
        Profile.objects.create(user=user, name=username.title(), expert_type=expert_type)
    return user


def make_round(consultation, *, number=1, cells=(), status=RoundStatus.OPEN, starts=-1, ends=7, user=None) -> Round:
    """A round opened ``starts`` days from now and ending ``ends`` days from now, straight in the database
    (so that past rounds can be made too)."""
    now = timezone.now()
    round = Round.objects.create(
        consultation=consultation,
        number=number,
        opens_at=now + timedelta(days=starts),
        closes_at=now + timedelta(days=ends),
        status=status,
        closed_at=now if status == RoundStatus.CLOSED else None,
        created_by=user,
    )
    round.cells.set(cells)
    return round


def answer(round, cell, expert, stars=None, *, cannot_judge=False, comment=""):
    return RoundAnswer.objects.create(
        round=round, assessment=cell, expert=expert, stars=stars, cannot_judge=cannot_judge, comment=comment
    )
