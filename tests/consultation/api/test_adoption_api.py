"""Adopting a rating or a classification through the API: reason, evidence (submitted input), round, If-Match."""

from __future__ import annotations

import pytest

from consultation.models import Assessment, AssessmentRevision, ClassificationRevision
from tests.consultation.versions_fixtures import make_round, make_submission
from tests.factories import ConsultationFactory

from .conftest import API

pytestmark = pytest.mark.django_db


def cell_url(consultation, cell="1a/privacy") -> str:
    return f"{API}/consultations/{consultation.slug}/ratings/{cell}/"


def classification_url(consultation, code="1a") -> str:
    return f"{API}/consultations/{consultation.slug}/classifications/{code}/"


def test_a_rating_adopted_from_a_round_with_evidence_records_both(draft, as_role, expert):
    submission = make_submission(draft, expert, "Pilot results")
    make_round(draft, 1)
    client = as_role("secretariat")

    response = client.patch(
        cell_url(draft),
        {"stars": 3, "level": "Medium", "reason": "Round 1 median", "evidence": [submission.pk], "round": 1},
        format="json",
    )

    assert response.status_code == 200, response.json()
    revision = AssessmentRevision.objects.get(
        assessment__solution__code="1a", assessment__criterion__key="privacy", number=2
    )
    assert (revision.stars, revision.reason, revision.source, revision.round.number) == (
        3,
        "Round 1 median",
        "round",
        1,
    )
    assert list(revision.evidence.all()) == [submission]
    history = client.get(response.json()["history"]).json()["results"]
    assert history[-1]["evidence"] == [{"id": submission.pk, "title": "Pilot results"}]
    assert history[-1]["round"] == 1 and history[0]["round"] is None


@pytest.mark.parametrize("kind", ["draft", "withdrawn", "other consultation"])
def test_evidence_must_be_submitted_input_of_this_consultation(draft, as_role, expert, kind):
    consultation = ConsultationFactory() if kind == "other consultation" else draft
    submission = make_submission(consultation, expert, "x", submitted=kind != "draft", withdrawn=kind == "withdrawn")

    response = as_role("secretariat").patch(
        cell_url(draft), {"stars": 4, "reason": "See input.", "evidence": [submission.pk]}, format="json"
    )

    assert response.status_code == 400
    assert f"Not a submitted submission of this consultation: {submission.pk}" in response.json()["evidence"][0]
    assert Assessment.objects.get(solution__code="1a", criterion__key="privacy").revision == 1


@pytest.mark.parametrize(("closed", "number", "message"), [(False, 1, "still open"), (True, 7, "has no round 7")])
def test_the_round_must_be_a_closed_round_of_this_consultation(draft, as_role, closed, number, message):
    make_round(draft, 1, closed=closed)

    response = as_role("secretariat").patch(
        cell_url(draft), {"stars": 4, "reason": "Round", "round": number}, format="json"
    )

    assert response.status_code == 400
    assert message in response.json()["round"][0]


def test_the_reason_is_required(draft, as_role):
    response = as_role("secretariat").patch(cell_url(draft), {"stars": 4, "evidence": []}, format="json")

    assert response.status_code == 400 and "reason" in response.json()


def test_a_stale_if_match_is_a_412_and_the_first_change_survives(draft, as_role):
    first, second = as_role("secretariat"), as_role("secretariat")
    etag = first.get(cell_url(draft))["ETag"]

    ok = first.patch(cell_url(draft), {"stars": 3, "reason": "First"}, format="json", HTTP_IF_MATCH=etag)
    stale = second.patch(cell_url(draft), {"stars": 5, "reason": "Second"}, format="json", HTTP_IF_MATCH=etag)

    assert ok.status_code == 200 and stale.status_code == 412
    cell = Assessment.objects.get(solution__code="1a", criterion__key="privacy")
    assert (cell.stars, cell.revision) == (3, 2)
    assert cell.revisions.get(number=2).reason == "First"


@pytest.mark.parametrize(
    ("role", "status"), [("expert", 403), ("observer", 403), ("outsider", 404), ("anonymous", 401)]
)
def test_only_the_secretariat_adopts(draft, as_role, expert, role, status):
    submission = make_submission(draft, expert, "x")
    data = {"stars": 4, "reason": "Mine", "evidence": [submission.pk]}

    assert as_role(role).patch(cell_url(draft), data, format="json").status_code == status
    assert (
        as_role(role).patch(classification_url(draft), {**data, "value": "top3"}, format="json").status_code == status
    )
    assert AssessmentRevision.objects.filter(reason="Mine").count() == 0


def test_a_classification_adopted_with_evidence_and_round(draft, as_role, expert):
    submission = make_submission(draft, expert, "Why top 3")
    make_round(draft, 1)

    response = as_role("secretariat").patch(
        classification_url(draft),
        {"value": "top3", "reason": "Experts agree", "evidence": [submission.pk], "round": 1},
        format="json",
    )

    assert response.status_code == 200, response.json()
    latest = response.json()["history"][-1]
    assert (latest["value"], latest["source"], latest["round"]) == ("top3", "round", 1)
    assert latest["evidence"] == [{"id": submission.pk, "title": "Why top 3"}]
    assert ClassificationRevision.objects.get(number=2, classification__solution__code="1a").evidence.count() == 1


def test_a_classification_with_bad_evidence_is_a_400(draft, as_role):
    response = as_role("secretariat").patch(
        classification_url(draft), {"value": "top3", "reason": "x", "evidence": [999999]}, format="json"
    )

    assert response.status_code == 400 and "evidence" in response.json()
