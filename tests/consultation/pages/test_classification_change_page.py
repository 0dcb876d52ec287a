"""The secretariat changes a solution's overall classification from the solution page, as a new revision."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from consultation.models import Classification, ClassificationRevision
from consultation.services import classification_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def classification(paper):
    """1b: Discard, at revision 2."""
    return Classification.objects.get(solution=paper["solutions"][2])


@pytest.fixture
def solution_url(consultation):
    return reverse("consultation:solution", args=[consultation.slug, "1b"])


@pytest.fixture
def url(consultation):
    return reverse("consultation:classification_change", args=[consultation.slug, "1b"])


def _input(**overrides) -> dict:
    return {"value": "needs_research", "reason": "New evidence from the Presidency paper", "revision": "2", **overrides}


def _block(html: str) -> str:
    match = re.search(r'<section class="panel mb-4 change-target" id="classification".*?</section>', html, re.S)
    assert match, "no classification block"
    return match.group(0)


def _revisions(classification) -> list[int]:
    return list(
        ClassificationRevision.objects.filter(classification=classification)
        .order_by("number")
        .values_list("number", flat=True)
    )


def test_the_change_is_posted_to_the_solutions_classification_address(url, consultation):
    assert url == f"/c/{consultation.slug}/solutions/1b/classification/"


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_changes(client_for, url, classification):
    response = client_for(None).post(url, _input())

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL) + "?next=")
    assert _revisions(classification) == [1, 2]


@pytest.mark.parametrize(("role", "status"), [("expert", 403), ("observer", 403), ("outsider", 404)])
def test_only_the_secretariat_may_change_a_classification(request, client_for, url, classification, role, status):
    response = client_for(request.getfixturevalue(role)).post(url, _input())

    assert response.status_code == status
    assert _revisions(classification) == [1, 2]


@pytest.mark.parametrize("role", ["expert", "observer"])
def test_experts_and_observers_see_no_change_form(request, client_for, solution_url, classification, role):
    html = client_for(request.getfixturevalue(role)).get(solution_url).content.decode()

    assert "Change the classification" not in html


def test_the_secretariat_sees_the_form_with_the_current_value(
    client_for, solution_url, url, classification, secretariat
):
    block = _block(client_for(secretariat).get(solution_url).content.decode())

    assert "<summary>Change the classification" in block
    assert f'action="{url}"' in block
    assert '<option value="discard" selected>Discard</option>' in block
    assert '<input type="hidden" name="revision" value="2"' in block
    assert '<label class="form-label" for="id_classification_reason">Reason for the change</label>' in block


def test_the_secretariat_records_a_revision_with_the_reason_and_the_user(
    client_for, solution_url, url, classification, secretariat
):
    client = client_for(secretariat)

    response = client.post(url, _input())

    assert response.status_code == 302
    assert response.url == f"{solution_url}#classification"
    classification.refresh_from_db()
    assert (classification.value, classification.revision) == ("needs_research", 3)
    revision = ClassificationRevision.objects.get(classification=classification, number=3)
    assert (revision.value, revision.reason, revision.created_by, revision.source) == (
        "needs_research",
        "New evidence from the Presidency paper",
        secretariat,
        "manual",
    )
    block = _block(client.get(response.url).content.decode())
    assert "Revision 3 recorded: classification of 1b, now Needs research." in block
    assert "New evidence from the Presidency paper" in block


def test_a_missing_reason_is_an_error_and_nothing_is_saved(client_for, url, classification, secretariat):
    response = client_for(secretariat).post(url, _input(reason=""))

    block = _block(response.content.decode())
    assert response.status_code == 400
    assert "Say why it changes: the reason is kept with the revision." in block
    assert 'aria-describedby="id_classification_reason_helptext id_classification_reason_error"' in block
    assert '<option value="needs_research" selected>Needs research</option>' in block
    assert _revisions(classification) == [1, 2]


def test_an_unknown_classification_is_refused(client_for, url, classification, secretariat):
    response = client_for(secretariat).post(url, _input(value="maybe"))

    assert response.status_code == 400
    assert "“maybe” is not a classification" in response.content.decode()
    assert _revisions(classification) == [1, 2]


def test_a_change_made_meanwhile_survives_and_the_user_keeps_their_input(
    client_for, consultation, paper, url, classification, secretariat
):
    classification_change(
        consultation=consultation, solution=paper["solutions"][2], user=secretariat, value="top3", reason="Other tab"
    )

    response = client_for(secretariat).post(url, _input(reason="My reason, typed with care."))

    block = _block(response.content.decode())
    assert response.status_code == 409
    assert "Someone else changed this classification while you were editing it; your change was not saved." in block
    assert "It now stands at revision 3, by Sam Secretary" in block
    assert '<span class="classification classification--top3">Top 3</span>' in block
    assert "My reason, typed with care.</textarea>" in block
    assert '<option value="needs_research" selected>Needs research</option>' in block
    assert '<input type="hidden" name="revision" value="3"' in block
    classification.refresh_from_db()
    assert (classification.value, classification.revision) == ("top3", 3)


def test_a_change_that_changes_nothing_records_no_revision(client_for, solution_url, url, classification, secretariat):
    client = client_for(secretariat)

    client.post(url, _input(value="discard"))

    assert _revisions(classification) == [1, 2]
    assert "Nothing changed; no revision recorded." in _block(client.get(solution_url).content.decode())


def test_a_closed_consultation_refuses_the_change(
    client_for, consultation, solution_url, url, classification, secretariat
):
    consultation.status = "closed"
    consultation.save()
    client = client_for(secretariat)
    assert "Change the classification" not in client.get(solution_url).content.decode()

    response = client.post(url, _input(reason="Typed before it closed."))

    block = _block(response.content.decode())
    assert response.status_code == 409
    assert "The consultation is closed: it can be read but not changed, so nothing was saved." in block
    assert "Typed before it closed.</textarea>" in block
    assert _revisions(classification) == [1, 2]


def test_a_solution_never_classified_gets_its_first_revision(client_for, consultation, paper, secretariat):
    paper["solutions"][0].classification.delete()
    url = reverse("consultation:classification_change", args=[consultation.slug, "0a"])

    response = client_for(secretariat).post(url, _input(value="discard", revision="0"))

    assert response.status_code == 302
    classification = Classification.objects.get(solution=paper["solutions"][0])
    assert (classification.value, classification.revision, classification.changed_by) == ("discard", 1, secretariat)


def test_an_unknown_solution_is_a_404(client_for, consultation, paper, secretariat):
    url = reverse("consultation:classification_change", args=[consultation.slug, "9z"])

    assert client_for(secretariat).post(url, _input()).status_code == 404
