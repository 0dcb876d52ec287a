"""Property: the matrix as of any time equals replaying every revision up to that time."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultation.matrix import build_matrix
from consultation.services import assessment_revise
from tests.factories import AssessmentFactory, ConsultationFactory, CriterionFactory, SolutionFactory

START = timezone.now() - timedelta(days=400)

# A history: a list of (cell index, minutes after START, stars) in any order; the service appends each one.
histories = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 60 * 24 * 300), st.one_of(st.none(), st.integers(1, 5))),
    min_size=1,
    max_size=25,
)


def _replay(history, cells, when):
    """What each cell said at ``when``: the revision with the latest time (then the latest number) up to it."""
    latest = {}
    for number_in_order, (index, minutes, stars) in enumerate(history):
        at = START + timedelta(minutes=minutes)
        if at <= when:
            key = (cells[index].solution_id, cells[index].criterion_id)
            candidate = (at, number_in_order, stars)
            if key not in latest or candidate[:2] > latest[key][:2]:
                latest[key] = candidate
    return {key: value[2] for key, value in latest.items()}


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories, probe_minutes=st.lists(st.integers(-10, 60 * 24 * 310), min_size=1, max_size=5))
def test_the_matrix_as_of_a_time_equals_replaying_the_revisions_up_to_it(history, probe_minutes):
    consultation = ConsultationFactory()
    solutions = [SolutionFactory(consultation=consultation) for _ in range(2)]
    criteria = [CriterionFactory(consultation=consultation) for _ in range(2)]
    cells = [AssessmentFactory(consultation=consultation, solution=s, criterion=c) for s in solutions for c in criteria]
    for step, (index, minutes, stars) in enumerate(history):
        # Each revision differs from the last (the rationale carries the step), so none is skipped as unchanged.
        assessment_revise(
            assessment=cells[index],
            stars=stars,
            level="",
            rationale=f"step {step}",
            reason="property test",
            when=START + timedelta(minutes=minutes),
        )

    for minutes in probe_minutes:
        when = START + timedelta(minutes=minutes)
        matrix = build_matrix(consultation, when)
        shown = {key: cell.stars for key, cell in matrix.cells.items()}
        assert shown == _replay(history, cells, when)
