"""A time the database cannot give back (early on 1 January of the year 1, in a time zone ahead of UTC) is refused
on every page form that takes a time, with a message, and nothing is stored that would break the pages later."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultation.models import Consultation, DraftVersion, Membership, Round
from tests.consultation.rounds_fixtures import make_grid, make_round
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db

YEAR_ONE = "0001-01-01T00:00"  # Europe/Brussels: before the year 1 in UTC


def _later(days: int) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _still_readable(client, consultation) -> None:
    for name in ("consultation:home", "consultation:members", "consultation:rounds", "consultation:versions"):
        assert client.get(reverse(name, args=[consultation.slug])).status_code == 200, name
    assert client.get(reverse("consultation:list")).status_code == 200


def test_the_consultation_edit_page_refuses_an_opening_time_in_the_year_1(client_for, consultation, secretariat):
    client = client_for(secretariat)
    data = {
        "reference": consultation.reference,
        "title": consultation.title,
        "marking": consultation.marking,
        "status": consultation.status,
        "opens_at": YEAR_ONE,
        "closes_at": "",
        "version": consultation.version,
        "reminder_days_before": 3,
    }

    response = client.post(reverse("consultation:edit", args=[consultation.slug]), data)

    assert response.status_code == 400
    assert "This time is out of range" in response.content.decode()
    assert Consultation.objects.get(pk=consultation.pk).opens_at is None
    _still_readable(client, consultation)


def test_the_members_page_refuses_a_deadline_extension_in_the_year_1(client_for, consultation, secretariat, expert):
    client = client_for(secretariat)
    membership = Membership.objects.get(user=expert)

    response = client.post(
        reverse("consultation:member_deadline", args=[consultation.slug, membership.pk]), {"until": YEAR_ONE}
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.deadline_extended_until is None
    page = client.get(reverse("consultation:members", args=[consultation.slug]))
    assert "was not changed: This time is out of range" in page.content.decode()
    _still_readable(client, consultation)


def test_the_new_round_page_refuses_an_opening_time_in_the_year_1(client_for, consultation, secretariat):
    make_grid(consultation)
    client = client_for(secretariat)

    response = client.post(
        reverse("consultation:round_new", args=[consultation.slug]),
        {"title": "", "opens_at": YEAR_ONE, "closes_at": _later(3), "scope": "all"},
    )

    assert response.status_code == 400
    assert "This time is out of range" in response.content.decode()
    assert not Round.objects.filter(consultation=consultation).exists()
    _still_readable(client, consultation)


def test_the_round_page_refuses_to_move_the_closing_time_to_the_year_1(client_for, consultation, secretariat):
    make_grid(consultation)
    round = make_round(consultation, user=secretariat)
    closes_at = round.closes_at
    client = client_for(secretariat)

    response = client.post(
        reverse("consultation:round", args=[consultation.slug, round.number]),
        {"action": "reschedule", "closes_at": YEAR_ONE},
    )

    assert response.status_code == 400
    assert "This time is out of range" in response.content.decode()
    round.refresh_from_db()
    assert round.closes_at == closes_at
    assert client.get(reverse("consultation:round", args=[consultation.slug, round.number])).status_code == 200


def test_the_versions_page_refuses_a_publication_time_in_the_year_1(client_for, consultation, secretariat):
    client = client_for(secretariat)

    response = client.post(
        reverse("consultation:versions", args=[consultation.slug]),
        {"label": "v1", "note": "", "published_at": YEAR_ONE},
    )

    assert response.status_code == 400
    assert "This time is out of range" in response.content.decode()
    assert not DraftVersion.objects.filter(consultation=consultation).exists()
    _still_readable(client, consultation)


@pytest.mark.parametrize("as_of", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_pages_at_a_moment_refuse_one_that_cannot_be_expressed_in_utc(client_for, consultation, expert, as_of):
    grid = make_grid(consultation)
    AssessmentFactory(consultation=consultation, solution=grid[0][0], criterion=grid[1][0], stars=3, level="Medium")
    client = client_for(expert)
    slug = consultation.slug
    for url in (reverse("consultation:matrix", args=[slug]), reverse("consultation:solution", args=[slug, "1a"])):
        response = client.get(url, {"as_of": as_of})

        assert response.status_code in (200, 400), url
        assert "is out of range" in response.content.decode(), url
    history = reverse("consultation:cell_history", args=[slug, "1a", "effectiveness"])
    assert client.get(history, {"as_of": as_of}).status_code == 200
    api = client.get(f"/api/v1/consultations/{slug}/ratings/", {"as_of": as_of})
    assert api.status_code == 400
