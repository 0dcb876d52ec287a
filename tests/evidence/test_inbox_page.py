"""The secretariat's inbox: who may open it, what each row shows, filters, full-text search, pages, queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultation.models import Membership, Profile, Role
from evidence.services.submissions import submission_withdraw
from evidence.services.triage import open_item_resolve, submission_triage, tag_create
from evidence.views.inbox import PAGE_SIZE
from tests.evidence.factories import draft_of, submitted_by
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox_url(consultation):
    return reverse("evidence:inbox", args=[consultation.slug])


def titles(response) -> list[str]:
    return [s.title for s in response.context["submissions"]]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("outsider", 404), ("expert", 403), ("observer", 403), ("secretariat", 200)],
)
def test_only_the_secretariat_opens_the_inbox(page_client, inbox_url, who, expected, request, consultation):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = page_client(user).get(inbox_url)

    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_the_inbox_lists_submitted_input_with_author_organisation_type_status_and_tags(
    page_client, inbox_url, consultation, secretariat, expert, draft_paper
):
    Profile.objects.create(user=expert, name="Eva Expert", organisation="Uni Leiden", expert_type="academia")
    solution = draft_paper["solutions"][0]
    submission = submitted_by(expert, consultation, title="Hashes miss new images", solutions=[solution])
    tag = tag_create(consultation=consultation, user=secretariat, name="needs-check")
    submission_triage(submission=submission, user=secretariat, status="under_review", tags=[tag])
    draft_of(expert, consultation, title="Still a draft")

    html = page_client(secretariat).get(inbox_url).content.decode()

    assert "Hashes miss new images" in html and "Still a draft" not in html
    for shown in ("Eva Expert", "Uni Leiden", "Academia", "Under review", "needs-check", ">1a<"):
        assert shown in html
    assert reverse("evidence:triage", args=[consultation.slug, submission.pk]) in html


def test_the_nav_shows_the_inbox_to_the_secretariat_only(page_client, consultation, secretariat, expert):
    home = reverse("consultation:home", args=[consultation.slug])
    inbox = reverse("evidence:inbox", args=[consultation.slug])

    assert inbox in page_client(secretariat).get(home).content.decode()
    assert inbox not in page_client(expert).get(home).content.decode()


@pytest.fixture
def corpus(consultation, secretariat, expert, other_expert, draft_paper):
    """Four submissions that differ in exactly one way each from the first."""
    Profile.objects.create(user=expert, name="Eva", expert_type="academia")
    Profile.objects.create(user=other_expert, name="Olga", expert_type="industry")
    s1a, s1b = draft_paper["solutions"]
    effectiveness, privacy = draft_paper["criteria"]
    intro, _ = draft_paper["sections"]
    item = draft_paper["open_item"]
    a = submitted_by(
        expert, consultation, title="Client-side scanning and encryption", body="Scanning breaks encryption.",
        solutions=[s1a], criteria=[privacy], sections=[intro],
    )  # fmt: skip
    b = submitted_by(
        other_expert, consultation, title="Server matching works", body="Hash matching at scale.",
        solutions=[s1b], open_items=[item],
        proposed_ratings=[{"solution": s1a, "criterion": effectiveness, "stars": 3, "justification": "ok"}],
    )  # fmt: skip
    c = submitted_by(expert, consultation, title="Metadata only", body="Traffic analysis is weaker.")
    d = submitted_by(other_expert, consultation, title="Withdrawn thought", body="Encryption is fine.")
    submission_withdraw(submission=d, user=other_expert)
    tag = tag_create(consultation=consultation, user=secretariat, name="legal")
    submission_triage(submission=c, user=secretariat, status="rejected", tags=[tag])
    return {"a": a, "b": b, "c": c, "d": d, "tag": tag, "s1a": s1a, "s1b": s1b, "effectiveness": effectiveness,
            "privacy": privacy, "intro": intro, "item": item}  # fmt: skip


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Withdrawn thought", "Metadata only", "Server matching works", "Client-side scanning and encryption"]),
        ({"solution": "1a"}, ["Server matching works", "Client-side scanning and encryption"]),  # link or rating
        ({"solution": "1b"}, ["Server matching works"]),
        ({"criterion": "privacy"}, ["Client-side scanning and encryption"]),
        ({"criterion": "effectiveness"}, ["Server matching works"]),
        ({"section": "intro"}, ["Client-side scanning and encryption"]),
        ({"open_item": "item"}, ["Server matching works"]),
        ({"status": "rejected"}, ["Metadata only"]),
        ({"status": "new", "withdrawn": "no"}, ["Server matching works", "Client-side scanning and encryption"]),
        ({"withdrawn": "yes"}, ["Withdrawn thought"]),
        ({"expert_type": "industry"}, ["Withdrawn thought", "Server matching works"]),
        ({"tag": "legal"}, ["Metadata only"]),
        ({"q": "encryption"}, ["Client-side scanning and encryption", "Withdrawn thought"]),
        ({"q": "encryption -withdrawn"}, ["Client-side scanning and encryption"]),
        ({"q": '"hash matching"'}, ["Server matching works"]),
        ({"q": "scanning", "solution": "1b"}, []),
    ],
)
def test_filters_and_search_return_exactly_the_matching_submissions(
    page_client, inbox_url, secretariat, corpus, params, expected
):
    resolved = {k: (corpus[v].pk if k in {"section", "open_item"} else v) for k, v in params.items()}
    if "section" in params:
        resolved["section"] = corpus["intro"].pk

    response = page_client(secretariat).get(inbox_url, resolved)

    assert response.status_code == 200
    assert titles(response) == expected


def test_search_ranks_the_better_match_first(page_client, inbox_url, consultation, secretariat, expert):
    submitted_by(expert, consultation, title="Notes", body="One mention of grooming.")
    submitted_by(expert, consultation, title="Grooming detection", body="Grooming, grooming and grooming again.")

    response = page_client(secretariat).get(inbox_url, {"q": "grooming"})

    assert titles(response) == ["Grooming detection", "Notes"]


def test_an_open_item_filter_also_finds_the_input_that_answers_it(page_client, inbox_url, secretariat, corpus):
    open_item_resolve(item=corpus["item"], user=secretariat, submissions=[corpus["c"]], resolution="Done.")

    response = page_client(secretariat).get(inbox_url, {"open_item": corpus["item"].pk})

    assert titles(response) == ["Metadata only", "Server matching works"]


def test_a_filter_naming_something_of_another_consultation_is_reported_and_all_are_shown(
    page_client, inbox_url, secretariat, corpus
):
    response = page_client(secretariat).get(inbox_url, {"solution": "9z", "status": "binned"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters could not be read" in html
    assert len(titles(response)) == 4


def test_the_inbox_never_shows_another_consultations_input(page_client, inbox_url, secretariat, corpus):
    elsewhere = ConsultationFactory()
    stranger = UserFactory()
    Membership.objects.create(consultation=elsewhere, user=stranger, role=Role.EXPERT)
    submitted_by(stranger, elsewhere, title="Elsewhere encryption")

    response = page_client(secretariat).get(inbox_url, {"q": "encryption"})

    assert "Elsewhere encryption" not in titles(response)


def test_the_inbox_is_paginated_and_keeps_the_filters_in_the_page_links(
    page_client, inbox_url, consultation, secretariat, expert
):
    for n in range(PAGE_SIZE + 2):
        submitted_by(expert, consultation, title=f"Input {n:02d}", body="same words")

    first = page_client(secretariat).get(inbox_url, {"q": "words"})
    second = page_client(secretariat).get(inbox_url, {"q": "words", "page": 2})

    assert len(titles(first)) == PAGE_SIZE and len(titles(second)) == 2
    assert "q=words&amp;page=2" in first.content.decode()
    assert set(titles(first)).isdisjoint(titles(second))


def _inbox_queries(page_client, n: int, params: dict) -> int:
    consultation = ConsultationFactory()
    secretariat = UserFactory()
    Membership.objects.create(consultation=consultation, user=secretariat, role=Role.SECRETARIAT)
    from tests.factories import CriterionFactory, SolutionFactory

    solution = SolutionFactory(consultation=consultation, code="1a")
    criterion = CriterionFactory(consultation=consultation)
    tag = tag_create(consultation=consultation, user=secretariat, name="t")
    for i in range(n):
        expert = UserFactory()
        Membership.objects.create(consultation=consultation, user=expert, role=Role.EXPERT)
        Profile.objects.create(user=expert, name=f"Expert {i}", organisation="Org", expert_type="academia")
        s = submitted_by(expert, consultation, title=f"encryption {i}", solutions=[solution], criteria=[criterion])
        submission_triage(submission=s, user=secretariat, tags=[tag])
    client = page_client(secretariat)
    url = reverse("evidence:inbox", args=[consultation.slug])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(response.context["submissions"]) == n
    return len(captured.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "encryption", "solution": "1a", "tag": "t"}])
def test_the_number_of_queries_does_not_grow_with_the_number_of_submissions(page_client, params):
    assert _inbox_queries(page_client, 2, params) == _inbox_queries(page_client, 12, params)
