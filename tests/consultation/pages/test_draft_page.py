"""The draft: a table of contents, then each section's text with its footnotes; all text escaped."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def html(client_for, consultation, paper, expert):
    return client_for(expert).get(reverse("consultation:draft", args=[consultation.slug])).content.decode()


def test_the_table_of_contents_links_to_each_section_in_order(html):
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)

    assert re.findall(r'href="#(section-[\w-]+)"', toc) == ["section-1", "section-3", "section-3-1"]
    assert re.findall(r'<section class="draft-section[^"]*" id="(section-[\w-]+)"', html) == [
        "section-1",
        "section-3",
        "section-3-1",
    ]


def test_subsections_get_lower_heading_levels(html):
    assert re.search(r'<h2 class="draft-section__title" id="section-3-heading">', html)
    assert re.search(r'<h3 class="draft-section__title" id="section-3-1-heading">', html)


def test_text_is_shown_as_escaped_paragraphs(html):
    assert "<p>Why we ask.</p>" in html
    assert "<p>Second &lt;b&gt;paragraph&lt;/b&gt;.</p>" in html
    assert "<b>paragraph</b>" not in html


def test_footnotes_are_listed_under_their_section(html):
    introduction = re.search(r'<section class="draft-section[^"]*" id="section-1".*?</section>', html, re.S).group(0)

    assert '<li value="1" id="footnote-1">Detection means a provider&#x27;s own search.</li>' in introduction
    assert '<li value="2" id="footnote-2">Text is harder than images.</li>' in introduction


def test_a_consultation_without_a_draft_invites_the_secretariat_to_import_one(client_for, consultation, secretariat):
    html = client_for(secretariat).get(reverse("consultation:draft", args=[consultation.slug])).content.decode()

    assert "The draft has no sections yet." in html
    assert reverse("consultation:import", args=[consultation.slug]) in html
