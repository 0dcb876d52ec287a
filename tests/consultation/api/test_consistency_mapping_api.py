"""consistency/mapping/ (the level-to-stars mapping) and consistency/{code}/{key}/open-item/ (one-click open items)."""

from __future__ import annotations

import pytest

from consultation.models import OpenItem

from .conftest import API

pytestmark = pytest.mark.django_db


def mapping_url(consultation) -> str:
    return f"{API}/consultations/{consultation.slug}/consistency/mapping/"


def open_item_url(consultation, cell="1a/effectiveness") -> str:
    return f"{API}/consultations/{consultation.slug}/consistency/{cell}/open-item/"


def test_members_read_the_mapping_with_the_consultations_etag(draft, as_role):
    response = as_role("observer").get(mapping_url(draft))

    assert response.json() == {
        "high": 5,
        "medium_high": 4,
        "medium": 3,
        "medium_low": 2,
        "low": 1,
        "none": None,
        "not_applicable": None,
    }
    assert response["ETag"] == draft.etag


def test_the_secretariat_changes_the_mapping_and_the_check_follows(draft, as_role):
    client = as_role("secretariat")
    etag = client.get(mapping_url(draft))["ETag"]

    response = client.put(mapping_url(draft), {"medium_high": 5}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200 and response.json()["medium_high"] == 5
    # 1a's "Medium-high" with five stars now agrees; 1b's with four now disagrees.
    results = client.get(f"{API}/consultations/{draft.slug}/consistency/").json()["results"]
    assert [(r["solution"], r["criterion"], r["expected"]) for r in results] == [("1b", "effectiveness", "5★")]
    draft.refresh_from_db()
    assert draft.consistency_mapping == {"medium-high": 5}


def test_a_stale_if_match_is_a_412_and_the_first_change_survives(draft, as_role):
    first, second = as_role("secretariat"), as_role("secretariat")
    etag = first.get(mapping_url(draft))["ETag"]

    assert first.put(mapping_url(draft), {"high": 4}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert second.put(mapping_url(draft), {"high": 3}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    draft.refresh_from_db()
    assert draft.consistency_mapping == {"high": 4}


@pytest.mark.parametrize("value", [0, 6, "five", 2.5])
def test_bad_stars_are_a_400(draft, as_role, value):
    response = as_role("secretariat").put(mapping_url(draft), {"low": value}, format="json")

    assert response.status_code == 400 and "low" in response.json()


@pytest.mark.parametrize("body", [{"hihg": 4}, {"mapping": {"high": 4}}, {"medium": 3, "Medium-low": 1}])
def test_a_level_that_does_not_exist_is_a_400_and_the_mapping_stays(draft, as_role, body):
    """A PUT replaces the whole mapping, so a misspelt level would otherwise reset every level to the default."""
    client = as_role("secretariat")
    assert client.put(mapping_url(draft), {"high": 4}, format="json").status_code == 200

    response = client.put(mapping_url(draft), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == set(body) - {"medium"}
    draft.refresh_from_db()
    assert draft.consistency_mapping == {"high": 4}


@pytest.mark.parametrize(
    ("role", "status"), [("expert", 403), ("observer", 403), ("outsider", 404), ("anonymous", 401)]
)
def test_only_the_secretariat_changes_the_mapping_or_raises_items(draft, as_role, role, status):
    assert as_role(role).put(mapping_url(draft), {"high": 1}, format="json").status_code == status
    assert as_role(role).post(open_item_url(draft)).status_code == status
    draft.refresh_from_db()
    assert draft.consistency_mapping == {}
    assert not OpenItem.objects.filter(assessment__isnull=False).exists()


def test_a_cell_becomes_an_open_item_once_while_it_is_unresolved(draft, as_role):
    client = as_role("secretariat")

    created = client.post(open_item_url(draft))
    again = client.post(open_item_url(draft))

    assert created.status_code == 201
    body = created.json()
    assert body["section"] == "1" and body["status"] == "open"
    assert "Medium-high" in body["prompt"] and "5 stars" in body["prompt"]
    assert again.status_code == 409 and "already" in again.json()["detail"]
    assert client.post(open_item_url(draft, "9z/effectiveness")).status_code == 404
