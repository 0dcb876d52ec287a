"""The secretariat's triage page of one submission: who may open and post, what it shows, what each form does."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from consultation.models import Membership, Role
from evidence.models import InternalNote, Submission, Tag
from evidence.services.submissions import submission_withdraw
from evidence.services.triage import internal_note_add, submission_triage, tag_create
from tests.evidence.factories import attach, draft_of, submitted_by
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(consultation, expert, draft_paper):
    s1a, _ = draft_paper["solutions"]
    effectiveness, privacy = draft_paper["criteria"]
    submission = submitted_by(
        expert, consultation, title="Hashes miss new images", body="Perceptual hashes find **known** images only.",
        solutions=[s1a], criteria=[privacy], open_items=[draft_paper["open_item"]],
        proposed_ratings=[{"solution": s1a, "criterion": effectiveness, "stars": 2, "justification": "Misses new."}],
    )  # fmt: skip
    attach(submission, expert)
    submission.refresh_from_db()
    return submission


def url(consultation, submission, name="triage") -> str:
    return reverse(f"evidence:{name}", args=[consultation.slug, submission.pk])


ACTIONS = [
    ("get", "triage", {}),
    ("post", "triage_status", {"status": "accepted", "response": "", "version": 1}),
    ("post", "triage_note", {"body": "note"}),
    ("post", "triage_tags", {"new_tag": "x", "version": 1}),
]


@pytest.mark.parametrize(("method", "name", "data"), ACTIONS)
@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 302), ("outsider", 404), ("expert", 403), ("observer", 403)]
)
def test_only_the_secretariat_opens_and_posts_the_triage_forms(
    page_client, consultation, submission, request, method, name, data, who, expected
):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = getattr(page_client(user), method)(url(consultation, submission, name), data)

    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert not InternalNote.objects.exists() and not Tag.objects.exists()
    assert Submission.objects.get(pk=submission.pk).status == "new"


def test_even_the_author_cannot_open_the_triage_page(page_client, consultation, submission, expert):
    assert page_client(expert).get(url(consultation, submission)).status_code == 403


def test_the_page_shows_the_rendered_text_links_ratings_attachments_and_versions(
    page_client, consultation, submission, secretariat
):
    html = page_client(secretariat).get(url(consultation, submission)).content.decode()

    assert "<strong>known</strong>" in html
    assert "1a All detection on device" in html and ">Privacy<" in html and "Which solution first?" in html
    assert "Misses new." in html
    attachment = submission.attachments.get()
    assert reverse("evidence:download", args=[consultation.slug, submission.pk, attachment.pk]) in html
    versions = list(submission.versions.order_by("number"))
    assert len(versions) == 2, "attaching after submitting made version 2"
    for version in versions:
        assert f"Version {version.number}" in html and version.sha256[:12] in html


def test_a_draft_or_another_consultations_submission_is_a_404(page_client, consultation, secretariat, expert):
    draft = draft_of(expert, consultation)
    elsewhere = ConsultationFactory()
    stranger = UserFactory()
    Membership.objects.create(consultation=elsewhere, user=stranger, role=Role.EXPERT)
    foreign = submitted_by(stranger, elsewhere)

    client = page_client(secretariat)
    assert client.get(url(consultation, draft)).status_code == 404
    assert client.get(url(consultation, foreign)).status_code == 404


def test_the_secretariat_sets_status_and_response_and_the_author_is_emailed(
    page_client, consultation, submission, secretariat, django_capture_on_commit_callbacks
):
    with (
        mock.patch("evidence.tasks.send_status_change.delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = page_client(secretariat).post(
            url(consultation, submission, "triage_status"),
            {"status": "incorporated", "response": "See section 3.1.", "version": submission.version},
        )

    assert response.status_code == 302
    assert response["Location"].endswith("#triage")
    updated = Submission.objects.get(pk=submission.pk)
    assert (updated.status, updated.response) == ("incorporated", "See section 3.1.")
    queued.assert_called_once_with(submission.pk, updated.version)


def test_a_stale_form_is_refused_and_keeps_what_was_typed(page_client, consultation, submission, secretariat):
    submission_triage(submission=submission, user=secretariat, status="under_review")

    response = page_client(secretariat).post(
        url(consultation, submission, "triage_status"),
        {"status": "rejected", "response": "My careful answer", "version": submission.version},
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this submission" in html and "My careful answer" in html
    assert Submission.objects.get(pk=submission.pk).status == "under_review"


def test_an_unknown_status_is_refused_with_a_message(page_client, consultation, submission, secretariat):
    response = page_client(secretariat).post(
        url(consultation, submission, "triage_status"), {"status": "binned", "response": "", "version": 1}
    )

    assert response.status_code == 400
    assert "binned" in response.content.decode()


def test_a_withdrawn_submission_cannot_be_accepted_from_the_page(
    page_client, consultation, submission, secretariat, expert
):
    submission_withdraw(submission=submission, user=expert)
    version = Submission.objects.get(pk=submission.pk).version

    response = page_client(secretariat).post(
        url(consultation, submission, "triage_status"), {"status": "accepted", "response": "", "version": version}
    )

    assert response.status_code == 409
    assert "only be marked noted or rejected" in response.content.decode()


def test_a_closed_consultation_refuses_triage_and_says_so(page_client, consultation, submission, secretariat):
    consultation.status = "closed"
    consultation.save()

    response = page_client(secretariat).post(
        url(consultation, submission, "triage_status"),
        {"status": "accepted", "response": "", "version": submission.version},
    )

    assert response.status_code == 409
    assert "closed" in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == "new"


def test_internal_notes_are_added_and_shown_to_the_secretariat(page_client, consultation, submission, secretariat):
    client = page_client(secretariat)

    response = client.post(url(consultation, submission, "triage_note"), {"body": "Ask for the dataset."})
    empty = client.post(url(consultation, submission, "triage_note"), {"body": "   "})

    assert response.status_code == 302 and empty.status_code == 400
    assert "Ask for the dataset." in client.get(url(consultation, submission)).content.decode()
    assert InternalNote.objects.count() == 1


def test_experts_never_see_internal_notes_on_their_pages_or_in_the_api(
    page_client, api_client, consultation, submission, secretariat, expert, other_expert
):
    internal_note_add(submission=submission, user=secretariat, body="Confidential: author seems biased")
    consultation.share_input_with_experts = True
    consultation.save()
    pages = [
        reverse("evidence:detail", args=[consultation.slug, submission.pk]),
        reverse("evidence:mine", args=[consultation.slug]),
        reverse("evidence:portal", args=[consultation.slug]),
        reverse("consultation:solution", args=[consultation.slug, "1a"]),
    ]
    api = [
        f"/api/v1/consultations/{consultation.slug}/submissions/",
        f"/api/v1/consultations/{consultation.slug}/submissions/{submission.pk}/",
        f"/api/v1/consultations/{consultation.slug}/submissions/{submission.pk}/versions/",
    ]
    for user in (expert, other_expert):
        for page in pages:
            response = page_client(user).get(page)
            assert "author seems biased" not in response.content.decode(), (user, page, response.status_code)
        for endpoint in api:
            response = api_client(user).get(endpoint)
            assert "author seems biased" not in response.content.decode(), (user, endpoint)
    assert "author seems biased" in page_client(secretariat).get(url(consultation, submission)).content.decode()


def test_tags_are_ticked_and_created_from_the_page(page_client, consultation, submission, secretariat):
    legal = tag_create(consultation=consultation, user=secretariat, name="legal")
    tag_create(consultation=consultation, user=secretariat, name="unused")

    response = page_client(secretariat).post(
        url(consultation, submission, "triage_tags"),
        {"tags": [legal.pk], "new_tag": "follow up", "version": submission.version},
    )

    assert response.status_code == 302
    assert sorted(Submission.objects.get(pk=submission.pk).tags.values_list("name", flat=True)) == [
        "follow up",
        "legal",
    ]


def test_a_stale_tags_form_creates_no_tag(page_client, consultation, submission, secretariat):
    submission_triage(submission=submission, user=secretariat, status="noted")

    response = page_client(secretariat).post(
        url(consultation, submission, "triage_tags"), {"new_tag": "orphan", "version": submission.version}
    )

    assert response.status_code == 409
    assert not Tag.objects.filter(name="orphan").exists()


def test_the_api_patch_of_triage_fields_goes_through_the_same_service(
    api_client, consultation, submission, secretariat, expert
):
    endpoint = f"/api/v1/consultations/{consultation.slug}/submissions/{submission.pk}/"

    as_expert = api_client(expert).patch(endpoint, {"status": "accepted"}, format="json")
    as_secretariat = api_client(secretariat).patch(
        endpoint, {"status": "accepted", "response": "Thanks"}, format="json"
    )

    assert Submission.objects.get(pk=submission.pk).status == "accepted"
    assert as_secretariat.status_code == 200, as_secretariat.content
    assert as_expert.status_code in (400, 403)


HTMX = {"HX-Request": "true"}


def test_with_htmx_a_saved_status_answers_its_section_and_the_new_version_for_the_other_forms(
    page_client, consultation, submission, secretariat
):
    response = page_client(secretariat).post(
        url(consultation, submission, "triage_status"),
        {"status": "accepted", "response": "Agreed.", "version": submission.version},
        headers=HTMX,
    )

    html = response.content.decode()
    new_version = Submission.objects.get(pk=submission.pk).version
    assert response.status_code == 200
    assert "<html" not in html and 'id="triage"' in html and 'id="notes"' not in html
    assert "the status is now “Accepted”" in html
    assert f'value="{new_version}" id="id_tags_version" hx-swap-oob="true"' in html
    assert 'id="submission-status" hx-swap-oob="true"' in html


def test_with_htmx_a_stale_tags_form_answers_409_with_the_section_and_what_was_typed(
    page_client, consultation, submission, secretariat
):
    submission_triage(submission=submission, user=secretariat, status="noted")

    response = page_client(secretariat).post(
        url(consultation, submission, "triage_tags"),
        {"new_tag": "typed tag", "version": submission.version},
        headers=HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "<html" not in html and 'id="tags"' in html
    assert "Someone else changed this submission" in html and 'value="typed tag"' in html
    assert "hx-swap-oob" not in html


def test_with_htmx_a_note_is_added_and_the_notes_section_lists_it(page_client, consultation, submission, secretariat):
    response = page_client(secretariat).post(
        url(consultation, submission, "triage_note"), {"body": "Seen at the meeting."}, headers=HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="notes"' in html and "Seen at the meeting." in html and "Note added." in html
