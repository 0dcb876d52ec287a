"""Malformed input to every write endpoint of expert input, triage, members, invitations, rounds, versions,
adoption and the consistency mapping: a 400 with a message, never a 500, and nothing changes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from consultation.models import AssessmentRevision, Invitation, Membership, Round, RoundAnswer
from consultation.services.rounds import round_open
from evidence.models import InternalNote, Submission, SubmissionVersion, Tag
from tests.factories import AssessmentFactory

from .factories import draft_of, submitted_by

pytestmark = pytest.mark.django_db

YEAR_ONE = "0001-01-01T00:00:00+14:00"  # before the year 1 in UTC

# (name, method, path under the consultation, who sends it, the fields it takes, those that are numbers or times)
ENDPOINTS = [
    ("create input", "post", "submissions/", "expert", ["title", "body", "solutions", "proposed_ratings"], []),
    ("edit input", "patch", "submissions/{submitted}/", "expert", ["title", "open_items", "references"], []),
    ("save a draft", "patch", "submissions/{draft}/", "expert", ["proposed_references", "sections"], []),
    ("triage", "patch", "submissions/{submitted}/", "secretariat", ["status", "response", "tags"], []),
    ("internal note", "post", "submissions/{submitted}/notes/", "secretariat", ["body"], []),
    ("tag", "post", "tags/", "secretariat", ["name"], []),
    ("add a member", "post", "members/", "secretariat", ["email", "role"], []),
    ("change a member", "patch", "members/{member}/", "secretariat", ["role"], ["deadline_extended_until"]),
    ("invite", "post", "invitations/", "secretariat", ["email", "role"], []),
    ("adopt a rating", "patch", "ratings/1a/effectiveness/", "secretariat", ["reason", "evidence"], ["stars", "round"]),
    ("publish a version", "post", "versions/", "secretariat", ["label"], ["published_at"]),
    ("consistency mapping", "put", "consistency/mapping/", "secretariat", ["high", "hihg"], ["low"]),
    ("open a round", "post", "rounds/", "secretariat", ["cells"], ["opens_at", "closes_at"]),
    ("move a round", "patch", "rounds/1/", "secretariat", ["status"], ["closes_at"]),
    ("answer a round", "put", "rounds/1/my-ratings/", "expert", ["ratings"], []),
]
RAW_BODIES = ["{", '{"title": ', "[1, 2", "\xff", '"text"', "123"]
WRONG_TYPES = [[{}], {"a": {"b": []}}, "\x00", [None], True]
OUT_OF_RANGE = [10**30, -(10**30), YEAR_ONE]


def _counts() -> tuple:
    return tuple(
        model.objects.count()
        for model in (
            Submission,
            SubmissionVersion,
            InternalNote,
            Tag,
            Membership,
            Invitation,
            AssessmentRevision,
            Round,
            RoundAnswer,
        )
    )


@pytest.fixture
def setting(consultation, secretariat, expert, draft_paper):
    one_a = draft_paper["solutions"][0]
    effectiveness = draft_paper["criteria"][0]
    AssessmentFactory(consultation=consultation, solution=one_a, criterion=effectiveness, stars=3, level="Medium")
    now = timezone.now()
    round_open(consultation=consultation, user=secretariat, opens_at=now, closes_at=now + timedelta(days=3))
    return {
        "submitted": submitted_by(expert, consultation).pk,
        "draft": draft_of(expert, consultation).pk,
        "member": Membership.objects.get(user=expert).pk,
    }


def _send(request, api_client, consultation, setting, endpoint, body: str):
    _, method, path, who, *_ = endpoint
    client = api_client(request.getfixturevalue(who))
    url = f"/api/v1/consultations/{consultation.slug}/" + path.format(**setting)
    return getattr(client, method)(url, data=body, content_type="application/json")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
@pytest.mark.parametrize("body", RAW_BODIES)
def test_a_body_that_is_not_a_json_object_is_a_400(request, api_client, consultation, setting, endpoint, body):
    before = _counts()

    response = _send(request, api_client, consultation, setting, endpoint, body)

    assert response.status_code == 400, response.content
    assert response.json()
    assert _counts() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
@pytest.mark.parametrize("value", WRONG_TYPES, ids=lambda v: repr(v)[:20])
def test_a_field_of_the_wrong_type_is_a_400(request, api_client, consultation, setting, endpoint, value):
    before = _counts()
    for field in endpoint[4] + endpoint[5]:
        response = _send(request, api_client, consultation, setting, endpoint, json.dumps({field: value}))

        assert response.status_code == 400, (field, response.content)
        assert field in response.json() or "non_field_errors" in response.json()
    assert _counts() == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e[5]], ids=[e[0] for e in ENDPOINTS if e[5]])
@pytest.mark.parametrize("value", OUT_OF_RANGE, ids=lambda v: repr(v)[:20])
def test_a_number_or_time_out_of_range_is_a_400(request, api_client, consultation, setting, endpoint, value):
    before = _counts()
    for field in endpoint[5]:
        response = _send(request, api_client, consultation, setting, endpoint, json.dumps({field: value}))

        assert response.status_code == 400, (field, response.content)
    assert _counts() == before
