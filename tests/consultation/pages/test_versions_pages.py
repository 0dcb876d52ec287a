"""The versions page: every member reads the list; the secretariat publishes; the matrix and solution pages show a
version with a read-only banner."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consultation.models import DraftVersion, Status
from tests.consultation.versions_fixtures import V1, history_fixture  # noqa: F401
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def url(consultation) -> str:
    return reverse("consultation:versions", args=[consultation.slug])


@pytest.mark.parametrize("role", ["secretariat", "expert", "observer"])
def test_every_member_reads_the_versions_newest_first_with_links(client_for, history, request, role):
    html = client_for(request.getfixturevalue(role)).get(url(history.consultation)).content.decode()

    assert html.index('<th scope="row">v2 after round 1') < html.index('<th scope="row">v1 as circulated')
    assert "Changes since v1 as circulated" in html
    assert "?version=v2+after+round+1" in html
    assert ("Publish a version" in html) == (role == "secretariat")


def test_the_secretariat_publishes_a_version(client_for, consultation, secretariat):
    client = client_for(secretariat)
    response = client.post(url(consultation), {"label": "v1 as circulated", "note": "To experts"})

    assert response.status_code == 302
    version = DraftVersion.objects.get(consultation=consultation)
    assert (version.label, version.note, version.created_by) == ("v1 as circulated", "To experts", secretariat)
    assert "Version “v1 as circulated” published." in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label": "a/b"}, "cannot contain “/”"),
        ({"label": ""}, "Give the version a label"),
        ({"label": "v1", "published_at": "2999-01-01T10:00"}, "cannot be published in the future"),
    ],
)
def test_a_bad_version_is_refused_with_the_input_kept(client_for, consultation, secretariat, data, message):
    response = client_for(secretariat).post(url(consultation), {**data, "note": "kept note"})

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "kept note" in html
    assert not DraftVersion.objects.exists()


def test_a_label_in_use_is_refused(client_for, history, secretariat):
    response = client_for(secretariat).post(url(history.consultation), {"label": "v1 as circulated"})

    assert response.status_code == 400
    assert "There is a version “v1 as circulated” already" in response.content.decode()


def test_only_the_secretariat_publishes(client_for, consultation, expert, observer):
    for user in (expert, observer):
        assert client_for(user).post(url(consultation), {"label": "v1"}).status_code == 403
    assert not DraftVersion.objects.exists()


def test_non_members_get_404_and_anonymous_users_sign_in_first(client_for, consultation, outsider):
    assert client_for(outsider).get(url(consultation)).status_code == 404
    assert client_for(outsider).post(url(consultation), {"label": "v1"}).status_code == 404
    response = client_for(None).get(url(consultation))
    assert response.status_code == 302 and "login" in response.url


def test_a_closed_consultation_publishes_nothing(client_for, consultation, secretariat):
    consultation.status = Status.CLOSED
    consultation.save()

    response = client_for(secretariat).post(url(consultation), {"label": "v1"})
    assert response.status_code == 409
    assert not DraftVersion.objects.exists()


def test_the_matrix_of_a_version_says_so_and_offers_no_change(client_for, history, secretariat):
    matrix_url = reverse("consultation:matrix", args=[history.consultation.slug])
    html = client_for(secretariat).get(matrix_url, {"version": "v1 as circulated"}).content.decode()

    assert "You are looking at version <strong>v1 as circulated</strong> as published on" in html
    assert "10 January 2024, 13:00" in html
    assert "read-only" in html
    # 1a's effectiveness stood at 3 stars then (5 now); the cell links to the solution at that version.
    assert "?version=v1+as+circulated#criterion-eff" in html


def test_an_unknown_version_shows_an_error_and_the_current_matrix(client_for, history, expert):
    matrix_url = reverse("consultation:matrix", args=[history.consultation.slug])
    response = client_for(expert).get(matrix_url, {"version": "v7"})

    html = response.content.decode()
    assert "This consultation has no version “v7”" in html
    assert "You are looking at" not in html


def test_the_solution_page_at_a_version_shows_the_values_then_and_no_change_form(client_for, history, secretariat):
    page = reverse("consultation:solution", args=[history.consultation.slug, "1a"])
    then = client_for(secretariat).get(page, {"version": "v1 as circulated"}).content.decode()
    now = client_for(secretariat).get(page).content.decode()

    assert "You are looking at version <strong>v1 as circulated</strong>" in then
    assert "Change this rating" not in then and "Change this rating" in now
    assert "3 of 5 stars" in then and "Round 1 consensus" not in then
    assert "5 of 5 stars" in now and "Round 1 consensus" in now


def test_the_solution_page_as_of_a_date_shows_the_history_until_then(client_for, history, expert):
    page = reverse("consultation:solution", args=[history.consultation.slug, "1a"])
    html = client_for(expert).get(page, {"as_of": "2024-03-15"}).content.decode()

    assert "as it stood at <strong>the end of 15 March 2024</strong>" in html
    assert "Round 1 consensus" in html and "New study" not in html
    assert "round 1" in html  # the revision's round in the history table
    assert V1.year == 2024


def _queries_for_versions_page(client_for, django_assert_max_num_queries, secretariat_factory, n: int) -> None:
    consultation = ConsultationFactory()
    user = secretariat_factory(consultation)
    for i in range(n):
        DraftVersion.objects.create(consultation=consultation, label=f"v{i}", published_at=V1.replace(day=1 + i))
    client = client_for(user)
    with django_assert_max_num_queries(9):
        html = client.get(url(consultation)).content.decode()
    assert html.count("Changes from") == n


def test_the_versions_page_takes_the_same_queries_for_two_and_for_twenty_versions(
    client_for, django_assert_max_num_queries
):
    from consultation.models import Membership, Role
    from tests.factories import UserFactory

    def member(consultation):
        user = UserFactory()
        Membership.objects.create(consultation=consultation, user=user, role=Role.SECRETARIAT)
        return user

    _queries_for_versions_page(client_for, django_assert_max_num_queries, member, 2)
    _queries_for_versions_page(client_for, django_assert_max_num_queries, member, 20)
