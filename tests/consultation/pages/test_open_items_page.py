"""The open items of the draft, with their place, status and resolution, filtered by status."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(consultation):
    return reverse("consultation:open_items", args=[consultation.slug])


def _prompts(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', html)


def test_lists_every_item_with_section_place_status_and_resolution(client_for, url, consultation, paper, observer):
    html = client_for(observer).get(url).content.decode()

    assert _prompts(html) == ["Which solution first?", "Which other considerations?"]
    draft_url = reverse("consultation:draft", args=[consultation.slug])
    assert f'href="{draft_url}#section-3">3 Possible solutions</a>' in html
    assert "After the recommendations" in html
    assert '<span class="status-badge status--open">Open</span>' in html
    assert '<span class="status-badge status--resolved">Resolved</span>' in html
    assert "Covered by the new annex." in html


@pytest.mark.parametrize(
    ("status", "expected"),
    [("open", ["Which solution first?"]), ("resolved", ["Which other considerations?"]), ("in_progress", [])],
)
def test_filtering_by_status_shows_only_those_items(client_for, url, paper, expert, status, expected):
    html = client_for(expert).get(url, {"status": status}).content.decode()

    assert _prompts(html) == expected
    assert f'<option value="{status}" selected>' in html


def test_an_unknown_status_is_reported_and_everything_is_shown(client_for, url, paper, expert):
    html = client_for(expert).get(url, {"status": "closed"}).content.decode()

    assert "“closed” is not a status of open items" in html
    assert len(_prompts(html)) == 2


def test_a_draft_without_open_items_says_so(client_for, url, expert):
    html = client_for(expert).get(url).content.decode()

    assert "The draft has no open items." in html
