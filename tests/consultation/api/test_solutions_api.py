"""Solutions: members read them, the secretariat adds them."""

import pytest

from consultation.models import ClassificationRevision, Solution
from tests.factories import SectionFactory

from .conftest import API

pytestmark = pytest.mark.django_db


def solutions_url(consultation, code: str = "") -> str:
    return f"{API}/consultations/{consultation.slug}/solutions/{code + '/' if code else ''}"


def test_solutions_list_their_group_section_and_classification(draft, as_role):
    results = as_role("observer").get(solutions_url(draft)).json()["results"]

    assert [(s["code"], s["group"], s["section"], s["classification"]) for s in results] == [
        ("1a", 1, "1", "needs_research"),
        ("1b", 1, "1", "needs_research"),
    ]
    assert results[0]["group_name"] == "Device related"


def test_one_solution_is_read_by_its_code(draft, as_role):
    response = as_role("expert").get(solutions_url(draft, "1b"))

    assert (response.status_code, response.json()["code"]) == (200, "1b")


def test_the_secretariat_adds_a_solution_to_an_existing_group(draft, as_role):
    response = as_role("secretariat").post(
        solutions_url(draft), {"code": "1c", "group": 1, "title": "On-device hashing", "section": "1.1"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert (response.json()["section"], response.json()["classification"]) == ("1.1", None)
    assert Solution.objects.get(consultation=draft, code="1c").group.name == "Device related"


def test_a_new_group_needs_its_name(draft, as_role):
    client = as_role("secretariat")
    nameless = client.post(solutions_url(draft), {"code": "2a", "group": 2, "title": "Server side"}, format="json")
    named = client.post(
        solutions_url(draft),
        {"code": "2a", "group": 2, "group_name": "Server related", "title": "Server side"},
        format="json",
    )

    assert nameless.status_code == 400
    assert "group_name" in nameless.json()["group"][0]
    assert (named.status_code, named.json()["group_name"]) == (201, "Server related")


def test_an_initial_classification_is_recorded_as_a_revision(draft, as_role):
    as_role("secretariat").post(
        solutions_url(draft), {"code": "1c", "group": 1, "title": "X", "classification": "top3"}, format="json"
    )

    revision = ClassificationRevision.objects.get(classification__solution__code="1c")
    assert (revision.value, revision.number, revision.created_by.username) == ("top3", 1, "sec")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "1a", "group": 1, "title": "Again"}, "code"),
        ({"code": "1 c", "group": 1, "title": "Spaces"}, "code"),
        ({"code": "1c", "group": 1, "title": "X", "section": "9"}, "section"),
        ({"code": "1c", "group": "one", "title": "X"}, "group"),
        ({"code": "1c", "group": 1}, "title"),
        ({"code": "1c", "group": 1, "title": "X", "classification": "best"}, "classification"),
    ],
)
def test_bad_solutions_are_refused_with_the_field_named(draft, as_role, body, field):
    response = as_role("secretariat").post(solutions_url(draft), body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_a_section_of_another_consultation_cannot_be_used(draft, as_role):
    SectionFactory(number="7")  # in another consultation
    response = as_role("secretariat").post(
        solutions_url(draft), {"code": "1c", "group": 1, "title": "X", "section": "7"}, format="json"
    )
    assert response.status_code == 400
