"""Fixtures of the evidence map: rated cells, input proposing ratings, a source document and excerpts.

Source documents and excerpts are made as rows here (the library's own services are built beside this work)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consultation.models import Assessment
from consultation.services import assessment_revise
from evidence.models import Excerpt, SourceDocument, SourceVersion
from tests.evidence.factories import submitted_by

BRUSSELS = ZoneInfo("Europe/Brussels")
RATED_AT = datetime(2024, 1, 10, 12, 0, tzinfo=BRUSSELS)
COUNCIL_TEXT = "Detection applies to images, videos and URLs only. Encrypted content is out of scope."


@pytest.fixture
def cells(consultation, draft_paper, secretariat):
    """Every cell of the draft paper rated 3 stars once, on 10 January 2024: {(code, key): Assessment}."""
    found = {}
    for solution in draft_paper["solutions"]:
        for criterion in draft_paper["criteria"]:
            cell = Assessment.objects.create(consultation=consultation, solution=solution, criterion=criterion)
            assessment_revise(
                assessment=cell,
                stars=3,
                level="Medium",
                rationale="",
                reason="Imported",
                source="import",
                when=RATED_AT,
            )
            found[(solution.code, criterion.key)] = cell
    return found


def make_source(consultation, user, *, title="Presidency compromise text", text=COUNCIL_TEXT) -> SourceDocument:
    source = SourceDocument.objects.create(
        consultation=consultation, title=title, author="Council Presidency", reference="WK 6697/2024", added_by=user
    )
    SourceVersion.objects.create(source=source, number=1, text=text, created_by=user)
    return source


def make_excerpt(consultation, user, *, stance, source=None, submission=None, quote="images, videos and URLs", **links):
    """An excerpt quoting ``source`` (its first version) or ``submission``, linked by ``links`` (cells, solutions,
    criteria, open_items: lists)."""
    if source is not None:
        version = source.versions.order_by("number").first()
        start = version.text.index(quote)
        excerpt = Excerpt.objects.create(
            consultation=consultation,
            source=source,
            source_version=version,
            quote=quote,
            start=start,
            end=start + len(quote),
            stance=stance,
            created_by=user,
        )
    else:
        excerpt = Excerpt.objects.create(
            consultation=consultation,
            submission=submission,
            quote=quote,
            start=0,
            end=len(quote),
            stance=stance,
            created_by=user,
        )
    for name, objects in links.items():
        getattr(excerpt, name).set(objects)
    return excerpt


def shift(obj, **delta) -> None:
    """Move an object's creation time (``created_at`` or ``submitted_at``) by ``delta``, to order a list."""
    field = "submitted_at" if hasattr(obj, "submitted_at") else "created_at"
    type(obj).objects.filter(pk=obj.pk).update(**{field: getattr(obj, field) + timedelta(**delta)})
    obj.refresh_from_db()


@pytest.fixture
def proposing(consultation, draft_paper):
    """``proposing(author, title, stars, code="1a", key="privacy")``: submitted input proposing a rating."""

    def make(author, title, stars, code="1a", key="privacy", **content):
        solution = next(s for s in draft_paper["solutions"] if s.code == code)
        criterion = next(c for c in draft_paper["criteria"] if c.key == key)
        return submitted_by(
            author,
            consultation,
            title=title,
            proposed_ratings=[{"solution": solution, "criterion": criterion, "stars": stars, "justification": "why"}],
            **content,
        )

    return make
