"""The triage API beyond PATCH: internal notes of a submission and the consultation's tags (secretariat only)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.models import Membership, Role
from evidence.models import InternalNote, Tag
from evidence.services.triage import internal_note_add, submission_triage, tag_create
from tests.evidence.factories import draft_of, submitted_by
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(consultation, expert):
    return submitted_by(expert, consultation, title="Input")


def notes_url(consultation, submission) -> str:
    return f"/api/v1/consultations/{consultation.slug}/submissions/{submission.pk}/notes/"


def tags_url(consultation) -> str:
    return f"/api/v1/consultations/{consultation.slug}/tags/"


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 401), ("outsider", 404), ("expert", 403), ("observer", 403)]
)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("endpoint", ["notes", "tags"])
def test_only_the_secretariat_reads_and_writes_notes_and_tags(
    api_client, consultation, submission, request, who, expected, method, endpoint
):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    url = notes_url(consultation, submission) if endpoint == "notes" else tags_url(consultation)
    data = {"body": "note"} if endpoint == "notes" else {"name": "tag"}

    client = api_client(user)
    response = client.get(url) if method == "get" else client.post(url, data, format="json")

    assert response.status_code == expected
    assert not InternalNote.objects.exists() and not Tag.objects.exists()


def test_the_author_cannot_read_the_notes_on_their_own_submission(api_client, consultation, submission, expert):
    internal_note_add(submission=submission, user=UserFactory(), body="hidden")

    assert api_client(expert).get(notes_url(consultation, submission)).status_code == 403


def test_the_secretariat_adds_and_lists_notes(api_client, consultation, submission, secretariat):
    client = api_client(secretariat)

    created = client.post(notes_url(consultation, submission), {"body": "Ask for data."}, format="json")
    empty = client.post(notes_url(consultation, submission), {"body": "  "}, format="json")
    listed = client.get(notes_url(consultation, submission)).json()

    assert created.status_code == 201 and created.json()["body"] == "Ask for data."
    assert empty.status_code == 400 and "body" in empty.json()
    assert [(n["body"], n["author"]) for n in listed["results"]] == [("Ask for data.", "Sam Secretary")]


def test_notes_of_a_draft_or_of_another_consultations_submission_are_404(api_client, consultation, secretariat, expert):
    draft = draft_of(expert, consultation)
    elsewhere = ConsultationFactory()
    stranger = UserFactory()
    Membership.objects.create(consultation=elsewhere, user=stranger, role=Role.EXPERT)
    foreign = submitted_by(stranger, elsewhere)

    client = api_client(secretariat)
    assert client.get(notes_url(consultation, draft)).status_code == 404
    assert client.post(notes_url(consultation, foreign), {"body": "x"}, format="json").status_code == 404


def test_a_closed_consultation_takes_no_note(api_client, consultation, submission, secretariat):
    consultation.status = "closed"
    consultation.save()

    response = api_client(secretariat).post(notes_url(consultation, submission), {"body": "late"}, format="json")

    assert response.status_code == 409
    assert not InternalNote.objects.exists()


def test_tags_are_listed_with_their_use_and_created_once(api_client, consultation, submission, secretariat):
    legal = tag_create(consultation=consultation, user=secretariat, name="legal")
    submission_triage(submission=submission, user=secretariat, tags=[legal])
    client = api_client(secretariat)

    created = client.post(tags_url(consultation), {"name": "follow up"}, format="json")
    again = client.post(tags_url(consultation), {"name": "Follow  Up"}, format="json")
    blank = client.post(tags_url(consultation), {"name": " "}, format="json")
    listed = client.get(tags_url(consultation)).json()["results"]

    assert (created.status_code, again.status_code, blank.status_code) == (201, 200, 400)
    assert again.json()["id"] == created.json()["id"]
    assert [(t["name"], t["submissions"]) for t in listed] == [("follow up", 0), ("legal", 1)]


def test_the_notes_list_costs_the_same_queries_for_few_and_many_notes(
    api_client, consultation, submission, secretariat
):
    client = api_client(secretariat)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(notes_url(consultation, submission)).status_code == 200
        return len(captured.captured_queries)

    internal_note_add(submission=submission, user=secretariat, body="one")
    few = queries()
    for n in range(15):
        internal_note_add(submission=submission, user=UserFactory(), body=f"note {n}")
    assert queries() == few
