"""The reference annex, by group and number, with authors, title, venue, year, link and solutions."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def html(client_for, consultation, paper, observer):
    return client_for(observer).get(reverse("consultation:references", args=[consultation.slug])).content.decode()


def test_references_are_grouped_in_the_annexs_order(html):
    groups = re.findall(r'<h2 class="h4" id="ref-group-\d+">([^<]+?) <span', html)

    assert groups == ["General", "Device related"]


def test_an_entry_shows_authors_italic_title_venue_year_link_and_solutions(html, consultation):
    entry = re.search(r'<li value="1" id="ref-1-1">(.*?)</li>', html, re.S).group(1)

    assert "Abelson, H. et al." in entry and "al.." not in entry
    assert '<cite class="reference__title">Bugs in our pockets.</cite>' in entry
    assert "Journal of Cybersecurity" in entry and "2024" in entry
    assert '<a class="reference__url" href="https://example.org/bugs" rel="noopener noreferrer">' in entry
    solution_url = reverse("consultation:solution", args=[consultation.slug, "1a"])
    assert f'href="{solution_url}"' in entry
    assert re.findall(r'class="solution-chip"[^>]*>(\w+)</a>', entry) == ["1a", "1b"]


def test_a_url_that_is_not_http_never_becomes_a_link(html):
    entry = re.search(r'<li value="1" id="ref-2-1">(.*?)</li>', html, re.S).group(1)

    assert "javascript:" not in entry
    assert "<a " not in entry
