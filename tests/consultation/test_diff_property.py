"""Property: the diff between two times lists exactly the cells whose replayed value differs, up or down as replayed."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultation.diffs import diff
from consultation.services import assessment_revise
from tests.factories import AssessmentFactory, ConsultationFactory, CriterionFactory, SolutionFactory

from .test_as_of_property import START, _replay, histories


def _direction(before, after) -> str:
    if before is None:
        return "new"
    old, new = before[0], after[0]
    if old == new:
        return "same"
    if old is None or new is None:
        return "changed"
    return "up" if new > old else "down"


def _replayed(history, cells, when):
    """(stars, rationale) per cell at ``when``; the rationale tells revisions apart ("step n")."""
    latest = {}
    for step, (index, minutes, stars) in enumerate(history):
        at = START + timedelta(minutes=minutes)
        if at <= when:
            key = (cells[index].solution_id, cells[index].criterion_id)
            if key not in latest or (at, step) > latest[key][:2]:
                latest[key] = (at, step, stars)
    return {key: (stars, f"step {step}") for key, (_, step, stars) in latest.items()}


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories, probes=st.tuples(st.integers(-10, 60 * 24 * 310), st.integers(-10, 60 * 24 * 310)))
def test_the_diff_between_two_times_lists_the_cells_whose_replayed_value_differs(history, probes):
    consultation = ConsultationFactory()
    solutions = [SolutionFactory(consultation=consultation) for _ in range(2)]
    criteria = [CriterionFactory(consultation=consultation) for _ in range(2)]
    cells = [AssessmentFactory(consultation=consultation, solution=s, criterion=c) for s in solutions for c in criteria]
    for step, (index, minutes, stars) in enumerate(history):
        assessment_revise(
            assessment=cells[index],
            stars=stars,
            level="",
            rationale=f"step {step}",
            reason="property test",
            when=START + timedelta(minutes=minutes),
        )
    start, end = sorted(START + timedelta(minutes=m) for m in probes)
    before, after = _replayed(history, cells, start), _replayed(history, cells, end)
    expected = {key: _direction(before.get(key), value) for key, value in after.items() if before.get(key) != value}

    result = diff(consultation, start, end)

    assert {(c.solution.pk, c.criterion.pk): c.direction for c in result.cells} == expected
    assert {k: v for k, v in _replay(history, cells, end).items() if k in expected} == {
        (c.solution.pk, c.criterion.pk): c.after.stars for c in result.cells
    }
