"""Who reads whose input: experts only their own unless shared (then pseudonymised), observers only when allowed.

Checked by id, by list, by filter, by search and by file URL, in the pages and the API alike, and the
author's identity never leaks into a pseudonymised view.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from evidence.models import Pseudonym

from .factories import attach, draft_of, submitted_by

pytestmark = pytest.mark.django_db

API = "/api/v1/consultations/{slug}/submissions/"
SECRET_WORD = "zeppelin"


@pytest.fixture(autouse=True)
def no_celery():
    with mock.patch("evidence.tasks.send_submission_receipt.delay"):
        yield


@pytest.fixture
def theirs(consultation, other_expert, draft_paper):
    """Another expert's submitted input (with a file), linked to solution 1a and the open item."""
    submission = submitted_by(
        other_expert,
        consultation,
        title=f"The {SECRET_WORD} argument",
        body=f"The {SECRET_WORD} case, unsigned.",
        solutions=draft_paper["solutions"][:1],
        open_items=[draft_paper["open_item"]],
    )
    attach(submission, other_expert)
    return submission


@pytest.fixture
def their_draft(consultation, other_expert):
    return draft_of(other_expert, consultation, title=f"Unfinished {SECRET_WORD}")


def api_ids(client, consultation, query=""):
    response = client.get(API.format(slug=consultation.slug) + query)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_without_sharing_an_expert_finds_another_experts_input_by_no_route(
    consultation, expert, theirs, their_draft, api_client, page_client
):
    api = api_client(expert)
    pages = page_client(expert)
    base = API.format(slug=consultation.slug)
    attachment = theirs.attachments.get()

    assert api_ids(api, consultation) == []
    assert api_ids(api, consultation, "?solution=1a") == []
    assert api_ids(api, consultation, f"?open_item={theirs.open_items.get().pk}") == []
    assert api_ids(api, consultation, f"?search={SECRET_WORD}") == []
    for path in ("", "versions/", "attachments/", f"attachments/{attachment.pk}/download/"):
        assert api.get(f"{base}{theirs.pk}/{path}").status_code == 404
    assert api.get(f"{base}{their_draft.pk}/").status_code == 404
    assert api.patch(f"{base}{theirs.pk}/", {"body": "x"}, format="json").status_code == 404
    for name, args in (
        ("detail", [theirs.pk]),
        ("edit", [theirs.pk]),
        ("version", [theirs.pk, 1]),
        ("withdraw", [theirs.pk]),
        ("download", [theirs.pk, attachment.pk]),
        ("detail", [their_draft.pk]),
    ):
        assert pages.get(reverse(f"evidence:{name}", args=[consultation.slug, *args])).status_code == 404
    for name in ("portal", "mine", "shared"):
        html = pages.get(reverse(f"evidence:{name}", args=[consultation.slug])).content.decode()
        assert SECRET_WORD not in html


def test_an_author_filter_is_the_secretariats_alone(consultation, expert, other_expert, theirs, api_client):
    response = api_client(expert).get(API.format(slug=consultation.slug) + f"?author={other_expert.pk}")

    assert response.status_code == 400 and "author" in response.json()


def test_shared_input_is_pseudonymised_and_never_names_its_author(
    consultation, expert, other_expert, theirs, their_draft, api_client, page_client
):
    consultation.share_input_with_experts = True
    consultation.save()
    api = api_client(expert)
    base = API.format(slug=consultation.slug)

    listed = api.get(base).json()["results"]
    detail = api.get(f"{base}{theirs.pk}/")
    page = page_client(expert).get(reverse("evidence:detail", args=[consultation.slug, theirs.pk]))
    shared_page = page_client(expert).get(reverse("evidence:shared", args=[consultation.slug]))

    assert [item["id"] for item in listed] == [theirs.pk]  # the draft stays the author's
    assert listed[0]["author"] == "Expert 1" and listed[0]["is_mine"] is False
    assert listed[0]["attachments_url"] is None and listed[0]["versions_url"] is None
    for text in (detail.content.decode(), page.content.decode(), shared_page.content.decode()):
        assert "Expert 1" in text and SECRET_WORD in text
        for identity in ("Olga", "exp2", other_expert.email):
            assert identity not in text
    assert api.get(f"{base}{theirs.pk}/versions/").status_code == 403
    assert api.get(f"{base}{theirs.pk}/attachments/").status_code == 403
    attachment = theirs.attachments.get()
    assert (
        page_client(expert)
        .get(reverse("evidence:download", args=[consultation.slug, theirs.pk, attachment.pk]))
        .status_code
        == 404
    )


def test_the_pseudonymised_author_field_carries_no_trace_of_the_user(
    consultation, expert, other_expert, draft_paper, api_client
):
    consultation.share_input_with_experts = True
    consultation.save()
    submitted_by(other_expert, consultation, title="Plain", body="No signature here.")

    item = api_client(expert).get(API.format(slug=consultation.slug)).json()["results"][0]

    flat = str(item)
    for identity in ("Olga", "Other", "exp2", other_expert.email, f"'author': {other_expert.pk}"):
        assert identity not in flat


def test_pseudonyms_stay_the_same_across_requests_and_readers(
    consultation, expert, other_expert, secretariat, theirs, observer, api_client
):
    consultation.share_input_with_experts = True
    consultation.observers_see_input = True
    consultation.save()
    submitted_by(secretariat, consultation, title="Secretariat note")

    seen_by_expert = {
        i["id"]: i["author"] for i in api_client(expert).get(API.format(slug=consultation.slug)).json()["results"]
    }
    seen_by_observer = {
        i["id"]: i["author"] for i in api_client(observer).get(API.format(slug=consultation.slug)).json()["results"]
    }

    assert seen_by_expert[theirs.pk] == seen_by_observer[theirs.pk] == "Expert 1"
    assert Pseudonym.objects.filter(consultation=consultation).count() == 2


def test_withdrawn_input_disappears_from_others_views_but_not_from_the_secretariats(
    consultation, expert, other_expert, secretariat, theirs, api_client
):
    consultation.share_input_with_experts = True
    consultation.save()
    api_client(other_expert).post(API.format(slug=consultation.slug) + f"{theirs.pk}/withdraw/")

    assert api_ids(api_client(expert), consultation) == []
    assert api_ids(api_client(secretariat), consultation) == [theirs.pk]
    assert api_ids(api_client(other_expert), consultation) == [theirs.pk]


def test_observers_read_input_only_when_the_secretariat_allows_and_then_pseudonymised(
    consultation, observer, theirs, api_client, page_client
):
    base = API.format(slug=consultation.slug)
    assert api_client(observer).get(base).status_code == 403
    assert api_client(observer).get(f"{base}{theirs.pk}/").status_code == 404

    consultation.observers_see_input = True
    consultation.save()

    item = api_client(observer).get(f"{base}{theirs.pk}/").json()
    page = page_client(observer).get(reverse("evidence:shared", args=[consultation.slug])).content.decode()
    assert item["author"] == "Expert 1" and item["response"] == "" and item["tags"] == []
    assert "Expert 1" in page and "Olga" not in page


def test_the_secretariat_sees_every_submitted_input_with_names_but_no_drafts(
    consultation, secretariat, theirs, their_draft, api_client
):
    listed = api_client(secretariat).get(API.format(slug=consultation.slug)).json()["results"]

    assert [(i["id"], i["author"]) for i in listed] == [(theirs.pk, "Olga Other")]
    assert api_client(secretariat).get(API.format(slug=consultation.slug) + f"{their_draft.pk}/").status_code == 404
