"""The submissions API filters by solution, criterion, section and open item as the secretariat's inbox does:
a proposed rating links input to its solution and criterion, and input linked as answering an open item is found
by that item."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evidence.models import Submission
from evidence.services.triage import open_item_answers_set
from tests.factories import ConsultationFactory, SolutionFactory

from .factories import submitted_by

pytestmark = pytest.mark.django_db


def listed(client, consultation, **filters) -> list[int]:
    response = client.get(reverse("evidence-api:submission-list", args=[consultation.slug]), filters)
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["results"])


@pytest.fixture
def corpus(consultation, expert, draft_paper):
    one_a, one_b = draft_paper["solutions"]
    effectiveness, privacy = draft_paper["criteria"]
    linked = submitted_by(expert, consultation, title="Linked", solutions=[one_a], criteria=[effectiveness])
    rated = submitted_by(
        expert,
        consultation,
        title="Rated only",
        proposed_ratings=[{"solution": one_b, "criterion": privacy, "stars": 2, "justification": "Leaks."}],
    )
    unrelated = submitted_by(expert, consultation, title="Unrelated", sections=[draft_paper["sections"][0]])
    return {"linked": linked, "rated": rated, "unrelated": unrelated}


def test_a_solution_or_criterion_filter_also_finds_input_that_only_proposes_a_rating(
    api_client, consultation, secretariat, expert, corpus
):
    for user in (secretariat, expert):
        client = api_client(user)
        assert listed(client, consultation, solution="1b") == [corpus["rated"].pk]
        assert listed(client, consultation, criterion="privacy") == [corpus["rated"].pk]
        assert listed(client, consultation, solution="1a") == [corpus["linked"].pk]
        assert listed(client, consultation, solution="1a", criterion="privacy") == []


def test_an_open_item_filter_also_finds_the_input_that_answers_it(
    api_client, consultation, secretariat, expert, draft_paper, corpus
):
    item = draft_paper["open_item"]
    open_item_answers_set(item=item, user=secretariat, submissions=[corpus["unrelated"]])

    assert listed(api_client(secretariat), consultation, open_item=item.pk) == [corpus["unrelated"].pk]
    assert listed(api_client(expert), consultation, open_item=item.pk) == [corpus["unrelated"].pk]


def test_a_section_filter_finds_the_input_linked_to_it(api_client, consultation, secretariat, draft_paper, corpus):
    assert listed(api_client(secretariat), consultation, section="1") == [corpus["unrelated"].pk]


def test_a_filter_naming_nothing_of_this_consultation_finds_nothing(
    api_client, consultation, secretariat, draft_paper, corpus
):
    other = ConsultationFactory()
    SolutionFactory(consultation=other, code="9z")
    client = api_client(secretariat)

    assert listed(client, consultation, solution="9z") == []
    assert listed(client, consultation, criterion="nonsense") == []
    assert listed(client, consultation, section="42") == []
    assert listed(client, consultation, open_item=10**6) == []
    assert Submission.objects.count() == 3
