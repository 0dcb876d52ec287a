"""A solution's page: classification with its history, every criterion's rating with its history, references."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def html(client_for, consultation, paper, expert):
    url = reverse("consultation:solution", args=[consultation.slug, "1a"])
    return client_for(expert).get(url).content.decode()


def _criterion(html: str, key: str) -> str:
    match = re.search(rf'<section class="criterion-rating[^"]*" id="criterion-{key}".*?</section>', html, re.S)
    assert match, f"no criterion {key}"
    return match.group(0)


def test_shows_title_group_and_the_section_that_describes_it(html, consultation):
    assert '<span class="solution-code">1a</span> All detection on device' in html
    assert "1) Device related" in html
    draft_url = reverse("consultation:draft", args=[consultation.slug])
    assert f'href="{draft_url}#section-3-1"' in html


def test_each_criterion_has_an_anchor_with_stars_level_and_rationale(html):
    privacy = _criterion(html, "privacy")

    assert "2 of 5 stars" in privacy
    assert "<strong>Medium-low</strong>" in privacy
    assert "Rationale of 1a for Privacy." in privacy
    assert "Does it keep messages confidential?" in privacy


def test_a_disagreeing_rating_is_marked(html):
    effectiveness = _criterion(html, "effectiveness")

    assert "criterion-rating--disagrees" in effectiveness
    assert "text says Medium-high (4★)" in effectiveness
    assert "criterion-rating--disagrees" not in _criterion(html, "privacy")


def test_the_history_of_a_rating_lists_every_revision_oldest_first(html):
    effectiveness = _criterion(html, "effectiveness")
    rows = re.findall(r'<tr>\s*<th scope="row">(\d+)</th>(.*?)</tr>', effectiveness, re.S)

    assert [number for number, _ in rows] == ["1", "2"]
    first, second = rows[0][1], rows[1][1]
    assert "10 Jan 2024, 12:00" in first and "Import" in first and "Imported from the first draft" in first
    assert "3 of 5 stars" in first and "Medium" in first
    assert "8 May 2024, 12:00" in second and "Sam Secretary" in second and "Manual" in second
    assert "Adopted after round 1" in second and "5 of 5 stars" in second and "Medium-high" in second


def test_the_classification_is_shown_with_its_history(client_for, consultation, paper, observer):
    url = reverse("consultation:solution", args=[consultation.slug, "1b"])
    html = client_for(observer).get(url).content.decode()

    classification = re.search(r'aria-labelledby="classification-heading">(.*?)</section>', html, re.S).group(1)
    assert '<span class="classification classification--discard">Discard</span>' in classification
    values = re.findall(r"<td>(Needs research|Discard)</td>", classification)
    assert values == ["Needs research", "Discard"]
    assert "Experts found it unsafe" in classification


def test_the_references_linked_to_the_solution_are_listed(html, consultation):
    references_url = reverse("consultation:references", args=[consultation.slug])

    assert f'href="{references_url}#ref-1-1"' in html
    assert "<cite>Bugs in our pockets</cite>" in html
    assert "A report without a link" not in html


def test_a_solution_without_references_or_classification_says_so(client_for, consultation, paper, expert):
    paper["solutions"][0].classification.delete()
    html = client_for(expert).get(reverse("consultation:solution", args=[consultation.slug, "0a"])).content.decode()

    assert "Not classified" in html
    assert "No reference is linked to this solution." in html


def test_the_page_takes_a_constant_number_of_queries(
    client_for, consultation, paper, expert, django_assert_max_num_queries
):
    url = reverse("consultation:solution", args=[consultation.slug, "1a"])
    client = client_for(expert)

    with django_assert_max_num_queries(14):  # 12, the versions offered by the version selector, the access trail
        client.get(url)
