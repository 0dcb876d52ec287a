"""Writes of rating rounds: the secretariat opens, reschedules and closes them; experts save their answers.

Called by the pages and the API alike. Each function checks the state it
needs (a frozen consultation, a round not open for answers: 409) and the rule
of an answer (``consultation.rounds.answer_problems``); who may call it is
checked with ``consultation.rules`` here too, so no caller can skip it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from consultation.exceptions import StateConflictError
from consultation.models import Assessment, Consultation, Criterion, Round, RoundAnswer, RoundStatus, Solution
from consultation.rounds import accepts_answers, answer_problems, previous_round, why_no_answers
from consultation.rules import is_expert, is_secretariat
from consultation.services import _refuse_if_frozen

__all__ = [
    "AnswerInput",
    "round_answer_save",
    "round_answers_keep_previous",
    "round_answers_save",
    "round_close",
    "round_open",
    "round_update",
]


def _require_secretariat(user, consultation: Consultation) -> None:
    if not is_secretariat(user, consultation):
        raise PermissionDenied("Only the secretariat of this consultation opens and closes rating rounds.")


def _check_dates(opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": ["The round must close after it opens."]})


def _current_cells(consultation: Consultation, wanted: Iterable[tuple[str, str]] | None) -> list[Assessment]:
    """The cells to rate: every solution × criterion not retired, or the (code, key) pairs ``wanted``.

    A cell never rated yet has no row: it is created (with no revision), so that a round can cover the whole grid.
    """
    solutions = {s.code: s for s in Solution.objects.filter(consultation=consultation, retired_at__isnull=True)}
    criteria = {c.key: c for c in Criterion.objects.filter(consultation=consultation, retired_at__isnull=True)}
    if wanted is None:
        pairs = [(s, c) for s in solutions.values() for c in criteria.values()]
    else:
        pairs, unknown = [], []
        for code, key in dict.fromkeys(wanted):  # in order, without repeats
            if code in solutions and key in criteria:
                pairs.append((solutions[code], criteria[key]))
            else:
                unknown.append(f"{code} × {key}")
        if unknown:
            raise ValidationError(
                {"cells": [f"Not a current cell of this consultation: {', '.join(unknown)}."]}, code="unknown_cell"
            )
    if not pairs:
        raise ValidationError({"cells": ["Choose at least one cell to rate (a solution against a criterion)."]})
    existing = {
        (a.solution_id, a.criterion_id): a
        for a in Assessment.objects.filter(consultation=consultation, solution__in=[s for s, _ in pairs])
    }
    missing = [
        Assessment(consultation=consultation, solution=s, criterion=c) for s, c in pairs if (s.pk, c.pk) not in existing
    ]
    for created in Assessment.objects.bulk_create(missing):
        existing[(created.solution_id, created.criterion_id)] = created
    return [existing[(s.pk, c.pk)] for s, c in pairs]


@transaction.atomic
def round_open(
    *,
    consultation: Consultation,
    user: AbstractBaseUser,
    opens_at: datetime,
    closes_at: datetime,
    title: str = "",
    cells: Iterable[tuple[str, str]] | None = None,
) -> Round:
    """Open the next rating round over every current cell, or over the cells named (solution code, criterion key).

    Rounds follow each other (Delphi): the next one opens only when every earlier one is closed, so that the
    experts see the previous round's figures while they answer. The consultation row is locked, so two rounds
    opened at once get different numbers or the second is refused.
    """
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _require_secretariat(user, locked)
    _refuse_if_frozen(locked)
    still_open = Round.objects.filter(consultation=locked, status=RoundStatus.OPEN).order_by("number").first()
    if still_open is not None:
        raise StateConflictError(
            f"Round {still_open.number} is still open: close it before opening the next one, "
            "so that the experts can see its figures."
        )
    _check_dates(opens_at, closes_at)
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": ["The closing time has passed already: choose a time to come."]})
    chosen = _current_cells(locked, cells)
    number = (Round.objects.filter(consultation=locked).aggregate(last=Max("number"))["last"] or 0) + 1
    round = Round.objects.create(
        consultation=locked,
        number=number,
        title=title.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=user,
    )
    round.cells.set(chosen)
    return round


@transaction.atomic
def round_update(
    *, round: Round, user: AbstractBaseUser, closes_at: datetime | None = None, title: str | None = None
) -> Round:
    """Move a round's closing time (to give the experts more time, or to end it early) or change its title.

    A closed round stays as it was closed.
    """
    locked = Round.objects.select_for_update(of=("self",)).select_related("consultation").get(pk=round.pk)
    _require_secretariat(user, locked.consultation)
    _refuse_if_frozen(locked.consultation)
    if locked.status == RoundStatus.CLOSED:
        raise StateConflictError(f"Round {locked.number} is closed: its dates can no longer change.")
    changed = []
    if closes_at is not None and closes_at != locked.closes_at:
        _check_dates(locked.opens_at, closes_at)
        locked.closes_at = closes_at
        changed.append("closes_at")
    if title is not None and title.strip() != locked.title:
        locked.title = title.strip()
        changed.append("title")
    if changed:
        locked.save(update_fields=changed)
    return locked


@transaction.atomic
def round_close(*, round: Round, user: AbstractBaseUser) -> tuple[Round, bool]:
    """Close a round: no more answers, and its figures become visible to the experts. Closing a closed round
    changes nothing (returns False)."""
    locked = Round.objects.select_for_update(of=("self",)).select_related("consultation").get(pk=round.pk)
    _require_secretariat(user, locked.consultation)
    _refuse_if_frozen(locked.consultation)
    if locked.status == RoundStatus.CLOSED:
        return locked, False
    locked.status = RoundStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    return locked, True


@dataclass(frozen=True)
class AnswerInput:
    """One answer as an expert gives it: stars 1..5 or "cannot judge" (or neither, to clear it), and a comment."""

    assessment: Assessment
    stars: int | None = None
    cannot_judge: bool = False
    comment: str = ""


def _lock_open_round(round: Round, expert: AbstractBaseUser, now: datetime | None) -> Round:
    # The round row is locked so that an answer and the secretariat's closing never cross: an answer saved
    # is saved before the round closed, and none is saved after.
    locked = Round.objects.select_for_update(no_key=True, of=("self",)).select_related("consultation").get(pk=round.pk)
    if not is_expert(expert, locked.consultation):
        raise PermissionDenied("Only the experts of this consultation answer rating rounds.")
    _refuse_if_frozen(locked.consultation)
    if not accepts_answers(locked, now):
        raise StateConflictError(f"{why_no_answers(locked, now)} Nothing was saved.")
    return locked


@transaction.atomic
def round_answers_save(
    *, round: Round, expert: AbstractBaseUser, answers: Sequence[AnswerInput], now: datetime | None = None
) -> list[RoundAnswer | None]:
    """Save an expert's own answers for cells of an open round, as they go: each one replaces their earlier
    answer for that cell. An answer with neither stars nor "cannot judge" (and no comment) clears it.

    All or nothing: a cell outside the round or a bad answer raises ValidationError and saves none.
    Returns the saved answers (None for a cleared one), in the order given.
    """
    locked = _lock_open_round(round, expert, now)
    in_round = set(locked.cells.values_list("pk", flat=True))
    for answer in answers:
        if answer.assessment.pk not in in_round:
            raise ValidationError(
                {"cell": [f"{answer.assessment} is not a cell of round {locked.number}."]}, code="not_in_round"
            )
        problems = answer_problems(stars=answer.stars, cannot_judge=answer.cannot_judge, comment=answer.comment)
        if problems:
            raise ValidationError(problems)
    saved: list[RoundAnswer | None] = []
    for answer in answers:
        if answer.stars is None and not answer.cannot_judge:
            RoundAnswer.objects.filter(round=locked, assessment=answer.assessment, expert=expert).delete()
            saved.append(None)
            continue
        record, _ = RoundAnswer.objects.update_or_create(
            round=locked,
            assessment=answer.assessment,
            expert=expert,
            defaults={"stars": answer.stars, "cannot_judge": answer.cannot_judge, "comment": answer.comment.strip()},
        )
        saved.append(record)
    return saved


def round_answer_save(
    *,
    round: Round,
    expert: AbstractBaseUser,
    assessment: Assessment,
    stars: int | None,
    cannot_judge: bool = False,
    comment: str = "",
    now: datetime | None = None,
) -> RoundAnswer | None:
    """Save one answer of an expert (see ``round_answers_save``); None when it cleared the answer."""
    answer = AnswerInput(assessment=assessment, stars=stars, cannot_judge=cannot_judge, comment=comment)
    return round_answers_save(round=round, expert=expert, answers=[answer], now=now)[0]


@transaction.atomic
def round_answers_keep_previous(*, round: Round, expert: AbstractBaseUser, now: datetime | None = None) -> int:
    """Carry the expert's answers of the previous round over to the cells of this round they have not answered
    yet (the Delphi "keep my answer"). Returns how many were carried over."""
    locked = _lock_open_round(round, expert, now)
    before = previous_round(locked)
    if before is None:
        return 0
    answered = set(RoundAnswer.objects.filter(round=locked, expert=expert).values_list("assessment_id", flat=True))
    in_round = set(locked.cells.values_list("pk", flat=True))
    carried = [
        RoundAnswer(
            round=locked,
            assessment_id=old.assessment_id,
            expert=expert,
            stars=old.stars,
            cannot_judge=old.cannot_judge,
            comment=old.comment,
        )
        for old in RoundAnswer.objects.filter(round=before, expert=expert)
        if old.assessment_id in in_round and old.assessment_id not in answered
    ]
    RoundAnswer.objects.bulk_create(carried, ignore_conflicts=True)
    return len(carried)
