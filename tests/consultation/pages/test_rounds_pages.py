"""The pages of rating rounds: the list and the consensus rule, opening, closing, answering and the results."""

from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultation.models import Assessment, Membership, Role, Round, RoundAnswer, RoundStatus, Status
from consultation.services.rounds import round_close, round_open
from tests.consultation.rounds_fixtures import answer, make_expert, make_grid
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def url(consultation, name, *args) -> str:
    return reverse(f"consultation:{name}", args=[consultation.slug, *args])


def local(when) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def grid(consultation):
    return make_grid(consultation)


@pytest.fixture
def open_round(consultation, secretariat, grid):
    now = timezone.now()
    return round_open(
        consultation=consultation,
        user=secretariat,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
    )


def _cell(round, code, key):
    return round.cells.get(solution__code=code, criterion__key=key)


def _answer_data(cell, choice="", comment="", **extra) -> dict:
    return {"cell": cell.pk, f"cell-{cell.pk}-answer": choice, f"cell-{cell.pk}-comment": comment, **extra}


# --- Who sees what -----------------------------------------------------------------------------------------


PAGES = [("rounds", ()), ("round_new", ()), ("round", (1,)), ("round_answer", (1,)), ("round_results", (1,))]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_and_non_members_get_404(
    consultation, open_round, client_for, outsider, name, args
):
    anonymous = client_for(None).get(url(consultation, name, *args))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert client_for(outsider).get(url(consultation, name, *args)).status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("secretariat", {"rounds": 200, "round_new": 200, "round": 200, "round_answer": 403, "round_results": 200}),
        ("observer", {"rounds": 200, "round_new": 403, "round": 200, "round_answer": 403, "round_results": 200}),
        ("expert", {"rounds": 200, "round_new": 403, "round": 200, "round_answer": 200, "round_results": 403}),
    ],
)
def test_each_role_reaches_its_pages_while_a_round_is_open(
    request, consultation, open_round, client_for, role, expected
):
    client = client_for(request.getfixturevalue(role))
    found = {name: client.get(url(consultation, name, *args)).status_code for name, args in PAGES}
    assert found == expected


def test_experts_read_the_results_once_the_round_is_closed(consultation, open_round, secretariat, expert, client_for):
    round_close(round=open_round, user=secretariat)
    client = client_for(expert)
    assert client.get(url(consultation, "round_results", 1)).status_code == 200
    assert "Results" in client.get(url(consultation, "rounds")).content.decode()


def test_the_rounds_page_is_in_the_navigation(consultation, grid, expert, client_for):
    html = client_for(expert).get(url(consultation, "matrix")).content.decode()
    assert f'href="{url(consultation, "rounds")}">Rounds</a>' in html


# --- Opening, closing, rescheduling ------------------------------------------------------------------------


def test_secretariat_opens_a_round_over_every_cell(consultation, grid, secretariat, client_for):
    now = timezone.now()
    response = client_for(secretariat).post(
        url(consultation, "round_new"),
        {"title": "First", "opens_at": local(now), "closes_at": local(now + timedelta(days=5)), "scope": "all"},
    )
    assert response.status_code == 302
    assert response["Location"] == url(consultation, "round", 1)
    round = Round.objects.get(consultation=consultation)
    assert (round.number, round.title, round.cells.count()) == (1, "First", 4)


def test_secretariat_opens_a_round_over_the_ticked_cells(consultation, grid, secretariat, client_for):
    now = timezone.now()
    response = client_for(secretariat).post(
        url(consultation, "round_new"),
        {
            "opens_at": local(now),
            "closes_at": local(now + timedelta(days=5)),
            "scope": "chosen",
            "cells": ["1a:privacy", "1b:effectiveness"],
        },
    )
    assert response.status_code == 302
    cells = Round.objects.get().cells.all()
    assert sorted((c.solution.code, c.criterion.key) for c in cells) == [("1a", "privacy"), ("1b", "effectiveness")]


def test_a_bad_round_is_sent_back_with_the_input_kept(consultation, grid, secretariat, client_for):
    now = timezone.now()
    response = client_for(secretariat).post(
        url(consultation, "round_new"),
        {
            "title": "Keep me",
            "opens_at": local(now + timedelta(days=2)),
            "closes_at": local(now + timedelta(days=1)),
            "scope": "chosen",
            "cells": ["1b:privacy"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The round must close after it opens." in html
    assert 'value="Keep me"' in html
    assert 'value="1b:privacy" id="cell-1b-privacy" checked' in html
    assert not Round.objects.exists()


def test_choosing_only_ticked_cells_needs_a_ticked_cell(consultation, grid, secretariat, client_for):
    now = timezone.now()
    response = client_for(secretariat).post(
        url(consultation, "round_new"),
        {"opens_at": local(now), "closes_at": local(now + timedelta(days=1)), "scope": "chosen"},
    )
    assert response.status_code == 400
    assert "Tick at least one cell" in response.content.decode()


def test_the_next_round_is_refused_while_one_is_open(consultation, open_round, secretariat, client_for):
    now = timezone.now()
    response = client_for(secretariat).post(
        url(consultation, "round_new"),
        {"opens_at": local(now), "closes_at": local(now + timedelta(days=1)), "scope": "all"},
    )
    assert response.status_code == 409
    assert "Round 1 is still open" in response.content.decode()


def test_secretariat_closes_a_round(consultation, open_round, secretariat, client_for):
    response = client_for(secretariat).post(url(consultation, "round", 1), {"action": "close"}, follow=True)
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CLOSED
    assert "Round 1 closed: the experts now see its figures." in response.content.decode()


@pytest.mark.parametrize("role", ["expert", "observer"])
def test_others_cannot_close_a_round(request, consultation, open_round, client_for, role):
    response = client_for(request.getfixturevalue(role)).post(url(consultation, "round", 1), {"action": "close"})
    assert response.status_code == 403
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN


def test_secretariat_moves_the_closing_time_and_a_bad_one_is_explained(
    consultation, open_round, secretariat, client_for
):
    client = client_for(secretariat)
    later = open_round.closes_at + timedelta(days=2)
    assert (
        client.post(url(consultation, "round", 1), {"action": "reschedule", "closes_at": local(later)}).status_code
        == 302
    )
    open_round.refresh_from_db()
    assert local(open_round.closes_at) == local(later)

    too_early = local(open_round.opens_at - timedelta(days=1))
    response = client.post(url(consultation, "round", 1), {"action": "reschedule", "closes_at": too_early})
    assert response.status_code == 400
    assert "The round must close after it opens." in response.content.decode()


# --- The consensus rule ------------------------------------------------------------------------------------


def test_secretariat_sets_the_consensus_rule(consultation, secretariat, client_for):
    data = {"rule-consensus_min_share": "80", "rule-consensus_max_iqr": "1.5", "rule-version": consultation.version}
    response = client_for(secretariat).post(url(consultation, "rounds"), data, follow=True)
    consultation.refresh_from_db()
    assert (consultation.consensus_min_share, str(consultation.consensus_max_iqr)) == (80, "1.5")
    assert "at least 80% within one star of the median and an IQR of at most 1.5" in response.content.decode()


def test_a_bad_or_stale_rule_is_refused_and_the_input_kept(consultation, secretariat, client_for):
    client = client_for(secretariat)
    bad = client.post(
        url(consultation, "rounds"),
        {"rule-consensus_min_share": "0", "rule-consensus_max_iqr": "1", "rule-version": consultation.version},
    )
    assert bad.status_code == 400
    stale = client.post(
        url(consultation, "rounds"),
        {
            "rule-consensus_min_share": "65",
            "rule-consensus_max_iqr": "1",
            "rule-version": consultation.version - 1 or 99,
        },
    )
    assert stale.status_code == 409
    assert 'value="65"' in stale.content.decode()
    consultation.refresh_from_db()
    assert consultation.consensus_min_share == 70


@pytest.mark.parametrize("role", ["expert", "observer"])
def test_only_the_secretariat_sets_the_rule(request, consultation, client_for, role):
    data = {"rule-consensus_min_share": "50", "rule-consensus_max_iqr": "2", "rule-version": consultation.version}
    assert client_for(request.getfixturevalue(role)).post(url(consultation, "rounds"), data).status_code == 403
    consultation.refresh_from_db()
    assert consultation.consensus_min_share == 70


def test_the_rule_does_not_change_in_a_closed_consultation(consultation, secretariat, client_for):
    consultation.status = Status.CLOSED
    consultation.save()
    data = {"rule-consensus_min_share": "50", "rule-consensus_max_iqr": "2", "rule-version": consultation.version}
    response = client_for(secretariat).post(url(consultation, "rounds"), data)
    assert response.status_code == 409
    consultation.refresh_from_db()
    assert consultation.consensus_min_share == 70


# --- Answering ---------------------------------------------------------------------------------------------


def test_the_answer_page_groups_cells_by_solution_and_counts_progress(consultation, open_round, expert, client_for):
    answer(open_round, _cell(open_round, "1a", "privacy"), expert, 3)
    html = client_for(expert).get(url(consultation, "round_answer", 1)).content.decode()
    assert "1 of 4 answered" in html
    assert html.count('class="answer-group"') == 2
    assert html.count('<form id="cell-') == 4
    assert 'hx-post="' + url(consultation, "round_answer", 1) + '"' in html


def test_an_expert_saves_one_cell_with_htmx_and_gets_its_status_and_the_progress(
    consultation, open_round, expert, client_for
):
    cell = _cell(open_round, "1a", "privacy")
    response = client_for(expert).post(
        url(consultation, "round_answer", 1), _answer_data(cell, "4", "Sound."), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saved: 1a × Privacy." in html
    assert 'id="round-progress"' in html and "1 of 4 answered" in html and 'hx-swap-oob="true"' in html
    saved = RoundAnswer.objects.get(expert=expert)
    assert (saved.assessment, saved.stars, saved.cannot_judge, saved.comment) == (cell, 4, False, "Sound.")


def test_without_javascript_a_saved_cell_leads_back_to_itself(consultation, open_round, expert, client_for):
    cell = _cell(open_round, "1b", "privacy")
    response = client_for(expert).post(url(consultation, "round_answer", 1), _answer_data(cell, "cannot_judge"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#cell-{cell.pk}")
    assert RoundAnswer.objects.get(expert=expert).cannot_judge is True


def test_a_comment_without_a_rating_is_explained_and_kept(consultation, open_round, expert, client_for):
    cell = _cell(open_round, "1a", "privacy")
    client = client_for(expert)
    htmx = client.post(
        url(consultation, "round_answer", 1), _answer_data(cell, "", "Unsure yet"), headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 400
    assert 'Choose 1 to 5 stars or "cannot judge" to go with your comment.' in unescape(htmx.content.decode())
    page = client.post(url(consultation, "round_answer", 1), _answer_data(cell, "", "Unsure yet"))
    assert page.status_code == 400
    assert "Unsure yet</textarea>" in page.content.decode()
    assert not RoundAnswer.objects.exists()


def test_clearing_a_cell_removes_the_answer(consultation, open_round, expert, client_for):
    cell = _cell(open_round, "1a", "privacy")
    answer(open_round, cell, expert, 2)
    response = client_for(expert).post(
        url(consultation, "round_answer", 1), _answer_data(cell, "2", "", clear="1"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "round-answer-cleared"
    assert "0 of 4 answered" in response.content.decode()
    assert not RoundAnswer.objects.exists()


def test_answers_to_a_closed_round_are_refused_with_409(consultation, open_round, secretariat, expert, client_for):
    round_close(round=open_round, user=secretariat)
    cell = _cell(open_round, "1a", "privacy")
    client = client_for(expert)
    response = client.post(
        url(consultation, "round_answer", 1), _answer_data(cell, "5"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert "Round 1 is closed" in response.content.decode()
    page = client.get(url(consultation, "round_answer", 1)).content.decode()
    assert "can no longer change" in page and '<fieldset class="answer-cell__body" disabled>' in page
    assert not RoundAnswer.objects.exists()


def test_a_cell_of_another_consultation_is_a_404(consultation, open_round, expert, client_for):
    other = ConsultationFactory()
    solutions, criteria = make_grid(other)
    cell = Assessment.objects.create(consultation=other, solution=solutions[0], criterion=criteria[0])
    response = client_for(expert).post(url(consultation, "round_answer", 1), _answer_data(cell, "3"))
    assert response.status_code == 404


def test_round_two_shows_the_previous_figures_and_preselects_the_experts_answer(
    consultation, open_round, secretariat, expert, client_for
):
    cell = _cell(open_round, "1a", "privacy")
    answer(open_round, cell, expert, 2, comment="Too weak")
    answer(open_round, cell, make_expert(consultation, "otto"), 4)
    round_close(round=open_round, user=secretariat)
    now = timezone.now()
    round_open(consultation=consultation, user=secretariat, opens_at=now, closes_at=now + timedelta(days=1))
    client = client_for(expert)

    html = client.get(url(consultation, "round_answer", 2)).content.decode()
    assert "Round 1: median 3, IQR 1, 2 answers" in html
    assert "Round 1: answers by stars — 1 star: 0, 2 stars: 1, 3 stars: 0, 4 stars: 1" in html
    assert "Your answer then: 2★ — “Too weak”" in html
    assert f'value="2" id="id_cell-{cell.pk}-answer_1" checked' in html
    assert "0 of 4 answered" in html  # preselected is not saved

    client.post(url(consultation, "round_answer", 2), {"action": "keep_previous"})
    kept = RoundAnswer.objects.get(round__number=2, expert=expert)
    assert (kept.assessment, kept.stars, kept.comment) == (cell, 2, "Too weak")


# --- Results -----------------------------------------------------------------------------------------------


def test_results_show_each_cells_figures_and_consensus_flag(consultation, open_round, secretariat, client_for):
    cell = _cell(open_round, "1a", "privacy")
    for name, kind, stars in (("a1", "academia", 3), ("i1", "industry", 3), ("i2", "industry", 4)):
        answer(open_round, cell, make_expert(consultation, name, kind), stars)
    client = client_for(secretariat)
    html = client.get(url(consultation, "round_results", 1)).content.decode()
    row = html[html.index('id="result-1a-privacy"') :]
    row = row[: row.index("</tr>")]
    assert "<td>3</td>" in row and "100%" in row and "consensus-flag--yes" in row
    assert "1 of 4 cells reached consensus." in html

    split = client.get(url(consultation, "round_results", 1), {"by": "expert_type"}).content.decode()
    assert "Academia<span" in split and "Industry<span" in split


# --- Query counts ------------------------------------------------------------------------------------------


def _round_of_size(secretariat, n_solutions, n_experts, *, rounds=2):
    consultation = ConsultationFactory()
    Membership.objects.create(consultation=consultation, user=secretariat, role=Role.SECRETARIAT)
    make_grid(consultation, codes=[f"{i}x" for i in range(n_solutions)], keys=("effectiveness", "privacy", "security"))
    experts = [
        make_expert(consultation, f"{consultation.slug}-e{i}", ("academia", "")[i % 2]) for i in range(n_experts)
    ]
    now = timezone.now()
    for number in range(1, rounds + 1):
        round = round_open(
            consultation=consultation,
            user=secretariat,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
        )
        for i, expert in enumerate(experts):
            for j, cell in enumerate(round.cells.all()):
                answer(round, cell, expert, (i + j + number) % 5 + 1, comment="c")
        if number < rounds:
            round_close(round=round, user=secretariat)
    return consultation, experts[0]


@pytest.mark.parametrize(
    ("name", "who", "query"),
    [
        ("round_answer", "expert", ""),
        ("round_results", "secretariat", ""),
        ("round_results", "secretariat", "?by=expert_type"),
        ("rounds", "expert", ""),
        ("round", "secretariat", ""),
    ],
)
def test_round_pages_cost_the_same_queries_for_a_small_and_a_large_round(secretariat, client_for, name, who, query):
    counts = []
    for n_solutions, n_experts in ((2, 2), (10, 5)):
        consultation, expert = _round_of_size(secretariat, n_solutions, n_experts)
        client = client_for(expert if who == "expert" else secretariat)
        args = () if name == "rounds" else (2,)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(consultation, name, *args) + query)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_closed_round_is_not_rescheduled_and_the_page_says_why(consultation, open_round, secretariat, client_for):
    round_close(round=open_round, user=secretariat)
    later = local(timezone.now() + timedelta(days=9))
    response = client_for(secretariat).post(url(consultation, "round", 1), {"action": "reschedule", "closes_at": later})
    assert response.status_code == 409
    assert "Round 1 is closed: its dates can no longer change. Nothing was changed." in response.content.decode()


def test_a_round_is_not_closed_in_a_closed_consultation(consultation, open_round, secretariat, client_for):
    consultation.status = Status.CLOSED
    consultation.save()
    response = client_for(secretariat).post(url(consultation, "round", 1), {"action": "close"})
    assert response.status_code == 409
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN


def test_the_new_round_page_warns_while_a_round_is_still_open(consultation, open_round, secretariat, client_for):
    html = client_for(secretariat).get(url(consultation, "round_new")).content.decode()
    assert "Round 1 is still open" in html
