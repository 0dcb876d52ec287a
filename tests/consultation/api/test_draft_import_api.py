"""Importing a draft through the API: preview with ``?commit=false``, or queue the import and follow it."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultation.importing.services import draft_import_apply
from consultation.models import Assessment, DraftImport, Membership, Role
from tests.factories import UserFactory

from .conftest import API

pytestmark = pytest.mark.django_db

IMPORT = f"{API}/drafts/import/"
SMALL_DRAFT = (Path(__file__).parent.parent / "drafts" / "small_draft.txt").read_text(encoding="utf-8")


def upload(consultation, content: bytes | str = SMALL_DRAFT, name: str = "draft.txt") -> dict:
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return {"file": SimpleUploadedFile(name, raw, content_type="text/plain"), "consultation": consultation.slug}


def test_a_preview_shows_what_would_be_created_and_changes_nothing(consultation, secretariat, client_for):
    response = client_for(secretariat).post(f"{IMPORT}?commit=false", upload(consultation), format="multipart")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "previewed"
    assert body["preview"]["counts"]["assessments"] > 0
    assert Assessment.objects.filter(consultation=consultation).count() == 0


def test_an_import_is_queued_answered_with_its_status_url_and_followed_to_the_end(
    consultation, secretariat, client_for, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(IMPORT, upload(consultation), format="multipart")

    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["progress"]) == ("queued", 0)
    assert response["Location"] == body["url"]
    assert len(queued) == 1  # the Celery task, sent once the transaction commits

    draft_import_apply(draft_import_id=body["id"])  # what the worker does
    followed = client.get(body["url"]).json()

    assert (followed["status"], followed["progress"]) == ("done", 100)
    assert Assessment.objects.filter(consultation=consultation).count() == body["preview"]["counts"]["assessments"]


def test_an_unreadable_draft_is_a_400_naming_the_line(consultation, secretariat, client_for):
    broken = SMALL_DRAFT.replace("1. INTRODUCTION", "1. INTRODUCTION\n\n| a table | out of place |", 1)
    response = client_for(secretariat).post(f"{IMPORT}?commit=false", upload(consultation, broken), format="multipart")

    assert response.status_code == 400, response.content
    assert response.json()["file"][0].startswith("Line ")
    assert DraftImport.objects.count() == 0


def test_a_file_that_is_not_utf8_is_a_400(consultation, secretariat, client_for):
    response = client_for(secretariat).post(
        IMPORT, upload(consultation, SMALL_DRAFT.encode("utf-16")), format="multipart"
    )

    assert response.status_code == 400
    assert "UTF-8" in response.json()["file"][0]


def test_a_file_over_the_limit_is_a_413(consultation, secretariat, client_for, settings):
    settings.DRAFT_UPLOAD_MAX_BYTES = 1000

    response = client_for(secretariat).post(IMPORT, upload(consultation), format="multipart")

    assert response.status_code == 413
    assert DraftImport.objects.count() == 0


def test_the_file_is_required(consultation, secretariat, client_for):
    response = client_for(secretariat).post(IMPORT, {"consultation": consultation.slug}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()


def test_the_consultation_is_required(secretariat, client_for):
    response = client_for(secretariat).post(IMPORT, {"file": SimpleUploadedFile("d.txt", b"x")}, format="multipart")

    assert response.status_code == 400
    assert "consultation" in response.json()


def test_json_is_refused_with_415(consultation, secretariat, client_for):
    response = client_for(secretariat).post(IMPORT, {"consultation": consultation.slug}, format="json")

    assert response.status_code == 415


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("outsider", 404), ("observer", 403), ("expert", 403), ("secretariat", 200)],
)
def test_only_the_secretariat_or_staff_members_import(consultation, as_role, role, status):
    response = as_role(role).post(f"{IMPORT}?commit=false", upload(consultation), format="multipart")

    assert response.status_code == status


def test_a_staff_member_of_the_consultation_may_import_whatever_their_role(consultation, client_for):
    staff = UserFactory(username="staff-expert", is_staff=True)
    Membership.objects.create(consultation=consultation, user=staff, role=Role.EXPERT)

    response = client_for(staff).post(f"{IMPORT}?commit=false", upload(consultation), format="multipart")

    assert response.status_code == 200


def test_a_closed_consultation_refuses_imports_with_409(consultation, secretariat, client_for):
    consultation.status = "closed"
    consultation.save()

    response = client_for(secretariat).post(IMPORT, upload(consultation), format="multipart")

    assert response.status_code == 409


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("outsider", 404), ("observer", 403), ("expert", 403), ("secretariat", 200)],
)
def test_an_import_is_followed_by_its_requester_and_the_secretariat(consultation, as_role, role, status):
    draft_import = DraftImport.objects.create(consultation=consultation, filename="d.txt", content="x", sha256="0")

    response = as_role(role).get(f"{IMPORT}{draft_import.pk}/")

    assert response.status_code == status


def test_the_requester_follows_their_own_import(consultation, client_for):
    staff = UserFactory(username="staff-observer", is_staff=True)
    Membership.objects.create(consultation=consultation, user=staff, role=Role.OBSERVER)
    draft_import = DraftImport.objects.create(
        consultation=consultation, filename="d.txt", content="x", sha256="0", created_by=staff
    )

    response = client_for(staff).get(f"{IMPORT}{draft_import.pk}/")

    assert (response.status_code, response.json()["status"]) == (200, "previewed")


def test_a_preview_is_confirmed_as_it_was_previewed(
    consultation, secretariat, client_for, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    preview = client.post(f"{IMPORT}?commit=false", upload(consultation), format="multipart").json()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        confirmed = client.post(preview["confirm_url"])
    again = client.post(preview["confirm_url"])

    assert confirmed.status_code == 202
    assert (confirmed.json()["id"], confirmed.json()["status"], confirmed.json()["confirm_url"]) == (
        preview["id"],
        "queued",
        None,
    )
    assert len(queued) == 1
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("outsider", 404), ("observer", 403), ("expert", 403), ("secretariat", 202)],
)
def test_only_the_secretariat_or_staff_members_confirm(consultation, as_role, role, status):
    draft_import = DraftImport.objects.create(
        consultation=consultation, filename="d.txt", content=SMALL_DRAFT, sha256="0"
    )

    assert as_role(role).post(f"{IMPORT}{draft_import.pk}/confirm/").status_code == status
