"""The overview matrix (solutions × criteria) as it stands now or stood at a given time.

Read in a constant number of queries whatever the size of the consultation or
the length of its history: one for the solutions, one for the criteria, one for
the cells and one for the classifications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Q

from consultation.consistency import describe_expected, disagrees, mapping_for
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationChoice,
    ClassificationRevision,
    Consultation,
    Criterion,
    Solution,
)


@dataclass(frozen=True)
class Cell:
    solution_id: int
    criterion_id: int
    stars: int | None
    level: str
    rationale: str
    revision: int
    changed_at: datetime | None
    changed_by: str
    # The consultation's level-to-stars mapping (``consistency.mapping_for``); None means the default one.
    mapping: dict | None = field(default=None, compare=False, repr=False)

    @property
    def disagrees(self) -> bool:
        return disagrees(self.level, self.stars, self.mapping)

    @property
    def expected(self) -> str:
        return describe_expected(self.level, self.mapping)


@dataclass(frozen=True)
class ClassificationValue:
    value: str
    revision: int
    changed_at: datetime | None

    @property
    def label(self) -> str:
        return ClassificationChoice(self.value).label


@dataclass
class Matrix:
    consultation: Consultation
    as_of: datetime | None
    solutions: list[Solution]
    criteria: list[Criterion]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    classifications: dict[int, ClassificationValue] = field(default_factory=dict)

    def cell(self, solution: Solution, criterion: Criterion) -> Cell | None:
        return self.cells.get((solution.pk, criterion.pk))

    def rows(self):
        """(solution, [cell per criterion], classification) in display order, grouped by solution group."""
        for solution in self.solutions:
            yield solution, [self.cell(solution, c) for c in self.criteria], self.classifications.get(solution.pk)

    @property
    def disagreements(self) -> list[tuple[Solution, Criterion, Cell]]:
        found = []
        for solution in self.solutions:
            for criterion in self.criteria:
                cell = self.cell(solution, criterion)
                if cell and cell.disagrees:
                    found.append((solution, criterion, cell))
        return found


def _user_label(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _live(queryset, when: datetime | None):
    if when is None:
        return queryset.filter(retired_at__isnull=True)
    return queryset.filter(Q(retired_at__isnull=True) | Q(retired_at__gt=when))


def build_matrix(consultation: Consultation, when: datetime | None = None) -> Matrix:
    """The matrix now (``when`` None) or as it stood at ``when``."""
    solutions = list(_live(consultation.solutions.select_related("group", "section"), when).order_by("order", "code"))
    criteria = list(_live(consultation.criteria.all(), when).order_by("order", "key"))
    matrix = Matrix(consultation=consultation, as_of=when, solutions=solutions, criteria=criteria)
    mapping = mapping_for(consultation)
    if when is None:
        for a in Assessment.objects.filter(consultation=consultation).select_related("changed_by"):
            matrix.cells[(a.solution_id, a.criterion_id)] = Cell(
                a.solution_id,
                a.criterion_id,
                a.stars,
                a.level,
                a.rationale,
                a.revision,
                a.changed_at,
                _user_label(a.changed_by),
                mapping,
            )
        for k in Classification.objects.filter(consultation=consultation):
            matrix.classifications[k.solution_id] = ClassificationValue(k.value, k.revision, k.changed_at)
        return matrix
    revisions = AssessmentRevision.objects.as_of(
        Assessment.objects.filter(consultation=consultation), when
    ).select_related("assessment", "created_by")
    for r in revisions:
        a = r.assessment
        matrix.cells[(a.solution_id, a.criterion_id)] = Cell(
            a.solution_id,
            a.criterion_id,
            r.stars,
            r.level,
            r.rationale,
            r.number,
            r.created_at,
            _user_label(r.created_by),
            mapping,
        )
    class_revisions = ClassificationRevision.objects.as_of(
        Classification.objects.filter(consultation=consultation), when
    ).select_related("classification")
    for r in class_revisions:
        matrix.classifications[r.classification.solution_id] = ClassificationValue(r.value, r.number, r.created_at)
    # A solution or criterion that had no rating yet at ``when`` was not part of the matrix then.
    rated_solutions = {s for s, _ in matrix.cells} | set(matrix.classifications)
    rated_criteria = {c for _, c in matrix.cells}
    matrix.solutions = [s for s in matrix.solutions if s.pk in rated_solutions]
    matrix.criteria = [c for c in matrix.criteria if c.pk in rated_criteria]
    return matrix


def parse_as_of(value: str) -> datetime:
    """Read an ``as_of`` parameter: an ISO date (end of that day) or an ISO date-time.

    A date means "as it stood at the end of that day" in the site's time zone.
    Raises ValueError with a message fit to show the user.
    """
    from datetime import date, time

    from django.utils import timezone

    value = (value or "").strip()
    if not value:
        raise ValueError("Give a date (2024-05-08) or a date and time (2024-05-08T14:30).")
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return timezone.make_aware(datetime.combine(day, time.max))
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f'"{value}" is not a date (2024-05-08) or a date and time (2024-05-08T14:30).') from None
    when = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    try:
        # Compared in UTC by the database and shown in local time: a time before the year 1 there cannot be read.
        timezone.localtime(when.astimezone(UTC))
    except OverflowError:
        raise ValueError(f'"{value}" is out of range: choose a date between the years 1 and 9999.') from None
    return when
