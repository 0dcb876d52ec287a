"""Diffs between two moments, against the hand-computed history of ``versions_fixtures``."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.diffs import diff
from consultation.services.versions import version_publish
from tests.factories import ConsultationFactory, UserFactory

from .versions_fixtures import T1, T7, V1, V2, at, build_history, history_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _cells(result) -> list[tuple]:
    return [
        (
            c.key,
            c.before.stars if c.before else "-",
            c.after.stars,
            c.direction,
            c.fields,
            [s.number for s in c.steps],
        )
        for c in result.cells
    ]


def test_the_diff_between_two_versions_lists_each_changed_cell_with_its_direction(history):
    result = diff(history.consultation, V1, V2)

    assert _cells(result) == [
        ("1a/eff", 3, 4, "up", ["stars", "level"], [2]),
        ("1a/priv", 2, 2, "same", ["rationale"], [2]),
        ("1b/eff", 4, 2, "down", ["stars", "level"], [2]),
    ]


def test_a_cell_changed_and_changed_back_in_between_is_not_a_difference(history):
    keys = [c.key for c in diff(history.consultation, V1, V2).cells]

    assert "1b/priv" not in keys


def test_each_change_says_who_why_from_which_round_and_with_which_evidence(history):
    up = diff(history.consultation, V1, V2).cells[0]
    step = up.steps[0]

    assert (step.created_by, step.reason, step.source, step.round_number) == (
        "Sam Secretary",
        "Round 1 consensus",
        "round",
        1,
    )
    assert [(e.id, e.title) for e in step.evidence] == [(history.evidence["A"].pk, "Field test results")]
    assert (up.before.level, up.after.level) == ("Medium", "Medium-high")


def test_classifications_that_changed_are_listed_from_what_to_what(history):
    result = diff(history.consultation, V1, V2)

    assert [(c.solution.code, c.before, c.after, [s.reason for s in c.steps]) for c in result.classifications] == [
        ("1a", "needs_research", "top3", ["Best of its group"])
    ]


def test_the_order_of_the_two_moments_does_not_matter(history):
    assert _cells(diff(history.consultation, V2, V1)) == _cells(diff(history.consultation, V1, V2))


def test_from_the_later_version_to_a_date_after_the_last_change(history):
    result = diff(history.consultation, V2, at("2024-07-01"))

    assert _cells(result) == [("1a/eff", 4, 5, "up", ["stars", "level"], [3])]
    assert result.classifications == []


def test_before_anything_was_rated_every_cell_is_new(history):
    result = diff(history.consultation, at("2023-12-31"), V1)

    assert [(c.key, c.direction) for c in result.cells] == [
        ("1a/eff", "new"),
        ("1a/priv", "new"),
        ("1b/eff", "new"),
        ("1b/priv", "new"),
    ]
    assert [(c.solution.code, c.before, c.after) for c in result.classifications] == [
        ("1a", None, "needs_research"),
        ("1b", None, "needs_research"),
    ]


def test_two_moments_with_nothing_in_between_give_an_empty_diff(history):
    assert diff(history.consultation, T1, V1).empty


def test_a_change_to_or_from_na_has_no_up_or_down(history, secretariat):
    from consultation.services import assessment_revise

    assessment_revise(
        assessment=history.cells[("1b", "priv")], stars=3, level="Medium", rationale="x", reason="Now applies",
        user=secretariat, when=at("2024-08-01"),
    )  # fmt: skip

    change = diff(history.consultation, T7, at("2024-08-02")).cells[0]
    assert (change.key, change.direction, change.direction_text) == ("1b/priv", "changed", "to or from N/A")


def test_a_solution_dropped_in_between_is_listed_as_retired(history):
    solution = history.solutions["1b"]
    solution.retired_at = at("2024-04-30")
    solution.save()

    result = diff(history.consultation, V1, V2)
    assert [s.code for s in result.retired_solutions] == ["1b"]
    assert "1b/eff" in [c.key for c in result.cells]  # its history stays readable


def _queries_for_diff(n_solutions: int) -> int:
    consultation = ConsultationFactory()
    sec, exp = UserFactory(), UserFactory()
    build_history(consultation, sec, exp)
    from consultation.models import Assessment, Criterion, Solution, SolutionGroup
    from consultation.services import assessment_revise

    group = SolutionGroup.objects.get(consultation=consultation)
    criteria = list(Criterion.objects.filter(consultation=consultation))
    for i in range(n_solutions):
        solution = Solution.objects.create(
            consultation=consultation, group=group, code=f"9{i}", title="x", order=10 + i
        )
        for criterion in criteria:
            cell = Assessment.objects.create(consultation=consultation, solution=solution, criterion=criterion)
            for r, when in enumerate((at("2024-01-11"), at("2024-03-03"))):
                assessment_revise(
                    assessment=cell, stars=r + 2, level="Medium", rationale="", reason="r", user=sec, when=when
                )
    version_publish(consultation=consultation, user=sec, label="now")
    with CaptureQueriesContext(connection) as captured:
        result = diff(consultation, V1, V2)
        for change in result.cells:
            for step in change.steps:
                list(step.evidence)
    assert len(result.cells) == 3 + n_solutions * len(criteria)
    return len(captured.captured_queries)


def test_the_diff_takes_the_same_number_of_queries_for_a_small_and_a_larger_matrix():
    assert _queries_for_diff(1) == _queries_for_diff(12)
