"""A hand-written history of a small matrix, with two named versions, for the tests of versions and diffs.

T1  2024-01-10 12:00  import: 1a/eff 3 Medium, 1a/priv 2 Medium-low, 1b/eff 4 Medium-high, 1b/priv N/A;
                      classifications 1a and 1b "needs research"
V1  2024-01-10 13:00  "v1 as circulated"
T2  2024-03-01 10:00  Sam: 1a/eff 4 Medium-high, round 1, evidence A        (up)
T3  2024-04-01 10:00  Sam: 1b/eff 2 Medium-low, evidence B                  (down); 1a classified top 3
T4  2024-04-15 10:00  Sam: 1a/priv rationale reworded                       (same stars)
T5  2024-04-20 10:00  Sam: 1b/priv 1 Low ... T6 2024-04-25 back to N/A       (no net change)
V2  2024-05-01 12:00  "v2 after round 1"
T7  2024-06-01 10:00  Sam: 1a/eff 5 High                                    (up)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from consultation.models import (
    AssessmentRevision,
    Classification,
    DraftVersion,
    RevisionSource,
    Round,
    RoundStatus,
)
from consultation.services import assessment_revise, classification_revise
from tests.factories import AssessmentFactory, CriterionFactory, SolutionFactory, SolutionGroupFactory

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=BRUSSELS)


T1, V1 = at("2024-01-10", 12), at("2024-01-10", 13)
T2, T3, T4, T5, T6 = at("2024-03-01"), at("2024-04-01"), at("2024-04-15"), at("2024-04-20"), at("2024-04-25")
V2, T7 = at("2024-05-01", 12), at("2024-06-01")


def make_submission(consultation, author, title: str, *, submitted: bool = True, withdrawn: bool = False):
    """A submission of the evidence app (tests may import it; the consultation app may not)."""
    submission_model = AssessmentRevision.evidence.field.related_model
    now = timezone.now()
    return submission_model.objects.create(
        consultation=consultation,
        author=author,
        title=title,
        body="Body.",
        submitted_at=now if submitted else None,
        withdrawn_at=now if withdrawn else None,
        current_version=1 if submitted else 0,
    )


def make_round(consultation, number: int, *, closed: bool = True) -> Round:
    return Round.objects.create(
        consultation=consultation,
        number=number,
        opens_at=at("2024-02-01"),
        closes_at=at("2024-02-20"),
        status=RoundStatus.CLOSED if closed else RoundStatus.OPEN,
        closed_at=at("2024-02-21") if closed else None,
    )


@dataclass
class History:
    consultation: object
    solutions: dict
    criteria: dict
    cells: dict
    evidence: dict
    round: Round
    v1: DraftVersion
    v2: DraftVersion


def build_history(consultation, secretariat, expert) -> History:
    group = SolutionGroupFactory(consultation=consultation, number=1, name="Device related")
    s1a = SolutionFactory(consultation=consultation, group=group, code="1a", title="On device", order=1)
    s1b = SolutionFactory(consultation=consultation, group=group, code="1b", title="On server", order=2)
    eff = CriterionFactory(consultation=consultation, key="eff", name="Effectiveness", order=1)
    priv = CriterionFactory(consultation=consultation, key="priv", name="Privacy", order=2)
    cells = {}
    first = {
        ("1a", "eff"): (s1a, eff, 3, "Medium"),
        ("1a", "priv"): (s1a, priv, 2, "Medium-low"),
        ("1b", "eff"): (s1b, eff, 4, "Medium-high"),
        ("1b", "priv"): (s1b, priv, None, "Not applicable"),
    }
    for key, (solution, criterion, stars, level) in first.items():
        cell = AssessmentFactory(consultation=consultation, solution=solution, criterion=criterion)
        assessment_revise(
            assessment=cell,
            stars=stars,
            level=level,
            rationale=f"First {key}.",
            reason="Imported from draft-v1.txt",
            source=RevisionSource.IMPORT,
            when=T1,
        )
        cells[key] = cell
    classifications = {}
    for solution in (s1a, s1b):
        classifications[solution.code] = Classification.objects.create(consultation=consultation, solution=solution)
        classification_revise(
            classification=classifications[solution.code],
            value="needs_research",
            reason="Imported from draft-v1.txt",
            source=RevisionSource.IMPORT,
            when=T1,
        )
    v1 = DraftVersion.objects.create(consultation=consultation, label="v1 as circulated", published_at=V1)
    evidence = {
        "A": make_submission(consultation, expert, "Field test results"),
        "B": make_submission(consultation, expert, "Server costs"),
    }
    round1 = make_round(consultation, 1)

    def revise(key, stars, level, rationale, reason, when, **extra):
        assessment_revise(
            assessment=cells[key],
            stars=stars,
            level=level,
            rationale=rationale,
            reason=reason,
            user=secretariat,
            when=when,
            **extra,
        )

    revise(
        ("1a", "eff"), 4, "Medium-high", "First ('1a', 'eff').", "Round 1 consensus", T2,
        source=RevisionSource.ROUND, round=round1, evidence=[evidence["A"]],
    )  # fmt: skip
    revise(
        ("1b", "eff"), 2, "Medium-low", "First ('1b', 'eff').", "Input from the experts", T3, evidence=[evidence["B"]]
    )
    classification_revise(
        classification=classifications["1a"], value="top3", reason="Best of its group", user=secretariat, when=T3
    )
    revise(("1a", "priv"), 2, "Medium-low", "Reworded.", "Clearer wording", T4)
    revise(("1b", "priv"), 1, "Low", "First ('1b', 'priv').", "Tried low", T5)
    revise(("1b", "priv"), None, "Not applicable", "First ('1b', 'priv').", "Back to N/A", T6)
    v2 = DraftVersion.objects.create(consultation=consultation, label="v2 after round 1", published_at=V2)
    revise(("1a", "eff"), 5, "High", "First ('1a', 'eff').", "New study", T7)
    return History(
        consultation=consultation,
        solutions={"1a": s1a, "1b": s1b},
        criteria={"eff": eff, "priv": priv},
        cells=cells,
        evidence=evidence,
        round=round1,
        v1=v1,
        v2=v2,
    )


@pytest.fixture(name="history")
def history_fixture(consultation, secretariat, expert) -> History:
    return build_history(consultation, secretariat, expert)
