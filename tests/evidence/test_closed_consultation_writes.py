"""A closed or archived consultation takes no writes on the new endpoints and pages (409 and a clear message,
nothing changed), except what is meant to work then: members, invitations and deadline extensions, and input from
an expert whose extension runs (closed, not archived)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consultation.models import (
    AssessmentRevision,
    Consultation,
    DraftVersion,
    Invitation,
    Membership,
    OpenItem,
    Round,
    RoundAnswer,
)
from consultation.services.rounds import round_open
from evidence.models import Attachment, InternalNote, Submission, SubmissionVersion, Tag
from evidence.services.triage import tag_create
from tests.factories import AssessmentFactory

from .factories import PDF_BYTES, draft_of, named_file, submitted_by

pytestmark = pytest.mark.django_db

FROZEN = ["closed", "archived"]


def _state() -> tuple:
    models = (Submission, SubmissionVersion, Attachment, InternalNote, Tag, AssessmentRevision, DraftVersion, Round)
    return (
        *(model.objects.count() for model in models),
        RoundAnswer.objects.count(),
        OpenItem.objects.count(),
        list(Submission.objects.order_by("pk").values_list("title", "status", "withdrawn_at", "version")),
        list(Consultation.objects.values_list("consistency_mapping", flat=True)),
        list(OpenItem.objects.order_by("pk").values_list("status", "version")),
    )


@pytest.fixture
def frozen_setting(request, consultation, secretariat, expert, draft_paper):
    one_a = draft_paper["solutions"][0]
    effectiveness = draft_paper["criteria"][0]
    AssessmentFactory(consultation=consultation, solution=one_a, criterion=effectiveness, stars=3, level="Medium")
    now = timezone.now()
    round_open(consultation=consultation, user=secretariat, opens_at=now, closes_at=now + timedelta(days=3))
    tag_create(consultation=consultation, user=secretariat, name="Evidence")
    setting = {
        "submitted": submitted_by(expert, consultation),
        "other": submitted_by(expert, consultation, title="To withdraw"),
        "draft": draft_of(expert, consultation),
        "item": draft_paper["open_item"],
    }
    Consultation.objects.filter(pk=consultation.pk).update(status=request.param)
    consultation.refresh_from_db()
    return setting


def _api_writes(setting) -> list:
    sub, other, draft, item = setting["submitted"].pk, setting["other"].pk, setting["draft"].pk, setting["item"].pk
    later = (timezone.now() + timedelta(days=5)).isoformat()
    return [
        ("expert", "post", "submissions/", {"title": "New", "body": "Text"}),
        ("expert", "patch", f"submissions/{sub}/", {"body": "Changed"}),
        ("expert", "patch", f"submissions/{draft}/", {"body": "Changed"}),
        ("expert", "post", f"submissions/{draft}/submit/", None),
        ("expert", "post", f"submissions/{other}/withdraw/", None),
        ("secretariat", "patch", f"submissions/{sub}/", {"status": "accepted", "response": "Thanks"}),
        ("secretariat", "post", f"submissions/{sub}/notes/", {"body": "Check the figures"}),
        ("secretariat", "post", "tags/", {"name": "New tag"}),
        ("secretariat", "patch", "ratings/1a/effectiveness/", {"stars": 5, "reason": "Input", "evidence": [sub]}),
        ("secretariat", "post", "versions/", {"label": "v9"}),
        ("secretariat", "put", "consistency/mapping/", {"high": 4}),
        ("secretariat", "post", "consistency/1a/effectiveness/open-item/", None),
        ("secretariat", "patch", f"open-items/{item}/", {"submissions": [sub]}),
        ("secretariat", "post", "rounds/", {"opens_at": timezone.now().isoformat(), "closes_at": later}),
        ("secretariat", "patch", "rounds/1/", {"closes_at": later}),
        ("expert", "put", "rounds/1/my-ratings/", [{"solution": "1a", "criterion": "effectiveness", "stars": 2}]),
    ]


@pytest.mark.parametrize("frozen_setting", FROZEN, indirect=True)
def test_every_write_of_the_api_is_a_409_and_changes_nothing(request, api_client, consultation, frozen_setting):
    before = _state()
    for who, method, path, body in _api_writes(frozen_setting):
        client = api_client(request.getfixturevalue(who))
        url = f"/api/v1/consultations/{consultation.slug}/{path}"

        response = getattr(client, method)(url, body, format="json")

        assert response.status_code == 409, (method, path, response.content)
        assert consultation.get_status_display().lower() in response.json()["detail"]
    upload = named_file(PDF_BYTES, "study.pdf")
    url = f"/api/v1/consultations/{consultation.slug}/submissions/{frozen_setting['submitted'].pk}/attachments/"
    assert (
        api_client(request.getfixturevalue("expert")).post(url, {"file": upload}, format="multipart").status_code == 409
    )
    assert _state() == before


FORMSETS = {
    "rating-TOTAL_FORMS": "0",
    "rating-INITIAL_FORMS": "0",
    "reference-TOTAL_FORMS": "0",
    "reference-INITIAL_FORMS": "0",
}


def _page_writes(setting) -> list:
    sub, other, item = setting["submitted"].pk, setting["other"].pk, setting["item"].pk
    later = timezone.localtime(timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    return [
        ("expert", "submissions/new/", {"title": "New", "body": "Text", "action": "submit", **FORMSETS}),
        ("expert", f"submissions/{sub}/edit/", {"title": "Changed", "body": "Changed", **FORMSETS}),
        ("expert", f"submissions/{other}/withdraw/", {}),
        ("secretariat", f"submissions/{sub}/triage/status/", {"status": "accepted", "response": "Thanks"}),
        ("secretariat", f"submissions/{sub}/triage/notes/", {"body": "Check the figures"}),
        ("secretariat", f"submissions/{sub}/triage/tags/", {"new_tag": "Later"}),
        ("secretariat", f"open-items/{item}/resolve/", {"submissions": [sub], "resolution": "Answered."}),
        ("secretariat", "versions/", {"label": "v9", "note": ""}),
        ("secretariat", "consistency/1a/effectiveness/open-item/", {}),
        ("secretariat", "rounds/new/", {"opens_at": later, "closes_at": later, "scope": "all"}),
    ]


@pytest.mark.parametrize("frozen_setting", FROZEN, indirect=True)
def test_every_write_of_the_pages_is_refused_with_a_message(request, page_client, consultation, frozen_setting):
    before = _state()
    for who, path, data in _page_writes(frozen_setting):
        response = page_client(request.getfixturevalue(who)).post(f"/c/{consultation.slug}/{path}", data, follow=True)

        assert response.status_code in (200, 409), (path, response.status_code)
        html = response.content.decode()
        assert f"The consultation is {consultation.status}" in html, path
    assert _state() == before


@pytest.mark.parametrize("frozen_setting", FROZEN, indirect=True)
def test_members_invitations_and_deadline_extensions_still_change(
    api_client, consultation, secretariat, expert, frozen_setting
):
    client = api_client(secretariat)
    base = f"/api/v1/consultations/{consultation.slug}/"
    member = Membership.objects.get(user=expert)
    later = (timezone.now() + timedelta(days=5)).isoformat()

    extended = client.patch(base + f"members/{member.pk}/", {"deadline_extended_until": later}, format="json")
    invited = client.post(base + "invitations/", {"email": "new@example.org", "role": "expert"}, format="json")

    assert extended.status_code == 200
    assert invited.status_code == 201
    assert Invitation.objects.filter(email="new@example.org").exists()


@pytest.mark.parametrize(
    ("frozen_setting", "expected"), [("closed", 201), ("archived", 409)], indirect=["frozen_setting"]
)
def test_an_extension_lets_an_expert_in_after_closing_but_never_into_an_archive(
    api_client, consultation, expert, frozen_setting, expected
):
    Membership.objects.filter(user=expert).update(deadline_extended_until=timezone.now() + timedelta(days=2))

    response = api_client(expert).post(
        f"/api/v1/consultations/{consultation.slug}/submissions/", {"title": "Late", "body": "Text"}, format="json"
    )

    assert response.status_code == expected
