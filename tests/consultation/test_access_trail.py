"""The access trail: members' page views, API reads and downloads are recorded (user, time, IP, what), the
database refuses to change or delete a record, and only the secretariat reads it, on a page, as CSV and through
the API, filtered."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from consultation.models import AccessEvent, AccessKind, Membership, Role
from tests.evidence.factories import attach, submitted_by
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
ACCESS_TRAIL_MIDDLEWARE = "consultation.middleware.AccessTrailMiddleware"


def signed_in(user, client_class=Client):
    client = client_class()
    if user is not None:
        client.force_login(user)
    return client


def page(consultation, name: str = "matrix") -> str:
    return reverse(f"consultation:{name}", args=[consultation.slug])


def api(consultation, rest: str = "") -> str:
    return f"/api/v1/consultations/{consultation.slug}/{rest}"


def recorded_at(when: datetime, **fields) -> AccessEvent:
    """An event as if recorded at ``when`` (``at`` is set by the database row's creation, never changed after)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        return AccessEvent.objects.create(**fields)


@pytest.fixture
def other_expert(consultation):
    user = UserFactory(username="exp2")
    Membership.objects.create(consultation=consultation, user=user, role=Role.EXPERT)
    return user


@pytest.fixture
def attachment(consultation, expert):
    submission = submitted_by(expert, consultation, title="On hashing")
    return attach(submission, expert, name="hash-study.pdf")


# --- What is recorded -------------------------------------------------------------------------------------


def test_a_members_page_view_is_recorded_with_user_time_ip_and_what(consultation, expert):
    response = signed_in(expert).get(page(consultation) + "?version=", REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.kind, event.consultation, event.user, event.username) == (
        AccessKind.PAGE_VIEW,
        consultation,
        expert,
        "exp",
    )
    assert (event.ip, event.method, event.path) == ("203.0.113.7", "GET", page(consultation) + "?version=")
    assert event.what == "consultation:matrix"
    assert event.at is not None


def test_an_evidence_page_view_is_recorded_too(consultation, expert):
    assert signed_in(expert).get(reverse("evidence:portal", args=[consultation.slug])).status_code == 200

    assert AccessEvent.objects.get().what == "evidence:portal"


def test_an_api_read_by_token_is_recorded_with_the_tokens_user(consultation, observer):
    token = Token.objects.create(user=observer)
    client = APIClient(REMOTE_ADDR="198.51.100.2")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert client.get(api(consultation, "ratings/")).status_code == 200

    event = AccessEvent.objects.get()
    assert (event.kind, event.user, event.ip) == (AccessKind.API_READ, observer, "198.51.100.2")
    assert event.path == api(consultation, "ratings/")
    assert event.what == "api:rating-list"


def test_an_api_read_of_the_evidence_app_is_recorded(consultation, expert):
    assert signed_in(expert, APIClient).get(api(consultation, "submissions/")).status_code == 200

    assert AccessEvent.objects.get().what == "evidence-api:submission-list"


def test_an_attachment_download_from_the_page_is_recorded_once_with_its_name_and_checksum(
    consultation, expert, secretariat, attachment
):
    url = reverse("evidence:download", args=[consultation.slug, attachment.submission_id, attachment.pk])

    response = signed_in(secretariat).get(url, REMOTE_ADDR="192.0.2.9")

    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = AccessEvent.objects.get()  # the download alone, no page view beside it
    assert (event.kind, event.user, event.ip, event.what) == (
        AccessKind.DOWNLOAD,
        secretariat,
        "192.0.2.9",
        "hash-study.pdf",
    )
    assert event.details == {
        "attachment": attachment.pk,
        "submission": attachment.submission_id,
        "sha256": attachment.sha256,
    }


def test_an_attachment_download_through_the_api_is_recorded_once(consultation, expert, attachment):
    url = api(consultation, f"submissions/{attachment.submission_id}/attachments/{attachment.pk}/download/")

    response = signed_in(expert, APIClient).get(url)

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.kind, event.user, event.what) == (AccessKind.DOWNLOAD, expert, "hash-study.pdf")
    assert event.details["sha256"] == attachment.sha256


def test_an_export_made_and_downloaded_is_recorded_with_its_requester_and_checksum(consultation, secretariat):
    from evidence.services.exports import export_request, export_run

    export = export_request(consultation=consultation, user=secretariat, format="json")
    export = export_run(export_id=export.pk)  # what the Celery task does

    made = AccessEvent.objects.get()
    assert (made.kind, made.user, made.consultation) == (AccessKind.EXPORT, secretariat, consultation)
    assert made.details["sha256"] == export.sha256 and made.details["export"] == export.pk
    url = reverse("evidence:export_download", args=[consultation.slug, export.pk])
    response = signed_in(secretariat).get(url, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200
    downloaded = AccessEvent.objects.exclude(pk=made.pk).get()  # the download alone, no page view beside it
    assert (downloaded.kind, downloaded.user, downloaded.ip) == (AccessKind.EXPORT_DOWNLOAD, secretariat, "192.0.2.44")
    assert export.download_name in downloaded.what


def test_a_refused_download_is_not_recorded(consultation, expert, other_expert, attachment):
    url = reverse("evidence:download", args=[consultation.slug, attachment.submission_id, attachment.pk])

    assert signed_in(other_expert).get(url).status_code == 404
    assert not AccessEvent.objects.exists()


def test_htmx_requests_are_recorded_like_any_other_since_the_header_is_the_clients(consultation, expert):
    signed_in(expert).get(page(consultation), HTTP_HX_REQUEST="true")

    assert AccessEvent.objects.get().kind == AccessKind.PAGE_VIEW


def test_nothing_is_recorded_for_refusals_writes_polls_and_pages_outside_a_consultation(
    consultation, secretariat, expert, outsider, draft_import_of
):
    draft_import = draft_import_of(secretariat)
    requests = [
        (signed_in(None), "get", page(consultation), 302),  # anonymous: sent to sign in
        (signed_in(outsider), "get", page(consultation), 404),  # non-member superuser
        (signed_in(expert), "get", page(consultation, "import"), 403),  # wrong role
        (signed_in(expert), "get", reverse("consultation:list"), 200),  # not inside a consultation
        (signed_in(expert), "head", page(consultation), 200),  # no content read
        (signed_in(expert), "get", "/static/css/app.css", 200),
        (signed_in(expert), "post", reverse("evidence:autosave", args=[consultation.slug]), 200),  # a write
        (
            signed_in(secretariat),
            "get",
            reverse("consultation:import_progress", args=[consultation.slug, draft_import.pk]),
            200,
        ),  # polled by htmx every second
        (signed_in(None, APIClient), "get", api(consultation), 401),
        (signed_in(outsider, APIClient), "get", api(consultation), 404),
        (signed_in(expert, APIClient), "get", api(consultation, "members/"), 403),
        (signed_in(expert, APIClient), "get", "/api/v1/consultations/", 200),
    ]
    for client, method, url, status in requests:
        response = getattr(client, method)(url)
        assert response.status_code == status, (method, url, response.status_code)

    assert list(AccessEvent.objects.values_list("path", flat=True)) == []


@pytest.fixture
def draft_import_of(consultation):
    from consultation.models import DraftImport

    def make(user):
        return DraftImport.objects.create(
            consultation=consultation, filename="d.txt", content="", sha256="0" * 64, created_by=user, preview={}
        )

    return make


# --- The database keeps it --------------------------------------------------------------------------------


def test_the_database_refuses_to_update_a_recorded_event(consultation, expert):
    signed_in(expert).get(page(consultation))
    event = AccessEvent.objects.get()

    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(what="nothing to see")
    event.username = "someone else"
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        event.save()
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE consultation_accessevent SET ip = NULL")

    assert AccessEvent.objects.get().username == "exp"


def test_the_database_refuses_to_delete_a_recorded_event(consultation, expert):
    signed_in(expert).get(page(consultation))

    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        AccessEvent.objects.all().delete()
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM consultation_accessevent")

    assert AccessEvent.objects.count() == 1


def test_the_admin_shows_the_trail_but_nobody_adds_changes_or_deletes_there(consultation, expert):
    signed_in(expert).get(page(consultation))
    event = AccessEvent.objects.get()
    admin = signed_in(UserFactory(username="root", is_staff=True, is_superuser=True))

    assert admin.get(reverse("admin:consultation_accessevent_changelist")).status_code == 200
    assert admin.get(reverse("admin:consultation_accessevent_change", args=[event.pk])).status_code == 200
    assert admin.get(reverse("admin:consultation_accessevent_add")).status_code == 403
    assert (
        admin.post(reverse("admin:consultation_accessevent_change", args=[event.pk]), {"what": "x"}).status_code == 403
    )
    assert admin.post(
        reverse("admin:consultation_accessevent_delete", args=[event.pk]), {"post": "yes"}
    ).status_code in (
        403,
        404,
    )
    changelist = admin.post(
        reverse("admin:consultation_accessevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert changelist.status_code in (200, 302, 403)
    assert AccessEvent.objects.filter(pk=event.pk, what="consultation:matrix").exists()


# --- Who reads it -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "page_status", "api_status"),
    [("secretariat", 200, 200), ("expert", 403, 403), ("observer", 403, 403), ("outsider", 404, 404)],
)
def test_only_the_secretariat_reads_the_trail(request, consultation, role, page_status, api_status):
    user = request.getfixturevalue(role)

    assert signed_in(user).get(page(consultation, "access")).status_code == page_status
    assert signed_in(user).get(page(consultation, "access_csv")).status_code == page_status
    assert signed_in(user, APIClient).get(api(consultation, "access-trail/")).status_code == api_status


def test_anonymous_visitors_sign_in_first_and_the_api_answers_401(consultation):
    response = signed_in(None).get(page(consultation, "access"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert signed_in(None, APIClient).get(api(consultation, "access-trail/")).status_code == 401


def test_the_api_offers_no_way_to_write(consultation, secretariat):
    client = signed_in(secretariat, APIClient)

    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(api(consultation, "access-trail/"), {}).status_code == 405, method


def test_the_secretariat_finds_the_trail_in_the_navigation(consultation, secretariat, expert):
    assert page(consultation, "access") in signed_in(secretariat).get(page(consultation, "home")).content.decode()
    assert page(consultation, "access") not in signed_in(expert).get(page(consultation, "home")).content.decode()


# --- Filters, CSV, pages ----------------------------------------------------------------------------------


@pytest.fixture
def trail(consultation, expert, observer):
    """Four events on three days, by two users, of three kinds (and one of another consultation)."""
    day = lambda d, h=10: datetime(2026, 3, d, h, 0, tzinfo=BRUSSELS)  # noqa: E731
    common = {"consultation": consultation, "method": "GET"}
    return [
        recorded_at(day(1), user=expert, username="exp", kind="page_view", path="/c/x/matrix/", what="m", **common),
        recorded_at(day(2), user=expert, username="exp", kind="download", path="/c/x/d/", what="plan.pdf", **common),
        recorded_at(day(2, 23), user=observer, username="obs", kind="api_read", path="/api/v1/r/", **common),
        recorded_at(day(3), user=None, username="gone", kind="page_view", path="/c/x/draft/", **common),
        recorded_at(day(2), kind="page_view", path="/c/elsewhere/", consultation=None),
    ]


def listed(response) -> list[str]:
    """The paths listed by the page, top to bottom."""
    html = response.content.decode()
    return [path for path in ("/c/x/matrix/", "/c/x/d/", "/api/v1/r/", "/c/x/draft/") if path in html]


def test_the_page_lists_the_consultations_trail_newest_first(consultation, secretariat, trail):
    response = signed_in(secretariat).get(page(consultation, "access"))
    html = response.content.decode()

    positions = [html.index(path) for path in ("/c/x/draft/", "/api/v1/r/", "/c/x/d/", "/c/x/matrix/")]
    assert positions == sorted(positions)
    assert "/c/elsewhere/" not in html
    assert "plan.pdf" in html and "File downloaded" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "download"}, ["/c/x/d/"]),
        ({"since": "2026-03-02", "until": "2026-03-02"}, ["/c/x/d/", "/api/v1/r/"]),  # both ends included
        ({"since": "2026-03-03"}, ["/c/x/draft/"]),
        ({"q": "PLAN"}, ["/c/x/d/"]),
        ({"q": "gone"}, ["/c/x/draft/"]),  # a username, of someone no longer a member
        ({"kind": "page_view", "until": "2026-03-02"}, ["/c/x/matrix/"]),
    ],
)
def test_the_page_filters_by_kind_days_and_text(consultation, secretariat, trail, query, expected):
    response = signed_in(secretariat).get(page(consultation, "access"), query)

    assert response.status_code == 200
    assert listed(response) == expected


def test_the_page_filters_by_user(consultation, secretariat, trail, observer):
    response = signed_in(secretariat).get(page(consultation, "access"), {"user": observer.pk})

    assert listed(response) == ["/api/v1/r/"]


def test_bad_filters_are_named_and_the_whole_trail_shown(consultation, secretariat, trail, outsider):
    response = signed_in(secretariat).get(
        page(consultation, "access"), {"since": "2026-03-05", "until": "2026-03-01", "user": outsider.pk}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "The last day comes before the first." in html
    assert "Select a valid choice" in html  # not a member: not a user of this consultation's trail
    assert len(listed(response)) == 4
    csv_response = signed_in(secretariat).get(page(consultation, "access_csv"), {"since": "0000-13-01"})
    assert csv_response.status_code == 400


def test_the_csv_holds_the_filtered_trail_and_its_making_is_recorded(consultation, secretariat, trail, expert):
    recorded_at(
        datetime(2026, 3, 2, 12, tzinfo=BRUSSELS),
        consultation=consultation,
        user=expert,
        username="exp",
        kind="download",
        what='=HYPERLINK("http://evil.example")',
    )

    response = signed_in(secretariat).get(page(consultation, "access_csv"), {"user": expert.pk, "kind": "download"})

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith(f'attachment; filename="access-trail-{consultation.slug}-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["username"], row["kind"], row["what"]) for row in rows] == [
        ("exp", "download", '\'=HYPERLINK("http://evil.example")'),  # a formula kept as text
        ("exp", "download", "plan.pdf"),
    ]
    assert rows[1]["time"] == "2026-03-02T10:00:00+01:00"
    assert rows[1]["user_id"] == str(expert.pk)
    made = AccessEvent.objects.get(kind=AccessKind.EXPORT)
    assert (made.user, made.what) == (secretariat, "Access trail (CSV)")
    assert made.details == {"filters": {"user": str(expert.pk), "kind": "download"}}


def test_the_api_lists_and_filters_the_trail(consultation, secretariat, trail, expert):
    client = signed_in(secretariat, APIClient)

    everything = client.get(api(consultation, "access-trail/")).json()
    downloads = client.get(api(consultation, "access-trail/"), {"kind": "download", "user": expert.pk}).json()
    on_the_2nd = client.get(
        api(consultation, "access-trail/"), {"since": "2026-03-02T00:00:00+01:00", "until": "2026-03-03T00:00+01:00"}
    ).json()
    text = client.get(api(consultation, "access-trail/"), {"q": "matrix"}).json()

    # The trail read so far: the four events, and the API reads of it as they happen.
    assert [event["path"] for event in everything["results"]] == [
        "/c/x/draft/",
        "/api/v1/r/",
        "/c/x/d/",
        "/c/x/matrix/",
    ]
    assert downloads["count"] == 1
    assert downloads["results"][0] | {"id": 0} == {
        "id": 0,
        "at": "2026-03-02T10:00:00+01:00",
        "user": expert.pk,
        "username": "exp",
        "ip": None,
        "kind": "download",
        "method": "GET",
        "path": "/c/x/d/",
        "what": "plan.pdf",
        "details": {},
    }
    assert [event["path"] for event in on_the_2nd["results"]] == ["/api/v1/r/", "/c/x/d/"]
    assert [event["path"] for event in text["results"]] == ["/c/x/matrix/"]
    assert AccessEvent.objects.filter(kind=AccessKind.API_READ, user=secretariat).count() == 4


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "nope"},
        {"user": "x"},
        {"since": "yesterday"},
        {"since": "2026-03-03T00:00Z", "until": "2026-03-01T00:00Z"},
    ],
)
def test_the_api_answers_400_to_bad_filters(consultation, secretariat, query):
    response = signed_in(secretariat, APIClient).get(api(consultation, "access-trail/"), query)

    assert response.status_code == 400
    assert set(response.json()) & {"kind", "user", "since", "until"}


def test_the_page_is_paginated(consultation, secretariat, expert):
    for n in range(51):
        AccessEvent.objects.create(
            consultation=consultation, user=expert, username="exp", kind="page_view", path=f"/p{n}/"
        )

    first = signed_in(secretariat).get(page(consultation, "access"), {"kind": "page_view"})
    second = signed_in(secretariat).get(page(consultation, "access"), {"kind": "page_view", "page": 2})

    assert "Page 1 of 2" in first.content.decode() and "kind=page_view&amp;page=2" in first.content.decode()
    assert "<code>/p0/</code>" in second.content.decode()
    assert "<code>/p50/</code>" in first.content.decode()


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_and_the_api_take_as_many_queries_for_a_long_trail_as_for_a_short_one(
    consultation, secretariat, expert
):
    page_client, api_client = signed_in(secretariat), signed_in(secretariat, APIClient)
    url, api_url = page(consultation, "access"), api(consultation, "access-trail/")
    page_client.get(url), api_client.get(api_url)  # sessions settled

    short = (_page_queries(page_client, url), _page_queries(api_client, api_url))
    AccessEvent.objects.bulk_create(
        AccessEvent(consultation=consultation, user=expert, username="exp", kind="download", what=f"f{n}.pdf")
        for n in range(60)
    )
    long = (_page_queries(page_client, url), _page_queries(api_client, api_url))

    assert short == long


# --- It costs one INSERT ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client_class", "url"),
    [(Client, lambda c: page(c, "matrix")), (APIClient, lambda c: api(c, "ratings/"))],
    ids=["page", "api"],
)
def test_recording_costs_exactly_one_query_the_insert(
    settings, consultation, expert, django_assert_num_queries, client_class, url
):
    without = [name for name in settings.MIDDLEWARE if name != ACCESS_TRAIL_MIDDLEWARE]
    with override_settings(MIDDLEWARE=without):
        plain = signed_in(expert, client_class)
        plain.get(url(consultation))
        before = _page_queries(plain, url(consultation))
    assert not AccessEvent.objects.exists()
    recording = signed_in(expert, client_class)
    recording.get(url(consultation))

    with django_assert_num_queries(before + 1) as captured:
        recording.get(url(consultation))

    assert "INSERT INTO" in captured.captured_queries[-1]["sql"]
    assert '"consultation_accessevent"' in captured.captured_queries[-1]["sql"]
    assert AccessEvent.objects.count() == 2


@pytest.mark.parametrize(
    "query",
    [
        {"user": "99999999999999999999"},
        {"q": "a\x00b"},
        {"since": "0001-01-01", "until": "9999-12-31"},
        {"page": "x"},
        {"kind": "download\x00"},
    ],
)
def test_odd_filters_are_refused_with_a_message_never_a_500(consultation, secretariat, query):
    page_response = signed_in(secretariat).get(page(consultation, "access"), query)
    csv_response = signed_in(secretariat).get(page(consultation, "access_csv"), query)
    api_response = signed_in(secretariat, APIClient).get(api(consultation, "access-trail/"), query)

    assert page_response.status_code == 200
    assert csv_response.status_code in (200, 400)
    assert api_response.status_code in (200, 400, 404)
    if query != {"page": "x"}:
        assert 'id="filter-errors"' in page_response.content.decode()
