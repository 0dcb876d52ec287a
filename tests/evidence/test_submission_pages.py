"""The submission pages: write with autosave, submit with a receipt, edit into versions, withdraw, download."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consultation.models import Membership
from evidence.models import Attachment, Submission

from .factories import PDF_BYTES, attach, draft_of, submitted_by
from .test_attachments import EXE_BYTES, stored_files

pytestmark = pytest.mark.django_db


def url(name, consultation, *args):
    return reverse(f"evidence:{name}", args=[consultation.slug, *args])


def form_data(draft_paper, **extra) -> dict:
    data = {
        "title": "Hashes miss new material",
        "body": "Only *known* images are found.",
        "solutions": [draft_paper["solutions"][1].pk],
        "open_items": [draft_paper["open_item"].pk],
        "rating-TOTAL_FORMS": "1",
        "rating-INITIAL_FORMS": "0",
        "rating-0-solution": str(draft_paper["solutions"][1].pk),
        "rating-0-criterion": str(draft_paper["criteria"][0].pk),
        "rating-0-stars": "2",
        "rating-0-justification": "Evasion is easy.",
        "reference-TOTAL_FORMS": "1",
        "reference-INITIAL_FORMS": "0",
        "reference-0-title": "Adversarial hashing",
        "reference-0-year": "2022",
    }
    data.update(extra)
    return data


@pytest.fixture(autouse=True)
def no_celery():
    """The receipt email is queued on commit; its sending is tested with a real worker elsewhere."""
    with mock.patch("evidence.tasks.send_submission_receipt.delay"):
        yield


def test_the_new_input_page_offers_the_drafts_solutions_criteria_and_open_items(
    consultation, expert, draft_paper, page_client
):
    response = page_client(expert).get(url("new", consultation) + f"?open_item={draft_paper['open_item'].pk}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "1a All detection on device" in html and "Which solution first?" in html
    assert 'hx-post="' + url("autosave", consultation) in html
    assert "checked" in html.split("Which solution first?")[0].rsplit("<div", 1)[1]


def test_submitting_from_the_page_saves_everything_and_shows_the_receipt(
    consultation, expert, draft_paper, page_client
):
    client = page_client(expert)
    data = form_data(draft_paper, action="submit", attachments=SimpleUploadedFile("Study.pdf", PDF_BYTES))

    response = client.post(url("new", consultation), data)

    submission = Submission.objects.get()
    version = submission.versions.get()
    assert response.status_code == 302 and response.url == url("version", consultation, submission.pk, 1)
    assert list(submission.solutions.all()) == [draft_paper["solutions"][1]]
    assert list(submission.open_items.all()) == [draft_paper["open_item"]]
    assert submission.proposed_ratings.get().stars == 2
    assert submission.proposed_references.get().title == "Adversarial hashing"
    assert submission.attachments.get().name == "Study.pdf"
    receipt = client.get(response.url).content.decode()
    assert version.sha256 in receipt and "Receipt" in receipt and "Received." in receipt


def test_saving_a_draft_keeps_it_unsubmitted_for_later(consultation, expert, draft_paper, page_client):
    response = page_client(expert).post(url("new", consultation), form_data(draft_paper, action="save"))

    submission = Submission.objects.get()
    assert response.url == url("edit", consultation, submission.pk)
    assert submission.is_draft and not submission.versions.exists()


def test_autosave_creates_the_draft_then_updates_it_and_says_when(consultation, expert, draft_paper, page_client):
    client = page_client(expert)

    first = client.post(url("autosave", consultation), {"title": "Started", "body": "One"}, HTTP_HX_REQUEST="true")
    submission = Submission.objects.get()
    second = client.post(
        url("autosave", consultation),
        {"submission": submission.pk, "version": submission.version, "title": "Started", "body": "One two"},
        HTTP_HX_REQUEST="true",
    )

    assert first.status_code == second.status_code == 200
    assert "Saved at" in first.content.decode()
    assert f'name="submission" id="id_submission" value="{submission.pk}"' in first.content.decode()
    submission.refresh_from_db()
    assert submission.body == "One two" and Submission.objects.count() == 1
    assert f'value="{submission.version}"' in second.content.decode()


def test_a_stale_autosave_is_not_saved_and_says_so(consultation, expert, page_client):
    submission = draft_of(expert, consultation)
    client = page_client(expert)
    client.post(
        url("autosave", consultation), {"submission": submission.pk, "version": submission.version, "body": "A"}
    )

    stale = client.post(
        url("autosave", consultation), {"submission": submission.pk, "version": submission.version, "body": "B"}
    )

    assert "Not saved" in stale.content.decode()
    submission.refresh_from_db()
    assert submission.body == "A"


def test_autosave_into_someone_elses_draft_is_a_404(consultation, expert, other_expert, page_client):
    theirs = draft_of(other_expert, consultation)

    response = page_client(expert).post(url("autosave", consultation), {"submission": theirs.pk, "body": "Mine"})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.body != "Mine"


def test_a_refused_upload_on_the_page_says_why_keeps_the_text_and_stores_nothing(
    consultation, expert, draft_paper, page_client
):
    before = stored_files()
    data = form_data(draft_paper, action="submit", attachments=SimpleUploadedFile("report.pdf", EXE_BYTES))

    response = page_client(expert).post(url("new", consultation), data)

    assert response.status_code == 415
    html = response.content.decode()
    assert "Windows program" in html and "Hashes miss new material" in html
    assert not Submission.objects.exists() and not Attachment.objects.exists() and stored_files() == before


def test_a_good_file_sent_with_a_refused_submit_leaves_no_file_behind(consultation, expert, draft_paper, page_client):
    # The file passes its checks and is stored, then submitting fails (no title): the rows are rolled back, and
    # the stored file must go with them rather than stay on disk with nothing pointing to it.
    before = stored_files()
    data = form_data(draft_paper, title="", action="submit", attachments=SimpleUploadedFile("study.pdf", PDF_BYTES))

    response = page_client(expert).post(url("new", consultation), data)

    assert response.status_code == 400
    assert not Submission.objects.exists() and not Attachment.objects.exists()
    assert stored_files() == before


def test_a_good_file_sent_with_a_refused_edit_leaves_no_file_behind(consultation, expert, draft_paper, page_client):
    submission = submitted_by(expert, consultation)
    before = stored_files()
    data = form_data(draft_paper, title="", attachments=SimpleUploadedFile("study.pdf", PDF_BYTES))

    response = page_client(expert).post(url("edit", consultation, submission.pk), data)

    assert response.status_code == 400
    assert not Attachment.objects.exists() and stored_files() == before
    submission.refresh_from_db()
    assert submission.current_version == 1


def test_an_oversize_upload_on_the_page_is_a_form_error(consultation, expert, draft_paper, page_client, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    data = form_data(draft_paper, action="save", attachments=SimpleUploadedFile("big.txt", b"x" * 101))

    response = page_client(expert).post(url("new", consultation), data)

    assert response.status_code == 413 and "larger than the limit" in response.content.decode()
    assert not Attachment.objects.exists()


def test_after_the_deadline_the_page_refuses_with_409_and_keeps_the_text(
    consultation, expert, draft_paper, page_client
):
    consultation.closes_at = timezone.now() - timedelta(minutes=5)
    consultation.save()

    response = page_client(expert).post(url("new", consultation), form_data(draft_paper, action="submit"))

    assert response.status_code == 409
    html = response.content.decode()
    assert "closed for input" in html and "Hashes miss new material" in html
    assert not Submission.objects.exists()


def test_an_extended_deadline_lets_the_expert_submit_from_the_page(consultation, expert, draft_paper, page_client):
    consultation.closes_at = timezone.now() - timedelta(minutes=5)
    consultation.save()
    Membership.objects.filter(user=expert).update(deadline_extended_until=timezone.now() + timedelta(days=1))

    response = page_client(expert).post(url("new", consultation), form_data(draft_paper, action="submit"))

    assert response.status_code == 302 and Submission.objects.get().submitted_at is not None


def test_editing_on_the_page_makes_a_new_version_and_the_detail_lists_every_version(
    consultation, expert, draft_paper, page_client
):
    submission = submitted_by(expert, consultation, body="First.")
    client = page_client(expert)
    data = form_data(draft_paper, action="save", body="Second.", version=submission.version, submission=submission.pk)

    response = client.post(url("edit", consultation, submission.pk), data)

    assert response.status_code == 302 and response.url == url("version", consultation, submission.pk, 2)
    detail = client.get(url("detail", consultation, submission.pk)).content.decode()
    assert "Version 1" in detail and "Version 2" in detail
    first = client.get(url("version", consultation, submission.pk, 1)).content.decode()
    assert "First." in first and "Second." not in first


def test_a_page_edit_based_on_an_old_version_is_refused_and_keeps_the_text(
    consultation, expert, draft_paper, page_client
):
    submission = submitted_by(expert, consultation)
    old = submission.version
    attach(submission, expert)

    response = page_client(expert).post(
        url("edit", consultation, submission.pk), form_data(draft_paper, action="save", body="Mine.", version=old)
    )

    assert response.status_code == 412
    assert "another window" in response.content.decode() and "Mine." in response.content.decode()


def test_withdrawing_asks_first_then_keeps_the_submission_marked_withdrawn(consultation, expert, page_client):
    submission = submitted_by(expert, consultation)
    client = page_client(expert)

    confirm = client.get(url("withdraw", consultation, submission.pk))
    done = client.post(url("withdraw", consultation, submission.pk), {"version": submission.version})
    again = client.post(url("withdraw", consultation, submission.pk))

    assert confirm.status_code == 200 and "Nothing is deleted" in confirm.content.decode()
    assert done.status_code == 302
    assert again.status_code == 409
    detail = client.get(url("detail", consultation, submission.pk)).content.decode()
    assert "Withdrawn" in detail and submission.title in detail
    assert client.get(url("edit", consultation, submission.pk)).status_code == 302


def test_the_download_is_a_no_store_attachment_with_the_safe_name(consultation, expert, page_client):
    submission = submitted_by(expert, consultation)
    attachment = attach(submission, expert, PDF_BYTES, "Étude finale.pdf")

    response = page_client(expert).get(url("download", consultation, submission.pk, attachment.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert "tude finale.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_markdown_in_input_is_rendered_without_scripts(consultation, expert, page_client):
    submission = submitted_by(
        expert, consultation, body="**Bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=y>"
    )

    html = page_client(expert).get(url("detail", consultation, submission.pk)).content.decode()

    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html and "<img src=x" not in html


# --- Role by action ------------------------------------------------------------------------------------------


@pytest.fixture
def pages(consultation, expert):
    submission = submitted_by(expert, consultation)
    attachment = attach(submission, expert)
    return {
        "portal": url("portal", consultation),
        "mine": url("mine", consultation),
        "shared": url("shared", consultation),
        "new": url("new", consultation),
        "detail": url("detail", consultation, submission.pk),
        "edit": url("edit", consultation, submission.pk),
        "withdraw": url("withdraw", consultation, submission.pk),
        "version": url("version", consultation, submission.pk, 1),
        "download": url("download", consultation, submission.pk, attachment.pk),
    }


EXPECTED = {
    "expert": {"portal": 200, "mine": 200, "shared": 200, "new": 200, "detail": 200, "edit": 200, "withdraw": 200,
               "version": 200, "download": 200},
    "other_expert": {"portal": 200, "mine": 200, "shared": 200, "new": 200, "detail": 404, "edit": 404,
                     "withdraw": 404, "version": 404, "download": 404},
    "secretariat": {"portal": 200, "mine": 200, "shared": 200, "new": 200, "detail": 200, "edit": 403,
                    "withdraw": 403, "version": 200, "download": 200},
    "observer": {"portal": 403, "mine": 403, "shared": 403, "new": 403, "detail": 404, "edit": 404, "withdraw": 404,
                 "version": 404, "download": 404},
    "outsider": dict.fromkeys(("portal", "mine", "shared", "new", "detail", "edit", "withdraw", "version",
                               "download"), 404),
}  # fmt: skip


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("page", list(EXPECTED["expert"]))
def test_each_role_gets_what_it_may_see(request, page_client, pages, role, page):
    response = page_client(request.getfixturevalue(role)).get(pages[page])

    assert response.status_code == EXPECTED[role][page]


@pytest.mark.parametrize("page", ["portal", "mine", "new", "detail", "download"])
def test_anonymous_visitors_are_sent_to_sign_in(page_client, pages, page):
    response = page_client(None).get(pages[page])

    assert response.status_code == 302 and response.url.startswith(reverse(settings.LOGIN_URL))


def test_observers_cannot_post_input_either(consultation, observer, draft_paper, page_client):
    response = page_client(observer).post(url("new", consultation), form_data(draft_paper, action="submit"))
    autosave = page_client(observer).post(url("autosave", consultation), {"title": "x"})

    assert response.status_code == autosave.status_code == 403
    assert not Submission.objects.exists()


def test_a_form_without_its_row_counters_is_refused_with_a_message_not_a_crash(consultation, expert, page_client):
    response = page_client(expert).post(url("new", consultation), {"title": "x", "action": "submit"})

    assert response.status_code == 400
    assert not Submission.objects.exists()


@pytest.mark.parametrize("data", [{"submission": "abc"}, {"version": "-"}, {"solutions": ["x"]}])
def test_a_malformed_autosave_says_not_saved(consultation, expert, page_client, data):
    response = page_client(expert).post(url("autosave", consultation), data)

    assert response.status_code == 200 and "Not saved" in response.content.decode()
    assert not Submission.objects.exists()
