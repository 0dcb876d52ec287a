"""Input on the solution, criterion and matrix pages: what is listed and counted, for whom, in how many queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultation.extensions import input_counts, linked_input
from consultation.models import Membership, Role
from evidence.models import Pseudonym
from evidence.services.submissions import submission_withdraw
from tests.evidence.factories import draft_of, submitted_by
from tests.factories import ConsultationFactory, CriterionFactory, SolutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def input_set(consultation, expert, other_expert, draft_paper):
    s1a, s1b = draft_paper["solutions"]
    effectiveness, privacy = draft_paper["criteria"]
    linked = submitted_by(expert, consultation, title="Links 1a and privacy", solutions=[s1a], criteria=[privacy])
    rated = submitted_by(
        other_expert, consultation, title="Rates 1b effectiveness",
        proposed_ratings=[{"solution": s1b, "criterion": effectiveness, "stars": 2, "justification": "weak"}],
    )  # fmt: skip
    gone = submitted_by(other_expert, consultation, title="Withdrawn on 1a", solutions=[s1a], criteria=[privacy])
    submission_withdraw(submission=gone, user=other_expert)
    draft_of(expert, consultation, title="Draft on 1a", solutions=[s1a])
    return {"linked": linked, "rated": rated, "gone": gone, "s1a": s1a, "s1b": s1b,
            "effectiveness": effectiveness, "privacy": privacy}  # fmt: skip


def test_counts_per_row_column_and_cell_leave_out_drafts_and_withdrawn_input(consultation, secretariat, input_set):
    counts = input_counts(secretariat, consultation)
    s1a, s1b, eff, priv = input_set["s1a"], input_set["s1b"], input_set["effectiveness"], input_set["privacy"]

    assert (counts.solution(s1a), counts.solution(s1b)) == (1, 1)
    assert (counts.criterion(eff), counts.criterion(priv)) == (1, 1)
    assert {(s.code, c.key): counts.cell(s, c) for s in (s1a, s1b) for c in (eff, priv)} == {
        ("1a", "effectiveness"): 0,
        ("1a", "privacy"): 1,
        ("1b", "effectiveness"): 1,
        ("1b", "privacy"): 0,
    }


def test_an_expert_counts_and_sees_only_their_own_input_unless_input_is_shared(consultation, expert, input_set):
    s1a, s1b = input_set["s1a"], input_set["s1b"]

    assert (input_counts(expert, consultation).solution(s1a), input_counts(expert, consultation).solution(s1b)) == (
        1,
        0,
    )
    assert [i.title for i in linked_input(expert, consultation, solution=s1b)] == []

    consultation.share_input_with_experts = True
    consultation.save()
    assert input_counts(expert, consultation).solution(s1b) == 1


def test_an_observer_sees_no_input_unless_allowed(consultation, observer, input_set):
    assert input_counts(observer, consultation).by_solution == {}
    consultation.observers_see_input = True
    consultation.save()
    assert input_counts(observer, consultation).solution(input_set["s1b"]) == 1


def test_the_solution_page_lists_linked_and_rated_input_with_the_authors_name_for_the_secretariat(
    page_client, consultation, secretariat, input_set
):
    url = reverse("consultation:solution", args=[consultation.slug, "1a"])

    html = page_client(secretariat).get(url).content.decode()

    section = html[html.index('id="linked-input"') :]
    assert "Links 1a and privacy" in section and "Eva Expert" in section
    assert "Withdrawn on 1a" in section and "withdrawn" in section
    assert "Draft on 1a" not in html
    assert "Rates 1b effectiveness" not in section
    assert reverse("evidence:triage", args=[consultation.slug, input_set["linked"].pk]) in section


def test_shared_input_is_pseudonymised_for_other_experts_on_the_solution_page(
    page_client, consultation, expert, other_expert, input_set
):
    consultation.share_input_with_experts = True
    consultation.save()
    number = Pseudonym.objects.get(consultation=consultation, user=expert).number
    url = reverse("consultation:solution", args=[consultation.slug, "1a"])

    html = page_client(other_expert).get(url).content.decode()

    section = html[html.index('id="linked-input"') :]
    assert "Links 1a and privacy" in section
    assert f"Expert {number}" in section and "Eva" not in section


def test_the_criterion_page_shows_its_question_ratings_and_linked_input(
    page_client, consultation, secretariat, input_set
):
    url = reverse("consultation:criterion", args=[consultation.slug, "effectiveness"])

    response = page_client(secretariat).get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert input_set["effectiveness"].question in html
    assert "Rates 1b effectiveness" in html and "Links 1a and privacy" not in html


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 302), ("outsider", 404), ("observer", 200), ("expert", 200)]
)
def test_the_criterion_page_is_for_members_only(page_client, consultation, draft_paper, request, who, expected):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    url = reverse("consultation:criterion", args=[consultation.slug, "privacy"])

    assert page_client(user).get(url).status_code == expected


def test_an_unknown_criterion_is_a_404(page_client, consultation, expert, draft_paper):
    url = reverse("consultation:criterion", args=[consultation.slug, "speed"])

    assert page_client(expert).get(url).status_code == 404


def test_the_matrix_shows_the_counts_in_rows_columns_and_cells(page_client, consultation, secretariat, input_set):
    html = page_client(secretariat).get(reverse("consultation:matrix", args=[consultation.slug])).content.decode()

    badges = re.findall(r'class="input-count"><span aria-hidden="true">✉ </span>(\d+)', html)
    # Two columns (1 each), two rows (1 each), two cells (1a x privacy, 1b x effectiveness).
    assert badges == ["1", "1", "1", "1", "1", "1"]
    assert reverse("consultation:criterion", args=[consultation.slug, "privacy"]) in html


def _matrix_queries(page_client, n_solutions: int, n_submissions: int) -> int:
    consultation = ConsultationFactory()
    secretariat = UserFactory()
    Membership.objects.create(consultation=consultation, user=secretariat, role=Role.SECRETARIAT)
    solutions = [SolutionFactory(consultation=consultation) for _ in range(n_solutions)]
    criteria = [CriterionFactory(consultation=consultation) for _ in range(3)]
    for i in range(n_submissions):
        expert = UserFactory()
        Membership.objects.create(consultation=consultation, user=expert, role=Role.EXPERT)
        submitted_by(
            expert, consultation, solutions=solutions[: i + 1], criteria=criteria[:2],
            proposed_ratings=[{"solution": solutions[-1], "criterion": criteria[-1], "stars": 4, "justification": ""}],
        )  # fmt: skip
    client = page_client(secretariat)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("consultation:matrix", args=[consultation.slug]))
    assert response.status_code == 200
    assert 'class="input-count"' in response.content.decode()
    return len(captured.captured_queries)


def test_the_matrix_counts_cost_the_same_number_of_queries_at_any_size(page_client):
    assert _matrix_queries(page_client, 2, 2) == _matrix_queries(page_client, 8, 10)


def test_the_solution_page_lists_input_in_a_constant_number_of_queries(page_client):
    def queries(n: int) -> int:
        consultation = ConsultationFactory()
        secretariat = UserFactory()
        Membership.objects.create(consultation=consultation, user=secretariat, role=Role.SECRETARIAT)
        solution = SolutionFactory(consultation=consultation, code="1a")
        for _ in range(n):
            expert = UserFactory()
            Membership.objects.create(consultation=consultation, user=expert, role=Role.EXPERT)
            submitted_by(expert, consultation, solutions=[solution])
        client = page_client(secretariat)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("consultation:solution", args=[consultation.slug, "1a"]))
        assert response.content.decode().count("linked-input__item") == n
        return len(captured.captured_queries)

    assert queries(1) == queries(9)
