"""The overview matrix page: stars, levels, classifications, disagreements, as-of views, constant queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.consultation.pages.conftest import make_matrix
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix_url(consultation):
    return reverse("consultation:matrix", args=[consultation.slug])


def _cell(html: str, code: str, criterion_key: str) -> str:
    """The HTML of one matrix cell, found through its link to the solution page."""
    match = re.search(
        rf'<td class="matrix-cell[^"]*">\s*<a class="matrix-cell__link" '
        rf'href="[^"]*/solutions/{code}/(?:\?[^"#]*)?#criterion-{criterion_key}">.*?</td>',
        html,
        re.S,
    )
    assert match, f"no cell {code}/{criterion_key}"
    return match.group(0)


def test_cells_show_stars_as_glyphs_and_as_words_with_the_text_level(client_for, matrix_url, paper, observer):
    html = client_for(observer).get(matrix_url).content.decode()

    cell = _cell(html, "1a", "privacy")
    assert '<span class="stars__on" aria-hidden="true">★★</span>' in cell
    assert '<span class="stars__off" aria-hidden="true">☆☆☆</span>' in cell
    assert '<span class="visually-hidden">2 of 5 stars</span>' in cell
    assert "Medium-low" in cell


def test_a_cell_without_stars_says_not_applicable(client_for, matrix_url, paper, observer):
    html = client_for(observer).get(matrix_url).content.decode()

    cell = _cell(html, "1b", "privacy")
    assert '<abbr title="Not applicable">N/A</abbr>' in cell
    assert "★" not in cell


def test_rows_are_grouped_by_solution_group_with_each_solutions_classification(client_for, matrix_url, paper, observer):
    html = client_for(observer).get(matrix_url).content.decode()

    headers = re.findall(r'<th scope="rowgroup" colspan="4">([^<]+)</th>', html)
    assert headers == ["0) Baseline", "1) Device related"]
    rows = re.findall(
        r'<span class="solution-code">(\w+)</span>.*?<span class="classification [^"]+">([^<]+)</span>', html, re.S
    )
    assert rows == [("0a", "N/A"), ("1a", "Top 3"), ("1b", "Discard")]


def test_disagreeing_cells_are_marked_with_an_icon_and_words_and_counted(client_for, matrix_url, paper, observer):
    html = client_for(observer).get(matrix_url).content.decode()

    disagreeing = _cell(html, "1a", "effectiveness")
    assert "matrix-cell--disagrees" in disagreeing
    assert '<span aria-hidden="true">⚠</span> text says Medium-high (4★)' in disagreeing
    assert "matrix-cell--disagrees" not in _cell(html, "0a", "effectiveness")
    assert html.count("matrix-cell--disagrees") == 1
    count = re.search(r'id="disagreement-count">(.*?)</p>', html, re.S).group(1)
    assert "1 disagreement" in count
    assert html.index('id="disagreement-count"') < html.index("<table")
    assert "Legend" in html


def test_each_cell_links_to_the_criterion_on_the_solution_page(client_for, matrix_url, consultation, paper, expert):
    html = client_for(expert).get(matrix_url).content.decode()

    solution_url = reverse("consultation:solution", args=[consultation.slug, "1b"])
    assert f'href="{solution_url}#criterion-privacy"' in html


def test_as_of_a_date_shows_the_values_that_stood_then(client_for, matrix_url, paper, expert):
    html = client_for(expert).get(matrix_url, {"as_of": "2024-02-01"}).content.decode()

    cell = _cell(html, "1a", "effectiveness")
    assert "3 of 5 stars" in cell
    assert "Medium" in cell and "Medium-high" not in cell
    assert "the end of 1 February 2024" in html
    assert "matrix-cell--disagrees" not in html
    assert re.search(r'<span class="solution-code">1b</span>.*?Needs research', html, re.S)
    assert 'value="2024-02-01"' in html


def test_as_of_a_date_and_time_is_read_in_the_sites_time_zone(client_for, matrix_url, paper, expert):
    # The second draft was adopted at 12:00 Brussels time on 8 May 2024.
    before = client_for(expert).get(matrix_url, {"as_of": "2024-05-08T11:59"}).content.decode()
    after = client_for(expert).get(matrix_url, {"as_of": "2024-05-08T12:00"}).content.decode()

    assert "3 of 5 stars" in _cell(before, "1a", "effectiveness")
    assert "5 of 5 stars" in _cell(after, "1a", "effectiveness")
    assert "8 May 2024, 12:00" in after


def test_before_anything_was_rated_the_matrix_as_of_then_is_empty(client_for, matrix_url, paper, expert):
    html = client_for(expert).get(matrix_url, {"as_of": "2023-12-31"}).content.decode()

    assert "There was no matrix yet at" in html
    assert "★" not in html


def test_a_bad_as_of_shows_an_error_above_the_form_and_the_current_matrix(client_for, matrix_url, paper, expert):
    response = client_for(expert).get(matrix_url, {"as_of": "last tuesday"})
    html = response.content.decode()

    assert response.status_code == 200
    error = re.search(r'<div class="alert alert-danger" role="alert" id="as-of-error">(.*?)</div>\s*</div>', html, re.S)
    assert error
    assert "&quot;last tuesday&quot; is not a date" in error.group(1)
    assert html.index('id="as-of-error"') < html.index('<form method="get" class="as-of-form"')
    assert 'aria-invalid="true"' in html
    assert "5 of 5 stars" in _cell(html, "1a", "effectiveness")
    assert "The matrix as it stands now." in html


def test_an_empty_matrix_says_so(client_for, matrix_url, expert):
    html = client_for(expert).get(matrix_url).content.decode()

    assert "The matrix is empty" in html
    assert "<table" not in html


def _queries_for_matrix(client_for, n_solutions, n_criteria, as_of=None) -> list[str]:
    consultation = ConsultationFactory()
    make_matrix(consultation, n_solutions, n_criteria)
    from consultation.models import Membership, Role
    from tests.factories import UserFactory

    user = UserFactory()
    Membership.objects.create(consultation=consultation, user=user, role=Role.OBSERVER)
    client = client_for(user)
    params = {"as_of": as_of} if as_of else {}
    url = reverse("consultation:matrix", args=[consultation.slug])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="matrix-cell__link"') == n_solutions * n_criteria
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("as_of", [None, "2024-01-01"])
def test_the_number_of_queries_does_not_grow_with_the_matrix(client_for, as_of):
    small = _queries_for_matrix(client_for, 2, 3, as_of)
    large = _queries_for_matrix(client_for, 20, 10, as_of)

    assert len(small) == len(large), "\n".join(large)
