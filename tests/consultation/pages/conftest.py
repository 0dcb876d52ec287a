"""Fixtures for the page tests: signed-in clients, a small but complete consultation, matrices of any size."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from consultation.models import (
    Classification,
    DraftImport,
    Footnote,
    OpenItem,
    OpenItemStatus,
    Reference,
)
from consultation.services import assessment_revise, classification_revise
from tests.factories import (
    AssessmentFactory,
    CriterionFactory,
    SectionFactory,
    SolutionFactory,
    SolutionGroupFactory,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
FIRST_DRAFT_AT = datetime(2024, 1, 10, 12, 0, tzinfo=BRUSSELS)
SECOND_DRAFT_AT = datetime(2024, 5, 8, 12, 0, tzinfo=BRUSSELS)


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a test client signed in as ``user`` (anonymous for None)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def paper(consultation, secretariat):
    """A small draft: sections and footnotes, two solution groups, three solutions, two criteria,
    ratings revised once between a first and a second draft (one cell's text and stars disagree,
    one is N/A), classifications, open items and references."""
    c = consultation
    intro = SectionFactory(
        consultation=c, number="1", title="Introduction", order=1, text="Why we ask.\n\nSecond <b>paragraph</b>."
    )
    solutions_section = SectionFactory(
        consultation=c, number="3", title="Possible solutions", order=2, text="The options."
    )
    device_section = SectionFactory(
        consultation=c, number="3.1", title="Device related", order=3, parent=solutions_section, text="On the device."
    )
    Footnote.objects.create(consultation=c, number=1, text="Detection means a provider's own search.", section=intro)
    Footnote.objects.create(consultation=c, number=2, text="Text is harder than images.", section=intro)

    baseline = SolutionGroupFactory(consultation=c, number=0, name="Baseline")
    device = SolutionGroupFactory(consultation=c, number=1, name="Device related")
    s0a = SolutionFactory(consultation=c, group=baseline, code="0a", title="Non-E2EE communications", order=1)
    s1a = SolutionFactory(
        consultation=c, group=device, code="1a", title="All detection on device", order=2, section=device_section
    )
    s1b = SolutionFactory(
        consultation=c, group=device, code="1b", title="On-device hashing with server matching", order=3
    )
    effectiveness = CriterionFactory(
        consultation=c, key="effectiveness", name="Effectiveness", order=1, question="Does it find abuse?"
    )
    privacy = CriterionFactory(
        consultation=c, key="privacy", name="Privacy", order=2, question="Does it keep messages confidential?"
    )

    first = {
        (s0a, effectiveness): (5, "High"),
        (s0a, privacy): (1, "Low"),
        (s1a, effectiveness): (3, "Medium"),
        (s1a, privacy): (2, "Medium-low"),
        (s1b, effectiveness): (3, "Medium"),
        (s1b, privacy): (None, "Not applicable"),
    }
    # The second draft raises 1a's effectiveness to five stars while its text still says Medium-high.
    second = {(s1a, effectiveness): (5, "Medium-high")}
    cells = {}
    for (solution, criterion), (stars, level) in first.items():
        cell = AssessmentFactory(consultation=c, solution=solution, criterion=criterion)
        assessment_revise(
            assessment=cell,
            stars=stars,
            level=level,
            rationale=f"Rationale of {solution.code} for {criterion.name}.",
            reason="Imported from the first draft",
            source="import",
            when=FIRST_DRAFT_AT,
        )
        cells[(solution.code, criterion.key)] = cell
    for (solution, criterion), (stars, level) in second.items():
        assessment_revise(
            assessment=cells[(solution.code, criterion.key)],
            stars=stars,
            level=level,
            rationale="Revised after the experts' input.",
            reason="Adopted after round 1",
            user=secretariat,
            when=SECOND_DRAFT_AT,
        )
    for solution, value in ((s0a, "na"), (s1a, "top3"), (s1b, "needs_research")):
        classification = Classification.objects.create(consultation=c, solution=solution)
        classification_revise(
            classification=classification, value=value, reason="Imported", source="import", when=FIRST_DRAFT_AT
        )
    classification_revise(
        classification=s1b.classification,
        value="discard",
        reason="Experts found it unsafe",
        user=secretariat,
        when=SECOND_DRAFT_AT,
    )

    OpenItem.objects.create(
        consultation=c, section=solutions_section, place="After the recommendations", prompt="Which solution first?"
    )
    OpenItem.objects.create(
        consultation=c,
        section=intro,
        place="End of the introduction",
        prompt="Which other considerations?",
        status=OpenItemStatus.RESOLVED,
        resolution="Covered by the new annex.",
    )
    general = Reference.objects.create(
        consultation=c,
        group="General",
        group_order=1,
        number=1,
        authors="Abelson, H. et al.",
        title="Bugs in our pockets",
        venue="Journal of Cybersecurity",
        year=2024,
        url="https://example.org/bugs",
    )
    general.solutions.add(s1a, s1b)
    Reference.objects.create(
        consultation=c,
        group="Device related",
        group_order=2,
        number=1,
        title="A report without a link",
        year=2021,
        url="javascript:alert(1)",
    )
    return {
        "sections": (intro, solutions_section, device_section),
        "solutions": (s0a, s1a, s1b),
        "criteria": (effectiveness, privacy),
        "cells": cells,
    }


def make_matrix(consultation, n_solutions: int, n_criteria: int, *, groups: int = 2, revisions: int = 2) -> None:
    """Fill ``consultation`` with an ``n_solutions`` x ``n_criteria`` matrix, each cell and classification revised."""
    group_list = [SolutionGroupFactory(consultation=consultation, number=g) for g in range(groups)]
    solutions = [
        SolutionFactory(consultation=consultation, group=group_list[i * groups // n_solutions], order=i)
        for i in range(n_solutions)
    ]
    criteria = [CriterionFactory(consultation=consultation, order=j) for j in range(n_criteria)]
    for i, solution in enumerate(solutions):
        for j, criterion in enumerate(criteria):
            cell = AssessmentFactory(consultation=consultation, solution=solution, criterion=criterion)
            for r in range(revisions):
                stars = (i + j + r) % 5 + 1
                assessment_revise(
                    assessment=cell,
                    stars=stars,
                    level="Medium" if (i + j) % 3 else "High",
                    rationale=f"r{r}",
                    reason=f"revision {r}",
                    when=FIRST_DRAFT_AT.replace(day=1 + r),
                )
        classification = Classification.objects.create(consultation=consultation, solution=solution)
        for r, value in enumerate(("needs_research", "top3")[:revisions]):
            classification_revise(
                classification=classification, value=value, reason="r", when=FIRST_DRAFT_AT.replace(day=1 + r)
            )


@pytest.fixture
def draft_import(consultation, secretariat):
    """A previewed import, as the importer leaves it before confirmation."""
    return DraftImport.objects.create(
        consultation=consultation,
        filename="draft-v2.txt",
        content="1. INTRODUCTION\n",
        sha256="0" * 64,
        created_by=secretariat,
        preview={
            "title": "Technical options paper",
            "notice": "",
            "counts": {
                "sections": 5,
                "footnotes": 33,
                "solution_groups": 4,
                "solutions": 11,
                "criteria": 5,
                "assessments": 55,
                "ratings": 55,
                "classifications": 11,
                "open_items": 2,
                "references": 39,
                "references_by_group": {"General": 15, "Device related": 7},
            },
            "created": {"sections": 0, "solutions": 1, "references": 0},
            "changed": [{"kind": "assessment", "key": "1a/privacy", "field": "stars", "from": 2, "to": 3}],
            "retired": {"solutions": [], "criteria": []},
            "unchanged": False,
            "disagreements": [{"cell": "1a/effectiveness", "level": "Medium-high", "stars": 5, "expected": "4★"}],
        },
    )


def page_urls(consultation, *, code="1a", import_id=None) -> dict[str, str]:
    """Every page inside a consultation, by name."""
    slug = consultation.slug
    urls = {
        "home": reverse("consultation:home", args=[slug]),
        "matrix": reverse("consultation:matrix", args=[slug]),
        "solution": reverse("consultation:solution", args=[slug, code]),
        "open_items": reverse("consultation:open_items", args=[slug]),
        "references": reverse("consultation:references", args=[slug]),
        "draft": reverse("consultation:draft", args=[slug]),
        "import": reverse("consultation:import", args=[slug]),
        "edit": reverse("consultation:edit", args=[slug]),
    }
    if import_id is not None:
        urls["import_detail"] = reverse("consultation:import_detail", args=[slug, import_id])
        urls["import_progress"] = reverse("consultation:import_progress", args=[slug, import_id])
    return urls
