"""A cell's timeline: every revision with who, when, why, source, round and evidence, and an SVG chart."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultation.models import Membership, Role
from consultation.services import assessment_revise
from tests.consultation.versions_fixtures import at, build_history, history_fixture  # noqa: F401
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(consultation, code="1a", key="eff") -> str:
    return reverse("consultation:cell_history", args=[consultation.slug, code, key])


def test_every_revision_is_listed_oldest_first_with_its_basis(client_for, history, secretariat):
    html = client_for(secretariat).get(url(history.consultation)).content.decode()

    rows = re.findall(r'<tr id="revision-(\d+)">(.*?)</tr>', html, re.S)
    assert [n for n, _ in rows] == ["1", "2", "3"]
    first, second, third = (row for _, row in rows)
    assert "Import" in first and "Imported from draft-v1.txt" in first and "3 of 5 stars" in first
    assert "Rating round" in second and "round 1" in second and "Sam Secretary" in second
    assert f"#{history.evidence['A'].pk} Field test results" in second
    assert "▲</span> up" in second and "▲</span> up" in third
    assert "New study" in third and "5 of 5 stars" in third


def test_cited_input_is_named_only_to_those_who_may_read_it(client_for, history, observer):
    pk = history.evidence["A"].pk
    hidden = client_for(observer).get(url(history.consultation)).content.decode()

    assert f"#{pk} (input not shared with you)" in hidden and "Field test results" not in hidden

    history.consultation.observers_see_input = True
    history.consultation.save()
    shown = client_for(observer).get(url(history.consultation)).content.decode()
    assert f'href="/c/{history.consultation.slug}/submissions/{pk}/">#{pk} Field test results</a>' in shown


def test_the_chart_is_inline_svg_with_a_title_and_a_point_per_revision(client_for, history, expert):
    html = client_for(expert).get(url(history.consultation)).content.decode()

    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "Stars of 1a for Effectiveness over time" in svg
    assert svg.count("<circle") == 3
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_the_solution_page_links_each_rating_to_its_timeline(client_for, history, expert):
    page = client_for(expert).get(reverse("consultation:solution", args=[history.consultation.slug, "1a"]))

    assert f'href="{url(history.consultation)}"' in page.content.decode()


def test_a_cell_never_rated_says_so(client_for, history, expert):
    from consultation.models import Criterion

    Criterion.objects.create(consultation=history.consultation, key="cost", name="Cost", order=9)
    html = client_for(expert).get(url(history.consultation, key="cost")).content.decode()

    assert "This cell has not been rated yet." in html and "<svg" not in html


def test_unknown_cells_and_non_members_get_404(client_for, history, expert, outsider):
    assert client_for(expert).get(url(history.consultation, code="9z")).status_code == 404
    assert client_for(outsider).get(url(history.consultation)).status_code == 404
    assert client_for(None).get(url(history.consultation)).status_code == 302


def _queries(client_for, revisions: int) -> int:
    consultation = ConsultationFactory()
    sec, exp = UserFactory(), UserFactory()
    Membership.objects.create(consultation=consultation, user=exp, role=Role.EXPERT)
    history = build_history(consultation, sec, exp)
    for n in range(revisions):
        assessment_revise(
            assessment=history.cells[("1a", "eff")], stars=n % 5 + 1, level="Medium", rationale=str(n),
            reason=f"r{n}", user=sec, when=at("2024-07-01").replace(minute=n % 60, second=n // 60),
        )  # fmt: skip
    client = client_for(exp)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url(consultation)).content.decode()
    assert html.count('<tr id="revision-') == 3 + revisions
    return len(captured.captured_queries)


def test_the_page_takes_the_same_number_of_queries_for_a_short_and_a_long_history(client_for):
    assert _queries(client_for, 1) == _queries(client_for, 40)
