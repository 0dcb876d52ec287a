"""Resolving an open item with the input that answers it: the page, the open-items page and the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultation.models import Membership, OpenItem, OpenItemStatus, Role
from evidence.services.triage import open_item_answers_set
from tests.evidence.factories import draft_of, submitted_by
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(draft_paper):
    return draft_paper["open_item"]


@pytest.fixture
def answers(consultation, expert, other_expert, item):
    linked = submitted_by(expert, consultation, title="Answers the item", open_items=[item])
    unrelated = submitted_by(other_expert, consultation, title="About something else")
    return linked, unrelated


def resolve_url(consultation, item) -> str:
    return reverse("evidence:open_item_resolve", args=[consultation.slug, item.pk])


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 302), ("outsider", 404), ("expert", 403), ("observer", 403)]
)
def test_only_the_secretariat_resolves_items_with_input(
    page_client, consultation, item, answers, request, method, who, expected
):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    data = {"submissions": [answers[0].pk], "resolution": "Done", "version": 1, "action": "resolve"}

    response = getattr(page_client(user), method)(resolve_url(consultation, item), data)

    assert response.status_code == expected
    item.refresh_from_db()
    assert item.status == OpenItemStatus.OPEN and not item.answering_submissions.exists()


def test_the_page_offers_the_input_the_experts_linked_to_the_item_first(
    page_client, consultation, item, answers, secretariat, expert
):
    draft_of(expert, consultation, title="Unsubmitted draft")

    html = page_client(secretariat).get(resolve_url(consultation, item)).content.decode()

    assert html.index("Answers the item") < html.index("About something else")
    assert "linked to this item by the expert" in html
    assert "Unsubmitted draft" not in html


def test_resolving_links_the_ticked_input_and_writes_the_resolution(
    page_client, consultation, item, answers, secretariat
):
    response = page_client(secretariat).post(
        resolve_url(consultation, item),
        {"submissions": [answers[0].pk], "resolution": "Device-side first.", "version": item.version,
         "action": "resolve"},
    )  # fmt: skip

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.resolution) == (OpenItemStatus.RESOLVED, "Device-side first.")
    assert list(item.answering_submissions.all()) == [answers[0]]
    open_items = page_client(secretariat).get(reverse("consultation:open_items", args=[consultation.slug]))
    assert "Answered by 1 submission." in open_items.content.decode()


def test_resolving_without_a_resolution_is_refused_and_keeps_the_choice(
    page_client, consultation, item, answers, secretariat
):
    response = page_client(secretariat).post(
        resolve_url(consultation, item),
        {"submissions": [answers[1].pk], "resolution": "", "version": item.version, "action": "resolve"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Say how the item was resolved" in html
    assert f'value="{answers[1].pk}" id="id_submissions_{answers[1].pk}" checked' in html
    item.refresh_from_db()
    assert item.status == OpenItemStatus.OPEN and not item.answering_submissions.exists()


def test_the_links_alone_can_be_saved(page_client, consultation, item, answers, secretariat):
    response = page_client(secretariat).post(
        resolve_url(consultation, item),
        {"submissions": [answers[0].pk, answers[1].pk], "resolution": "", "version": item.version, "action": "link"},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == OpenItemStatus.OPEN
    assert set(item.answering_submissions.all()) == set(answers)


def test_a_stale_form_is_refused(page_client, consultation, item, answers, secretariat):
    open_item_answers_set(item=item, user=secretariat, submissions=[answers[1]])

    response = page_client(secretariat).post(
        resolve_url(consultation, item),
        {"submissions": [answers[0].pk], "resolution": "x", "version": item.version, "action": "resolve"},
    )

    assert response.status_code == 409
    assert "Someone else changed this open item" in response.content.decode()
    assert list(item.answering_submissions.all()) == [answers[1]]


def test_input_of_another_consultation_cannot_be_linked(page_client, consultation, item, secretariat):
    elsewhere = ConsultationFactory()
    stranger = UserFactory()
    Membership.objects.create(consultation=elsewhere, user=stranger, role=Role.EXPERT)
    foreign = submitted_by(stranger, elsewhere)

    response = page_client(secretariat).post(
        resolve_url(consultation, item),
        {"submissions": [foreign.pk], "resolution": "x", "version": item.version, "action": "resolve"},
    )

    assert response.status_code == 400
    assert not item.answering_submissions.exists()


def test_the_open_items_page_links_to_the_resolve_page_for_the_secretariat_only(
    page_client, consultation, item, secretariat, expert
):
    items_url = reverse("consultation:open_items", args=[consultation.slug])

    assert resolve_url(consultation, item) in page_client(secretariat).get(items_url).content.decode()
    assert resolve_url(consultation, item) not in page_client(expert).get(items_url).content.decode()


# API ---------------------------------------------------------------------------------------------------


def items_api(consultation, item=None) -> str:
    return f"/api/v1/consultations/{consultation.slug}/open-items/{f'{item.pk}/' if item else ''}"


def test_the_api_lists_the_answering_submissions(api_client, consultation, item, answers, secretariat):
    open_item_answers_set(item=item, user=secretariat, submissions=list(answers))

    listed = api_client(secretariat).get(items_api(consultation)).json()["results"]
    one = api_client(secretariat).get(items_api(consultation, item)).json()

    assert listed[0]["submissions"] == sorted(s.pk for s in answers)
    assert one["submissions"] == sorted(s.pk for s in answers)


def test_the_secretariat_links_answering_submissions_by_patch_with_if_match(
    api_client, consultation, item, answers, secretariat
):
    client = api_client(secretariat)
    etag = client.get(items_api(consultation, item))["ETag"]

    response = client.patch(
        items_api(consultation, item),
        {"submissions": [answers[0].pk], "status": "resolved", "resolution": "Answered."},
        format="json",
        headers={"If-Match": etag},
    )
    stale = client.patch(items_api(consultation, item), {"submissions": []}, format="json", headers={"If-Match": etag})

    assert response.status_code == 200, response.content
    assert response.json()["submissions"] == [answers[0].pk]
    assert response.json()["status"] == "resolved"
    assert stale.status_code == 412
    assert list(OpenItem.objects.get(pk=item.pk).answering_submissions.all()) == [answers[0]]


def test_the_api_refuses_drafts_and_foreign_submissions_with_a_400(api_client, consultation, item, secretariat, expert):
    draft = draft_of(expert, consultation)
    elsewhere = ConsultationFactory()
    stranger = UserFactory()
    Membership.objects.create(consultation=elsewhere, user=stranger, role=Role.EXPERT)
    foreign = submitted_by(stranger, elsewhere)

    for wrong in (draft.pk, foreign.pk, 999999):
        response = api_client(secretariat).patch(items_api(consultation, item), {"submissions": [wrong]}, format="json")
        assert response.status_code == 400, (wrong, response.content)
        assert "submissions" in response.json()
    assert not item.answering_submissions.exists()


def test_experts_cannot_link_submissions_through_the_api(api_client, consultation, item, answers, expert):
    response = api_client(expert).patch(items_api(consultation, item), {"submissions": [answers[0].pk]}, format="json")

    assert response.status_code == 403
    assert not item.answering_submissions.exists()


def test_the_open_items_list_costs_the_same_queries_with_many_linked_submissions(api_client, secretariat):
    def queries(n: int) -> int:
        consultation = ConsultationFactory()
        Membership.objects.create(consultation=consultation, user=secretariat, role=Role.SECRETARIAT)
        expert = UserFactory()
        Membership.objects.create(consultation=consultation, user=expert, role=Role.EXPERT)
        for i in range(n):
            item = OpenItem.objects.create(consultation=consultation, prompt=f"Item {i}")
            open_item_answers_set(item=item, user=secretariat, submissions=[submitted_by(expert, consultation)])
        client = api_client(secretariat)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(items_api(consultation))
        assert [len(r["submissions"]) for r in response.json()["results"]] == [1] * n
        return len(captured.captured_queries)

    assert queries(2) == queries(12)


def test_an_expert_sees_only_the_ids_of_answering_input_they_may_read(
    api_client, consultation, item, answers, secretariat, expert, observer
):
    open_item_answers_set(item=item, user=secretariat, submissions=list(answers))
    mine, theirs = answers

    as_expert = api_client(expert).get(items_api(consultation, item)).json()["submissions"]
    as_observer = api_client(observer).get(items_api(consultation)).json()["results"][0]["submissions"]
    consultation.share_input_with_experts = True
    consultation.save()
    shared = api_client(expert).get(items_api(consultation, item)).json()["submissions"]

    assert as_expert == [mine.pk]
    assert as_observer == []
    assert shared == sorted([mine.pk, theirs.pk])
