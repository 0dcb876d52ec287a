"""The reference annex: entries by group and number, linked to solutions."""

import pytest

from consultation.models import Reference

from .conftest import API

pytestmark = pytest.mark.django_db


def references_url(consultation) -> str:
    return f"{API}/consultations/{consultation.slug}/references/"


def test_references_list_publisher_and_linked_solutions(draft, as_role):
    results = as_role("observer").get(references_url(draft)).json()["results"]

    assert len(results) == 1
    reference = results[0]
    assert (reference["group"], reference["number"], reference["title"], reference["year"]) == (
        "General",
        1,
        "A study",
        2021,
    )
    assert reference["publisher"] == reference["venue"] == "A publisher"
    assert reference["solutions"] == ["1a"]


def test_the_secretariat_adds_a_reference_numbered_after_its_group(draft, as_role):
    response = as_role("secretariat").post(
        references_url(draft),
        {
            "group": "General",
            "authors": "A. Author, B. Author",
            "title": "Another study",
            "year": 2023,
            "publisher": "A university",
            "url": "https://example.org/study",
            "solutions": ["1a", "1b"],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["venue"], body["solutions"]) == (2, "A university", ["1a", "1b"])
    assert Reference.objects.get(pk=body["id"]).venue == "A university"


def test_a_new_group_goes_after_the_others(draft, as_role):
    response = as_role("secretariat").post(
        references_url(draft), {"group": "Device related", "title": "On devices"}, format="json"
    )

    assert (response.json()["group_order"], response.json()["number"]) == (1, 1)


def test_references_can_be_filtered_by_solution_and_group(draft, as_role):
    client = as_role("secretariat")
    client.post(references_url(draft), {"group": "Server", "title": "On servers", "solutions": ["1b"]}, format="json")

    for_1b = client.get(references_url(draft), {"solution": "1b"}).json()["results"]
    general = client.get(references_url(draft), {"group": "General"}).json()["results"]

    assert [r["title"] for r in for_1b] == ["On servers"]
    assert [r["title"] for r in general] == ["A study"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"group": "General", "title": "X", "solutions": ["9z"]}, "solutions"),
        ({"group": "General", "title": "X", "year": 1800}, "year"),
        ({"group": "General", "title": "X", "url": "not a url"}, "url"),
        ({"group": "General", "title": "X", "number": 1}, "number"),
        ({"group": "General", "title": "X", "publisher": "P", "venue": "V"}, "publisher"),
        ({"group": "General"}, "title"),
        ({"title": "X"}, "group"),
    ],
)
def test_bad_references_are_refused_with_the_field_named(draft, as_role, body, field):
    response = as_role("secretariat").post(references_url(draft), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
