"""Hooks through which other apps add to the consultation's pages, so that consultation never imports them.

The evidence app registers an input provider in its ``AppConfig.ready``: the
solution, criterion and matrix pages ask it for the expert input linked to what
they show. The provider applies the evidence app's own visibility rule and
pseudonyms, so that rule is written once (``evidence.querysets``) rather than
copied here. Without a provider the pages simply show no input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from consultation.models import Consultation, Criterion, Solution


@dataclass(frozen=True)
class LinkedInput:
    """One piece of input as a consultation page lists it."""

    pk: int
    title: str
    author: str
    status: str
    status_label: str
    submitted_at: datetime | None
    withdrawn: bool
    url: str = ""


@dataclass
class InputCounts:
    """How much input each solution, criterion and cell of the matrix has (withdrawn input not counted)."""

    by_solution: dict[int, int] = field(default_factory=dict)
    by_criterion: dict[int, int] = field(default_factory=dict)
    by_cell: dict[tuple[int, int], int] = field(default_factory=dict)

    def solution(self, solution: Solution) -> int:
        return self.by_solution.get(solution.pk, 0)

    def criterion(self, criterion: Criterion) -> int:
        return self.by_criterion.get(criterion.pk, 0)

    def cell(self, solution: Solution, criterion: Criterion) -> int:
        return self.by_cell.get((solution.pk, criterion.pk), 0)


class InputProvider(Protocol):
    def linked_input(
        self,
        user,
        consultation: Consultation,
        *,
        solution: Solution | None = None,
        criterion: Criterion | None = None,
        until: datetime | None = None,
    ) -> list[LinkedInput]: ...

    def input_counts(self, user, consultation: Consultation, *, until: datetime | None = None) -> InputCounts: ...

    def readable_input_ids(self, user, consultation: Consultation) -> set[int]: ...


_providers: list[InputProvider] = []


def register_input_provider(provider: InputProvider) -> None:
    """Called once by an app's ``ready()``; registering the same provider twice has no effect."""
    if not any(type(known) is type(provider) for known in _providers):
        _providers.append(provider)


def linked_input(
    user,
    consultation: Consultation,
    *,
    solution: Solution | None = None,
    criterion: Criterion | None = None,
    until: datetime | None = None,
) -> list[LinkedInput]:
    """The input ``user`` may read that is linked to ``solution`` or ``criterion``, newest first.

    With ``until`` (a page shown as of a version or a date) only the input
    submitted by then and not withdrawn by then is listed, as ``input_counts``
    counts it for the matrix of that moment.
    """
    found: list[LinkedInput] = []
    for provider in _providers:
        found += provider.linked_input(user, consultation, solution=solution, criterion=criterion, until=until)
    return found


def input_counts(user, consultation: Consultation, *, until: datetime | None = None) -> InputCounts:
    """Counts of the input ``user`` may read, per solution, criterion and cell.

    With ``until`` (a matrix shown as of a version or a date) only the input
    submitted by then, and not withdrawn by then, counts: the counts as they
    stood at that moment beside the ratings of that moment.
    """
    total = InputCounts()
    for provider in _providers:
        counts = provider.input_counts(user, consultation, until=until)
        for mine, theirs in (
            (total.by_solution, counts.by_solution),
            (total.by_criterion, counts.by_criterion),
            (total.by_cell, counts.by_cell),
        ):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n
    return total


def readable_input_ids(user, consultation: Consultation) -> set[int]:
    """Ids of the submitted input ``user`` may read (so that lists of ids, e.g. an open item's, leak no others)."""
    ids: set[int] = set()
    for provider in _providers:
        ids |= provider.readable_input_ids(user, consultation)
    return ids


# --- The evidence map (issue 7): per cell, how much evidence there is and whether it argues for a change. ---


@dataclass(frozen=True)
class CellEvidence:
    """The evidence of one cell the reader may see: how many pieces (input and excerpts), and whether some of it
    argues for a higher or lower rating after the cell's latest revision without being cited by it."""

    count: int = 0
    argued: bool = False


@dataclass(frozen=True)
class EvidenceChoice:
    """A piece of evidence a change of a rating may rest on, as the adoption form offers it."""

    pk: int
    label: str
    stance: str = "context"
    stance_label: str = ""


@dataclass(frozen=True)
class CellChoices:
    """The evidence one change (of a cell, or of a classification) may cite."""

    submissions: list[EvidenceChoice] = field(default_factory=list)
    excerpts: list[EvidenceChoice] = field(default_factory=list)


@dataclass
class AdoptionEvidence:
    """What a change of a solution's cells (by criterion id) or of its classification (key None) may cite."""

    submissions: dict[int | None, list[EvidenceChoice]] = field(default_factory=dict)
    excerpts: dict[int | None, list[EvidenceChoice]] = field(default_factory=dict)

    def of(self, criterion_id: int | None) -> CellChoices:
        """The choices of the cell of that criterion, or of the classification for None."""
        return CellChoices(self.submissions.get(criterion_id, []), self.excerpts.get(criterion_id, []))


class EvidenceProvider(Protocol):
    def cell_evidence_counts(
        self, user, consultation: Consultation, *, until: datetime | None = None
    ) -> dict[tuple[int, int], CellEvidence]: ...

    def adoption_evidence(self, user, consultation: Consultation, solution: Solution) -> AdoptionEvidence: ...


_evidence_providers: list[EvidenceProvider] = []


def register_evidence_provider(provider: EvidenceProvider) -> None:
    """Called once by an app's ``ready()``; registering the same provider twice has no effect."""
    if not any(type(known) is type(provider) for known in _evidence_providers):
        _evidence_providers.append(provider)


def cell_evidence_counts(
    user, consultation: Consultation, *, until: datetime | None = None
) -> dict[tuple[int, int], CellEvidence]:
    """``{(solution_id, criterion_id): CellEvidence}`` for the whole matrix, in a constant number of queries.

    With ``until`` (a matrix shown as of a version or a date) only the evidence of that moment counts, and
    "argued" is judged against the revision then in force.
    """
    total: dict[tuple[int, int], CellEvidence] = {}
    for provider in _evidence_providers:
        for key, theirs in provider.cell_evidence_counts(user, consultation, until=until).items():
            mine = total.get(key, CellEvidence())
            total[key] = CellEvidence(mine.count + theirs.count, mine.argued or theirs.argued)
    return total


def adoption_evidence(user, consultation: Consultation, solution: Solution) -> AdoptionEvidence:
    """The input and excerpts a change of ``solution``'s ratings or classification may rest on (empty without a
    provider). Each list is the evidence shown on the cell's (or the solution's) evidence page that may be cited."""
    found = AdoptionEvidence()
    for provider in _evidence_providers:
        theirs = provider.adoption_evidence(user, consultation, solution)
        for mine, other in ((found.submissions, theirs.submissions), (found.excerpts, theirs.excerpts)):
            for key, choices in other.items():
                mine.setdefault(key, []).extend(choices)
    return found
