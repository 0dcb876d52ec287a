"""Every write of a submission honours If-Match: a stale ETag is a 412 and changes nothing.

The author's edit is covered in test_submissions_api.py; these are the
others: submitting a draft, withdrawing, and the secretariat's triage.
"""

from __future__ import annotations

import pytest

from evidence.models import Submission, SubmissionStatus

from .factories import draft_of, submitted_by

pytestmark = pytest.mark.django_db

API = "/api/v1/consultations/{slug}/submissions/{pk}/"


def _stale_etag(client, url: str, change) -> str:
    """The ETag read before ``change()`` made it stale."""
    etag = client.get(url)["ETag"]
    change()
    assert client.get(url)["ETag"] != etag
    return etag


def test_submitting_a_draft_with_a_stale_etag_is_a_412_and_leaves_it_a_draft(consultation, expert, api_client):
    submission = draft_of(expert, consultation)
    client = api_client(expert)
    url = API.format(slug=consultation.slug, pk=submission.pk)
    etag = _stale_etag(client, url, lambda: client.patch(url, {"body": "Changed in another tab."}, format="json"))

    response = client.post(f"{url}submit/", {}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert Submission.objects.get(pk=submission.pk).submitted_at is None


def test_withdrawing_with_a_stale_etag_is_a_412_and_keeps_it(consultation, expert, api_client):
    submission = submitted_by(expert, consultation)
    client = api_client(expert)
    url = API.format(slug=consultation.slug, pk=submission.pk)
    etag = _stale_etag(client, url, lambda: client.patch(url, {"body": "A second version."}, format="json"))

    response = client.post(f"{url}withdraw/", {}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert Submission.objects.get(pk=submission.pk).withdrawn_at is None


def test_triage_with_a_stale_etag_is_a_412_and_keeps_the_other_secretarys_status(
    consultation, expert, secretariat, api_client
):
    submission = submitted_by(expert, consultation)
    client = api_client(secretariat)
    url = API.format(slug=consultation.slug, pk=submission.pk)
    etag = _stale_etag(client, url, lambda: client.patch(url, {"status": SubmissionStatus.UNDER_REVIEW}, format="json"))

    response = client.patch(
        url, {"status": SubmissionStatus.REJECTED, "response": "No."}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 412
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.UNDER_REVIEW and submission.response == ""
