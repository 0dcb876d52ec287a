"""Adopting a rating from the solution page: the input on the solution as checkboxes, the closed rounds, the reason."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from consultation.models import Assessment, RoundAnswer
from tests.consultation.versions_fixtures import make_round, make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def basis(consultation, paper, expert):
    s1a = paper["solutions"][1]
    submitted = make_submission(consultation, expert, "Pilot in two apps")
    draft = make_submission(consultation, expert, "Still writing", submitted=False)
    withdrawn = make_submission(consultation, expert, "Withdrawn note", withdrawn=True)
    elsewhere = make_submission(consultation, expert, "About another solution")
    for submission in (submitted, draft, withdrawn):
        submission.solutions.add(s1a)
    elsewhere.solutions.add(paper["solutions"][2])
    round1 = make_round(consultation, 1)
    make_round(consultation, 2, closed=False)
    cell = paper["cells"][("1a", "privacy")]
    round1.cells.add(cell)
    for stars in (2, 3, 3):
        other = type(expert).objects.create(username=f"e{stars}{RoundAnswer.objects.count()}")
        RoundAnswer.objects.create(round=round1, assessment=cell, expert=other, stars=stars)
    return {"submitted": submitted, "round": round1, "cell": cell}


def change_url(consultation, key="privacy") -> str:
    return reverse("consultation:rating_change", args=[consultation.slug, "1a", key])


def test_the_form_offers_the_submitted_input_on_the_solution_and_the_closed_rounds(
    client_for, consultation, basis, secretariat
):
    html = (
        client_for(secretariat).get(reverse("consultation:solution", args=[consultation.slug, "1a"])).content.decode()
    )
    form = html.split('id="criterion-privacy"')[1].split("</form>")[0]

    assert f"#{basis['submitted'].pk} Pilot in two apps" in form
    assert "Still writing" not in form and "Withdrawn note" not in form and "About another solution" not in form
    assert '<option value="1">Round 1</option>' in form and "Round 2" not in form
    assert re.search(r"Round 1: 3 answers.*median 3", form)


def test_the_secretariat_adopts_a_rating_with_its_reason_evidence_and_round(
    client_for, consultation, basis, secretariat
):
    response = client_for(secretariat).post(
        change_url(consultation),
        {
            "stars": "3",
            "level": "Medium",
            "rationale": "Adopted.",
            "reason": "Round 1 median, see the pilot",
            "evidence": [str(basis["submitted"].pk)],
            "round": "1",
            "revision": "1",
        },
    )

    assert response.status_code == 302
    revision = basis["cell"].revisions.get(number=2)
    assert (revision.stars, revision.source, revision.round.number) == (3, "round", 1)
    assert list(revision.evidence.all()) == [basis["submitted"]]
    history = (
        client_for(secretariat)
        .get(reverse("consultation:cell_history", args=[consultation.slug, "1a", "privacy"]))
        .content.decode()
    )
    assert "Pilot in two apps" in history and "round 1" in history


def test_a_second_secretariat_member_editing_the_same_cell_is_told_and_loses_nothing(
    client_for, consultation, basis, secretariat
):
    data = {"stars": "4", "level": "Medium-high", "rationale": "", "revision": "1", "round": "1"}
    first = client_for(secretariat).post(change_url(consultation), {**data, "reason": "First"})
    assert first.status_code == 302

    second = client_for(secretariat).post(
        change_url(consultation), {**data, "stars": "2", "reason": "Second", "evidence": [str(basis["submitted"].pk)]}
    )

    assert second.status_code == 409
    html = second.content.decode()
    assert "Someone else changed this rating while you were editing it" in html
    assert re.search(rf'value="{basis["submitted"].pk}"[^>]*checked', html)
    assert "Second" in html
    cell = Assessment.objects.get(pk=basis["cell"].pk)
    assert (cell.stars, cell.revision) == (4, 2)


def test_input_that_is_not_offered_is_refused_with_a_message(client_for, consultation, basis, secretariat):
    response = client_for(secretariat).post(
        change_url(consultation),
        {"stars": "3", "reason": "x", "revision": "1", "evidence": ["999999"], "round": "2"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Submission 999999 is not submitted input on this solution." in html
    assert "Round 2 is not a closed round of this consultation." in html
