"""The evidence-map pages the accessibility check opens (tests/consultation/pages/test_browser_accessibility.py)."""

from __future__ import annotations

from django.urls import reverse


def evidence_map_urls(consultation, secretariat, paper) -> dict[str, str]:
    """A cell with input arguing for lower (so the "change argued" marker shows) and an excerpt, its solution's and
    an open item's evidence pages."""
    from consultation.models import Membership, OpenItem, Role
    from tests.evidence.factories import submitted_by
    from tests.factories import UserFactory

    from .conftest import make_excerpt, make_source

    expert = UserFactory(username="axe-evidence-expert")
    Membership.objects.create(consultation=consultation, user=expert, role=Role.EXPERT)
    solution, criterion = paper["solutions"][1], paper["criteria"][1]
    submitted_by(
        expert,
        consultation,
        title="Privacy lower",
        proposed_ratings=[{"solution": solution, "criterion": criterion, "stars": 1, "justification": "Scanning."}],
    )
    cell = paper["cells"][(solution.code, criterion.key)]
    item = OpenItem.objects.filter(consultation=consultation).first()
    make_excerpt(consultation, secretariat, stance="lower", source=make_source(consultation, secretariat),
                 cells=[cell], open_items=[item])  # fmt: skip
    slug = consultation.slug
    return {
        "cell evidence": reverse("evidence:cell_evidence", args=[slug, solution.code, criterion.key])
        + "?stance=lower&stance=higher&kind=submission&kind=excerpt&date_from=2020-01-01",
        "solution evidence": reverse("evidence:solution_evidence", args=[slug, solution.code]),
        "open item evidence": reverse("evidence:open_item_evidence", args=[slug, item.pk]),
    }
