"""The expert portal: deadlines (with extensions), the draft's ratings, open items needing input, my input."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultation.models import Membership, OpenItem, OpenItemStatus, Role
from consultation.services import assessment_revise
from evidence.services.triage import submission_triage
from tests.factories import AssessmentFactory, ConsultationFactory

from .factories import draft_of, submitted_by

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_celery():
    with (
        mock.patch("evidence.tasks.send_submission_receipt.delay"),
        mock.patch("evidence.tasks.send_status_change.delay"),
    ):
        yield


def portal(consultation):
    return reverse("evidence:portal", args=[consultation.slug])


def test_the_portal_shows_my_input_with_status_and_the_secretariats_response(
    consultation, expert, secretariat, draft_paper, page_client
):
    answered = submitted_by(expert, consultation, title="Answered one")
    submission_triage(submission=answered, user=secretariat, status="incorporated", response="Now in section 3.")
    draft_of(expert, consultation, title="Half-written")

    html = page_client(expert).get(portal(consultation)).content.decode()

    assert "Answered one" in html and "Incorporated" in html and "Now in section 3." in html
    assert "Half-written" in html and "1 unsubmitted draft" in html


def test_the_portal_lists_open_items_that_still_need_input_with_a_link_to_answer(
    consultation, expert, draft_paper, page_client
):
    OpenItem.objects.create(
        consultation=consultation, prompt="Already settled", status=OpenItemStatus.RESOLVED, resolution="Done."
    )
    item = draft_paper["open_item"]

    html = page_client(expert).get(portal(consultation)).content.decode()

    assert "Which solution first?" in html and "Already settled" not in html
    assert reverse("evidence:new", args=[consultation.slug]) + f"?open_item={item.pk}" in html


def test_the_portal_shows_the_current_ratings(consultation, expert, draft_paper, page_client):
    cell = AssessmentFactory(
        consultation=consultation, solution=draft_paper["solutions"][0], criterion=draft_paper["criteria"][0]
    )
    assessment_revise(assessment=cell, stars=4, level="Medium-high", rationale="r", reason="Imported")

    html = page_client(expert).get(portal(consultation)).content.decode()

    assert "4 of 5 stars" in html and "All detection on device" in html


def test_the_portal_shows_the_deadline_and_an_extension(consultation, expert, page_client):
    consultation.closes_at = timezone.now() - timedelta(days=1)
    consultation.save()
    client = page_client(expert)

    closed = client.get(portal(consultation)).content.decode()
    Membership.objects.filter(user=expert).update(deadline_extended_until=timezone.now() + timedelta(days=3))
    extended = client.get(portal(consultation)).content.decode()

    assert "closed for input" in closed and "Write new input" not in closed
    assert "extended your deadline" in extended and "Write new input" in extended


def test_the_portal_lists_my_other_consultations_with_their_deadlines(consultation, expert, page_client):
    other = ConsultationFactory(title="Another paper", closes_at=timezone.now() + timedelta(days=9))
    Membership.objects.create(consultation=other, user=expert, role=Role.EXPERT)

    html = page_client(expert).get(portal(consultation)).content.decode()

    assert "Another paper" in html and reverse("evidence:portal", args=[other.slug]) in html


def test_the_portal_costs_the_same_queries_for_two_submissions_and_for_twenty(
    consultation, expert, other_expert, draft_paper, page_client
):
    client = page_client(expert)
    counts = []
    for n in (2, 20):
        while consultation.submissions.filter(author=expert).count() < n:
            submitted_by(
                expert, consultation, solutions=draft_paper["solutions"], open_items=[draft_paper["open_item"]]
            )
            submitted_by(other_expert, consultation)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(portal(consultation))
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_submissions_api_costs_the_same_queries_for_two_submissions_and_for_twenty(
    consultation, expert, other_expert, secretariat, draft_paper, api_client
):
    consultation.share_input_with_experts = True
    consultation.save()
    clients = {"expert": api_client(expert), "secretariat": api_client(secretariat)}
    counts = {"expert": [], "secretariat": []}
    for n in (2, 20):
        while consultation.submissions.filter(author=other_expert).count() < n:
            submitted_by(
                other_expert,
                consultation,
                solutions=draft_paper["solutions"],
                criteria=draft_paper["criteria"],
                open_items=[draft_paper["open_item"]],
                proposed_ratings=[
                    {"solution": draft_paper["solutions"][0], "criterion": draft_paper["criteria"][0], "stars": 3}
                ],
                proposed_references=[{"title": "A paper"}],
            )
            submitted_by(expert, consultation)
        for who, client in clients.items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/api/v1/consultations/{consultation.slug}/submissions/")
            assert response.status_code == 200 and len(response.json()["results"]) >= n
            counts[who].append(len(queries))

    assert counts["expert"][0] == counts["expert"][1]
    assert counts["secretariat"][0] == counts["secretariat"][1]
