"""Reads of rating rounds: their cells, where a round stands, the experts' answers and the figures per cell.

Each read here costs a constant number of queries, whatever the number of
cells, experts or answers: the cells of a round in one query, its answers in
another, and the figures are computed in Python (``consultation.consensus``).
Writes are in ``consultation.services.rounds``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from consultation.consensus import ConsensusRule, Figures, figures, figures_by
from consultation.models import Assessment, ExpertType, Round, RoundAnswer, RoundStatus

NOT_STATED = "not_stated"
EXPERT_TYPE_LABELS = {**dict(ExpertType.choices), NOT_STATED: "Not stated"}


class Phase:
    """Where a round stands for the experts. Only the secretariat's closing makes it ``closed``."""

    UPCOMING = "upcoming"  # open, before opens_at
    OPEN = "open"  # open, between opens_at and closes_at: experts answer
    ENDED = "ended"  # open, after closes_at: no more answers, waiting for the secretariat to close it
    CLOSED = "closed"


PHASE_LABELS = {
    Phase.UPCOMING: "Not open yet",
    Phase.OPEN: "Open for answers",
    Phase.ENDED: "Answering ended (not closed yet)",
    Phase.CLOSED: "Closed",
}


def round_phase(round: Round, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if round.status == RoundStatus.CLOSED:
        return Phase.CLOSED
    if now < round.opens_at:
        return Phase.UPCOMING
    if now >= round.closes_at:
        return Phase.ENDED
    return Phase.OPEN


def accepts_answers(round: Round, now: datetime | None = None) -> bool:
    return round_phase(round, now) == Phase.OPEN


def why_no_answers(round: Round, now: datetime | None = None) -> str:
    """Why a round takes no answers now, in a sentence for the expert ("" when it does)."""
    phase = round_phase(round, now)
    local = timezone.localtime
    if phase == Phase.UPCOMING:
        return f"Round {round.number} opens for answers on {local(round.opens_at):%d %b %Y, %H:%M}."
    if phase == Phase.ENDED:
        return f"Round {round.number} took answers until {local(round.closes_at):%d %b %Y, %H:%M}."
    if phase == Phase.CLOSED:
        return f"Round {round.number} is closed: its answers can no longer change."
    return ""


def round_cells(round: Round) -> list[Assessment]:
    """The cells of a round in matrix order (solution, then criterion), with their solution and criterion."""
    return list(
        round.cells.select_related("solution__group", "criterion").order_by(
            "solution__order", "solution__code", "criterion__order", "criterion__key"
        )
    )


def cell_index(cells: list[Assessment]) -> dict[tuple[str, str], Assessment]:
    """The cells by (solution code, criterion key), the way the API names them."""
    return {(cell.solution.code, cell.criterion.key): cell for cell in cells}


def previous_round(round: Round) -> Round | None:
    """The round before this one in the same consultation (the one whose figures experts see while answering)."""
    return (
        Round.objects.filter(consultation_id=round.consultation_id, number__lt=round.number).order_by("-number").first()
    )


def answer_problems(*, stars: int | None, cannot_judge: bool, comment: str) -> dict[str, list[str]]:
    """What is wrong with one answer, by field ({} when nothing): the one rule the page, the API and the service
    share. Stars 1 to 5 or "cannot judge", not both; a comment needs one of them. Neither, without a comment,
    is no answer (it clears an earlier one)."""
    if stars is not None and not (isinstance(stars, int) and 1 <= stars <= 5):
        return {"stars": ["Give 1 to 5 stars."]}
    if cannot_judge and stars is not None:
        return {"stars": ['Give either stars or "cannot judge", not both.']}
    if not cannot_judge and stars is None and comment.strip():
        return {"stars": ['Choose 1 to 5 stars or "cannot judge" to go with your comment.']}
    return {}


def my_answers(round: Round, user) -> dict[int, RoundAnswer]:
    """The user's answers of a round by cell (assessment) id."""
    return {answer.assessment_id: answer for answer in RoundAnswer.objects.filter(round=round, expert=user)}


@dataclass(frozen=True)
class CellResult:
    """One cell of a round with its figures (and, on request, the figures per expert type)."""

    cell: Assessment
    figures: Figures
    by_expert_type: dict[str, Figures] | None = None

    @property
    def split(self) -> list[tuple[str, str, Figures]]:
        """(expert type, its label, figures) in a stable order, for display."""
        return [(key, EXPERT_TYPE_LABELS.get(key, key), f) for key, f in (self.by_expert_type or {}).items()]


def _type_order(key: str) -> tuple[int, str]:
    # Expert types in their declared order, "not stated" last.
    order = list(EXPERT_TYPE_LABELS)
    return (order.index(key) if key in order else len(order), key)


def _answers_by_cell(answers) -> tuple[dict[int, list], dict[int, list]]:
    plain: dict[int, list] = defaultdict(list)
    typed: dict[int, list] = defaultdict(list)
    for assessment_id, stars, cannot_judge, expert_type in answers:
        value = None if cannot_judge else stars
        plain[assessment_id].append(value)
        typed[assessment_id].append((expert_type or NOT_STATED, value))
    return plain, typed


def round_results(
    round: Round, *, by_expert_type: bool = False, cells: list[Assessment] | None = None
) -> list[CellResult]:
    """Figures of every cell of a round, by the consultation's consensus rule, in matrix order.

    Two queries (the cells, unless given, and the answers), whatever the number of cells and answers.
    """
    rule = ConsensusRule.of(round.consultation)
    cells = round_cells(round) if cells is None else cells
    answers = RoundAnswer.objects.filter(round=round).values_list(
        "assessment_id", "stars", "cannot_judge", "expert__profile__expert_type"
    )
    plain, typed = _answers_by_cell(answers)
    return [
        CellResult(
            cell=cell,
            figures=figures(plain.get(cell.pk, []), rule),
            by_expert_type=figures_by(typed.get(cell.pk, []), rule, order=_type_order) if by_expert_type else None,
        )
        for cell in cells
    ]


@dataclass(frozen=True)
class RoundResult:
    """A round in which one cell was rated, with that cell's figures in it."""

    round: Round
    figures: Figures

    @property
    def label(self) -> str:
        """ "Round 2: median 4, IQR 1, 7 answers, consensus" (for choices and notes about the cell)."""
        return f"Round {self.round.number}: {self.figures.summary}"


def cell_round_results(assessment: Assessment) -> list[RoundResult]:
    """Every round that rated this cell, oldest first, with the cell's figures in each (by the consultation's
    current consensus rule). Two queries. For adopting a rating that rests on a round, and for the cell's
    timeline."""
    rounds = list(Round.objects.filter(cells=assessment).select_related("consultation").order_by("number"))
    plain: dict[int, list] = defaultdict(list)
    for round_id, stars, cannot_judge in RoundAnswer.objects.filter(
        assessment=assessment, round__in=[r.pk for r in rounds]
    ).values_list("round_id", "stars", "cannot_judge"):
        plain[round_id].append(None if cannot_judge else stars)
    return [
        RoundResult(round=r, figures=figures(plain.get(r.pk, []), ConsensusRule.of(r.consultation))) for r in rounds
    ]


def answer_counts(round: Round, user) -> tuple[int, int]:
    """(cells the user answered, cells of the round): "12 of 55 answered". Two queries."""
    return RoundAnswer.objects.filter(round=round, expert=user).count(), round.cells.count()
