"""The evidence of a cell: input, excerpts, references, rounds and revisions, with stance and date, newest first."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.models import Membership, Role, RoundAnswer
from consultation.services import rating_change
from evidence.evidence_map import EvidenceFilter, cell_evidence
from tests.consultation.versions_fixtures import make_round
from tests.evidence.factories import submitted_by
from tests.factories import UserFactory

from .conftest import make_excerpt, make_source, shift

pytestmark = pytest.mark.django_db


def _by_kind(evidence, kind):
    return [item for item in evidence.items if item.kind == kind]


def test_input_proposing_a_rating_gets_its_stance_from_the_current_stars(
    consultation, draft_paper, cells, secretariat, expert, proposing
):
    s1a, _ = draft_paper["solutions"]
    effectiveness, privacy = draft_paper["criteria"]
    higher = proposing(expert, "Raise it", 5)
    same = proposing(expert, "Keep it", 3)
    linked = submitted_by(expert, consultation, title="Linked only", solutions=[s1a], criteria=[privacy])
    elsewhere = submitted_by(expert, consultation, title="Other cell", solutions=[s1a], criteria=[effectiveness])

    evidence = cell_evidence(secretariat, consultation, s1a, privacy)
    stances = {item.title: item.stance for item in _by_kind(evidence, "submission")}

    assert stances == {"Raise it": "higher", "Keep it": "supports", "Linked only": "context"}
    assert elsewhere.title not in stances
    item = next(i for i in evidence.items if i.title == "Raise it")
    assert item.author == "Eva Expert" and "Proposes 5★ (now 3★)" in item.detail and item.undecided
    assert f"/submissions/{higher.pk}/triage/" in item.url
    assert {same.pk, linked.pk} < {i.pk for i in evidence.items}


def test_excerpts_linked_to_the_cell_or_to_its_solution_and_criterion_are_listed_with_their_stance(
    consultation, draft_paper, cells, secretariat
):
    s1a, _ = draft_paper["solutions"]
    effectiveness, privacy = draft_paper["criteria"]
    source = make_source(consultation, secretariat)
    on_cell = make_excerpt(consultation, secretariat, stance="lower", source=source, cells=[cells[("1a", "privacy")]])
    on_both = make_excerpt(
        consultation, secretariat, stance="context", source=source, solutions=[s1a], criteria=[privacy]
    )
    make_excerpt(consultation, secretariat, stance="higher", source=source, solutions=[s1a], criteria=[effectiveness])
    make_excerpt(consultation, secretariat, stance="higher", source=source, cells=[cells[("1b", "privacy")]])

    excerpts = _by_kind(cell_evidence(secretariat, consultation, s1a, privacy), "excerpt")

    assert {(e.pk, e.stance) for e in excerpts} == {(on_cell.pk, "lower"), (on_both.pk, "context")}
    assert excerpts[0].quote == "images, videos and URLs"
    assert excerpts[0].author == "Council Presidency"


def test_the_list_is_newest_first_with_references_rounds_and_revisions(
    consultation, draft_paper, cells, secretariat, expert, proposing
):
    s1a, _ = draft_paper["solutions"]
    privacy = draft_paper["criteria"][1]
    draft_paper["reference"].solutions.add(s1a)
    old = proposing(expert, "Older", 2)
    shift(old, days=-3)
    new = proposing(expert, "Newer", 4)
    round1 = make_round(consultation, 1)
    round1.cells.add(cells[("1a", "privacy")])
    RoundAnswer.objects.create(round=round1, assessment=cells[("1a", "privacy")], expert=expert, stars=2)

    items = cell_evidence(secretariat, consultation, s1a, privacy).items

    assert [i.kind for i in items] == ["submission", "submission", "round", "revision", "reference"]
    assert [items[0].pk, items[1].pk] == [new.pk, old.pk]
    assert items[2].title == "Round 1" and items[2].stance == "lower" and "median 2" in items[2].detail
    assert items[3].title == "Revision 1" and items[-1].date is None


def test_filters_keep_the_kinds_stances_and_dates_asked_for(
    consultation, draft_paper, cells, secretariat, expert, proposing
):
    s1a, _ = draft_paper["solutions"]
    privacy = draft_paper["criteria"][1]
    proposing(expert, "Raise it", 5)
    lower = proposing(expert, "Lower it", 1)
    make_excerpt(consultation, secretariat, stance="lower", source=make_source(consultation, secretariat),
                 cells=[cells[("1a", "privacy")]])  # fmt: skip

    only_lower_input = cell_evidence(
        secretariat, consultation, s1a, privacy, EvidenceFilter(kinds=("submission",), stances=("lower",))
    )
    in_2024 = cell_evidence(
        secretariat, consultation, s1a, privacy, EvidenceFilter(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    )

    assert [i.pk for i in only_lower_input.items] == [lower.pk] and only_lower_input.total == 4
    assert [i.kind for i in in_2024.items] == ["revision"]


def test_an_expert_does_not_see_anothers_unshared_input_nor_excerpts_of_it(
    consultation, draft_paper, cells, secretariat, expert, other_expert, proposing
):
    s1a, _ = draft_paper["solutions"]
    privacy = draft_paper["criteria"][1]
    theirs = proposing(other_expert, "Their proposal", 1)
    mine = proposing(expert, "My proposal", 4)
    make_excerpt(
        consultation, secretariat, stance="lower", submission=theirs, quote="Body", cells=[cells[("1a", "privacy")]]
    )

    titles = {i.title for i in cell_evidence(expert, consultation, s1a, privacy).items if i.kind != "revision"}

    assert "Their proposal" not in titles and "My proposal" in titles
    assert next(i for i in cell_evidence(expert, consultation, s1a, privacy).items if i.pk == mine.pk).author == "You"

    consultation.share_input_with_experts = True
    consultation.save()
    shared = cell_evidence(expert, consultation, s1a, privacy).items
    authors = {i.author for i in shared if i.kind in ("submission", "excerpt")}
    assert "Olga Other" not in authors and any(a.startswith("Expert ") for a in authors)
    assert len([i for i in shared if i.kind == "excerpt"]) == 1


def test_observers_see_shared_input_pseudonymised_and_never_withdrawn_input(
    consultation, draft_paper, cells, secretariat, expert, observer, proposing
):
    from evidence.services.submissions import submission_withdraw

    s1a, _ = draft_paper["solutions"]
    privacy = draft_paper["criteria"][1]
    kept = proposing(expert, "Kept", 5)
    gone = proposing(expert, "Gone", 1)
    submission_withdraw(submission=gone, user=expert)
    assert not _by_kind(cell_evidence(observer, consultation, s1a, privacy), "submission")

    consultation.observers_see_input = True
    consultation.save()
    seen = _by_kind(cell_evidence(observer, consultation, s1a, privacy), "submission")

    assert [(i.pk, i.author) for i in seen] == [(kept.pk, "Expert 1")]
    secretariat_view = _by_kind(cell_evidence(secretariat, consultation, s1a, privacy), "submission")
    assert {(i.pk, i.withdrawn) for i in secretariat_view} == {(kept.pk, False), (gone.pk, True)}


def test_experts_see_round_results_only_once_the_round_is_closed(consultation, draft_paper, cells, expert, observer):
    s1a, _ = draft_paper["solutions"]
    privacy = draft_paper["criteria"][1]
    make_round(consultation, 1, closed=False).cells.add(cells[("1a", "privacy")])

    assert not _by_kind(cell_evidence(expert, consultation, s1a, privacy), "round")
    assert _by_kind(cell_evidence(observer, consultation, s1a, privacy), "round")[0].title == "Round 1 (still open)"


def test_adopting_a_change_that_cites_the_evidence_decides_it(
    consultation, draft_paper, cells, secretariat, expert, proposing
):
    s1a, _ = draft_paper["solutions"]
    privacy = draft_paper["criteria"][1]
    lower = proposing(expert, "Lower it", 1)
    excerpt = make_excerpt(
        consultation, secretariat, stance="lower", source=make_source(consultation, secretariat),
        cells=[cells[("1a", "privacy")]],
    )  # fmt: skip
    assert {i.pk for i in cell_evidence(secretariat, consultation, s1a, privacy).undecided} == {lower.pk, excerpt.pk}

    rating_change(
        consultation=consultation, solution=s1a, criterion=privacy, user=secretariat, stars=1, reason="Agreed",
        evidence=[lower.pk], excerpts=[excerpt.pk],
    )  # fmt: skip

    evidence = cell_evidence(secretariat, consultation, s1a, privacy)
    assert not evidence.undecided
    assert next(i for i in evidence.items if i.pk == lower.pk).stance == "supports"
    revision = next(i for i in evidence.items if i.kind == "revision" and i.title == "Revision 2")
    assert "Lower it" in revision.detail and "images, videos and URLs" in revision.detail


def _queries(consultation, user, solution, criterion) -> int:
    with CaptureQueriesContext(connection) as captured:
        cell_evidence(user, consultation, solution, criterion)
    return len(captured.captured_queries)


def test_a_cells_evidence_costs_the_same_queries_however_much_there_is(
    consultation, draft_paper, cells, secretariat, expert, observer, proposing
):
    s1a, _ = draft_paper["solutions"]
    privacy = draft_paper["criteria"][1]
    consultation.observers_see_input = True
    consultation.save()
    source = make_source(consultation, secretariat)

    def add(n):
        for i in range(n):
            author = UserFactory()
            Membership.objects.create(consultation=consultation, user=author, role=Role.EXPERT)
            proposal = proposing(author, f"Input {i}", 1 + i % 5)
            make_excerpt(consultation, secretariat, stance="higher", submission=proposal, quote="Body",
                         cells=[cells[("1a", "privacy")]])  # fmt: skip
            make_excerpt(consultation, secretariat, stance="lower", source=source, cells=[cells[("1a", "privacy")]])
            round_ = make_round(consultation, 100 + RoundAnswer.objects.count() + i)
            round_.cells.add(cells[("1a", "privacy")])
            RoundAnswer.objects.create(round=round_, assessment=cells[("1a", "privacy")], expert=author, stars=2)

    add(1)
    for user in (secretariat, observer):
        cell_evidence(user, consultation, s1a, privacy)  # the reader's role is then cached on the user
    few = {user.pk: _queries(consultation, user, s1a, privacy) for user in (secretariat, observer)}
    add(6)
    many = {user.pk: _queries(consultation, user, s1a, privacy) for user in (secretariat, observer)}

    assert few == many
