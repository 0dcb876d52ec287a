"""Staff create a consultation from the web page; they become its secretariat."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from consultation.models import Consultation, Membership, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/consultations/new/"
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def staff(db):
    return UserFactory(username="staffer", first_name="Stella", last_name="Staff", is_staff=True)


def _input(**overrides) -> dict:
    data = {
        "slug": "new-approach-2024",
        "reference": "WK 6697/2024",
        "title": "New approach on detection orders",
        "marking": "LIMITE",
        "status": "open",
        "opens_at": "2024-05-08T09:30",
        "closes_at": "2024-06-30T18:00",
    }
    return {**data, **overrides}


def test_the_page_is_at_consultations_new():
    assert reverse("consultation:new") == URL


def test_an_anonymous_visitor_is_sent_to_sign_in(client_for):
    response = client_for(None).get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize("role", ["secretariat", "expert", "observer"])
def test_a_user_who_is_not_staff_is_refused_whatever_their_role_elsewhere(request, client_for, role):
    client = client_for(request.getfixturevalue(role))

    assert client.get(URL).status_code == 403
    response = client.post(URL, _input())

    assert response.status_code == 403
    assert "Only staff can create a consultation." in response.content.decode()
    assert not Consultation.objects.filter(slug="new-approach-2024").exists()


def test_the_form_has_every_field_labelled_with_the_marking_limite_by_default(client_for, staff):
    html = client_for(staff).get(URL).content.decode()

    for name in ("slug", "reference", "title", "marking", "status", "opens_at", "closes_at"):
        assert f'for="id_{name}"' in html
    assert 'name="marking" value="LIMITE"' in html
    assert html.count('type="datetime-local"') == 2
    assert '<option value="draft" selected>Draft</option>' in html


def test_staff_create_a_consultation_and_become_its_secretariat(client_for, staff):
    client = client_for(staff)

    response = client.post(URL, _input())

    consultation = Consultation.objects.get(slug="new-approach-2024")
    assert response.status_code == 302
    assert response.url == reverse("consultation:home", args=["new-approach-2024"])
    assert (consultation.reference, consultation.title, consultation.marking, consultation.status) == (
        "WK 6697/2024",
        "New approach on detection orders",
        "LIMITE",
        "open",
    )
    assert Membership.objects.get(consultation=consultation).user == staff
    assert Membership.objects.get(consultation=consultation).role == Role.SECRETARIAT
    home = client.get(response.url).content.decode()
    assert "Consultation “New approach on detection orders” created. You are its secretariat." in home


def test_the_dates_are_read_in_the_sites_time_zone(client_for, staff):
    client_for(staff).post(URL, _input())

    consultation = Consultation.objects.get(slug="new-approach-2024")
    assert consultation.opens_at == datetime(2024, 5, 8, 9, 30, tzinfo=BRUSSELS)
    assert consultation.closes_at == datetime(2024, 6, 30, 18, 0, tzinfo=BRUSSELS)


def test_the_dates_may_be_left_empty(client_for, staff):
    response = client_for(staff).post(URL, _input(opens_at="", closes_at=""))

    assert response.status_code == 302
    consultation = Consultation.objects.get(slug="new-approach-2024")
    assert (consultation.opens_at, consultation.closes_at) == (None, None)


def test_a_taken_slug_is_a_field_error_and_the_input_is_kept(client_for, staff, consultation):
    response = client_for(staff).post(URL, _input(slug=consultation.slug, title="My carefully typed title"))

    html = response.content.decode()
    assert response.status_code == 400
    assert f"The slug “{consultation.slug}” is taken by another consultation; choose another one." in html
    assert 'aria-describedby="id_slug_helptext id_slug_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="My carefully typed title"' in html
    assert 'value="2024-05-08T09:30"' in html
    assert Consultation.objects.count() == 1


def test_closing_before_opening_is_a_field_error_on_the_closing_date(client_for, staff):
    response = client_for(staff).post(URL, _input(opens_at="2024-06-30T18:00", closes_at="2024-05-08T09:30"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "The consultation must close after it opens." in html
    assert 'id="id_closes_at_error"' in html
    assert 'value="2024-06-30T18:00"' in html and 'value="2024-05-08T09:30"' in html
    assert not Consultation.objects.filter(slug="new-approach-2024").exists()


def test_a_missing_marking_is_refused(client_for, staff):
    response = client_for(staff).post(URL, _input(marking=" "))

    assert response.status_code == 400
    assert "Give the handling marking" in response.content.decode()
    assert not Consultation.objects.exists()


def test_the_first_field_to_correct_gets_the_focus_and_the_summary_links_to_it(client_for, staff):
    html = client_for(staff).post(URL, _input(slug="not a slug", title="")).content.decode()

    assert "The consultation was not saved." in html
    assert '<a href="#id_slug">Slug: Use only letters, digits, hyphens and underscores in the slug.</a>' in html
    assert html.count("autofocus") == 1
    assert 'name="slug" value="not a slug"' in html and "autofocus" in html.split('name="slug"')[1].split(">")[0]


def test_only_staff_see_the_new_consultation_link_on_my_consultations(client_for, staff, secretariat):
    link = f'href="{URL}"'

    assert link in client_for(staff).get("/").content.decode()
    assert link not in client_for(secretariat).get("/").content.decode()
