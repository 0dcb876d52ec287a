"""A solution's overall classification: versioned like the ratings."""

import pytest

from tests.factories import SolutionFactory

from .conftest import API

pytestmark = pytest.mark.django_db


def classification_url(consultation, code: str) -> str:
    return f"{API}/consultations/{consultation.slug}/classifications/{code}/"


def test_a_classification_answers_its_value_history_and_etag(draft, as_role):
    response = as_role("observer").get(classification_url(draft, "1a"))

    body = response.json()
    assert (body["value"], body["label"], body["revision"]) == ("needs_research", "Needs research", 1)
    assert [(r["number"], r["value"], r["source"]) for r in body["history"]] == [(1, "needs_research", "import")]
    assert response["ETag"].startswith('"k')


def test_the_secretariat_changes_it_as_a_new_revision(draft, as_role):
    client = as_role("secretariat")
    etag = client.get(classification_url(draft, "1a"))["ETag"]

    response = client.patch(
        classification_url(draft, "1a"),
        {"value": "top3", "reason": "Round 1."},
        format="json",
        headers={"If-Match": etag},
    )

    assert response.status_code == 200
    assert [(r["value"], r["reason"]) for r in response.json()["history"]] == [
        ("needs_research", "Imported."),
        ("top3", "Round 1."),
    ]
    assert response["ETag"] != etag


def test_a_stale_if_match_is_refused(draft, as_role):
    client = as_role("secretariat")
    etag = client.get(classification_url(draft, "1a"))["ETag"]
    client.patch(classification_url(draft, "1a"), {"value": "top3", "reason": "First."}, format="json")

    response = client.patch(
        classification_url(draft, "1a"),
        {"value": "discard", "reason": "Late."},
        format="json",
        headers={"If-Match": etag},
    )

    assert response.status_code == 412
    assert client.get(classification_url(draft, "1a")).json()["value"] == "top3"


@pytest.mark.parametrize(
    ("body", "field"), [({"value": "top3"}, "reason"), ({"value": "best", "reason": "x"}, "value"), ({}, "value")]
)
def test_a_change_needs_a_known_value_and_a_reason(draft, as_role, body, field):
    response = as_role("secretariat").patch(classification_url(draft, "1a"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_a_solution_never_classified_reads_as_not_applicable_until_changed(draft, as_role):
    SolutionFactory(consultation=draft, code="3a")
    client = as_role("secretariat")

    before = client.get(classification_url(draft, "3a")).json()
    after = client.patch(classification_url(draft, "3a"), {"value": "discard", "reason": "Weak."}, format="json")

    assert (before["value"], before["revision"], before["history"]) == ("na", 0, [])
    assert (after.json()["value"], after.json()["revision"]) == ("discard", 1)
