"""Rating rounds: opening, rescheduling and closing them, experts' answers, and the figures read back."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consultation.exceptions import StateConflictError
from consultation.models import Assessment, RoundAnswer, RoundStatus, Status
from consultation.rounds import Phase, cell_round_results, round_phase, round_results
from consultation.services.rounds import (
    round_answer_save,
    round_answers_keep_previous,
    round_answers_save,
    round_close,
    round_open,
    round_update,
)
from tests.consultation.rounds_fixtures import answer, make_expert, make_grid, make_round

pytestmark = pytest.mark.django_db


def _dates(start=-1, end=7):
    now = timezone.now()
    return {"opens_at": now + timedelta(days=start), "closes_at": now + timedelta(days=end)}


@pytest.fixture
def grid(consultation):
    return make_grid(consultation)


@pytest.fixture
def open_round(consultation, secretariat, grid):
    return round_open(consultation=consultation, user=secretariat, **_dates())


def _cell(consultation, code, key) -> Assessment:
    return Assessment.objects.get(consultation=consultation, solution__code=code, criterion__key=key)


# --- Opening -----------------------------------------------------------------------------------------------


def test_secretariat_opens_round_one_over_every_current_cell_creating_cells_never_rated(
    consultation, secretariat, grid
):
    retired = make_grid(consultation, codes=("9z",), keys=("old",), group=9)[0][0]
    retired.retired_at = timezone.now()
    retired.save()
    round = round_open(consultation=consultation, user=secretariat, title=" First ", **_dates())
    assert (round.number, round.status, round.title, round.created_by) == (1, RoundStatus.OPEN, "First", secretariat)
    # 2 solutions x 2 criteria, plus "old" is a current criterion for them; the retired solution is left out.
    assert sorted((c.solution.code, c.criterion.key) for c in round.cells.all()) == [
        ("1a", "effectiveness"), ("1a", "old"), ("1a", "privacy"),
        ("1b", "effectiveness"), ("1b", "old"), ("1b", "privacy"),
    ]  # fmt: skip
    assert all(cell.revision == 0 for cell in round.cells.all())


def test_secretariat_opens_a_round_over_chosen_cells_and_the_next_round_gets_the_next_number(
    consultation, secretariat, grid
):
    first = round_open(consultation=consultation, user=secretariat, cells=[("1a", "privacy")], **_dates())
    assert [(c.solution.code, c.criterion.key) for c in first.cells.all()] == [("1a", "privacy")]
    round_close(round=first, user=secretariat)
    second = round_open(
        consultation=consultation, user=secretariat, cells=[("1b", "privacy"), ("1a", "privacy")], **_dates()
    )
    assert second.number == 2
    assert second.cells.count() == 2
    # The cell rated in both rounds is one and the same row.
    assert Assessment.objects.filter(solution__code="1a", criterion__key="privacy").count() == 1


def test_unknown_or_retired_cells_are_refused_by_name(consultation, secretariat, grid):
    with pytest.raises(ValidationError) as error:
        round_open(
            consultation=consultation, user=secretariat, cells=[("1a", "privacy"), ("7x", "privacy")], **_dates()
        )
    assert error.value.message_dict == {"cells": ["Not a current cell of this consultation: 7x × privacy."]}
    with pytest.raises(ValidationError, match="at least one cell"):
        round_open(consultation=consultation, user=secretariat, cells=[], **_dates())


def test_a_round_must_close_after_it_opens_and_in_the_future(consultation, secretariat, grid):
    with pytest.raises(ValidationError) as error:
        round_open(consultation=consultation, user=secretariat, **_dates(start=3, end=2))
    assert error.value.message_dict == {"closes_at": ["The round must close after it opens."]}
    with pytest.raises(ValidationError, match="has passed"):
        round_open(consultation=consultation, user=secretariat, **_dates(start=-3, end=-1))


def test_the_next_round_opens_only_once_the_previous_one_is_closed(consultation, secretariat, open_round):
    with pytest.raises(StateConflictError, match="Round 1 is still open"):
        round_open(consultation=consultation, user=secretariat, **_dates())


@pytest.mark.parametrize("role", ["expert", "observer"])
def test_only_the_secretariat_opens_closes_and_reschedules_rounds(request, consultation, secretariat, grid, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        round_open(consultation=consultation, user=user, **_dates())
    round = round_open(consultation=consultation, user=secretariat, **_dates())
    with pytest.raises(PermissionDenied):
        round_close(round=round, user=user)
    with pytest.raises(PermissionDenied):
        round_update(round=round, user=user, closes_at=timezone.now() + timedelta(days=30))


def test_no_round_opens_in_a_closed_consultation(consultation, secretariat, grid):
    consultation.status = Status.CLOSED
    consultation.save()
    with pytest.raises(StateConflictError, match="closed"):
        round_open(consultation=consultation, user=secretariat, **_dates())


# --- Rescheduling and closing --------------------------------------------------------------------------------


def test_secretariat_moves_the_closing_time_but_not_before_the_opening(secretariat, open_round):
    later = open_round.closes_at + timedelta(days=3)
    assert round_update(round=open_round, user=secretariat, closes_at=later).closes_at == later
    with pytest.raises(ValidationError, match="close after it opens"):
        round_update(round=open_round, user=secretariat, closes_at=open_round.opens_at - timedelta(hours=1))


def test_closing_is_idempotent_and_keeps_the_first_closing_time(secretariat, open_round):
    closed, changed = round_close(round=open_round, user=secretariat)
    assert (closed.status, changed) == (RoundStatus.CLOSED, True)
    again, changed_again = round_close(round=open_round, user=secretariat)
    assert (again.closed_at, changed_again) == (closed.closed_at, False)
    with pytest.raises(StateConflictError, match="closed"):
        round_update(round=open_round, user=secretariat, closes_at=timezone.now() + timedelta(days=9))


# --- Answers -----------------------------------------------------------------------------------------------


def test_an_expert_saves_as_they_go_and_a_second_save_replaces_the_first(consultation, expert, open_round):
    cell = _cell(consultation, "1a", "privacy")
    round_answer_save(round=open_round, expert=expert, assessment=cell, stars=2, comment="  weak ")
    saved = round_answer_save(round=open_round, expert=expert, assessment=cell, stars=None, cannot_judge=True)
    assert RoundAnswer.objects.filter(round=open_round).count() == 1
    assert (saved.stars, saved.cannot_judge, saved.comment) == (None, True, "")


def test_an_answer_with_neither_stars_nor_cannot_judge_clears_it(consultation, expert, open_round):
    cell = _cell(consultation, "1a", "privacy")
    round_answer_save(round=open_round, expert=expert, assessment=cell, stars=4)
    assert round_answer_save(round=open_round, expert=expert, assessment=cell, stars=None) is None
    assert not RoundAnswer.objects.exists()


@pytest.mark.parametrize(
    ("stars", "cannot_judge", "comment", "message"),
    [
        (6, False, "", "Give 1 to 5 stars."),
        (0, False, "", "Give 1 to 5 stars."),
        (3, True, "", 'Give either stars or "cannot judge", not both.'),
        (None, False, "Only a comment", 'Choose 1 to 5 stars or "cannot judge" to go with your comment.'),
    ],
)
def test_bad_answers_are_refused_with_the_field_to_fix(
    consultation, expert, open_round, stars, cannot_judge, comment, message
):
    cell = _cell(consultation, "1a", "privacy")
    with pytest.raises(ValidationError) as error:
        round_answer_save(
            round=open_round, expert=expert, assessment=cell, stars=stars, cannot_judge=cannot_judge, comment=comment
        )
    assert error.value.message_dict == {"stars": [message]}
    assert not RoundAnswer.objects.exists()


def test_a_cell_outside_the_round_is_refused_and_nothing_of_the_batch_is_saved(consultation, secretariat, expert, grid):
    from consultation.services.rounds import AnswerInput

    round = round_open(consultation=consultation, user=secretariat, cells=[("1a", "privacy")], **_dates())
    inside = _cell(consultation, "1a", "privacy")
    outside = Assessment.objects.create(consultation=consultation, solution=grid[0][1], criterion=grid[1][1])
    with pytest.raises(ValidationError, match="is not a cell of round 1"):
        round_answers_save(
            round=round, expert=expert, answers=[AnswerInput(inside, stars=3), AnswerInput(outside, stars=3)]
        )
    assert not RoundAnswer.objects.exists()


@pytest.mark.parametrize("role", ["secretariat", "observer"])
def test_only_experts_answer(request, consultation, open_round, role):
    with pytest.raises(PermissionDenied):
        round_answer_save(
            round=open_round,
            expert=request.getfixturevalue(role),
            assessment=_cell(consultation, "1a", "privacy"),
            stars=3,
        )


def test_answers_are_refused_before_the_round_opens_after_it_ends_and_once_closed(
    consultation, secretariat, expert, grid
):
    cell = Assessment.objects.create(consultation=consultation, solution=grid[0][0], criterion=grid[1][0])
    upcoming = make_round(consultation, number=1, cells=[cell], starts=1, ends=5)
    assert round_phase(upcoming) == Phase.UPCOMING
    with pytest.raises(StateConflictError, match="opens for answers on"):
        round_answer_save(round=upcoming, expert=expert, assessment=cell, stars=3)
    ended = make_round(consultation, number=2, cells=[cell], starts=-5, ends=-1)
    assert round_phase(ended) == Phase.ENDED
    with pytest.raises(StateConflictError, match="took answers until"):
        round_answer_save(round=ended, expert=expert, assessment=cell, stars=3)
    closed = make_round(consultation, number=3, cells=[cell], status=RoundStatus.CLOSED)
    with pytest.raises(StateConflictError, match="is closed"):
        round_answer_save(round=closed, expert=expert, assessment=cell, stars=3)
    assert not RoundAnswer.objects.exists()


def test_keeping_previous_answers_fills_only_cells_not_answered_yet(consultation, secretariat, expert, grid):
    cells = [
        Assessment.objects.create(consultation=consultation, solution=s, criterion=c) for s in grid[0] for c in grid[1]
    ]
    first = make_round(consultation, number=1, cells=cells, status=RoundStatus.CLOSED, starts=-9, ends=-2)
    for cell, stars in zip(cells[:3], (2, 4, 5), strict=True):
        answer(first, cell, expert, stars, comment=f"was {stars}")
    second = make_round(consultation, number=2, cells=cells[1:], starts=-1, ends=5)
    round_answer_save(round=second, expert=expert, assessment=cells[1], stars=3)
    assert round_answers_keep_previous(round=second, expert=expert) == 1  # cells[2]; cells[0] is not in round 2
    mine = {a.assessment_id: (a.stars, a.comment) for a in RoundAnswer.objects.filter(round=second, expert=expert)}
    assert mine == {cells[1].pk: (3, ""), cells[2].pk: (5, "was 5")}


# --- Figures -----------------------------------------------------------------------------------------------


def test_results_give_each_cell_its_figures_and_split_by_expert_type(consultation, secretariat, grid):
    cells = [
        Assessment.objects.create(consultation=consultation, solution=s, criterion=c) for s in grid[0] for c in grid[1]
    ]
    round = make_round(consultation, cells=cells[:2])
    experts = [
        make_expert(consultation, "ada", "academia"),
        make_expert(consultation, "ian", "industry"),
        make_expert(consultation, "ike", "industry"),
        make_expert(consultation, "nina"),
    ]
    for expert, stars in zip(experts, (2, 4, 5, None), strict=True):
        answer(round, cells[0], expert, stars, cannot_judge=stars is None)
    results = round_results(round, by_expert_type=True)
    assert [r.cell for r in results] == cells[:2]
    first, second = (r.figures for r in results)
    assert (first.n, first.cannot_judge, first.median, first.q1, first.q3) == (3, 1, 4, 3, 4.5)
    assert first.share_within_one == pytest.approx(66.7)
    assert first.consensus is False  # 2 of 3 within one star of 4: under 70%
    assert (second.n, second.median, second.consensus) == (0, None, False)
    split = {key: (f.n, f.cannot_judge, f.median) for key, _, f in results[0].split}
    assert split == {"academia": (1, 0, 2), "industry": (2, 0, 4.5), "not_stated": (0, 1, None)}
    assert [label for _, label, _ in results[0].split] == ["Academia", "Industry", "Not stated"]


def test_results_follow_the_consultations_rule(consultation, grid):
    cell = Assessment.objects.create(consultation=consultation, solution=grid[0][0], criterion=grid[1][0])
    round = make_round(consultation, cells=[cell])
    for n, stars in enumerate((2, 4, 5)):
        answer(round, cell, make_expert(consultation, f"e{n}"), stars)
    # 2 of 3 within one star of the median 4 (66.7%), IQR 1.5: consensus by a looser rule only.
    consultation.consensus_min_share = 60
    consultation.consensus_max_iqr = 1.5
    consultation.save()
    round.refresh_from_db()
    assert round_results(round)[0].figures.consensus is True


def test_a_cells_rounds_come_with_its_figures_in_each(consultation, grid, expert):
    cell, other = (
        Assessment.objects.create(consultation=consultation, solution=grid[0][0], criterion=c) for c in grid[1]
    )
    first = make_round(consultation, number=1, cells=[cell, other], status=RoundStatus.CLOSED, starts=-9, ends=-2)
    make_round(consultation, number=2, cells=[other], status=RoundStatus.CLOSED, starts=-2, ends=-1)
    third = make_round(consultation, number=3, cells=[cell])
    answer(first, cell, expert, 3)
    answer(first, other, expert, 1)
    answer(third, cell, expert, 4)
    found = cell_round_results(cell)
    assert [(r.round.number, r.figures.n, r.figures.median) for r in found] == [(1, 1, 3), (3, 1, 4)]
    assert found[1].label == "Round 3: median 4, IQR 0, 1 answer, consensus"


@pytest.mark.django_db(transaction=True)
def test_an_answer_racing_the_closing_of_its_round_waits_and_is_then_refused(consultation, secretariat, expert):
    """The close holds the round's row lock; the answer waits for it and then sees the round closed."""
    import threading

    from django.db import connection, transaction

    from consultation.models import Round

    make_grid(consultation)
    now = timezone.now()
    round = round_open(
        consultation=consultation,
        user=secretariat,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
    )
    cell = round.cells.first()
    outcome = {}

    def answer_meanwhile():
        try:
            round_answer_save(round=round, expert=expert, assessment=cell, stars=4)
            outcome["saved"] = True
        except StateConflictError as error:
            outcome["refused"] = error.message
        finally:
            connection.close()

    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)  # what round_close does first
        racer = threading.Thread(target=answer_meanwhile)
        racer.start()
        racer.join(timeout=1)
        assert racer.is_alive()  # waiting for the lock
        locked.status, locked.closed_at = RoundStatus.CLOSED, timezone.now()
        locked.save()
    racer.join(timeout=10)

    assert outcome == {"refused": "Round 1 is closed: its answers can no longer change. Nothing was saved."}
    assert not RoundAnswer.objects.exists()
