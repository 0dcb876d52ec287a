"""Who may export, on the pages and in the API alike, and who may see and download an export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consultation.models import AccessEvent, AccessKind, DraftVersion, Membership, Role
from evidence.models import Export
from tests.factories import UserFactory

from .conftest import run_export

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def other_secretariat(consultation):
    user = UserFactory(username="sec2", first_name="Sofia", last_name="Second")
    Membership.objects.create(consultation=consultation, user=user, role=Role.SECRETARIAT)
    return user


@pytest.fixture
def observers_may_export(consultation):
    consultation.observers_may_export = True
    consultation.save(update_fields=["observers_may_export"])
    return consultation


def pages(consultation) -> str:
    return reverse("evidence:exports", args=[consultation.slug])


def export_urls(export) -> dict[str, str]:
    slug = export.consultation.slug
    return {
        "page": reverse("evidence:export", args=[slug, export.pk]),
        "progress": reverse("evidence:export_progress", args=[slug, export.pk]),
        "download": reverse("evidence:export_download", args=[slug, export.pk]),
        "api": f"{API}/exports/{export.pk}/",
        "api_download": f"{API}/exports/{export.pk}/download/",
    }


# --- Requesting an export ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_and_get_401_from_the_api(consultation, client, api_client):
    response = client.get(pages(consultation))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert api_client(None).get(f"{API}/consultations/{consultation.slug}/exports/").status_code == 401
    assert (
        api_client(None).post(f"{API}/consultations/{consultation.slug}/exports/", {"format": "pdf"}).status_code == 401
    )


@pytest.mark.parametrize(
    ("who", "page", "api"),
    [("outsider", 404, 404), ("expert", 403, 403), ("observer", 403, 403)],
)
def test_non_members_get_404_and_experts_and_observers_without_the_right_get_403(
    request, consultation, page_client, api_client, who, page, api
):
    user = request.getfixturevalue(who)
    url = f"{API}/consultations/{consultation.slug}/exports/"

    assert page_client(user).get(pages(consultation)).status_code == page
    assert page_client(user).post(pages(consultation), {"format": "pdf", "watermark": "on"}).status_code == page
    assert api_client(user).get(url).status_code == api
    assert api_client(user).post(url, {"format": "pdf"}, format="json").status_code == api
    assert not Export.objects.exists()


def test_the_secretariat_requests_an_export_on_the_page_and_is_taken_to_its_progress(
    consultation, secretariat, page_client
):
    client = page_client(secretariat)
    page = client.get(pages(consultation))
    assert page.status_code == 200
    assert b"Include internal notes" in page.content

    response = client.post(
        pages(consultation), {"format": "docx", "pseudonymise": "on", "include_internal_notes": "on", "watermark": "on"}
    )

    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == export_urls(export)["page"]
    assert export.requested_by == secretariat and export.format == "docx" and export.status == "queued"
    assert export.options == {
        "pseudonymise": True,
        "include_internal_notes": True,
        "watermark": True,
        "compare_to": None,
        "compare_to_id": None,
    }
    progress = client.get(export_urls(export)["page"])
    assert b'<progress class="export-progress__bar" max="100" value="0"' in progress.content
    assert b'hx-trigger="every 1s"' in progress.content


def test_an_observer_allowed_to_export_gets_pseudonymised_exports_without_notes_whatever_they_ask(
    observers_may_export, observer, page_client, api_client
):
    consultation = observers_may_export
    client = page_client(observer)
    page = client.get(pages(consultation))
    assert page.status_code == 200 and b"Include internal notes" not in page.content
    assert b"Exports</a>" in page.content  # the tab in the consultation's navigation

    client.post(pages(consultation), {"format": "pdf", "include_internal_notes": "on", "watermark": "on"})
    response = api_client(observer).post(
        f"{API}/consultations/{consultation.slug}/exports/",
        {"format": "pdf", "pseudonymise": False, "include_internal_notes": True},
        format="json",
    )

    assert response.status_code == 202
    assert response.data["pseudonymise"] is True and response.data["include_internal_notes"] is False
    for export in Export.objects.all():
        assert export.options["pseudonymise"] is True and export.options["include_internal_notes"] is False


def test_the_api_answers_202_with_the_jobs_url_and_400_for_a_bad_format_or_unknown_version(
    consultation, secretariat, api_client
):
    client = api_client(secretariat)
    url = f"{API}/consultations/{consultation.slug}/exports/"
    DraftVersion.objects.create(consultation=consultation, label="v1", published_at="2024-01-10T12:00:00Z")

    accepted = client.post(url, {"format": "pdf", "version": "v1", "watermark": False}, format="json")
    bad_format = client.post(url, {"format": "tiff"}, format="json")
    unknown = client.post(url, {"format": "pdf", "version": "v9"}, format="json")
    later = client.post(url, {"format": "pdf", "version": "v1", "compare_to": "v1"}, format="json")

    assert accepted.status_code == 202
    export = Export.objects.get()
    assert (
        accepted["Location"].endswith(f"/api/v1/exports/{export.pk}/") and accepted.data["url"] == accepted["Location"]
    )
    assert accepted.data["version"] == "v1" and accepted.data["status"] == "queued"
    assert accepted.data["download_url"] is None
    assert bad_format.status_code == 400 and "format" in bad_format.data
    assert unknown.status_code == 400 and unknown.data["version"] == ['This consultation has no version "v9".']
    assert later.status_code == 400 and "compare_to" in later.data
    assert Export.objects.count() == 1


# --- Following and downloading an export ---------------------------------------------------------------------


def test_only_the_requester_sees_and_downloads_an_export_and_every_download_is_recorded(
    consultation, secretariat, other_secretariat, page_client, api_client
):
    export, data = run_export(consultation, secretariat, "pdf")
    urls = export_urls(export)

    for name in ("page", "progress", "download"):
        assert page_client(other_secretariat).get(urls[name]).status_code == 404, name
    for name in ("api", "api_download"):
        assert api_client(other_secretariat).get(urls[name]).status_code == 404, name
        assert api_client(None).get(urls[name]).status_code == 401, name
    assert page_client(None).get(urls["download"]).status_code == 302
    assert not AccessEvent.objects.filter(kind=AccessKind.EXPORT_DOWNLOAD).exists()

    page = page_client(secretariat).get(urls["page"])
    assert page.status_code == 200 and urls["download"].encode() in page.content
    response = page_client(secretariat).get(urls["download"])
    assert response.status_code == 200 and b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and export.download_name in response["Content-Disposition"]
    )
    assert response["Cache-Control"] == "no-store" and response["X-Content-Type-Options"] == "nosniff"
    status = api_client(secretariat).get(urls["api"])
    assert status.status_code == 200 and status.data["status"] == "done" and status.data["progress"] == 100
    assert status.data["sha256"] == export.sha256 and status.data["download_url"].endswith(urls["api_download"])
    by_api = api_client(secretariat).get(urls["api_download"])
    assert by_api.status_code == 200 and b"".join(by_api.streaming_content) == data
    downloads = AccessEvent.objects.filter(kind=AccessKind.EXPORT_DOWNLOAD, user=secretariat)
    assert downloads.count() == 2 and all(e.details["sha256"] == export.sha256 for e in downloads)


def test_an_observer_who_lost_the_right_to_export_can_no_longer_download_their_export(
    observers_may_export, observer, page_client, api_client
):
    consultation = observers_may_export
    export, _ = run_export(consultation, observer, "docx")
    urls = export_urls(export)
    assert page_client(observer).get(urls["download"]).status_code == 200

    consultation.observers_may_export = False
    consultation.save(update_fields=["observers_may_export"])

    assert page_client(observer).get(urls["download"]).status_code == 404
    assert api_client(observer).get(urls["api"]).status_code == 404
    assert page_client(observer).get(pages(consultation)).status_code == 403


def test_a_download_before_the_export_is_done_is_404(consultation, secretariat, page_client, api_client):
    page_client(secretariat).post(pages(consultation), {"format": "pdf", "watermark": "on"})
    urls = export_urls(Export.objects.get())

    assert page_client(secretariat).get(urls["download"]).status_code == 404
    assert api_client(secretariat).get(urls["api_download"]).status_code == 404
    assert api_client(secretariat).get(urls["api"]).data["download_url"] is None


# --- Lists cost the same whatever their length ----------------------------------------------------------------


def test_the_exports_page_and_list_endpoint_take_the_same_number_of_queries_for_2_or_6_exports(
    consultation, secretariat, page_client, api_client, django_assert_num_queries
):
    def make(n):
        for _ in range(n):
            Export.objects.create(consultation=consultation, requested_by=secretariat, format="pdf")

    def count(url, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    page, api = page_client(secretariat), api_client(secretariat)
    api_url = f"{API}/consultations/{consultation.slug}/exports/"
    make(2)
    small = (count(pages(consultation), page), count(api_url, api))
    make(4)
    large = (count(pages(consultation), page), count(api_url, api))
    assert small == large
    assert api.get(api_url).data["count"] == 6


def test_the_export_page_is_in_the_access_trail_but_its_polled_progress_fragment_is_not(
    consultation, secretariat, page_client
):
    client = page_client(secretariat)
    client.post(pages(consultation), {"format": "pdf", "watermark": "on"})
    urls = export_urls(Export.objects.get())

    client.get(urls["page"])
    for _ in range(3):
        client.get(urls["progress"])

    paths = list(AccessEvent.objects.filter(kind=AccessKind.PAGE_VIEW).values_list("path", flat=True))
    assert paths.count(urls["page"]) == 1 and urls["progress"] not in paths


def test_the_secretariat_lets_observers_export_on_the_edit_page_and_in_the_api(
    consultation, secretariat, observer, page_client, api_client
):
    form = {
        "reference": consultation.reference,
        "title": consultation.title,
        "marking": consultation.marking,
        "status": consultation.status,
        "opens_at": "",
        "closes_at": "",
        "version": consultation.version,
        "reminder_days_before": consultation.reminder_days_before,
        "observers_may_export": "on",
    }
    edit = reverse("consultation:edit", args=[consultation.slug])
    assert b'name="observers_may_export"' in page_client(secretariat).get(edit).content
    assert page_client(observer).get(pages(consultation)).status_code == 403

    assert page_client(secretariat).post(edit, form).status_code == 302
    assert page_client(observer).get(pages(consultation)).status_code == 200

    detail = f"{API}/consultations/{consultation.slug}/"
    read = api_client(secretariat).get(detail)
    assert read.data["observers_may_export"] is True
    changed = api_client(secretariat).patch(
        detail, {"observers_may_export": False}, format="json", HTTP_IF_MATCH=read["ETag"]
    )
    assert changed.status_code == 200 and changed.data["observers_may_export"] is False
    assert page_client(observer).get(pages(consultation)).status_code == 403


def test_a_request_without_a_format_is_refused_with_a_message_and_nothing_is_queued(
    consultation, secretariat, page_client
):
    response = page_client(secretariat).post(pages(consultation), {"watermark": "on"})

    assert response.status_code == 400
    assert b"The export was not saved." in response.content and b"This field is required." in response.content
    assert not Export.objects.exists()


def test_the_exports_tab_shows_for_those_who_may_export_only_superusers_included(
    consultation, secretariat, expert, page_client
):
    expert.is_superuser = expert.is_staff = True
    expert.save(update_fields=["is_superuser", "is_staff"])
    home = reverse("consultation:home", args=[consultation.slug])

    assert b">Exports</a>" in page_client(secretariat).get(home).content
    assert b">Exports</a>" not in page_client(expert).get(home).content
    assert page_client(expert).get(pages(consultation)).status_code == 403
