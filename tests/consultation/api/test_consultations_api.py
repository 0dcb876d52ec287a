"""Consultations: members list theirs, staff create them, the secretariat changes them (with If-Match)."""

import pytest

from consultation.models import Consultation, Membership, Role
from tests.factories import ConsultationFactory

from .conftest import API

pytestmark = pytest.mark.django_db

LIST = f"{API}/consultations/"


def detail(consultation) -> str:
    return f"{LIST}{consultation.slug}/"


def test_members_see_only_their_consultations_with_their_role(consultation, expert, client_for):
    ConsultationFactory(slug="someone-elses")
    other = ConsultationFactory(slug="observed")
    Membership.objects.create(consultation=other, user=expert, role=Role.OBSERVER)

    results = client_for(expert).get(LIST).json()["results"]

    assert {(c["slug"], c["role"]) for c in results} == {(consultation.slug, "expert"), ("observed", "observer")}
    assert set(results[0]) >= {"slug", "reference", "title", "marking", "status", "opens_at", "closes_at"}


def test_a_superuser_who_is_not_a_member_sees_no_consultation(consultation, outsider, client_for):
    assert client_for(outsider).get(LIST).json()["results"] == []


def test_staff_create_a_consultation_and_become_its_secretariat(outsider, client_for):
    response = client_for(outsider).post(
        LIST,
        {
            "slug": "e2ee-detection",
            "reference": "WK 6697/2024",
            "title": "Detection in encrypted messaging",
            "opens_at": "2024-05-08T09:00:00+02:00",
            "closes_at": "2024-06-08T18:00:00+02:00",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["role"] == "secretariat"
    assert response.json()["marking"] == "LIMITE"
    created = Consultation.objects.get(slug="e2ee-detection")
    assert response["ETag"] == created.etag
    assert Membership.objects.get(consultation=created).user == outsider


def test_a_slug_in_use_is_refused(consultation, outsider, client_for):
    response = client_for(outsider).post(LIST, {"slug": consultation.slug, "title": "Again"}, format="json")

    assert response.status_code == 400
    assert "slug" in response.json()


def test_a_consultation_cannot_close_before_it_opens(outsider, client_for):
    response = client_for(outsider).post(
        LIST,
        {"slug": "x", "title": "X", "opens_at": "2024-06-01T00:00Z", "closes_at": "2024-05-01T00:00Z"},
        format="json",
    )

    assert response.status_code == 400
    assert "closes_at" in response.json()


def test_a_blank_marking_is_refused(outsider, client_for):
    response = client_for(outsider).post(LIST, {"slug": "x", "title": "X", "marking": ""}, format="json")

    assert response.status_code == 400
    assert "marking" in response.json()


def test_the_detail_answers_its_etag(consultation, observer, client_for):
    response = client_for(observer).get(detail(consultation))

    assert response.status_code == 200
    assert response["ETag"] == consultation.etag
    assert response.json()["role"] == "observer"


def test_a_change_bumps_the_version_and_the_etag(consultation, secretariat, client_for):
    client = client_for(secretariat)
    etag = client.get(detail(consultation))["ETag"]

    response = client.patch(detail(consultation), {"title": "Clearer"}, format="json", headers={"If-Match": etag})

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["version"]) == ("Clearer", 2)
    assert response["ETag"] != etag
    consultation.refresh_from_db()
    assert response["ETag"] == consultation.etag


def test_a_change_that_changes_nothing_keeps_the_version(consultation, secretariat, client_for):
    response = client_for(secretariat).patch(detail(consultation), {"title": consultation.title}, format="json")

    assert response.json()["version"] == 1


def test_a_stale_if_match_is_refused_and_the_first_change_survives(consultation, secretariat, client_for):
    client = client_for(secretariat)
    etag = client.get(detail(consultation))["ETag"]
    client.patch(detail(consultation), {"title": "First"}, format="json", headers={"If-Match": etag})

    response = client.patch(detail(consultation), {"title": "Second"}, format="json", headers={"If-Match": etag})

    assert response.status_code == 412
    consultation.refresh_from_db()
    assert consultation.title == "First"


def test_the_slug_cannot_change(consultation, secretariat, client_for):
    response = client_for(secretariat).patch(detail(consultation), {"slug": "renamed"}, format="json")

    assert response.status_code == 400
    assert "slug" in response.json()


def test_a_closed_consultation_can_be_reopened_but_not_edited(consultation, secretariat, client_for):
    client = client_for(secretariat)
    client.patch(detail(consultation), {"status": "closed"}, format="json")

    edit = client.patch(detail(consultation), {"title": "While closed"}, format="json")
    reopen = client.patch(detail(consultation), {"status": "open"}, format="json")

    assert edit.status_code == 409
    assert "reopen" in edit.json()["detail"]
    assert (reopen.status_code, reopen.json()["status"]) == (200, "open")


def test_an_unknown_status_is_refused(consultation, secretariat, client_for):
    response = client_for(secretariat).patch(detail(consultation), {"status": "paused"}, format="json")

    assert response.status_code == 400
    assert "status" in response.json()
