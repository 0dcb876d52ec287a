"""The submissions API: create, submit with a receipt, edit into versions, withdraw, attach; roles by action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultation.models import Membership
from evidence.models import Attachment, Submission, SubmissionStatus

from .factories import PDF_BYTES, attach, draft_of, submitted_by
from .test_attachments import DOCX_BYTES, EXE_BYTES, office_zip, stored_files

pytestmark = pytest.mark.django_db

API = "/api/v1/consultations/{slug}/submissions/"


@pytest.fixture
def base(consultation):
    return API.format(slug=consultation.slug)


def test_an_expert_creates_and_submits_input_in_one_request_and_gets_the_receipt(
    consultation, expert, draft_paper, api_client, base
):
    payload = {
        "title": "On-device hashing is evadable",
        "body": "Small edits defeat **perceptual** hashes.",
        "solutions": ["1b"],
        "criteria": ["effectiveness"],
        "sections": ["3"],
        "open_items": [draft_paper["open_item"].pk],
        "references": [draft_paper["reference"].pk],
        "proposed_ratings": [{"solution": "1b", "criterion": "effectiveness", "stars": 2, "justification": "Evasion."}],
        "proposed_references": [{"title": "Adversarial hashing", "year": 2022, "url": "https://example.org/a"}],
        "submit": True,
    }

    response = api_client(expert).post(base, payload, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    submission = Submission.objects.get()
    version = submission.versions.get()
    assert data["state"] == "submitted" and data["version"] == 1
    assert data["sha256"] == version.sha256 == data["receipt"]["sha256"]
    assert data["submitted_at"] and data["receipt"]["version"] == 1
    assert data["solutions"] == ["1b"] and data["open_items"] == [draft_paper["open_item"].pk]
    assert data["proposed_ratings"][0]["stars"] == 2
    assert "<strong>perceptual</strong>" in data["body_html"]
    assert response["ETag"] == submission.etag


def test_a_draft_is_created_then_submitted_through_the_submit_action(consultation, expert, api_client, base):
    client = api_client(expert)
    created = client.post(base, {"title": "Draft", "body": "Text"}, format="json").json()
    assert created["state"] == "draft" and created["sha256"] is None

    submitted = client.post(f"{base}{created['id']}/submit/")

    assert submitted.status_code == 200
    assert submitted.json()["receipt"]["version"] == 1


def test_links_of_another_consultation_or_unknown_codes_are_field_errors(consultation, expert, api_client, base):
    response = api_client(expert).post(base, {"title": "x", "solutions": ["9z"], "open_items": [999999]}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"solutions", "open_items"}
    assert not Submission.objects.exists()


def test_editing_through_the_api_makes_a_new_version_and_lists_them_all(consultation, expert, api_client, base):
    submission = submitted_by(expert, consultation)
    client = api_client(expert)
    etag = client.get(f"{base}{submission.pk}/")["ETag"]

    edited = client.patch(f"{base}{submission.pk}/", {"body": "Better words."}, format="json", HTTP_IF_MATCH=etag)
    stale = client.patch(f"{base}{submission.pk}/", {"body": "Lost?"}, format="json", HTTP_IF_MATCH=etag)
    versions = client.get(f"{base}{submission.pk}/versions/").json()["results"]

    assert edited.status_code == 200 and edited.json()["version"] == 2
    assert stale.status_code == 412
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["body"] != versions[1]["body"] == "Better words."


def test_withdrawing_keeps_the_submission_and_a_second_withdrawal_is_a_conflict(consultation, expert, api_client, base):
    submission = submitted_by(expert, consultation)
    client = api_client(expert)

    first = client.post(f"{base}{submission.pk}/withdraw/")
    second = client.post(f"{base}{submission.pk}/withdraw/")
    edit = client.patch(f"{base}{submission.pk}/", {"body": "again"}, format="json")

    assert first.status_code == 200 and first.json()["state"] == "withdrawn"
    assert second.status_code == 409 and "withdrawn already" in second.json()["detail"]
    assert edit.status_code == 409
    assert client.get(f"{base}{submission.pk}/").json()["title"] == submission.title


def test_after_the_deadline_the_api_answers_409_unless_the_deadline_was_extended(
    consultation, expert, api_client, base
):
    consultation.closes_at = timezone.now() - timedelta(hours=1)
    consultation.save()
    client = api_client(expert)

    refused = client.post(base, {"title": "Late", "body": "x", "submit": True}, format="json")
    Membership.objects.filter(user=expert).update(deadline_extended_until=timezone.now() + timedelta(days=1))
    accepted = client.post(base, {"title": "Late", "body": "x", "submit": True}, format="json")

    assert refused.status_code == 409 and "closed for input" in refused.json()["detail"]
    assert accepted.status_code == 201


def test_an_attachment_upload_answers_name_size_type_hash_and_a_download_url(consultation, expert, api_client, base):
    submission = draft_of(expert, consultation)
    client = api_client(expert)

    response = client.post(
        f"{base}{submission.pk}/attachments/", {"file": SimpleUploadedFile("Study.pdf", PDF_BYTES)}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["name"], data["size"], data["content_type"]) == ("Study.pdf", len(PDF_BYTES), "application/pdf")
    download = client.get(data["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"] == 'attachment; filename="Study.pdf"'
    assert download["Cache-Control"] == "no-store" and download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "name", "status", "says"),
    [
        (EXE_BYTES, "report.pdf", 415, "Windows program"),
        (b"x" * 2048, "big.txt", 413, "larger than the limit"),
        (office_zip({"[Content_Types].xml": b"<T/>", "word/document.xml": b"\x00" * (30 * 1024 * 1024)}), "a.docx", 400,
         "zip bomb"),
    ],
)  # fmt: skip
def test_bad_uploads_get_a_clear_status_and_message_and_store_nothing(
    consultation, expert, api_client, base, settings, data, name, status, says
):
    settings.ATTACHMENT_MAX_BYTES = 1024 if status == 413 else settings.ATTACHMENT_MAX_BYTES
    submission = draft_of(expert, consultation)
    before = stored_files()

    response = api_client(expert).post(
        f"{base}{submission.pk}/attachments/", {"file": SimpleUploadedFile(name, data)}, format="multipart"
    )

    assert response.status_code == status
    assert says in str(response.json())
    assert not Attachment.objects.exists() and stored_files() == before


def test_a_path_traversal_name_sent_over_http_never_escapes_the_attachment_store(
    consultation, expert, api_client, base
):
    submission = draft_of(expert, consultation)

    response = api_client(expert).post(
        f"{base}{submission.pk}/attachments/",
        {"file": SimpleUploadedFile("../../../../tmp/evil.docx", DOCX_BYTES)},
        format="multipart",
    )

    # Django's upload parser drops the folder parts before the app sees the name; what is kept is a plain name
    # under a generated file name inside the private store.
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.name == "evil.docx" and ".." not in attachment.file.name and "evil" not in attachment.file.name


def test_the_secretariat_triages_through_patch_and_the_author_sees_the_response(
    consultation, expert, secretariat, api_client, base
):
    submission = submitted_by(expert, consultation)

    triaged = api_client(secretariat).patch(
        f"{base}{submission.pk}/",
        {"status": "incorporated", "response": "Taken into section 3.", "tags": ["hashing"]},
        format="json",
    )
    seen = api_client(expert).get(f"{base}{submission.pk}/").json()

    assert triaged.status_code == 200, triaged.json()
    assert triaged.json()["tags"] == ["hashing"]
    assert seen["status"] == SubmissionStatus.INCORPORATED and seen["response"] == "Taken into section 3."
    assert seen["tags"] == []  # tags are the secretariat's working material


def test_mixing_content_and_triage_fields_is_a_field_error(consultation, expert, secretariat, api_client, base):
    submission = submitted_by(expert, consultation)

    response = api_client(secretariat).patch(f"{base}{submission.pk}/", {"status": "noted", "body": "x"}, format="json")

    assert response.status_code == 400


# --- Role by action ------------------------------------------------------------------------------------------


@pytest.fixture
def mine(consultation, expert):
    submission = submitted_by(expert, consultation)
    attach(submission, expert)
    return submission


def endpoints(base, submission):
    attachment = submission.attachments.get()
    return {
        "list": ("get", base, None),
        "create": ("post", base, {"title": "t", "body": "b"}),
        "detail": ("get", f"{base}{submission.pk}/", None),
        "edit": ("patch", f"{base}{submission.pk}/", {"body": "changed"}),
        "triage": ("patch", f"{base}{submission.pk}/", {"status": "noted"}),
        "versions": ("get", f"{base}{submission.pk}/versions/", None),
        "withdraw": ("post", f"{base}{submission.pk}/withdraw/", None),
        "attachments": ("get", f"{base}{submission.pk}/attachments/", None),
        "upload": ("post", f"{base}{submission.pk}/attachments/", "file"),
        "download": ("get", f"{base}{submission.pk}/attachments/{attachment.pk}/download/", None),
    }


# Expected status per role and action on an expert's submitted submission (input not shared).
EXPECTED = {
    "expert": {
        "list": 200, "create": 201, "detail": 200, "edit": 200, "triage": 403, "versions": 200,
        "withdraw": 200, "attachments": 200, "upload": 201, "download": 200,
    },
    "other_expert": {
        "list": 200, "create": 201, "detail": 404, "edit": 404, "triage": 404, "versions": 404,
        "withdraw": 404, "attachments": 404, "upload": 404, "download": 404,
    },
    "secretariat": {
        "list": 200, "create": 201, "detail": 200, "edit": 403, "triage": 200, "versions": 200,
        "withdraw": 403, "attachments": 200, "upload": 403, "download": 200,
    },
    "observer": {
        "list": 403, "create": 403, "detail": 404, "edit": 404, "triage": 404, "versions": 404,
        "withdraw": 404, "attachments": 404, "upload": 404, "download": 404,
    },
    "outsider": {
        "list": 404, "create": 404, "detail": 404, "edit": 404, "triage": 404, "versions": 404,
        "withdraw": 404, "attachments": 404, "upload": 404, "download": 404,
    },
    "anonymous": {
        "list": 401, "create": 401, "detail": 401, "edit": 401, "triage": 401, "versions": 401,
        "withdraw": 401, "attachments": 401, "upload": 401, "download": 401,
    },
}  # fmt: skip


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("action", list(EXPECTED["expert"]))
def test_each_role_may_do_exactly_what_its_role_allows(request, api_client, base, mine, role, action):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    method, url, data = endpoints(base, mine)[action]
    client = api_client(user)

    if data == "file":
        response = client.post(url, {"file": SimpleUploadedFile("n.pdf", PDF_BYTES)}, format="multipart")
    else:
        response = getattr(client, method)(url, data, format="json")

    assert response.status_code == EXPECTED[role][action], response.content[:300]


def test_an_observer_may_list_shared_input_when_the_secretariat_allows_it(
    consultation, observer, mine, api_client, base
):
    consultation.observers_see_input = True
    consultation.save()

    response = api_client(observer).get(base)

    assert response.status_code == 200
    assert [item["author"] for item in response.json()["results"]] == ["Expert 1"]


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"title": "x" * 301},
        {"proposed_ratings": "five stars"},
        {"proposed_ratings": [{"solution": "1a", "criterion": "privacy", "stars": 9}]},
        {"proposed_references": [{"year": 1200}]},
        {"open_items": ["abc"]},
        {"solutions": [None]},
        {"submit": "maybe"},
    ],
)
def test_malformed_input_is_a_400_never_a_500(consultation, expert, draft_paper, api_client, base, payload):
    response = api_client(expert).post(base, payload, format="json")

    assert response.status_code == 400
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "query", ["?open_item=abc", "?status=lost", "?state=maybe", "?mine=perhaps", "?author=x", "?page=999"]
)
def test_malformed_filters_are_a_4xx_never_a_500(consultation, expert, api_client, base, query):
    response = api_client(expert).get(base + query)

    assert response.status_code in (400, 404)


def test_an_upload_without_a_file_is_a_field_error(consultation, expert, api_client, base):
    submission = draft_of(expert, consultation)

    response = api_client(expert).post(f"{base}{submission.pk}/attachments/", {}, format="multipart")

    assert response.status_code == 400 and "file" in response.json()
