"""A consultation's home page: its details, what the draft holds, and where to go next."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(consultation):
    return reverse("consultation:home", args=[consultation.slug])


def test_shows_reference_title_status_marking_and_role(client_for, url, consultation, paper, expert):
    html = client_for(expert).get(url).content.decode()

    assert consultation.reference in html
    assert f'<h1 class="page-title">{consultation.title}</h1>' in html
    assert "consultation-status--open" in html
    assert "<dt>Your role</dt><dd>Expert</dd>" in html


def test_shows_the_counts_of_what_the_draft_holds(client_for, url, paper, observer):
    html = client_for(observer).get(url).content.decode()
    text = re.sub(r"\s+", " ", html)

    assert "3 solutions × 2 criteria" in text
    assert "1 disagreement</span> between text level and stars" in text
    assert "1 open · 1 resolved" in text
    assert "2 references" in text
    assert "3 sections" in text


@pytest.mark.parametrize(("role", "sees_import"), [("secretariat", True), ("expert", False), ("observer", False)])
def test_only_the_secretariat_is_offered_to_import_a_draft(request, client_for, url, consultation, role, sees_import):
    html = client_for(request.getfixturevalue(role)).get(url).content.decode()

    assert (reverse("consultation:import", args=[consultation.slug]) in html) is sees_import


def test_links_to_every_page_of_the_consultation(client_for, url, consultation, expert):
    html = client_for(expert).get(url).content.decode()

    for name in ("matrix", "draft", "open_items", "references"):
        assert reverse(f"consultation:{name}", args=[consultation.slug]) in html
