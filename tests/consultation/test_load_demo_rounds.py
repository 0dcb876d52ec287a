"""`manage.py load_demo_rounds`: the demo's named versions, a closed and an open round and one adopted change,
made once however often it runs (after `load_demo` and `load_demo_input`, as `make run` does)."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.test import Client
from django.urls import reverse

from consultation.consensus import ConsensusRule, figures
from consultation.diffs import diff
from consultation.management.commands import load_demo_rounds as story
from consultation.models import (
    AssessmentRevision,
    Consultation,
    DraftVersion,
    RevisionSource,
    Round,
    RoundAnswer,
)

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    run("load_demo")
    run("load_demo_input")
    run("load_demo_rounds")
    return Consultation.objects.get(slug="demo")


def _state(consultation) -> dict:
    return {
        "versions": sorted(DraftVersion.objects.filter(consultation=consultation).values_list("label", flat=True)),
        "rounds": list(Round.objects.filter(consultation=consultation).values_list("number", "status")),
        "answers": RoundAnswer.objects.filter(round__consultation=consultation).count(),
        "revisions": AssessmentRevision.objects.filter(consultation=consultation).count(),
    }


def test_running_it_again_creates_nothing_new(demo):
    before = _state(demo)

    output = run("load_demo_rounds")

    assert _state(demo) == before
    assert "exists already" in output and "adopted from round 1 already" in output
    assert before["rounds"] == [(1, "closed"), (2, "open")]
    assert {"v1 as circulated", "v2 after round 1"} <= set(before["versions"])


def test_v1_names_the_draft_as_imported_and_v2_the_draft_after_the_adopted_change(demo):
    v1 = DraftVersion.objects.get(consultation=demo, label="v1 as circulated")
    v2 = DraftVersion.objects.get(consultation=demo, label="v2 after round 1")
    imported_at = AssessmentRevision.objects.filter(consultation=demo, source=RevisionSource.IMPORT).aggregate(
        last=Max("created_at")
    )["last"]

    changes = diff(demo, v1.published_at, v2.published_at)

    assert v1.published_at == imported_at < v2.published_at
    assert [c.key for c in changes.cells] == ["1d/effectiveness"]
    change = changes.cells[0]
    assert (change.before.stars, change.before.level, change.after.stars, change.after.level) == (
        2,
        "Medium-low",
        1,
        "Low",
    )
    assert change.direction == "down"
    [step] = change.steps
    assert step.reason == story.ADOPTED_REASON
    assert step.round_number == 1
    assert step.created_by  # the demo secretariat
    assert [e.title for e in step.evidence] == ["Classifiers on phones need an independent error-rate study"]
    assert changes.classifications == []


def test_round_1_was_answered_differently_by_both_experts_and_closed(demo):
    round = Round.objects.get(consultation=demo, number=1)
    answers = {}
    for a in RoundAnswer.objects.filter(round=round).select_related("assessment__solution", "assessment__criterion"):
        cell = (a.assessment.solution.code, a.assessment.criterion.key)
        answers.setdefault(cell, []).append(None if a.cannot_judge else a.stars)
    rule = ConsensusRule.of(demo)

    found = {cell: figures(given, rule) for cell, given in answers.items()}

    assert round.status == "closed"
    assert round.cells.count() == 5 and set(found) == set(story.ROUND_1)
    assert set(RoundAnswer.objects.filter(round=round).values_list("expert__username", flat=True)) == {
        "expert",
        "expert2",
    }
    assert found[("1d", "effectiveness")].consensus and found[("1d", "effectiveness")].median == 1
    assert found[("1b", "effectiveness")].median == 3.5
    assert not found[("1b", "privacy")].consensus  # one star and four: the experts disagree
    assert found[("2a", "transparency")].cannot_judge == 1


def test_round_2_is_open_over_the_same_cells_and_an_expert_answers_it_beside_round_1s_figures(demo):
    first, second = Round.objects.filter(consultation=demo).order_by("number")
    client = Client()
    client.force_login(demo.memberships.get(user__username="expert").user)

    html = client.get(reverse("consultation:round_answer", args=[demo.slug, 2])).content.decode()

    assert second.status == "open" and second.answers.count() == 0
    assert set(second.cells.values_list("pk", flat=True)) == set(first.cells.values_list("pk", flat=True))
    assert second.closes_at <= demo.closes_at
    assert "0 of 5 answered" in html
    assert "Round 1: median 1, IQR 0, 2 answers, consensus." in html
    assert "Your answer then: " in html


def test_the_adopted_change_shows_on_the_cells_timeline(demo):
    client = Client()
    client.force_login(demo.memberships.get(user__username="secretariat").user)

    html = client.get(reverse("consultation:cell_history", args=[demo.slug, "1d", "effectiveness"])).content.decode()

    assert story.ADOPTED_REASON in html
    assert ", round 1" in html


def test_without_the_demo_input_it_says_what_to_run_first_and_leaves_nothing_half_made():
    run("load_demo")
    consultation = Consultation.objects.get(slug="demo")

    output = run("load_demo_rounds")  # not an error: `make run` goes on without the rating history

    assert "run load_demo_input first. Nothing added." in output

    assert not Round.objects.filter(consultation=consultation).exists()
    assert not DraftVersion.objects.filter(consultation=consultation, label="v1 as circulated").exists()


def test_without_the_demo_consultation_it_says_what_to_run_first():
    with pytest.raises(CommandError, match="run load_demo first"):
        run("load_demo_rounds")


@pytest.mark.seeds
@pytest.mark.skipif(not SEEDS.exists(), reason=f"no seeds at {SEEDS}")
def test_the_demos_comments_and_reason_are_our_own_words():
    texts = [story.ADOPTED_REASON, *(comment for pair in story.ROUND_1.values() for _, comment in pair if comment)]
    seeds = " ".join(
        " ".join(path.read_text(encoding="utf-8", errors="ignore").split()).lower()
        for path in SEEDS.rglob("*")
        if path.is_file() and path.suffix in {".txt", ".md", ""}
    )

    assert [text for text in texts if " ".join(text.split()).lower() in seeds] == []
