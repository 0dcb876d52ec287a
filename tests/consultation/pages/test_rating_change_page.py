"""The secretariat changes a rating cell from the solution page: a new revision with its reason, never a lost change."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from consultation.models import Assessment, AssessmentRevision
from consultation.services import rating_change
from tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cell(paper):
    """1a x privacy: 2 stars, Medium-low, at revision 1."""
    return paper["cells"][("1a", "privacy")]


@pytest.fixture
def solution_url(consultation):
    return reverse("consultation:solution", args=[consultation.slug, "1a"])


@pytest.fixture
def url(consultation):
    return reverse("consultation:rating_change", args=[consultation.slug, "1a", "privacy"])


def _input(**overrides) -> dict:
    data = {
        "stars": "3",
        "level": "Medium",
        "rationale": "Client-side matching leaks less than thought.",
        "reason": "Expert input of round 1",
        "revision": "1",
    }
    return {**data, **overrides}


def _criterion(html: str, key: str) -> str:
    match = re.search(rf'<section class="criterion-rating[^"]*" id="criterion-{key}".*?</section>', html, re.S)
    assert match, f"no criterion {key}"
    return match.group(0)


def _revisions(cell) -> list[int]:
    return list(AssessmentRevision.objects.filter(assessment=cell).order_by("number").values_list("number", flat=True))


def test_the_change_is_posted_to_the_cells_address(url, consultation):
    assert url == f"/c/{consultation.slug}/solutions/1a/ratings/privacy/"


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_changes(client_for, url, cell):
    response = client_for(None).post(url, _input())

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL) + "?next=")
    assert _revisions(cell) == [1]


@pytest.mark.parametrize(("role", "status"), [("expert", 403), ("observer", 403), ("outsider", 404)])
def test_only_the_secretariat_may_change_a_rating(request, client_for, url, cell, role, status):
    response = client_for(request.getfixturevalue(role)).post(url, _input())

    assert response.status_code == status
    assert _revisions(cell) == [1]


@pytest.mark.parametrize("role", ["expert", "observer"])
def test_experts_and_observers_see_no_change_form(request, client_for, solution_url, cell, role):
    html = client_for(request.getfixturevalue(role)).get(solution_url).content.decode()

    assert "Change this rating" not in html
    assert "rating-levels" not in html


def test_the_secretariat_sees_a_form_per_criterion_filled_with_the_current_value(
    client_for, solution_url, url, cell, secretariat
):
    html = client_for(secretariat).get(solution_url).content.decode()

    privacy = _criterion(html, "privacy")
    assert "<summary>Change this rating" in privacy
    assert f'action="{url}"' in privacy
    assert '<option value="2" selected>' in privacy
    assert 'name="level" value="Medium-low"' in privacy
    assert 'list="rating-levels"' in privacy
    assert "Rationale of 1a for Privacy.</textarea>" in privacy
    assert '<input type="hidden" name="revision" value="1"' in privacy
    assert '<label class="form-label" for="id_rating-privacy_reason">Reason for the change</label>' in privacy
    assert "<summary>Change this rating" in _criterion(html, "effectiveness")
    assert '<option value="Medium/Medium-low">' in html


def test_the_secretariat_records_a_revision_with_the_reason_and_the_user(
    client_for, solution_url, url, cell, secretariat
):
    client = client_for(secretariat)

    response = client.post(url, _input())

    assert response.status_code == 302
    assert response.url == f"{solution_url}#criterion-privacy"
    cell.refresh_from_db()
    assert (cell.stars, cell.level, cell.rationale, cell.revision) == (
        3,
        "Medium",
        "Client-side matching leaks less than thought.",
        2,
    )
    revision = AssessmentRevision.objects.get(assessment=cell, number=2)
    assert (revision.reason, revision.created_by, revision.source, revision.stars) == (
        "Expert input of round 1",
        secretariat,
        "manual",
        3,
    )
    privacy = _criterion(client.get(response.url).content.decode(), "privacy")
    assert "Revision 2 recorded: Privacy of 1a." in privacy
    assert "Expert input of round 1" in privacy


def test_not_applicable_is_recorded_as_no_stars(client_for, url, cell, secretariat):
    client_for(secretariat).post(url, _input(stars="na", level="Not applicable"))

    cell.refresh_from_db()
    assert (cell.stars, cell.level, cell.revision) == (None, "Not applicable", 2)


def test_a_missing_reason_is_an_error_on_that_form_and_nothing_is_saved(client_for, url, cell, secretariat):
    response = client_for(secretariat).post(url, _input(reason="  ", rationale="My long rationale."))

    html = response.content.decode()
    privacy = _criterion(html, "privacy")
    assert response.status_code == 400
    assert "Say why it changes: the reason is kept with the revision." in privacy
    assert '<details class="change-form" open>' in privacy
    assert 'aria-describedby="id_rating-privacy_reason_helptext id_rating-privacy_reason_error"' in privacy
    assert 'id="id_rating-privacy_reason_error"' in privacy
    assert "My long rationale.</textarea>" in privacy
    assert '<option value="3" selected>' in privacy
    assert "The rating was not saved." in privacy
    assert '<details class="change-form" open>' not in _criterion(html, "effectiveness")
    assert _revisions(cell) == [1]


@pytest.mark.parametrize("stars", ["7", "0", "three", ""])
def test_stars_other_than_1_to_5_or_na_are_refused(client_for, url, cell, secretariat, stars):
    response = client_for(secretariat).post(url, _input(stars=stars))

    assert response.status_code == 400
    assert "id_rating-privacy_stars_error" in response.content.decode()
    assert _revisions(cell) == [1]


def test_a_change_made_meanwhile_survives_and_the_user_keeps_their_input(
    client_for, consultation, paper, url, cell, secretariat
):
    client = client_for(secretariat)
    solution, criterion = paper["solutions"][1], paper["criteria"][1]
    rating_change(
        consultation=consultation,
        solution=solution,
        criterion=criterion,
        user=secretariat,
        stars=4,
        level="Medium-high",
        reason="The other tab",
        expected_revision=1,
    )

    response = client.post(url, _input(rationale="My rationale, typed with care."))

    privacy = _criterion(response.content.decode(), "privacy")
    assert response.status_code == 409
    assert "Someone else changed this rating while you were editing it; your change was not saved." in privacy
    assert "It now stands at revision 2, by Sam Secretary" in privacy
    assert "4 of 5 stars" in privacy and "<strong>Medium-high</strong>" in privacy
    assert "My rationale, typed with care.</textarea>" in privacy
    assert '<option value="3" selected>' in privacy
    assert '<input type="hidden" name="revision" value="2"' in privacy
    cell.refresh_from_db()
    assert (cell.stars, cell.level, cell.revision) == (4, "Medium-high", 2)
    assert _revisions(cell) == [1, 2]


def test_saving_again_after_a_stale_form_records_the_change_on_top(
    client_for, consultation, paper, url, cell, secretariat
):
    client = client_for(secretariat)
    rating_change(
        consultation=consultation,
        solution=paper["solutions"][1],
        criterion=paper["criteria"][1],
        user=secretariat,
        stars=4,
        reason="The other tab",
    )
    client.post(url, _input(revision="1"))

    response = client.post(url, _input(revision="2"))

    assert response.status_code == 302
    cell.refresh_from_db()
    assert (cell.stars, cell.revision) == (3, 3)


def test_a_change_that_changes_nothing_records_no_revision(client_for, solution_url, url, cell, secretariat):
    client = client_for(secretariat)

    response = client.post(
        url, _input(stars="2", level="Medium-low", rationale="Rationale of 1a for Privacy.", reason="Checked")
    )

    assert response.status_code == 302
    assert _revisions(cell) == [1]
    assert "Nothing changed; no revision recorded." in client.get(solution_url).content.decode()


def test_a_rationale_sent_back_with_browser_line_ends_is_not_a_change(client_for, url, cell, secretariat):
    cell.rationale = "First line.\nSecond line."
    cell.save()

    client_for(secretariat).post(
        url, _input(stars="2", level="Medium-low", rationale="First line.\r\nSecond line.", reason="Checked")
    )

    assert _revisions(cell) == [1]


@pytest.mark.parametrize("status", ["closed", "archived"])
def test_a_closed_consultation_refuses_the_change_and_keeps_the_input(
    client_for, consultation, solution_url, url, cell, secretariat, status
):
    consultation.status = status
    consultation.save()
    client = client_for(secretariat)
    assert "Change this rating" not in client.get(solution_url).content.decode()

    response = client.post(url, _input(rationale="Typed before it closed."))

    privacy = _criterion(response.content.decode(), "privacy")
    assert response.status_code == 409
    assert f"The consultation is {status}: it can be read but not changed, so nothing was saved." in privacy
    assert "Typed before it closed.</textarea>" in privacy
    assert _revisions(cell) == [1]


def test_a_criterion_never_rated_gets_its_first_revision(client_for, consultation, paper, secretariat):
    CriterionFactory(consultation=consultation, key="security", name="Security", order=3)
    url = reverse("consultation:rating_change", args=[consultation.slug, "1a", "security"])
    solution_url = reverse("consultation:solution", args=[consultation.slug, "1a"])
    client = client_for(secretariat)
    security = _criterion(client.get(solution_url).content.decode(), "security")
    assert "Not rated yet." in security
    assert '<input type="hidden" name="revision" value="0"' in security

    response = client.post(url, _input(stars="4", level="Medium-high", revision="0"))

    assert response.status_code == 302
    cell = Assessment.objects.get(solution__code="1a", criterion__key="security")
    assert (cell.stars, cell.revision, cell.changed_by) == (4, 1, secretariat)


def test_an_unknown_criterion_is_a_404(client_for, consultation, paper, secretariat):
    url = reverse("consultation:rating_change", args=[consultation.slug, "1a", "speed"])

    assert client_for(secretariat).post(url, _input()).status_code == 404


def test_opening_the_address_leads_back_to_the_cell(client_for, solution_url, url, cell, secretariat):
    response = client_for(secretariat).get(url)

    assert response.status_code == 302
    assert response.url == f"{solution_url}#criterion-privacy"


def test_the_secretariats_page_with_its_change_forms_takes_no_more_queries_than_a_readers(
    client_for, solution_url, cell, secretariat, django_assert_max_num_queries
):
    client = client_for(secretariat)

    # A reader's 13, plus the input and the closed rounds a change may rest on (and, with rounds, their figures),
    # plus the cells' own evidence lists (input proposing ratings, excerpts: two queries).
    with django_assert_max_num_queries(19):
        html = client.get(solution_url).content.decode()

    assert html.count("<summary>Change this rating") == 2
