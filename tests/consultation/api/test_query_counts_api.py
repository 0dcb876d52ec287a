"""Every list costs the same number of queries whatever the number of its items (the matrix: test_ratings_api)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.models import Footnote, Membership, OpenItem, Reference, Role
from consultation.services import classification_revise
from tests.factories import (
    ClassificationFactory,
    ConsultationFactory,
    CriterionFactory,
    SectionFactory,
    SolutionFactory,
)

from .conftest import API

pytestmark = pytest.mark.django_db


def fill(consultation, n: int, user) -> None:
    """``n`` of everything each list shows, with the relations each item renders."""
    for i in range(n):
        section = SectionFactory(consultation=consultation)
        Footnote.objects.create(consultation=consultation, number=i + 1, text="x", section=section)
        solution = SolutionFactory(consultation=consultation, section=section)
        classification_revise(
            classification=ClassificationFactory(consultation=consultation, solution=solution), value="top3", reason="x"
        )
        CriterionFactory(consultation=consultation)
        OpenItem.objects.create(consultation=consultation, section=section, prompt="x", created_by=user)
        Reference.objects.create(consultation=consultation, group="G", number=i + 1, title="x").solutions.add(solution)
        other = ConsultationFactory()
        Membership.objects.create(consultation=other, user=user, role=Role.OBSERVER)


@pytest.mark.parametrize(
    "path",
    ["", "{slug}/sections/", "{slug}/solutions/", "{slug}/criteria/", "{slug}/open-items/", "{slug}/references/"],
)
def test_a_list_costs_the_same_queries_for_two_items_and_for_twenty(secretariat, client_for, path):
    small, large = ConsultationFactory(), ConsultationFactory()
    client = client_for(secretariat)
    counts = []
    for consultation, n in ((small, 2), (large, 20)):
        Membership.objects.create(consultation=consultation, user=secretariat, role=Role.SECRETARIAT)
        fill(consultation, n, secretariat)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{API}/consultations/" + path.format(slug=consultation.slug))
        assert response.status_code == 200
        assert len(response.json()["results"]) >= n
        counts.append(len(queries))

    assert counts[0] == counts[1]
