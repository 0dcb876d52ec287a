"""Open items: tracked from the draft to their resolution."""

import pytest

from consultation.models import OpenItem
from tests.factories import ConsultationFactory

from .conftest import API

pytestmark = pytest.mark.django_db


def items_url(consultation, item=None) -> str:
    return f"{API}/consultations/{consultation.slug}/open-items/{f'{item.pk}/' if item else ''}"


@pytest.fixture
def item(draft):
    return OpenItem.objects.get(consultation=draft)


def test_open_items_list_their_section_status_and_linked_submissions(draft, as_role):
    results = as_role("observer").get(items_url(draft)).json()["results"]

    assert [(i["prompt"], i["section"], i["status"], i["submissions"]) for i in results] == [
        ("To be completed with the experts.", "1", "open", [])
    ]


def test_open_items_can_be_filtered_by_status(draft, as_role, item):
    OpenItem.objects.create(consultation=draft, prompt="Done already", status="resolved", resolution="Answered.")
    client = as_role("expert")

    resolved = client.get(items_url(draft), {"status": "resolved"}).json()["results"]
    still_open = client.get(items_url(draft), {"status": "open"}).json()["results"]

    assert [i["prompt"] for i in resolved] == ["Done already"]
    assert [i["id"] for i in still_open] == [item.pk]


def test_an_unknown_status_filter_is_a_400(draft, as_role):
    response = as_role("expert").get(items_url(draft), {"status": "finished"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_the_secretariat_adds_an_item_to_a_section(draft, as_role, secretariat):
    response = as_role("secretariat").post(
        items_url(draft), {"prompt": "What about metadata?", "section": "1.1"}, format="json"
    )

    assert response.status_code == 201, response.content
    created = OpenItem.objects.get(pk=response.json()["id"])
    assert (created.section.number, created.created_by) == ("1.1", secretariat)
    assert response["ETag"] == created.etag


def test_an_item_is_resolved_with_its_resolution(draft, as_role, item):
    client = as_role("secretariat")
    etag = client.get(items_url(draft, item))["ETag"]

    response = client.patch(
        items_url(draft, item),
        {"status": "resolved", "resolution": "Covered by the new section 3.2."},
        format="json",
        headers={"If-Match": etag},
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("resolved", 2)
    assert response["ETag"] != etag


@pytest.mark.parametrize("resolution", [None, "", "   "])
def test_an_item_cannot_be_resolved_without_a_resolution(draft, as_role, item, resolution):
    body = {"status": "resolved"} if resolution is None else {"status": "resolved", "resolution": resolution}
    response = as_role("secretariat").patch(items_url(draft, item), body, format="json")

    assert response.status_code == 400
    assert "resolution" in response.json()
    item.refresh_from_db()
    assert item.status == "open"


def test_a_new_item_cannot_start_resolved_without_a_resolution(draft, as_role):
    response = as_role("secretariat").post(items_url(draft), {"prompt": "X", "status": "resolved"}, format="json")

    assert response.status_code == 400
    assert "resolution" in response.json()


def test_a_stale_if_match_is_refused_and_the_first_change_survives(draft, as_role, item):
    client = as_role("secretariat")
    etag = client.get(items_url(draft, item))["ETag"]
    client.patch(items_url(draft, item), {"status": "in_progress"}, format="json", headers={"If-Match": etag})

    response = client.patch(items_url(draft, item), {"prompt": "Rewritten"}, format="json", headers={"If-Match": etag})

    assert response.status_code == 412
    item.refresh_from_db()
    assert (item.status, item.prompt) == ("in_progress", "To be completed with the experts.")


def test_a_change_that_changes_nothing_keeps_the_version(draft, as_role, item):
    response = as_role("secretariat").patch(items_url(draft, item), {"status": "open"}, format="json")

    assert (response.status_code, response.json()["version"]) == (200, 1)


def test_an_item_can_be_moved_out_of_its_section(draft, as_role, item):
    response = as_role("secretariat").patch(items_url(draft, item), {"section": None}, format="json")

    assert response.json()["section"] is None


def test_an_item_of_another_consultation_is_not_found(draft, as_role):
    elsewhere = OpenItem.objects.create(consultation=ConsultationFactory(), prompt="Not yours")

    assert as_role("secretariat").get(items_url(draft, elsewhere)).status_code == 404
