"""Criteria: members read them, the secretariat adds them."""

import pytest

from .conftest import API

pytestmark = pytest.mark.django_db


def criteria_url(consultation) -> str:
    return f"{API}/consultations/{consultation.slug}/criteria/"


def test_criteria_come_in_their_order_with_their_question(draft, as_role):
    results = as_role("observer").get(criteria_url(draft)).json()["results"]

    assert [c["key"] for c in results] == ["effectiveness", "feasibility", "privacy"]
    assert set(results[0]) >= {"key", "name", "question", "order"}


def test_the_secretariat_adds_a_criterion_after_the_others(draft, as_role):
    client = as_role("secretariat")
    response = client.post(
        criteria_url(draft),
        {"key": "transparency", "name": "Transparency", "question": "Can it be audited?"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["order"] == 3
    assert client.get(criteria_url(draft) + "transparency/").json()["question"] == "Can it be audited?"
    assert client.get(f"{API}/consultations/{draft.slug}/ratings/", {"criterion": "transparency"}).json()["count"] == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": "privacy", "name": "Privacy again"}, "key"),
        ({"key": "not a slug", "name": "X"}, "key"),
        ({"key": "x"}, "name"),
        ({"key": "x", "name": "X", "order": -1}, "order"),
    ],
)
def test_bad_criteria_are_refused_with_the_field_named(draft, as_role, body, field):
    response = as_role("secretariat").post(criteria_url(draft), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
