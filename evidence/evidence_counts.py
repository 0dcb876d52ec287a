"""The evidence map on consultation's pages: counts and "change argued" markers per matrix cell, and the evidence
the adoption form offers. Registered with ``consultation.extensions`` by ``EvidenceConfig.ready``.

The rules are those of ``evidence.evidence_map`` (which lists the same evidence on a cell's page): input linked to
a cell's solution and criterion, or proposing a rating of the cell; excerpts linked to the cell, or to its solution
and criterion; all as the reader may see them (``Submission.objects.visible_to``). Withdrawn input does not count.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import CharField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value

from consultation.extensions import AdoptionEvidence, CellEvidence, EvidenceChoice
from consultation.models import Assessment, AssessmentRevision, Consultation, Solution
from evidence.evidence_map import CHANGE_STANCES, STANCE_LABELS, stance_of_proposal
from evidence.models import Excerpt, ProposedRating, Submission

_LINK, _PROPOSAL, _EXCERPT = 1, 2, 3


def _rows(queryset, kind: int, *, solution: str, criterion: str, item: str, when: str, stars=None, stance=None):
    """One arm of the evidence union: (kind, solution id, criterion id, item id, date, proposed stars, stance)."""
    return queryset.annotate(
        e_kind=Value(kind, IntegerField()),
        e_solution=F(solution),
        e_criterion=F(criterion),
        e_item=F(item),
        e_when=F(when),
        e_stars=F(stars) if stars else Value(None, IntegerField()),
        e_stance=F(stance) if stance else Value("", CharField()),
    ).values_list("e_kind", "e_solution", "e_criterion", "e_item", "e_when", "e_stars", "e_stance")


class EvidenceMapProvider:
    """Implements ``consultation.extensions.EvidenceProvider``."""

    def cell_evidence_counts(
        self, user, consultation: Consultation, *, until: datetime | None = None
    ) -> dict[tuple[int, int], CellEvidence]:
        """Two queries for the whole matrix: the revisions in force with what they cite, and the evidence rows."""
        if until is None:
            in_force = AssessmentRevision.objects.filter(
                assessment__consultation=consultation, number=F("assessment__revision")
            )
        else:
            in_force = AssessmentRevision.objects.as_of(Assessment.objects.filter(consultation=consultation), until)
        revisions = {
            (sol, crit): (stars, created_at, set(cited_s) - {None}, set(cited_e) - {None})
            for sol, crit, stars, created_at, cited_s, cited_e in in_force.values(
                "pk", "assessment__solution_id", "assessment__criterion_id", "stars", "created_at"
            )
            .annotate(cited_s=ArrayAgg("evidence", distinct=True), cited_e=ArrayAgg("excerpts", distinct=True))
            .values_list(
                "assessment__solution_id", "assessment__criterion_id", "stars", "created_at", "cited_s", "cited_e"
            )
        }
        visible = Submission.objects.visible_to(user, consultation).submitted()
        if until is None:
            visible = visible.filter(withdrawn_at__isnull=True)
        else:
            visible = visible.filter(submitted_at__lte=until).filter(
                Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=until)
            )
        visible_ids = visible.values("pk")
        excerpts = Excerpt.objects.filter(consultation=consultation).filter(
            Q(submission__isnull=True) | Q(submission__in=visible_ids)
        )
        if until is not None:
            excerpts = excerpts.filter(created_at__lte=until)
        excerpt_ids = excerpts.values("pk")
        union = _rows(
            Submission.criteria.through.objects.filter(submission__in=visible_ids),
            _LINK,
            solution="submission__solutions",
            criterion="criterion_id",
            item="submission_id",
            when="submission__submitted_at",
        ).union(
            _rows(
                ProposedRating.objects.filter(submission__in=visible_ids),
                _PROPOSAL,
                solution="solution_id",
                criterion="criterion_id",
                item="submission_id",
                when="submission__submitted_at",
                stars="stars",
            ),
            _rows(
                Excerpt.cells.through.objects.filter(excerpt__in=excerpt_ids),
                _EXCERPT,
                solution="assessment__solution_id",
                criterion="assessment__criterion_id",
                item="excerpt_id",
                when="excerpt__created_at",
                stance="excerpt__stance",
            ),
            _rows(
                Excerpt.criteria.through.objects.filter(excerpt__in=excerpt_ids),
                _EXCERPT,
                solution="excerpt__solutions",
                criterion="criterion_id",
                item="excerpt_id",
                when="excerpt__created_at",
                stance="excerpt__stance",
            ),
            all=True,
        )
        items: dict[tuple[int, int], set[tuple[int, int]]] = {}
        argued: set[tuple[int, int]] = set()
        for kind, sol, crit, item, when, stars, stance in union:
            if sol is None or crit is None:
                continue  # input or an excerpt linked to a criterion but to no solution
            cell = (sol, crit)
            items.setdefault(cell, set()).add((_EXCERPT if kind == _EXCERPT else _LINK, item))
            revision = revisions.get(cell)
            if kind == _PROPOSAL:
                if revision is None:
                    continue
                current, at, cited, _ = revision
                if stance_of_proposal(stars, current, True) in CHANGE_STANCES and when > at and item not in cited:
                    argued.add(cell)
            elif (
                kind == _EXCERPT
                and stance in CHANGE_STANCES
                and (revision is None or (when > revision[1] and item not in revision[3]))
            ):
                argued.add(cell)
        return {cell: CellEvidence(len(found), cell in argued) for cell, found in items.items()}

    def adoption_evidence(self, user, consultation: Consultation, solution: Solution) -> AdoptionEvidence:
        """Per criterion of ``solution``: the cell's citable input (with the stance of its proposal) and excerpts;
        under None, the solution's excerpts for its classification. Citable: submitted, not withdrawn. Two queries,
        and two more when there are excerpts."""
        citable = Submission.objects.visible_to(user, consultation).submitted().filter(withdrawn_at__isnull=True)
        found = AdoptionEvidence()
        cell = Assessment.objects.filter(solution=OuterRef("solution"), criterion=OuterRef("criterion"))
        rows = ProposedRating.objects.filter(submission__in=citable.values("pk"), solution=solution).annotate(
            now=Subquery(cell.values("stars")[:1]), rated=Subquery(cell.values("revision")[:1])
        )
        for pk, title, criterion, stars, now, rated in rows.values_list(
            "submission_id", "submission__title", "criterion_id", "stars", "now", "rated"
        ).order_by("submission__submitted_at", "submission_id"):
            stance = stance_of_proposal(stars, now, bool(rated))
            label = f"#{pk} {title or 'Untitled'} (proposes {'N/A' if stars is None else f'{stars}★'})"
            found.submissions.setdefault(criterion, []).append(EvidenceChoice(pk, label, stance, STANCE_LABELS[stance]))
        excerpt_rows = (
            Excerpt.objects.filter(consultation=consultation)
            .filter(Q(submission__isnull=True) | Q(submission__in=citable.values("pk")))
            .filter(Q(solutions=solution) | Q(cells__solution=solution))
            .annotate(
                direct=Exists(Excerpt.solutions.through.objects.filter(excerpt=OuterRef("pk"), solution=solution))
            )
            .distinct()
            .order_by("created_at", "pk")
        )
        excerpts = {e.pk: e for e in excerpt_rows.only("pk", "quote", "stance")}
        criteria_of: dict[int, set[int]] = {}
        if not excerpts:
            return found
        for pk, criterion in Excerpt.cells.through.objects.filter(
            excerpt__in=list(excerpts), assessment__solution=solution
        ).values_list("excerpt_id", "assessment__criterion_id"):
            criteria_of.setdefault(pk, set()).add(criterion)
        for pk, criterion in Excerpt.criteria.through.objects.filter(
            excerpt__in=[pk for pk, e in excerpts.items() if e.direct]
        ).values_list("excerpt_id", "criterion_id"):
            criteria_of.setdefault(pk, set()).add(criterion)
        for pk, excerpt in excerpts.items():
            quote = excerpt.quote if len(excerpt.quote) <= 90 else excerpt.quote[:89] + "…"
            choice = EvidenceChoice(pk, f"“{quote}”", excerpt.stance, STANCE_LABELS.get(excerpt.stance, ""))
            for criterion in sorted(criteria_of.get(pk, ())):
                found.excerpts.setdefault(criterion, []).append(choice)
            if excerpt.direct:
                found.excerpts.setdefault(None, []).append(choice)
        return found
