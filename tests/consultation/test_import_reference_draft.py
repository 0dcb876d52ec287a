"""Importing the reference draft (``../shared/seeds``): every count exact, spot checks of levels, stars and text.

The seed documents are not part of the project; these tests skip, saying so,
where the folder is absent.
"""

from pathlib import Path

import pytest
from django.conf import settings

from consultation.importing.services import import_draft_text
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationRevision,
    Criterion,
    Footnote,
    OpenItem,
    Reference,
    Section,
    Solution,
    SolutionGroup,
)

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
REFERENCE_DRAFT = SEEDS / "000_38559a9845985580.txt"

pytestmark = [
    pytest.mark.seeds,
    pytest.mark.django_db,
    pytest.mark.skipif(not REFERENCE_DRAFT.exists(), reason=f"the reference draft is not in {SEEDS}"),
]


@pytest.fixture
def imported(consultation, secretariat):
    return import_draft_text(
        consultation=consultation,
        filename=REFERENCE_DRAFT.name,
        content=REFERENCE_DRAFT.read_text(encoding="utf-8"),
        user=secretariat,
    )


def cell(code: str, key: str) -> Assessment:
    return Assessment.objects.get(solution__code=code, criterion__key=key)


def test_the_reference_draft_imports_completely(imported):
    assert imported.status == "done", imported.error
    assert imported.preview["counts"] == {
        "sections": 28,
        "footnotes": 33,
        "solution_groups": 4,
        "solutions": 11,
        "criteria": 5,
        "assessments": 55,
        "ratings": 55,
        "classifications": 11,
        "open_items": 2,
        "references": 39,
        "references_by_group": {"General": 15, "Device related": 7, "Server related": 10, "Encryption related": 7},
    }


def test_its_solutions_and_groups(imported, consultation):
    assert list(SolutionGroup.objects.filter(consultation=consultation).values_list("number", "name")) == [
        (0, "Baseline"),
        (1, "Device related"),
        (2, "Server related"),
        (3, "Encryption related"),
    ]
    solutions = Solution.objects.filter(consultation=consultation).select_related("section")
    assert [s.code for s in solutions] == ["0a", "0b", "0c", "1a", "1b", "1c", "1d", "2a", "2b", "2c", "3a"]
    described = {s.code: (s.title, s.section.number) for s in solutions}
    assert described["0b"] == ("End-to-end encrypted communications", "3.0.b")
    assert described["1d"] == ("On-device use of classifiers", "3.1.d")


def test_its_criteria_with_their_questions(imported, consultation):
    criteria = Criterion.objects.filter(consultation=consultation)
    assert [(c.order, c.key) for c in criteria] == [
        (1, "effectiveness"),
        (2, "feasibility"),
        (3, "privacy"),
        (4, "security"),
        (5, "transparency"),
    ]
    assert all(c.question.endswith("?") for c in criteria)
    assert "**" not in criteria.get(key="transparency").question


def test_its_levels_and_stars(imported, consultation):
    assert Assessment.objects.filter(consultation=consultation).exclude(level="").count() == 55
    assert Assessment.objects.filter(consultation=consultation, stars__isnull=False).count() == 55 - 4
    assert cell("0a", "privacy").level == "Low"
    assert cell("0b", "effectiveness").level == "None"
    assert cell("0b", "feasibility").level == "Not applicable"
    assert cell("0c", "security").level == "Medium/Medium-low"
    assert cell("2c", "feasibility").level == "Low/Medium-low"
    assert (cell("1a", "effectiveness").level, cell("1a", "effectiveness").stars) == ("Medium-high", 5)
    assert cell("0b", "effectiveness").stars is None
    assert cell("0b", "privacy").stars == 5
    assert cell("2b", "feasibility").stars == 1
    assert cell("3a", "effectiveness").stars == 4


def test_a_rationale_split_by_a_page_of_footnotes_is_joined(imported):
    rationale = cell("1a", "security").rationale
    assert "trusted execution environments" in rationale
    assert not rationale.startswith(("Low", ":"))


def test_its_classifications(imported, consultation):
    values = dict(Classification.objects.filter(consultation=consultation).values_list("solution__code", "value"))
    assert values == {
        "0a": "na",
        "0b": "na",
        "0c": "na",
        "1a": "needs_research",
        "1b": "top3",
        "1c": "top3",
        "1d": "needs_research",
        "2a": "top3",
        "2b": "discard",
        "2c": "needs_research",
        "3a": "needs_research",
    }


def test_its_open_items_stand_in_the_recommendations(imported, consultation):
    items = OpenItem.objects.filter(consultation=consultation).order_by("import_marker").select_related("section")
    assert [(i.import_marker, i.section.number, i.place) for i in items] == [
        (1, "5", 'After "On possible solutions"'),
        (2, "5", 'After "Other considerations"'),
    ]


def test_its_references_by_group_and_their_solutions(imported, consultation):
    references = Reference.objects.filter(consultation=consultation)
    assert references.count() == 39
    assert {g: references.filter(group=g).count() for g in ("General", "Device related", "Server related")} == {
        "General": 15,
        "Device related": 7,
        "Server related": 10,
    }
    assert references.filter(group="Encryption related").count() == 7
    for reference in references.filter(group="Device related"):
        assert sorted(reference.solutions.values_list("code", flat=True)) == ["1a", "1b", "1c", "1d"]
    assert not Reference.solutions.through.objects.filter(reference__group="General").exists()
    gentry = references.get(group="Encryption related", number=7)
    assert (gentry.authors, gentry.title, gentry.year) == (
        "Gentry, C.",
        "Fully Homomorphic Encryption Using Ideal Lattices",
        2009,
    )


def test_its_footnotes_are_numbered_one_to_thirty_three(imported, consultation):
    footnotes = Footnote.objects.filter(consultation=consultation)
    assert list(footnotes.values_list("number", flat=True)) == list(range(1, 34))
    assert footnotes.get(number=1).text.count("\n\n") == 3
    # Footnote 6 breaks off at a page end and goes on several pages later.
    assert "note that tech-savvy" in footnotes.get(number=6).text


def test_each_section_is_there_once_although_the_introduction_is_repeated(imported, consultation):
    sections = Section.objects.filter(consultation=consultation)
    assert sections.filter(title="Introduction").count() == 1
    assert list(sections.filter(parent__isnull=True).values_list("number", "title")) == [
        ("1", "Introduction"),
        ("2", "Problem definition"),
        ("3", "Possible solutions"),
        ("4", "Overview"),
        ("5", "Recommendations"),
        ("A2", "Annex 2: References"),
    ]
    assert list(sections.filter(parent__number="1").values_list("number", "title")) == [
        ("1.1", "Purpose"),
        ("1.2", "Scope"),
        ("1.3", "Approach"),
    ]
    # The scope's first footnote marker appears once: the repeated copy of the introduction was skipped.
    assert sections.get(number="1.2").text.count("¹") == 1


def test_reimporting_the_reference_draft_creates_no_revision(imported, consultation, secretariat):
    again = import_draft_text(
        consultation=consultation,
        filename=REFERENCE_DRAFT.name,
        content=REFERENCE_DRAFT.read_text(encoding="utf-8"),
        user=secretariat,
    )

    assert again.preview["unchanged"] is True
    assert AssessmentRevision.objects.filter(consultation=consultation).count() == 55
    assert ClassificationRevision.objects.filter(consultation=consultation).count() == 11
