"""A criterion's page: its guiding question, how each solution is rated against it, the input linked to it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def privacy_url(consultation):
    return reverse("consultation:criterion", args=[consultation.slug, "privacy"])


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("outsider", 404), ("observer", 200), ("expert", 200), ("secretariat", 200)],
)
def test_every_member_reads_a_criterion_and_nobody_else(client_for, privacy_url, paper, request, who, expected):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = client_for(user).get(privacy_url)

    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_the_page_gives_the_question_and_each_solutions_rating(client_for, privacy_url, paper, expert):
    html = client_for(expert).get(privacy_url).content.decode()

    assert "Does it keep messages confidential?" in html
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    assert rows.index("0a") < rows.index("1a") < rows.index("1b")
    assert "Medium-low" in rows and "Not applicable" in rows
    assert (
        reverse("consultation:solution", args=[paper["solutions"][1].consultation.slug, "1a"]) + "#criterion-privacy"
        in rows
    )


def test_without_input_the_page_says_so(client_for, privacy_url, paper, expert):
    html = client_for(expert).get(privacy_url).content.decode()

    assert "No input you can see is linked to it yet." in html


def test_an_unknown_criterion_is_a_404(client_for, consultation, paper, expert):
    assert (
        client_for(expert).get(reverse("consultation:criterion", args=[consultation.slug, "speed"])).status_code == 404
    )


def test_the_matrix_links_each_criterion_to_its_page(client_for, consultation, paper, observer):
    html = client_for(observer).get(reverse("consultation:matrix", args=[consultation.slug])).content.decode()

    for key in ("effectiveness", "privacy"):
        assert reverse("consultation:criterion", args=[consultation.slug, key]) in html
