"""The matrix shown as of a version or a date: each cell's link to its timeline keeps that moment, the timeline
marks the revision in force then, and the input counts are those of that moment (in as many queries as now)."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultation.extensions import input_counts
from consultation.services.versions import version_publish
from evidence.models import Submission
from tests.evidence.factories import submitted_by

from .conftest import BRUSSELS

pytestmark = pytest.mark.django_db

# Between the first draft (10 January 2024) and the adopted change of 1a's effectiveness (8 May 2024).
V1_AT = datetime(2024, 2, 1, 12, 0, tzinfo=BRUSSELS)


@pytest.fixture
def v1(consultation, paper, secretariat):
    return version_publish(consultation=consultation, user=secretariat, label="v1", published_at=V1_AT)


def _input(expert, consultation, paper, title, *, submitted, withdrawn=None):
    """Submitted input on 1a × privacy, as if it had been submitted (and withdrawn) at the given times."""
    s1a, privacy = paper["solutions"][1], paper["criteria"][1]
    submission = submitted_by(expert, consultation, title=title, solutions=[s1a], criteria=[privacy])
    Submission.objects.filter(pk=submission.pk).update(submitted_at=submitted, withdrawn_at=withdrawn)
    return submission


@pytest.fixture
def inputs(consultation, paper, expert):
    """Early (January), withdrawn (submitted January, withdrawn March) and late (June) input on 1a × privacy."""
    return {
        "early": _input(expert, consultation, paper, "Early", submitted=datetime(2024, 1, 20, tzinfo=BRUSSELS)),
        "withdrawn": _input(
            expert,
            consultation,
            paper,
            "Withdrawn",
            submitted=datetime(2024, 1, 21, tzinfo=BRUSSELS),
            withdrawn=datetime(2024, 3, 1, tzinfo=BRUSSELS),
        ),
        "late": _input(expert, consultation, paper, "Late", submitted=datetime(2024, 6, 1, tzinfo=BRUSSELS)),
    }


def test_each_rated_cell_links_to_its_timeline_keeping_the_version_shown(client_for, consultation, v1, observer):
    url = reverse("consultation:matrix", args=[consultation.slug])

    now_html = client_for(observer).get(url).content.decode()
    past_html = client_for(observer).get(url, {"version": "v1"}).content.decode()

    history = reverse("consultation:cell_history", args=[consultation.slug, "1a", "privacy"])
    assert f'<a class="matrix-cell__history" href="{history}">timeline' in now_html
    assert f'<a class="matrix-cell__history" href="{history}?version=v1">timeline' in past_html
    assert '<span class="visually-hidden"> of 1a, Privacy</span>' in past_html
    assert now_html.count('class="matrix-cell__history"') == 6  # every rated cell of the 3 × 2 matrix


def test_before_any_rating_the_matrix_has_no_timeline_links(client_for, consultation, paper, observer):
    html = client_for(observer).get(reverse("consultation:matrix", args=[consultation.slug]), {"as_of": "2023-12-31"})

    assert "matrix-cell__history" not in html.content.decode()


def test_the_solution_page_of_a_version_links_to_the_timeline_of_that_version(client_for, consultation, v1, expert):
    html = (
        client_for(expert)
        .get(reverse("consultation:solution", args=[consultation.slug, "1a"]), {"version": "v1"})
        .content.decode()
    )

    history = reverse("consultation:cell_history", args=[consultation.slug, "1a", "effectiveness"])
    assert f'href="{history}?version=v1">Timeline and chart of this rating' in html


def test_the_timeline_reached_from_a_version_marks_the_revision_in_force_then_and_the_later_ones(
    client_for, consultation, v1, expert
):
    url = reverse("consultation:cell_history", args=[consultation.slug, "1a", "effectiveness"])

    html = client_for(expert).get(url, {"version": "v1"}).content.decode()
    plain = client_for(expert).get(url).content.decode()

    assert "the rating then stood at revision 1" in html
    assert '<tr id="revision-1" class="cell-history__at-point">' in html
    assert '<span class="badge text-bg-info">in v1</span>' in html
    assert '<tr id="revision-2" class="cell-history__later">' in html
    solution = reverse("consultation:solution", args=[consultation.slug, "1a"])
    assert f'href="{solution}?version=v1#criterion-effectiveness"' in html
    assert "view-point-banner" not in plain
    assert "cell-history__" not in plain


def test_the_timeline_as_of_a_date_before_the_rating_says_it_did_not_exist_yet(client_for, consultation, v1, expert):
    url = reverse("consultation:cell_history", args=[consultation.slug, "1a", "effectiveness"])

    html = client_for(expert).get(url, {"as_of": "2023-12-31"}).content.decode()

    assert "the rating did not exist yet" in html
    assert html.count('class="cell-history__later"') == 2


def test_input_counts_as_of_a_moment_count_what_was_submitted_and_not_yet_withdrawn_then(
    consultation, paper, secretariat, inputs
):
    s1a, privacy = paper["solutions"][1], paper["criteria"][1]

    def cell(until):
        return input_counts(secretariat, consultation, until=until).cell(s1a, privacy)

    assert cell(None) == 2  # early and late; the withdrawn one no longer counts
    assert cell(datetime(2024, 1, 1, tzinfo=BRUSSELS)) == 0
    assert cell(datetime(2024, 2, 1, tzinfo=BRUSSELS)) == 2  # early, and the other one not yet withdrawn
    assert cell(datetime(2024, 4, 1, tzinfo=BRUSSELS)) == 1
    assert cell(datetime(2024, 6, 1, tzinfo=BRUSSELS)) == 2  # submitted at that very moment counts
    counts = input_counts(secretariat, consultation, until=datetime(2024, 4, 1, tzinfo=BRUSSELS))
    assert (counts.solution(s1a), counts.criterion(privacy)) == (1, 1)


def _cell_count(html: str) -> str:
    """The input badge of 1a × privacy (the only cell with input)."""
    start = html.index('href="/', html.index('<span class="visually-hidden">1a, Privacy: </span>') - 400)
    cell = html[start : html.index("</td>", start)]
    return cell[cell.index('class="input-count"') :] if 'class="input-count"' in cell else ""


def test_the_matrix_of_a_version_counts_the_input_of_that_moment(client_for, consultation, v1, secretariat, inputs):
    url = reverse("consultation:matrix", args=[consultation.slug])

    now = client_for(secretariat).get(url).content.decode()
    then = client_for(secretariat).get(url, {"version": "v1"}).content.decode()
    april = client_for(secretariat).get(url, {"as_of": "2024-04-01"}).content.decode()

    assert '2<span class="visually-hidden"> pieces of expert input</span>' in _cell_count(now)
    assert '2<span class="visually-hidden"> pieces of expert input</span>' in _cell_count(then)
    assert '1<span class="visually-hidden"> piece of expert input</span>' in _cell_count(april)


def _matrix_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


def test_counting_input_as_of_a_moment_takes_as_many_queries_as_counting_it_now_whatever_the_input(
    client_for, consultation, paper, secretariat, expert
):
    client = client_for(secretariat)
    url = reverse("consultation:matrix", args=[consultation.slug])
    _input(expert, consultation, paper, "One", submitted=datetime(2024, 1, 20, tzinfo=BRUSSELS))
    few = (_matrix_queries(client, url, {}), _matrix_queries(client, url, {"as_of": "2024-04-01"}))
    for n in range(6):
        _input(expert, consultation, paper, f"More {n}", submitted=datetime(2024, 1, 20 + n, tzinfo=BRUSSELS))
    many = (_matrix_queries(client, url, {}), _matrix_queries(client, url, {"as_of": "2024-04-01"}))

    assert few == many
    input_counts(secretariat, consultation)  # the reader's role is then cached on the user
    with CaptureQueriesContext(connection) as now:
        input_counts(secretariat, consultation)
    with CaptureQueriesContext(connection) as then:
        input_counts(secretariat, consultation, until=datetime(2024, 4, 1, tzinfo=BRUSSELS))
    assert len(now.captured_queries) == len(then.captured_queries) == 3
