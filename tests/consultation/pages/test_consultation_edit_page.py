"""The secretariat changes a consultation's details and status, without overwriting someone else's change."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from consultation.services import consultation_update

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def url(consultation):
    return reverse("consultation:edit", args=[consultation.slug])


def _input(consultation, **overrides) -> dict:
    data = {
        "slug": "an-attempt-to-change-the-address",
        "reference": consultation.reference,
        "title": consultation.title,
        "marking": consultation.marking,
        "status": consultation.status,
        "opens_at": "",
        "closes_at": "",
        "version": consultation.version,
        "reminder_days_before": consultation.reminder_days_before,
    }
    # A browser sends a ticked box only.
    data.update(
        {name: "on" for name in ("share_input_with_experts", "observers_see_input") if getattr(consultation, name)}
    )
    return {**data, **overrides}


def test_an_anonymous_visitor_is_sent_to_sign_in(client_for, url):
    response = client_for(None).get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize(("role", "status"), [("expert", 403), ("observer", 403), ("outsider", 404)])
def test_only_the_secretariat_may_open_or_send_the_form(request, client_for, consultation, url, role, status):
    client = client_for(request.getfixturevalue(role))

    assert client.get(url).status_code == status
    assert client.post(url, _input(consultation, title="Taken over")).status_code == status
    consultation.refresh_from_db()
    assert consultation.title != "Taken over"


def test_the_form_shows_the_current_values_with_the_slug_read_only(client_for, consultation, secretariat, url):
    consultation.opens_at = datetime(2024, 5, 8, 9, 30, tzinfo=BRUSSELS)
    consultation.save()

    html = client_for(secretariat).get(url).content.decode()

    assert f'value="{consultation.title}"' in html
    assert f'name="slug" value="{consultation.slug}"' in html
    assert "disabled" in html.split('name="slug"')[1].split(">")[0]
    assert 'name="opens_at" value="2024-05-08T09:30"' in html
    assert f'<input type="hidden" name="version" value="{consultation.version}"' in html
    assert '<option value="open" selected>Open</option>' in html


def test_the_secretariat_changes_the_details_and_the_status(client_for, consultation, secretariat, url):
    client = client_for(secretariat)
    slug = consultation.slug

    response = client.post(
        url, _input(consultation, title="Revised title", status="closed", closes_at="2024-06-30T18:00")
    )

    assert response.status_code == 302
    assert response.url == reverse("consultation:home", args=[slug])
    consultation.refresh_from_db()
    assert (consultation.slug, consultation.title, consultation.status, consultation.version) == (
        slug,
        "Revised title",
        "closed",
        2,
    )
    assert consultation.closes_at == datetime(2024, 6, 30, 18, 0, tzinfo=BRUSSELS)
    assert "The consultation&#x27;s details were saved." in client.get(response.url).content.decode()


def test_sending_the_form_unchanged_records_nothing(client_for, consultation, secretariat, url):
    client = client_for(secretariat)

    response = client.post(url, _input(consultation))

    consultation.refresh_from_db()
    assert consultation.version == 1
    assert "Nothing changed." in client.get(response.url).content.decode()


def test_a_time_set_to_the_second_elsewhere_is_not_changed_by_sending_the_form_back(
    client_for, consultation, secretariat, url
):
    consultation.opens_at = datetime(2024, 5, 8, 9, 30, 45, tzinfo=BRUSSELS)
    consultation.save()

    client_for(secretariat).post(url, _input(consultation, opens_at="2024-05-08T09:30"))

    consultation.refresh_from_db()
    assert consultation.opens_at.second == 45
    assert consultation.version == 1


def test_closing_before_opening_is_a_field_error_and_nothing_is_saved(client_for, consultation, secretariat, url):
    response = client_for(secretariat).post(
        url, _input(consultation, title="Kept title", opens_at="2024-06-30T18:00", closes_at="2024-05-08T09:30")
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "The consultation must close after it opens." in html
    assert 'id="id_closes_at_error"' in html
    assert 'value="Kept title"' in html
    consultation.refresh_from_db()
    assert consultation.version == 1


def test_a_change_made_meanwhile_is_kept_and_the_user_sees_both_values(client_for, consultation, secretariat, url):
    client = client_for(secretariat)
    client.get(url)  # the form, at version 1
    consultation_update(consultation=consultation, user=secretariat, title="Their title", expected_version=1)

    response = client.post(url, _input(consultation, title="My title", marking="LIMITE", version=1))

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this consultation while you were editing it; your changes were not saved." in html
    assert '<tr><th scope="row">Title</th><td>Their title</td><td>My title</td></tr>' in html
    assert 'value="My title"' in html
    assert '<input type="hidden" name="version" value="2"' in html
    consultation.refresh_from_db()
    assert (consultation.title, consultation.version) == ("Their title", 2)


def test_saving_again_after_a_stale_form_applies_the_users_values(client_for, consultation, secretariat, url):
    client = client_for(secretariat)
    consultation_update(consultation=consultation, user=secretariat, title="Their title", expected_version=1)
    client.post(url, _input(consultation, title="My title", version=1))

    response = client.post(url, _input(consultation, title="My title", version=2))

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.title, consultation.version) == ("My title", 3)


def test_a_closed_consultation_only_lets_its_status_change(client_for, consultation, secretariat, url):
    consultation.status = "closed"
    consultation.save()
    client = client_for(secretariat)
    assert "only its status can change" in client.get(url).content.decode()

    refused = client.post(url, _input(consultation, title="Edited while closed"))

    assert refused.status_code == 409
    assert "The consultation is closed: reopen it (change its status) before changing anything else." in (
        refused.content.decode()
    )
    assert 'value="Edited while closed"' in refused.content.decode()
    consultation.refresh_from_db()
    assert (consultation.title, consultation.version) == ("Detection techniques in encrypted messaging", 1)

    reopened = client.post(url, _input(consultation, status="open"))

    assert reopened.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "open"


@pytest.mark.parametrize(("role", "sees_link"), [("secretariat", True), ("expert", False), ("observer", False)])
def test_only_the_secretariat_sees_the_edit_link_on_the_home_page(
    request, client_for, consultation, url, role, sees_link
):
    html = client_for(request.getfixturevalue(role)).get(reverse("consultation:home", args=[consultation.slug]))

    assert (f'href="{url}"' in html.content.decode()) is sees_link
