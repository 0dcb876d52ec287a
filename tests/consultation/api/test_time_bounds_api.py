"""Times an API client may send are bounded: a year before 1900 or after 9998 is a 400 with a field message.

Before 1900 the site's time zone has a local-mean-time offset in seconds
(Brussels: +00:17:30), which made the answer an invalid RFC 3339 time; near
9999 the local time overflows.
"""

import pytest

from consultation.models import DraftVersion

from .conftest import API

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat_client(client_for, secretariat):
    return client_for(secretariat)


@pytest.mark.parametrize("when", ["0211-07-13T04:38:14+07:30", "1899-12-31T23:00:00Z", "9999-06-30T23:59:59Z"])
def test_a_version_published_at_an_absurd_time_is_refused_with_a_field_message(secretariat_client, consultation, when):
    response = secretariat_client.post(
        f"{API}/consultations/{consultation.slug}/versions/", {"label": "v9", "published_at": when}, format="json"
    )

    assert response.status_code == 400
    assert "between the years 1900 and 9998" in response.json()["published_at"][0]
    assert not DraftVersion.objects.filter(consultation=consultation).exists()


def test_a_consultation_closing_in_the_year_1000_is_refused(secretariat_client, consultation):
    response = secretariat_client.patch(
        f"{API}/consultations/{consultation.slug}/", {"closes_at": "1000-01-01T00:00:00Z"}, format="json"
    )

    assert response.status_code == 400 and "closes_at" in response.json()
    consultation.refresh_from_db()
    assert consultation.closes_at is None or consultation.closes_at.year > 1900


def test_a_version_published_in_1950_is_kept_and_answered_as_a_valid_time(secretariat_client, consultation):
    response = secretariat_client.post(
        f"{API}/consultations/{consultation.slug}/versions/",
        {"label": "old", "published_at": "1950-05-08T12:00:00Z"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["published_at"].startswith("1950-05-08T13:00:00+01:00")
