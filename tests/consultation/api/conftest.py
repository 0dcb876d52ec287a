"""Fixtures for the API tests: clients signed in per role, and a small draft to read and change."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from consultation.models import Footnote, OpenItem, Reference, RevisionSource
from consultation.services import assessment_revise, classification_revise
from tests.factories import (
    AssessmentFactory,
    ClassificationFactory,
    CriterionFactory,
    SectionFactory,
    SolutionFactory,
    SolutionGroupFactory,
)

API = "/api/v1"


@pytest.fixture
def api():
    """A client with no credentials."""
    return APIClient()


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a client signed in (by session) as ``user``; ``client_for(None)`` has no credentials."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def as_role(request, client_for):
    """``as_role("expert")``: a client signed in as the conftest user of that role; "anonymous" has no credentials."""

    def make(role: str):
        return client_for(None if role == "anonymous" else request.getfixturevalue(role))

    return make


@pytest.fixture
def earlier():
    """A moment well in the past, for revisions set with an explicit ``when``."""
    return timezone.now() - timedelta(days=30)


@pytest.fixture
def draft(consultation, earlier):
    """A consultation holding a small draft: 2 sections, 2 solutions × 3 criteria rated, an open item, a reference.

    Cell 1a × effectiveness says "Medium-high" with 5 stars: the text and the stars disagree.
    """
    intro = SectionFactory(consultation=consultation, number="1", title="Introduction", order=1)
    SectionFactory(consultation=consultation, number="1.1", title="Scope", order=2, parent=intro)
    Footnote.objects.create(consultation=consultation, number=1, text="A footnote.", section=intro)
    group = SolutionGroupFactory(consultation=consultation, number=1, name="Device related")
    solutions = [
        SolutionFactory(consultation=consultation, group=group, code=code, order=n, section=intro)
        for n, code in enumerate(["1a", "1b"])
    ]
    criteria = [
        CriterionFactory(consultation=consultation, key=key, name=key.title(), order=n)
        for n, key in enumerate(["effectiveness", "feasibility", "privacy"])
    ]
    ratings = {
        ("1a", "effectiveness"): (5, "Medium-high"),
        ("1a", "feasibility"): (3, "Medium"),
        ("1a", "privacy"): (2, "Medium-low"),
        ("1b", "effectiveness"): (4, "Medium-high"),
        ("1b", "feasibility"): (None, "Not applicable"),
        ("1b", "privacy"): (1, "Low"),
    }
    for solution in solutions:
        for criterion in criteria:
            stars, level = ratings[solution.code, criterion.key]
            cell = AssessmentFactory(consultation=consultation, solution=solution, criterion=criterion)
            assessment_revise(
                assessment=cell,
                stars=stars,
                level=level,
                rationale=f"Why {level}.",
                reason="Imported.",
                source=RevisionSource.IMPORT,
                when=earlier,
            )
        classification = ClassificationFactory(consultation=consultation, solution=solution)
        classification_revise(
            classification=classification,
            value="needs_research",
            reason="Imported.",
            source=RevisionSource.IMPORT,
            when=earlier,
        )
    OpenItem.objects.create(consultation=consultation, section=intro, prompt="To be completed with the experts.")
    reference = Reference.objects.create(
        consultation=consultation, group="General", number=1, title="A study", year=2021, venue="A publisher"
    )
    reference.solutions.set(solutions[:1])
    return consultation
