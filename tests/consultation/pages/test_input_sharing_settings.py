"""The secretariat decides who reads the experts' input (and when reminders go out) on the edit page and in the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from consultation.models import Consultation, Membership, Role
from tests.evidence.factories import submitted_by
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _form(consultation, **overrides) -> dict:
    data = {
        "reference": consultation.reference,
        "title": consultation.title,
        "marking": consultation.marking,
        "status": consultation.status,
        "opens_at": "",
        "closes_at": "",
        "version": consultation.version,
        "reminder_days_before": consultation.reminder_days_before,
    }
    return {**data, **overrides}


def _api(consultation) -> str:
    return reverse("api:consultation-detail", args=[consultation.slug])


def test_the_edit_page_shows_the_sharing_settings_unticked_by_default(client_for, consultation, secretariat):
    html = client_for(secretariat).get(reverse("consultation:edit", args=[consultation.slug])).content.decode()

    assert 'name="share_input_with_experts"' in html
    assert 'name="observers_see_input"' in html
    assert 'name="reminder_days_before"' in html
    assert "checked" not in html


def test_the_secretariat_shares_the_input_with_experts_and_observers_on_the_edit_page(
    client_for, consultation, secretariat
):
    response = client_for(secretariat).post(
        reverse("consultation:edit", args=[consultation.slug]),
        _form(consultation, share_input_with_experts="on", observers_see_input="on", reminder_days_before="5"),
    )

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.share_input_with_experts, consultation.observers_see_input) == (True, True)
    assert consultation.reminder_days_before == 5
    assert consultation.version == 2


def test_an_unticked_box_stops_sharing(client_for, consultation, secretariat):
    Consultation.objects.filter(pk=consultation.pk).update(share_input_with_experts=True, observers_see_input=True)
    consultation.refresh_from_db()

    response = client_for(secretariat).post(reverse("consultation:edit", args=[consultation.slug]), _form(consultation))

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.share_input_with_experts, consultation.observers_see_input) == (False, False)


@pytest.mark.parametrize("days", ["-1", "91", "many", ""])
def test_a_bad_number_of_reminder_days_is_explained_and_nothing_changes(client_for, consultation, secretariat, days):
    response = client_for(secretariat).post(
        reverse("consultation:edit", args=[consultation.slug]),
        _form(consultation, share_input_with_experts="on", reminder_days_before=days),
    )

    assert response.status_code == 400
    assert 'id="id_reminder_days_before_error"' in response.content.decode()
    consultation.refresh_from_db()
    assert (consultation.share_input_with_experts, consultation.reminder_days_before) == (False, 3)


def test_sharing_cannot_change_while_the_consultation_is_closed(client_for, consultation, secretariat):
    Consultation.objects.filter(pk=consultation.pk).update(status="closed")
    consultation.refresh_from_db()

    response = client_for(secretariat).post(
        reverse("consultation:edit", args=[consultation.slug]), _form(consultation, share_input_with_experts="on")
    )

    assert response.status_code == 409
    consultation.refresh_from_db()
    assert consultation.share_input_with_experts is False


def test_the_api_reads_and_changes_the_sharing_settings(consultation, secretariat):
    client = APIClient()
    client.force_login(secretariat)
    read = client.get(_api(consultation)).json()
    assert (read["share_input_with_experts"], read["observers_see_input"], read["reminder_days_before"]) == (
        False,
        False,
        3,
    )

    changed = client.patch(
        _api(consultation),
        {"share_input_with_experts": True, "observers_see_input": True, "reminder_days_before": 0},
        format="json",
    )

    assert changed.status_code == 200
    consultation.refresh_from_db()
    assert (consultation.share_input_with_experts, consultation.observers_see_input) == (True, True)
    assert consultation.reminder_days_before == 0


@pytest.mark.parametrize(
    "body",
    [
        {"reminder_days_before": 10**30},
        {"reminder_days_before": -1},
        {"share_input_with_experts": "sometimes"},
        {"observers_see_input": [True]},
    ],
)
def test_the_api_answers_bad_settings_with_400(consultation, secretariat, body):
    client = APIClient()
    client.force_login(secretariat)

    response = client.patch(_api(consultation), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == set(body)


@pytest.mark.parametrize(("role", "status"), [("expert", 403), ("observer", 403), ("outsider", 404)])
def test_only_the_secretariat_changes_the_sharing_settings_in_the_api(request, consultation, role, status):
    client = APIClient()
    client.force_login(request.getfixturevalue(role))

    response = client.patch(_api(consultation), {"share_input_with_experts": True}, format="json")

    assert response.status_code == status
    consultation.refresh_from_db()
    assert consultation.share_input_with_experts is False


def test_the_api_refuses_to_share_in_a_closed_consultation_with_409(consultation, secretariat):
    Consultation.objects.filter(pk=consultation.pk).update(status="archived")
    client = APIClient()
    client.force_login(secretariat)

    response = client.patch(_api(consultation), {"observers_see_input": True}, format="json")

    assert response.status_code == 409
    consultation.refresh_from_db()
    assert consultation.observers_see_input is False


def test_an_expert_reads_the_others_input_once_the_secretariat_shared_it(client_for, consultation, secretariat, expert):
    author = UserFactory(username="author2")
    Membership.objects.create(consultation=consultation, user=author, role=Role.EXPERT)
    submission = submitted_by(author, consultation, title="Shared once allowed")
    detail = reverse("evidence:detail", args=[consultation.slug, submission.pk])
    assert client_for(expert).get(detail).status_code == 404

    client_for(secretariat).post(
        reverse("consultation:edit", args=[consultation.slug]), _form(consultation, share_input_with_experts="on")
    )

    assert client_for(expert).get(detail).status_code == 200
