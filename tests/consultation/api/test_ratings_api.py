"""The matrix of ratings, one cell of it, and the cell's history."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultation.models import Assessment, AssessmentRevision
from consultation.services import assessment_revise
from tests.factories import (
    AssessmentFactory,
    ConsultationFactory,
    CriterionFactory,
    SolutionFactory,
)

from .conftest import API

pytestmark = pytest.mark.django_db


def ratings_url(consultation, cell: str = "") -> str:
    return f"{API}/consultations/{consultation.slug}/ratings/{cell}"


def cell_of(matrix: list[dict], solution: str, criterion: str) -> dict:
    return next(c for c in matrix if (c["solution"], c["criterion"]) == (solution, criterion))


# --- the matrix ---------------------------------------------------------------------------------------------


def test_the_matrix_has_one_item_per_solution_and_criterion(draft, as_role):
    body = as_role("observer").get(ratings_url(draft)).json()

    assert body["count"] == 6
    assert [(c["solution"], c["criterion"]) for c in body["results"]] == [
        ("1a", "effectiveness"),
        ("1a", "feasibility"),
        ("1a", "privacy"),
        ("1b", "effectiveness"),
        ("1b", "feasibility"),
        ("1b", "privacy"),
    ]
    cell = cell_of(body["results"], "1a", "privacy")
    assert (cell["stars"], cell["level"], cell["rationale"], cell["revision"]) == (
        2,
        "Medium-low",
        "Why Medium-low.",
        1,
    )
    assert cell["changed_at"] is not None
    assert cell_of(body["results"], "1b", "feasibility")["stars"] is None


def test_the_matrix_flags_cells_whose_level_and_stars_disagree(draft, as_role):
    results = as_role("expert").get(ratings_url(draft)).json()["results"]

    odd = cell_of(results, "1a", "effectiveness")
    assert (odd["consistent"], odd["expected_stars"], odd["expected"]) == (False, [4], "4★")
    assert cell_of(results, "1b", "effectiveness")["consistent"] is True
    assert cell_of(results, "1b", "feasibility")["expected_stars"] == [None]


def test_the_matrix_lists_cells_never_set_as_empty(draft, as_role):
    CriterionFactory(consultation=draft, key="transparency", order=9)

    results = as_role("expert").get(ratings_url(draft)).json()["results"]

    empty = cell_of(results, "1b", "transparency")
    assert (empty["stars"], empty["level"], empty["revision"], empty["changed_at"]) == (None, "", 0, None)


def test_the_matrix_can_be_narrowed_to_a_solution_or_a_criterion(draft, as_role):
    client = as_role("expert")
    by_solution = client.get(ratings_url(draft), {"solution": "1b"}).json()["results"]
    by_criterion = client.get(ratings_url(draft), {"criterion": "privacy"}).json()["results"]

    assert {c["solution"] for c in by_solution} == {"1b"}
    assert len(by_solution) == 3
    assert [c["solution"] for c in by_criterion] == ["1a", "1b"]


def test_the_matrix_as_of_a_time_shows_what_stood_then(draft, as_role, secretariat, earlier):
    cell = Assessment.objects.get(consultation=draft, solution__code="1a", criterion__key="privacy")
    assessment_revise(
        assessment=cell,
        stars=4,
        level="Medium-high",
        rationale="Better now.",
        reason="Expert input.",
        user=secretariat,
        when=earlier + timedelta(days=10),
    )
    client = as_role("observer")

    def privacy_of_1a(as_of):
        results = client.get(ratings_url(draft), {"as_of": as_of.isoformat()}).json()["results"]
        return cell_of(results, "1a", "privacy")

    before_import = client.get(ratings_url(draft), {"as_of": (earlier - timedelta(days=1)).isoformat()}).json()
    after_import = privacy_of_1a(earlier + timedelta(days=1))
    after_change = privacy_of_1a(earlier + timedelta(days=11))

    assert before_import["count"] == 0  # nothing had been rated yet: no solution was in the matrix
    assert (after_import["stars"], after_import["level"], after_import["revision"]) == (2, "Medium-low", 1)
    assert (after_change["stars"], after_change["revision"], after_change["changed_by"]) == (4, 2, "Sam Secretary")


def test_the_matrix_as_of_a_day_means_the_end_of_that_day(draft, as_role, earlier):
    day = timezone.localtime(earlier).date()
    results = as_role("expert").get(ratings_url(draft), {"as_of": day.isoformat()}).json()["results"]
    assert cell_of(results, "1a", "privacy")["stars"] == 2


@pytest.mark.parametrize(
    "as_of", ["yesterday", "2024-13-45", "0001-01-01T00:00", "2024-05-08T25:00", "2024-05-08T10:00+99:00"]
)
def test_an_unreadable_as_of_is_a_400_that_says_what_to_give(draft, as_role, as_of):
    response = as_role("expert").get(ratings_url(draft), {"as_of": as_of})

    assert response.status_code == 400
    assert "as_of" in response.json()


def test_an_unknown_version_is_a_400_naming_it(draft, as_role):
    response = as_role("expert").get(ratings_url(draft), {"version": "v1"})

    assert response.status_code == 400
    assert 'no version "v1"' in response.json()["version"][0]


def build_consultation(solutions: int, criteria: int):
    consultation = ConsultationFactory()
    criteria = [CriterionFactory(consultation=consultation) for _ in range(criteria)]
    for _ in range(solutions):
        solution = SolutionFactory(consultation=consultation)
        for criterion in criteria:
            cell = AssessmentFactory(consultation=consultation, solution=solution, criterion=criterion)
            assessment_revise(assessment=cell, stars=3, level="Medium", rationale="", reason="Imported.")
    return consultation


@pytest.mark.parametrize("as_of", [None, "2999-01-01"])
def test_the_matrix_costs_the_same_number_of_queries_whatever_its_size(secretariat, client_for, as_of):
    small, large = build_consultation(2, 3), build_consultation(20, 6)
    client = client_for(secretariat)
    params = {"page_size": 1000, **({"as_of": as_of} if as_of else {})}
    counts = {}
    for consultation, cells in ((small, 6), (large, 120)):
        consultation.memberships.create(user=secretariat, role="secretariat")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(ratings_url(consultation), params)
        assert response.json()["count"] == len(response.json()["results"]) == cells
        counts[cells] = len(queries)

    assert counts[6] == counts[120]
    assert counts[6] <= 10  # session, user, consultation, role, solutions, criteria, cells, classifications


# --- one cell ------------------------------------------------------------------------------------------------


def test_a_cell_answers_its_etag_and_a_link_to_its_history(draft, as_role):
    response = as_role("observer").get(ratings_url(draft, "1a/privacy/"))
    cell = Assessment.objects.get(consultation=draft, solution__code="1a", criterion__key="privacy")

    assert response.status_code == 200
    assert response["ETag"] == cell.etag
    assert response.json()["stars"] == 2
    assert response.json()["history"].endswith(ratings_url(draft, "1a/privacy/history/"))


def test_the_secretariat_changes_a_cell_as_a_new_revision_with_its_reason(draft, as_role):
    client = as_role("secretariat")
    response = client.patch(
        ratings_url(draft, "1a/privacy/"),
        {"stars": 4, "level": "Medium-high", "reason": "Expert input in round 1.", "evidence": []},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stars"], body["level"], body["rationale"], body["revision"]) == (
        4,
        "Medium-high",
        "Why Medium-low.",
        2,
    )
    assert body["changed_by"] == "Sam Secretary"
    cell = Assessment.objects.get(consultation=draft, solution__code="1a", criterion__key="privacy")
    assert response["ETag"] == cell.etag
    history = client.get(ratings_url(draft, "1a/privacy/history/")).json()["results"]
    assert [(r["number"], r["stars"], r["reason"], r["source"]) for r in history] == [
        (1, 2, "Imported.", "import"),
        (2, 4, "Expert input in round 1.", "manual"),
    ]
    assert history[1]["created_by"] == "Sam Secretary"
    assert history[0]["created_at"] < history[1]["created_at"]


def test_the_history_lists_every_revision_oldest_first(draft, as_role):
    client = as_role("secretariat")
    for stars in (3, 4, 5):
        client.patch(ratings_url(draft, "1b/privacy/"), {"stars": stars, "reason": f"To {stars}."}, format="json")

    history = as_role("expert").get(ratings_url(draft, "1b/privacy/history/")).json()

    assert [r["number"] for r in history["results"]] == [1, 2, 3, 4]
    assert [r["stars"] for r in history["results"]] == [1, 3, 4, 5]
    assert set(history["results"][0]) >= {"level", "rationale", "reason", "source", "created_at", "created_by"}


@pytest.mark.parametrize("body", [{"stars": 4}, {"stars": 4, "reason": ""}, {"stars": 4, "reason": "   "}])
def test_a_change_without_a_reason_is_refused(draft, as_role, body):
    response = as_role("secretariat").patch(ratings_url(draft, "1a/privacy/"), body, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()
    assert AssessmentRevision.objects.filter(assessment__solution__code="1a", stars=4).count() == 0


def test_a_stale_if_match_is_refused_and_the_first_change_survives(draft, as_role):
    client = as_role("secretariat")
    etag = client.get(ratings_url(draft, "1a/privacy/"))["ETag"]

    first = client.patch(
        ratings_url(draft, "1a/privacy/"), {"stars": 3, "reason": "First."}, format="json", headers={"If-Match": etag}
    )
    second = client.patch(
        ratings_url(draft, "1a/privacy/"), {"stars": 5, "reason": "Second."}, format="json", headers={"If-Match": etag}
    )

    assert first.status_code == 200
    assert second.status_code == 412
    assert "changed" in second.json()["detail"]
    cell = client.get(ratings_url(draft, "1a/privacy/")).json()
    assert (cell["stars"], cell["revision"]) == (3, 2)


def test_a_current_if_match_lets_the_change_through(draft, as_role):
    client = as_role("secretariat")
    etag = client.get(ratings_url(draft, "1a/privacy/"))["ETag"]

    response = client.patch(
        ratings_url(draft, "1a/privacy/"), {"stars": 3, "reason": "Agreed."}, format="json", headers={"If-Match": etag}
    )

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_change_that_changes_nothing_makes_no_revision(draft, as_role):
    response = as_role("secretariat").patch(
        ratings_url(draft, "1a/privacy/"), {"stars": 2, "level": "Medium-low", "reason": "Same."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["revision"] == 1
    assert (
        AssessmentRevision.objects.filter(assessment__solution__code="1a", assessment__criterion__key="privacy").count()
        == 1
    )


def test_a_change_to_a_closed_consultation_is_a_409_and_changes_nothing(draft, as_role):
    draft.status = "closed"
    draft.save()

    response = as_role("secretariat").patch(
        ratings_url(draft, "1a/privacy/"), {"stars": 5, "reason": "Late."}, format="json"
    )

    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert Assessment.objects.get(solution__code="1a", criterion__key="privacy").stars == 2


def test_evidence_cannot_cite_a_submission_that_does_not_exist(draft, as_role):
    response = as_role("secretariat").patch(
        ratings_url(draft, "1a/privacy/"), {"stars": 5, "reason": "See input.", "evidence": [12]}, format="json"
    )

    assert response.status_code == 400
    assert "Not a submitted submission of this consultation: 12" in response.json()["evidence"][0]


@pytest.mark.parametrize("stars", [0, 6, "five", 2.5, True, [3]])
def test_stars_must_be_one_to_five_or_null(draft, as_role, stars):
    response = as_role("secretariat").patch(
        ratings_url(draft, "1a/privacy/"), {"stars": stars, "reason": "Typo."}, format="json"
    )
    assert response.status_code == 400
    assert "stars" in response.json()


def test_stars_can_be_set_to_not_applicable(draft, as_role):
    response = as_role("secretariat").patch(
        ratings_url(draft, "1a/privacy/"),
        {"stars": None, "level": "Not applicable", "reason": "Out of scope."},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["stars"], response.json()["consistent"]) == (None, True)


def test_a_cell_never_set_is_created_by_its_first_change(draft, as_role):
    CriterionFactory(consultation=draft, key="transparency", order=9)
    client = as_role("secretariat")
    empty = client.get(ratings_url(draft, "1a/transparency/"))

    changed = client.patch(
        ratings_url(draft, "1a/transparency/"),
        {"stars": 3, "level": "Medium", "reason": "First rating."},
        format="json",
        headers={"If-Match": empty["ETag"]},
    )

    assert (empty.status_code, empty.json()["revision"]) == (200, 0)
    assert client.get(ratings_url(draft, "1a/transparency/history/")).json()["count"] == 1
    assert (changed.status_code, changed.json()["revision"], changed.json()["stars"]) == (200, 1, 3)
