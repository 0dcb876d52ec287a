"""The solution and criterion pages shown as of a version or a date list the input of that moment, as the matrix of
that moment counts it: submitted by then and not withdrawn by then (in as many queries whatever the input)."""

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
    """Early (before v1), withdrawn after v1 (submitted before it) and late (after v1) input on 1a × privacy."""
    return {
        "early": _input(expert, consultation, paper, "Early note", submitted=datetime(2024, 1, 20, tzinfo=BRUSSELS)),
        "withdrawn": _input(
            expert,
            consultation,
            paper,
            "Taken back note",
            submitted=datetime(2024, 1, 21, tzinfo=BRUSSELS),
            withdrawn=datetime(2024, 3, 1, tzinfo=BRUSSELS),
        ),
        "late": _input(expert, consultation, paper, "Late note", submitted=datetime(2024, 6, 1, tzinfo=BRUSSELS)),
    }


def _pages(consultation) -> dict[str, str]:
    return {
        "solution": reverse("consultation:solution", args=[consultation.slug, "1a"]),
        "criterion": reverse("consultation:criterion", args=[consultation.slug, "privacy"]),
    }


def _listed(html: str) -> dict[str, str]:
    """Each listed input's title and its line (author, date, status, "withdrawn")."""
    section = html[html.index('id="linked-input"') : html.index("</section>", html.index('id="linked-input"'))]
    items = section.split('class="linked-input__item')[1:]
    listed = {}
    for item in items:
        title = item[item.index('">', item.index("<a href=")) + 2 : item.index("</a>")]
        listed[title] = item
    return listed


@pytest.mark.parametrize("page", ["solution", "criterion"])
def test_at_v1_the_secretariat_sees_the_input_of_then_and_now_the_input_of_now(
    client_for, consultation, v1, secretariat, inputs, page
):
    url = _pages(consultation)[page]
    client = client_for(secretariat)

    then = client.get(url, {"version": "v1"}).content.decode()
    now = client.get(url).content.decode()

    at_v1, today = _listed(then), _listed(now)
    assert set(at_v1) == {"Early note", "Taken back note"}  # the late note came after v1
    assert "· withdrawn" not in at_v1["Taken back note"] and "--withdrawn" not in at_v1["Taken back note"]
    assert "Input submitted by version v1" in then and "not withdrawn by then" in then
    # Today the secretariat still sees withdrawn input, marked so (the page did before), and the late note.
    assert set(today) == {"Early note", "Taken back note", "Late note"}
    assert "· withdrawn" in today["Taken back note"] and "· withdrawn" not in today["Late note"]
    assert "Input submitted by" not in now


@pytest.mark.parametrize("page", ["solution", "criterion"])
def test_input_withdrawn_after_a_date_is_listed_at_that_date_and_not_after_its_withdrawal(
    client_for, consultation, paper, secretariat, inputs, page
):
    url = _pages(consultation)[page]
    client = client_for(secretariat)

    february = _listed(client.get(url, {"as_of": "2024-02-15"}).content.decode())
    april = _listed(client.get(url, {"as_of": "2024-04-01"}).content.decode())
    december = _listed(client.get(url, {"as_of": "2023-12-31"}).content.decode())

    assert set(february) == {"Early note", "Taken back note"}
    assert set(april) == {"Early note"}
    assert december == {}


def test_the_lists_at_a_moment_agree_with_the_matrix_counts_of_that_moment(
    client_for, consultation, paper, v1, secretariat, inputs
):
    s1a, privacy = paper["solutions"][1], paper["criteria"][1]
    client = client_for(secretariat)
    pages = _pages(consultation)

    for params, until in (({"version": "v1"}, V1_AT), ({"as_of": "2024-04-01"}, datetime(2024, 4, 2, tzinfo=BRUSSELS))):
        counts = input_counts(secretariat, consultation, until=until)
        assert len(_listed(client.get(pages["solution"], params).content.decode())) == counts.solution(s1a)
        assert len(_listed(client.get(pages["criterion"], params).content.decode())) == counts.criterion(privacy)


def test_an_observer_allowed_to_see_input_gets_at_v1_only_what_was_there_and_never_withdrawn_input(
    client_for, consultation, v1, observer, inputs
):
    consultation.observers_see_input = True
    consultation.save()
    client = client_for(observer)

    for url in _pages(consultation).values():
        assert set(_listed(client.get(url, {"version": "v1"}).content.decode())) == {"Early note"}
        assert set(_listed(client.get(url).content.decode())) == {"Early note", "Late note"}


def test_at_a_moment_without_input_the_list_says_so_for_that_moment(client_for, consultation, v1, expert):
    html = client_for(expert).get(_pages(consultation)["criterion"], {"version": "v1"}).content.decode()

    assert "No input you can see had been linked to it by then." in html


def test_the_criterion_page_at_v1_shows_the_ratings_of_then_read_only_and_links_to_the_solutions_at_v1(
    client_for, consultation, v1, secretariat
):
    url = reverse("consultation:criterion", args=[consultation.slug, "effectiveness"])
    client = client_for(secretariat)

    then = client.get(url, {"version": "v1"}).content.decode()
    now = client.get(url).content.decode()

    rows_then = then[then.index("<tbody>") : then.index("</tbody>")]
    rows_now = now[now.index("<tbody>") : now.index("</tbody>")]
    assert "Medium-high" not in rows_then and "Medium-high" in rows_now  # 1a was raised in May
    assert 'id="view-point-banner"' in then and "This past state is read-only." in then
    assert 'id="view-point-banner"' not in now
    solution = reverse("consultation:solution", args=[consultation.slug, "1a"])
    assert f'href="{solution}?version=v1#criterion-effectiveness"' in rows_then
    assert f'href="{solution}#criterion-effectiveness"' in rows_now


def test_the_criterion_page_before_any_rating_and_with_an_unreadable_date(client_for, consultation, paper, expert):
    url = reverse("consultation:criterion", args=[consultation.slug, "privacy"])
    client = client_for(expert)

    before = client.get(url, {"as_of": "2023-12-31"}).content.decode()
    bad = client.get(url, {"as_of": "someday"})

    assert "No solution had been rated yet then." in before
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "The version or date could not be read, so the current criterion is shown." in html
    assert "Medium-low" in html and 'id="view-point-banner"' not in html


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["solution", "criterion"])
def test_listing_input_as_of_a_version_takes_as_many_queries_whatever_the_input(
    client_for, consultation, paper, v1, secretariat, expert, page
):
    client = client_for(secretariat)
    url = _pages(consultation)[page]
    _input(expert, consultation, paper, "One", submitted=datetime(2024, 1, 10, tzinfo=BRUSSELS))
    few = _queries(client, url, {"version": "v1"})
    for n in range(8):
        _input(expert, consultation, paper, f"More {n}", submitted=datetime(2024, 1, 11 + n, tzinfo=BRUSSELS))
    many = _queries(client, url, {"version": "v1"})

    assert len(_listed(client.get(url, {"version": "v1"}).content.decode())) == 9
    assert few == many


def test_the_matrix_of_a_version_links_each_criterion_to_its_page_at_that_version(
    client_for, consultation, v1, observer
):
    url = reverse("consultation:matrix", args=[consultation.slug])
    privacy = reverse("consultation:criterion", args=[consultation.slug, "privacy"])

    then = client_for(observer).get(url, {"version": "v1"}).content.decode()
    now = client_for(observer).get(url).content.decode()

    assert f'href="{privacy}?version=v1">Privacy</a>' in then
    assert f'href="{privacy}">Privacy</a>' in now
