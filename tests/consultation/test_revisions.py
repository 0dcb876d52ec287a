from datetime import timedelta

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from consultation.exceptions import StaleObjectError
from consultation.matrix import build_matrix
from consultation.models import AssessmentRevision
from consultation.services import assessment_revise, classification_revise
from tests.factories import AssessmentFactory, ClassificationFactory

pytestmark = pytest.mark.django_db


def test_matrix_as_of_a_time_shows_what_stood_then(consultation, secretariat):
    cell = AssessmentFactory(consultation=consultation)
    t0 = timezone.now() - timedelta(days=10)
    assessment_revise(assessment=cell, stars=3, level="Medium", rationale="r1", reason="imported", when=t0)
    assessment_revise(
        assessment=cell, stars=4, level="Medium-high", rationale="r2", reason="round 1", when=t0 + timedelta(days=5)
    )

    before = build_matrix(consultation, t0 - timedelta(seconds=1))
    first = build_matrix(consultation, t0 + timedelta(days=1))
    now = build_matrix(consultation)

    assert before.cell(cell.solution, cell.criterion) is None
    assert first.cell(cell.solution, cell.criterion).stars == 3
    assert first.cell(cell.solution, cell.criterion).revision == 1
    assert now.cell(cell.solution, cell.criterion).stars == 4
    assert now.cell(cell.solution, cell.criterion).level == "Medium-high"


def test_unchanged_values_make_no_revision(consultation):
    cell = AssessmentFactory(consultation=consultation)
    assert assessment_revise(assessment=cell, stars=2, level="Low", rationale="x", reason="imported") is not None
    assert assessment_revise(assessment=cell, stars=2, level="Low", rationale="x", reason="again") is None
    assert cell.revisions.count() == 1


def test_stale_revision_is_refused_and_the_first_change_survives(consultation):
    cell = AssessmentFactory(consultation=consultation)
    assessment_revise(assessment=cell, stars=2, level="Low", rationale="x", reason="first")
    assessment_revise(assessment=cell, stars=3, level="Medium", rationale="y", reason="second", expected_revision=1)
    with pytest.raises(StaleObjectError):
        assessment_revise(assessment=cell, stars=5, level="High", rationale="z", reason="late", expected_revision=1)
    cell.refresh_from_db()
    assert (cell.stars, cell.revision) == (3, 2)


def test_revisions_cannot_be_rewritten_in_the_database(consultation):
    cell = AssessmentFactory(consultation=consultation)
    assessment_revise(assessment=cell, stars=2, level="Low", rationale="x", reason="first")
    with pytest.raises(DatabaseError, match="Cannot update"), transaction.atomic():
        AssessmentRevision.objects.filter(assessment=cell).update(stars=5)
    assert AssessmentRevision.objects.get(assessment=cell).stars == 2


def test_stars_outside_one_to_five_are_refused_by_the_database(consultation):
    cell = AssessmentFactory(consultation=consultation)
    with pytest.raises(IntegrityError), transaction.atomic():
        assessment_revise(assessment=cell, stars=6, level="High", rationale="x", reason="typo")


def test_classification_as_of(consultation):
    classification = ClassificationFactory(consultation=consultation)
    t0 = timezone.now() - timedelta(days=3)
    classification_revise(classification=classification, value="needs_research", reason="import", when=t0)
    classification_revise(classification=classification, value="top3", reason="round 1")
    then = build_matrix(consultation, t0 + timedelta(hours=1))
    assert then.classifications[classification.solution_id].value == "needs_research"
    assert build_matrix(consultation).classifications[classification.solution_id].label == "Top 3"


def test_a_solution_first_rated_later_is_absent_from_an_earlier_matrix(consultation):
    t0 = timezone.now() - timedelta(days=10)
    old = AssessmentFactory(consultation=consultation)
    assessment_revise(assessment=old, stars=3, level="Medium", rationale="r", reason="imported", when=t0)
    new = AssessmentFactory(consultation=consultation, criterion=old.criterion)
    assessment_revise(assessment=new, stars=1, level="Low", rationale="r", reason="added", when=t0 + timedelta(days=5))

    then = build_matrix(consultation, t0 + timedelta(days=1))

    assert [s.pk for s in then.solutions] == [old.solution.pk]
    assert {s.pk for s in build_matrix(consultation).solutions} == {old.solution.pk, new.solution.pk}


@pytest.mark.parametrize("status", ["closed", "archived"])
def test_a_closed_or_archived_consultation_refuses_rating_changes_in_the_service(consultation, secretariat, status):
    from consultation.exceptions import StateConflictError
    from consultation.services import classification_change, rating_change

    cell = AssessmentFactory(consultation=consultation)
    consultation.status = status
    consultation.save()

    with pytest.raises(StateConflictError, match=status):
        rating_change(
            consultation=consultation,
            solution=cell.solution,
            criterion=cell.criterion,
            user=secretariat,
            stars=4,
            reason="late change",
        )
    with pytest.raises(StateConflictError, match=status):
        classification_change(
            consultation=consultation, solution=cell.solution, user=secretariat, value="top3", reason="late"
        )
    assert cell.revisions.count() == 0


def test_deleting_a_consultation_removes_its_draft_and_history_but_a_used_group_cannot_go_alone(consultation):
    from django.db.models import RestrictedError

    from consultation.models import Consultation, SolutionGroup

    cell = AssessmentFactory(consultation=consultation)
    assessment_revise(assessment=cell, stars=2, level="Low", rationale="x", reason="imported")

    with pytest.raises(RestrictedError), transaction.atomic():
        cell.solution.group.delete()
    consultation.delete()

    assert not Consultation.objects.filter(pk=consultation.pk).exists()
    assert not SolutionGroup.objects.exists()
    assert not AssessmentRevision.objects.exists()
