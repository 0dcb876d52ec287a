"""The comparison page: two versions or dates, cell by cell, with up and down said in words."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultation.models import Membership, Role
from tests.consultation.versions_fixtures import build_history, history_fixture  # noqa: F401
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(consultation) -> str:
    return reverse("consultation:compare", args=[consultation.slug])


def _row(html: str, key: str) -> str:
    match = re.search(rf'<tr class="diff-row[^"]*" id="diff-{key}">(.*?)</tr>', html, re.S)
    assert match, f"no row {key}"
    return match.group(1)


def test_without_a_choice_the_latest_version_is_compared_with_the_one_before(client_for, history, expert):
    html = client_for(expert).get(url(history.consultation)).content.decode()

    assert "From v1 as circulated to v2 after round 1" in html
    assert "3 ratings changed, 1 up, 1 down" in html
    up = _row(html, "1a-eff")
    assert "▲</span> up" in up and "Medium" in up and "Medium-high" in up
    assert "Round 1 consensus" in up and "round 1" in up and "Sam Secretary" in up
    assert f"#{history.evidence['A'].pk} Field test results" in up
    assert "▼</span> down" in _row(html, "1b-eff")
    assert "Reworded" in _row(html, "1a-priv") and "unchanged" in _row(html, "1a-priv")
    assert "1b-priv" not in html  # changed and changed back in between
    assert re.search(r"Needs research.*?<strong>Top 3</strong>", html, re.S)


def test_a_version_can_be_compared_with_a_date_or_now(client_for, history, expert):
    html = client_for(expert).get(url(history.consultation), {"from": "v2 after round 1", "to": "now"}).content.decode()

    assert "From v2 after round 1 to now" in html
    assert "1 rating changed, 1 up" in html
    assert "New study" in _row(html, "1a-eff")

    dated = client_for(expert).get(url(history.consultation), {"from": "2024-01-31", "to": "2024-03-31"})
    assert "1 rating changed, 1 up" in dated.content.decode()


def test_the_two_moments_may_be_given_in_either_order(client_for, history, expert):
    html = (
        client_for(expert)
        .get(url(history.consultation), {"from": "v2 after round 1", "to": "v1 as circulated"})
        .content.decode()
    )

    assert "From v1 as circulated to v2 after round 1" in html


def test_an_unknown_version_is_a_400_that_keeps_the_input(client_for, history, expert):
    response = client_for(expert).get(url(history.consultation), {"from": "v9", "to": "now"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "&quot;v9&quot; is neither a version of this consultation nor a date" in html
    assert 'value="v9"' in html


def test_nothing_between_two_moments_says_so(client_for, history, expert):
    html = client_for(expert).get(url(history.consultation), {"from": "2023-01-01", "to": "2023-06-01"}).content
    assert "Nothing changed between these two moments." in html.decode()


def test_a_consultation_without_versions_asks_for_two_moments(client_for, consultation, expert):
    html = client_for(expert).get(url(consultation)).content.decode()
    assert "Choose two versions or dates to compare." in html


def test_non_members_get_404_and_anonymous_users_sign_in_first(client_for, history, outsider):
    assert client_for(outsider).get(url(history.consultation)).status_code == 404
    assert client_for(None).get(url(history.consultation)).status_code == 302


def _queries(client_for, extra_solutions: int) -> int:
    consultation = ConsultationFactory()
    sec, exp = UserFactory(), UserFactory()
    Membership.objects.create(consultation=consultation, user=exp, role=Role.EXPERT)
    history = build_history(consultation, sec, exp)
    from consultation.services import assessment_revise
    from tests.consultation.versions_fixtures import at
    from tests.factories import AssessmentFactory, SolutionFactory

    group = history.solutions["1a"].group
    for i in range(extra_solutions):
        solution = SolutionFactory(consultation=consultation, group=group, code=f"9{i}", order=10 + i)
        for criterion in history.criteria.values():
            cell = AssessmentFactory(consultation=consultation, solution=solution, criterion=criterion)
            for n, when in enumerate((at("2024-01-01"), at("2024-03-01"))):
                assessment_revise(
                    assessment=cell, stars=n + 1, level="Low", rationale="", reason="r", user=sec, when=when
                )
    client = client_for(exp)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url(consultation)).content.decode()
    assert html.count('<tr class="diff-row') == 3 + 2 * extra_solutions
    return len(captured.captured_queries)


def test_the_page_takes_the_same_number_of_queries_for_a_small_and_a_larger_comparison(client_for):
    assert _queries(client_for, 1) == _queries(client_for, 15)
