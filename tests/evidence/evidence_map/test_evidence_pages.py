"""The evidence pages of a cell, a solution and an open item; links to them; the matrix's counts and markers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultation.models import Membership, Role
from tests.evidence.factories import submitted_by
from tests.factories import UserFactory

from .conftest import make_excerpt, make_source, shift

pytestmark = pytest.mark.django_db


def cell_url(consultation, code="1a", key="privacy") -> str:
    return reverse("evidence:cell_evidence", args=[consultation.slug, code, key])


def test_the_cell_page_lists_the_evidence_with_stance_date_and_author(
    page_client, consultation, cells, secretariat, expert, proposing
):
    proposing(expert, "Lower it", 1)
    make_excerpt(consultation, secretariat, stance="higher", source=make_source(consultation, secretariat),
                 cells=[cells[("1a", "privacy")]])  # fmt: skip

    html = page_client(secretariat).get(cell_url(consultation)).content.decode()

    assert "3 pieces of evidence, newest first" in html
    assert "2 argue for a change not decided yet" in html
    assert html.index("images, videos and URLs") < html.index("Lower it") < html.index("Revision 1")
    assert "Argues for lower" in html and "Argues for higher" in html and "Eva Expert" in html
    assert "Proposes 1★ (now 3★)" in html
    assert reverse("consultation:cell_history", args=[consultation.slug, "1a", "privacy"]) in html


def test_the_page_filters_with_its_get_form_and_reports_unreadable_filters(
    page_client, consultation, cells, secretariat, expert, proposing
):
    proposing(expert, "Lower it", 1)
    old = proposing(expert, "Raise it", 5)
    shift(old, days=-2)
    client = page_client(secretariat)

    lower = client.get(cell_url(consultation), {"stance": "lower"}).content.decode()
    bad = client.get(cell_url(consultation), {"kind": "rumour", "date_from": "2024-05-01", "date_to": "2024-01-01"})

    assert "Lower it" in lower and "Raise it" not in lower and "1 of 3 pieces of evidence match" in lower
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Some filters could not be read" in html and "is not a kind of evidence" in html
    assert "The end of the range comes before its start." in html and "Raise it" in html


def test_an_expert_sees_only_what_they_may_read_and_observers_see_pseudonyms(
    page_client, consultation, cells, expert, other_expert, observer, proposing
):
    proposing(other_expert, "Their secret", 1)
    assert "Their secret" not in page_client(expert).get(cell_url(consultation)).content.decode()
    assert "Their secret" not in page_client(observer).get(cell_url(consultation)).content.decode()

    consultation.observers_see_input = True
    consultation.save()
    html = page_client(observer).get(cell_url(consultation)).content.decode()
    assert "Their secret" in html and "Expert 1" in html and "Olga" not in html


def test_excerpts_of_input_a_reader_may_not_read_are_hidden(
    page_client, consultation, cells, secretariat, expert, other_expert, proposing
):
    theirs = proposing(other_expert, "Their secret", 1)
    make_excerpt(consultation, secretariat, stance="lower", submission=theirs, quote="Perceptual hashes",
                 cells=[cells[("1a", "privacy")]])  # fmt: skip

    assert "Perceptual hashes" in page_client(secretariat).get(cell_url(consultation)).content.decode()
    assert "Perceptual hashes" not in page_client(expert).get(cell_url(consultation)).content.decode()


@pytest.mark.parametrize("who,status", [("outsider", 404), (None, 302)])
def test_non_members_get_404_and_anonymous_visitors_sign_in(page_client, consultation, draft_paper, cells, request,
                                                           who, status):  # fmt: skip
    user = request.getfixturevalue(who) if who else None
    client = page_client(user)
    for url in (
        cell_url(consultation),
        reverse("evidence:solution_evidence", args=[consultation.slug, "1a"]),
        reverse("evidence:open_item_evidence", args=[consultation.slug, draft_paper["open_item"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == status
        if status == 302:
            assert "/accounts/login/" in response.url


def test_every_member_reads_the_three_pages(page_client, consultation, draft_paper, cells, observer, expert):
    for user in (observer, expert):
        for url in (
            cell_url(consultation),
            reverse("evidence:solution_evidence", args=[consultation.slug, "1a"]),
            reverse("evidence:open_item_evidence", args=[consultation.slug, draft_paper["open_item"].pk]),
        ):
            assert page_client(user).get(url).status_code == 200
    assert page_client(expert).get(cell_url(consultation, key="speed")).status_code == 404
    assert page_client(expert).post(cell_url(consultation)).status_code == 405


def test_the_solution_and_open_item_pages_list_their_input_and_excerpts(
    page_client, consultation, draft_paper, cells, secretariat, expert
):
    s1a = draft_paper["solutions"][0]
    item = draft_paper["open_item"]
    submitted_by(expert, consultation, title="On the item", open_items=[item])
    submitted_by(expert, consultation, title="On the solution", solutions=[s1a])
    make_excerpt(consultation, secretariat, stance="context", source=make_source(consultation, secretariat),
                 open_items=[item])  # fmt: skip
    client = page_client(secretariat)

    solution = client.get(reverse("evidence:solution_evidence", args=[consultation.slug, "1a"])).content.decode()
    item_page = client.get(reverse("evidence:open_item_evidence", args=[consultation.slug, item.pk])).content.decode()

    assert "On the solution" in solution and "On the item" not in solution
    assert "On the item" in item_page and "images, videos and URLs" in item_page and "On the solution" not in item_page


def test_the_matrix_the_solution_page_and_the_open_items_link_to_the_evidence(
    page_client, consultation, draft_paper, cells, expert
):
    client = page_client(expert)
    slug = consultation.slug

    matrix = client.get(reverse("consultation:matrix", args=[slug])).content.decode()
    solution = client.get(reverse("consultation:solution", args=[slug, "1a"])).content.decode()
    items = client.get(reverse("consultation:open_items", args=[slug])).content.decode()

    assert cell_url(consultation) in matrix and "change argued" in matrix  # in the legend
    assert cell_url(consultation) in solution and reverse("evidence:solution_evidence", args=[slug, "1a"]) in solution
    assert reverse("evidence:open_item_evidence", args=[slug, draft_paper["open_item"].pk]) in items


def _cell(html: str, code: str, name: str) -> str:
    start = html.index(f'<span class="visually-hidden">{code}, {name}: </span>')
    return html[start : html.index("</td>", start)]


def test_the_matrix_counts_each_cells_evidence_and_marks_an_undecided_change(
    page_client, consultation, cells, secretariat, expert, proposing
):
    proposing(expert, "Lower it", 1)
    proposing(expert, "Keep it", 3, key="effectiveness")
    make_excerpt(consultation, secretariat, stance="context", source=make_source(consultation, secretariat),
                 cells=[cells[("1a", "privacy")]])  # fmt: skip

    html = page_client(secretariat).get(reverse("consultation:matrix", args=[consultation.slug])).content.decode()

    privacy, effectiveness = _cell(html, "1a", "Privacy"), _cell(html, "1a", "Effectiveness")
    assert '<span class="evidence-count">2</span>' in privacy and "matrix-cell__argued" in privacy
    assert '<span class="evidence-count">1</span>' in effectiveness and "matrix-cell__argued" not in effectiveness
    assert "evidence-count" not in _cell(html, "1b", "Privacy")


def test_the_matrix_counts_only_what_the_reader_may_see(page_client, consultation, cells, expert, other_expert,
                                                       observer, proposing):  # fmt: skip
    proposing(other_expert, "Theirs", 1)
    url = reverse("consultation:matrix", args=[consultation.slug])

    for reader in (expert, observer):
        html = page_client(reader).get(url).content.decode()
        assert "evidence-count" not in _cell(html, "1a", "Privacy")
        assert "matrix-cell__argued" not in html


def test_a_past_matrix_counts_the_evidence_of_that_moment(page_client, consultation, cells, secretariat, expert,
                                                         proposing):  # fmt: skip
    proposing(expert, "Lower it", 1)
    url = reverse("consultation:matrix", args=[consultation.slug])

    then = page_client(secretariat).get(url, {"as_of": "2024-02-01"}).content.decode()

    assert "evidence-count" not in _cell(then, "1a", "Privacy") and "matrix-cell__argued" not in then


def _matrix_queries(page_client, n_solutions: int, n_evidence: int) -> int:
    from consultation.models import Consultation
    from tests.consultation.pages.conftest import make_matrix

    consultation = Consultation.objects.create(slug=f"size-{n_solutions}", title="Size", status="open")
    make_matrix(consultation, n_solutions, 3)
    secretariat = UserFactory()
    Membership.objects.create(consultation=consultation, user=secretariat, role=Role.SECRETARIAT)
    solutions, criteria = list(consultation.solutions.all()), list(consultation.criteria.all())
    source = make_source(consultation, secretariat)
    for i in range(n_evidence):
        author = UserFactory()
        Membership.objects.create(consultation=consultation, user=author, role=Role.EXPERT)
        solution, criterion = solutions[i % len(solutions)], criteria[i % len(criteria)]
        submitted_by(author, consultation, title=f"Input {i}", proposed_ratings=[
            {"solution": solution, "criterion": criterion, "stars": 1 + i % 5, "justification": ""}
        ])  # fmt: skip
        cell = consultation.assessments.get(solution=solution, criterion=criterion)
        make_excerpt(consultation, secretariat, stance="lower", source=source, cells=[cell])
    client = page_client(secretariat)
    url = reverse("consultation:matrix", args=[consultation.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    assert html.count('class="matrix-cell__evidence" href') == n_solutions * 3
    return len(captured.captured_queries)


def test_the_matrix_with_evidence_costs_the_same_queries_at_two_sizes(page_client):
    assert _matrix_queries(page_client, 2, 2) == _matrix_queries(page_client, 8, 12)


def test_the_cell_page_costs_the_same_queries_at_two_sizes(page_client, consultation, cells, secretariat, proposing):
    source = make_source(consultation, secretariat)
    client = page_client(secretariat)

    def queries() -> int:
        client.get(cell_url(consultation))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(cell_url(consultation), {"kind": ["submission", "excerpt"]}).status_code == 200
        return len(captured.captured_queries)

    def add(n):
        for i in range(n):
            author = UserFactory()
            Membership.objects.create(consultation=consultation, user=author, role=Role.EXPERT)
            proposing(author, f"Input {i}", 1 + i % 5)
            make_excerpt(consultation, secretariat, stance="lower", source=source, cells=[cells[("1a", "privacy")]])

    add(1)
    few = queries()
    add(6)
    assert queries() == few


def test_an_open_item_raised_about_a_rating_links_to_that_cells_evidence(
    page_client, consultation, draft_paper, cells, expert
):
    item = draft_paper["open_item"]
    item.assessment = cells[("1b", "privacy")]
    item.save()

    html = page_client(expert).get(reverse("evidence:open_item_evidence", args=[consultation.slug, item.pk]))

    assert cell_url(consultation, "1b", "privacy") in html.content.decode()
