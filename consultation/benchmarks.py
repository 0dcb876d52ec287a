"""Benchmark of the matrix read "as it stood at a given time" (``build_matrix(consultation, when)``).

Used by ``manage.py benchmark_asof``. A throwaway consultation gets one cell per
solution × criterion; its revision history is then grown in steps (10,000 to
1,000,000 rows by default) straight in PostgreSQL with ``INSERT ... SELECT FROM
generate_series``, and at each size the matrix is read as of the middle of the
history, as of just before the last revision, and now. The read is expected to
cost about the same at every size, in the same number of queries: the as-of
lookup is one index probe per cell on ``assessment_rev_asof``.

The history is synthetic but valid: revision ``k`` (counting from 0 over the
whole consultation) belongs to cell ``k % cells`` with number ``k // cells + 1``,
so numbers are consecutive per cell, and is dated ``start + k × step`` so that
timestamps increase; ``step`` spreads the largest requested history over the
last 365 days. Each cell's current value (``Assessment``) is then set to its
last revision, as the services would have left it.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pghistory
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultation.matrix import build_matrix
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationChoice,
    ClassificationRevision,
    Consultation,
    Criterion,
    RevisionSource,
    Solution,
    SolutionGroup,
)

HISTORY_SPAN = timedelta(days=365)
LEVELS = ("Low", "Medium-low", "Medium", "Medium-high", "High")  # by stars, 1 to 5
SAMPLE_CELLS = 5

Progress = Callable[[str], None]


def quiet(message: str) -> None:
    """The default progress callback: say nothing."""


@dataclass
class History:
    """A benchmark consultation and the synthetic revision history grown in it so far."""

    consultation: Consultation
    cell_ids: list[int]  # Assessment ids; revision k belongs to cell_ids[k % len(cell_ids)]
    start: datetime
    step_us: int  # microseconds between consecutive revisions
    revisions: int = 0  # revisions inserted so far

    def created_at(self, k: int) -> datetime:
        """When revision ``k`` (0-based, over the whole consultation) was made."""
        return self.start + timedelta(microseconds=k * self.step_us)

    def cell_of(self, k: int) -> int:
        """The Assessment id revision ``k`` belongs to."""
        return self.cell_ids[k % len(self.cell_ids)]

    @property
    def middle(self) -> datetime:
        """A time in the middle of the history as it stands."""
        return self.created_at(self.revisions // 2)

    @property
    def just_before_last(self) -> datetime:
        """One microsecond before the last revision: every cell's latest revision but one cell's."""
        return self.created_at(self.revisions - 1) - timedelta(microseconds=1)


@dataclass(frozen=True)
class Timing:
    """Wall time of ``build_matrix`` over the repeated runs, and the queries one run makes."""

    median_ms: float
    min_ms: float
    queries: int


@dataclass
class SizeResult:
    """What was measured at one size of the history."""

    revisions: int
    middle: Timing
    before_last: Timing
    now: Timing
    fill_seconds: float
    checked: int = 0  # cell × as-of time comparisons made
    mismatches: list[str] = field(default_factory=list)


@dataclass
class Report:
    solutions: int
    criteria: int
    repeat: int
    slug: str
    sizes: list[SizeResult] = field(default_factory=list)
    plan: str = ""
    kept: bool = False

    @property
    def mismatches(self) -> list[str]:
        return [m for size in self.sizes for m in size.mismatches]


def create_consultation(solutions: int, criteria: int, slug: str | None = None) -> Consultation:
    """A throwaway consultation with ``solutions`` × ``criteria`` empty cells and one classified solution per row.

    Every solution gets a classification with a single revision dated before
    the benchmark's history, so the as-of read of classifications has
    something to find too. The cells have no revision yet.
    """
    slug = slug or f"benchmark-{timezone.now():%Y%m%d-%H%M%S-%f}"
    before_history = timezone.now() - HISTORY_SPAN - timedelta(days=1)
    with transaction.atomic(), pghistory.context(benchmark=slug):
        consultation = Consultation.objects.create(
            slug=slug,
            title="as-of benchmark (throwaway, deleted by manage.py benchmark_asof)",
            reference="BENCHMARK",
        )
        group = SolutionGroup.objects.create(consultation=consultation, number=1, name="Benchmark")
        solution_rows = Solution.objects.bulk_create(
            Solution(consultation=consultation, group=group, code=f"s{i}", title=f"Solution {i}", order=i)
            for i in range(solutions)
        )
        criterion_rows = Criterion.objects.bulk_create(
            Criterion(consultation=consultation, key=f"c{i}", name=f"Criterion {i}", order=i) for i in range(criteria)
        )
        Assessment.objects.bulk_create(
            Assessment(consultation=consultation, solution=s, criterion=c)
            for s in solution_rows
            for c in criterion_rows
        )
        value = ClassificationChoice.NEEDS_RESEARCH
        classifications = Classification.objects.bulk_create(
            Classification(consultation=consultation, solution=s, value=value, revision=1, changed_at=before_history)
            for s in solution_rows
        )
        ClassificationRevision.objects.bulk_create(
            ClassificationRevision(
                consultation=consultation,
                classification=k,
                number=1,
                value=value,
                reason="benchmark",
                source=RevisionSource.IMPORT,
                created_at=before_history,
            )
            for k in classifications
        )
    return consultation


def start_history(consultation: Consultation, largest: int) -> History:
    """An empty history whose ``largest`` revisions will span the last 365 days, oldest first."""
    cell_ids = list(Assessment.objects.filter(consultation=consultation).order_by("pk").values_list("pk", flat=True))
    if not cell_ids:
        raise ValueError("The consultation has no cells.")
    step_us = max(1, int(HISTORY_SPAN.total_seconds() * 1_000_000) // max(largest, 1))
    start = timezone.now() - HISTORY_SPAN
    return History(consultation=consultation, cell_ids=cell_ids, start=start, step_us=step_us)


def grow_history(history: History, revisions: int) -> float:
    """Append revisions until the consultation has ``revisions`` of them; seconds taken (fill and ANALYZE).

    One ``INSERT ... SELECT FROM generate_series`` (appending never updates a
    revision, so the append-only trigger is not involved), then each cell's
    current value is set to its last revision and the table is analyzed so the
    planner sees the new size.
    """
    if revisions < history.revisions:
        raise ValueError(f"The history already has {history.revisions} revisions; it only grows.")
    began = time.perf_counter()
    qn = connection.ops.quote_name
    revision_table = qn(AssessmentRevision._meta.db_table)
    assessment_table = qn(Assessment._meta.db_table)
    params = {
        "consultation": history.consultation.pk,
        "cells": history.cell_ids,
        "n": len(history.cell_ids),
        "first": history.revisions,
        "last": revisions - 1,
        "start": history.start,
        "step_us": history.step_us,
        "levels": list(LEVELS),
        "reason": "benchmark",
        "source": RevisionSource.MANUAL.value,
    }
    with transaction.atomic(), pghistory.context(benchmark=history.consultation.slug), connection.cursor() as cursor:
        # stars cycle with the number and differ between neighbouring cells, so a read of the wrong
        # revision shows; the level always matches the stars.
        cursor.execute(
            f"""
            INSERT INTO {revision_table}
                (consultation_id, assessment_id, number, stars, level, rationale, reason, source, created_at)
            SELECT %(consultation)s, (%(cells)s::bigint[])[1 + k %% %(n)s], k / %(n)s + 1, g.stars,
                   (%(levels)s::text[])[g.stars], 'benchmark revision ' || k, %(reason)s, %(source)s,
                   %(start)s::timestamptz + (k * %(step_us)s) * interval '1 microsecond'
            FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS k,
                 LATERAL (SELECT (1 + (k / %(n)s + k %% %(n)s) %% 5)::smallint AS stars) AS g
            """,  # noqa: S608 - table names come from the models, values are parameters
            params,
        )
        cursor.execute(
            f"""
            UPDATE {assessment_table} AS a
            SET stars = r.stars, level = r.level, rationale = r.rationale, revision = r.number,
                changed_at = r.created_at, changed_by_id = r.created_by_id
            FROM {assessment_table} AS cell
            CROSS JOIN LATERAL (
                SELECT stars, level, rationale, number, created_at, created_by_id FROM {revision_table}
                WHERE assessment_id = cell.id ORDER BY number DESC LIMIT 1
            ) AS r
            WHERE cell.consultation_id = %(consultation)s AND a.id = cell.id AND a.revision <> r.number
            """,  # noqa: S608 - as above
            params,
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {revision_table}")
    history.revisions = revisions
    return time.perf_counter() - began


def time_build_matrix(consultation: Consultation, when: datetime | None, repeat: int) -> Timing:
    """Median and fastest wall time of ``build_matrix(consultation, when)`` over ``repeat`` runs, and its queries.

    A first, untimed run warms the caches and counts the queries (counting
    slows the run down a little, so it is kept out of the timed ones).
    """
    with CaptureQueriesContext(connection) as captured:
        build_matrix(consultation, when)
    times = []
    for _ in range(max(1, repeat)):
        began = time.perf_counter()
        build_matrix(consultation, when)
        times.append((time.perf_counter() - began) * 1000)
    return Timing(median_ms=statistics.median(times), min_ms=min(times), queries=len(captured))


def _expected_revision(assessment_id: int, when: datetime | None) -> tuple | None:
    """The revision of one cell that stood at ``when`` (None: the latest), by a plain query of its own."""
    qn = connection.ops.quote_name
    table = qn(AssessmentRevision._meta.db_table)
    up_to = "" if when is None else "AND created_at <= %s"
    sql = (
        f"SELECT number, stars, level, rationale, created_at FROM {table} WHERE assessment_id = %s {up_to} "  # noqa: S608
        "ORDER BY created_at DESC, number DESC LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [assessment_id] if when is None else [assessment_id, when])
        return cursor.fetchone()


def check_sample(history: History, whens: Sequence[datetime | None], rng: random.Random) -> tuple[int, list[str]]:
    """Compare the matrix with a plain query for a few cells at each of ``whens``; (comparisons, mismatches).

    The cells are ``SAMPLE_CELLS`` random ones plus the cell of the last
    revision, the one whose value differs between "now" and "just before the
    last revision".
    """
    consultation = history.consultation
    cells = {a.pk: a for a in Assessment.objects.filter(pk__in=history.cell_ids)}
    sample = rng.sample(history.cell_ids, min(SAMPLE_CELLS, len(history.cell_ids)))
    last_cell = history.cell_of(history.revisions - 1)
    if last_cell not in sample:
        sample.append(last_cell)
    checked, mismatches = 0, []
    for when in whens:
        matrix = build_matrix(consultation, when)
        for pk in sample:
            a = cells[pk]
            cell = matrix.cells.get((a.solution_id, a.criterion_id))
            got = None if cell is None else (cell.revision, cell.stars, cell.level, cell.rationale, cell.changed_at)
            expected = _expected_revision(pk, when)
            checked += 1
            if got != expected:
                label = "now" if when is None else when.isoformat()
                mismatches.append(
                    f"{history.revisions} revisions, as of {label}, cell {pk}: matrix {got}, expected {expected}"
                )
    return checked, mismatches


def explain_as_of(consultation: Consultation, when: datetime) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the cells query ``build_matrix`` runs for ``when``.

    The queryset is built the way ``build_matrix`` builds it; ``str(qs.query)``
    is not valid SQL to paste, so the plan comes from ``QuerySet.explain``.
    """
    revisions = AssessmentRevision.objects.as_of(
        Assessment.objects.filter(consultation=consultation), when
    ).select_related("assessment", "created_by")
    return revisions.explain(analyze=True, buffers=True)


def delete_consultation(consultation: Consultation) -> None:
    """Delete the consultation and everything in it, revisions included.

    The solutions go first: ``Solution.group`` protects the groups, so the
    ORM refuses to delete a consultation that still has solutions. Their
    cascade deletes the cells and the classifications with their revisions,
    each revision table in one ``DELETE`` (nothing is loaded row by row). The
    append-only trigger refuses UPDATEs of revisions only, and nothing here
    updates one: the benchmark makes no draft import whose deletion would
    ``SET_NULL`` a revision's reference to it. The audit trail keeps the events
    of the deleted rows, tagged with the benchmark's slug in their context.
    """
    with transaction.atomic(), pghistory.context(benchmark=consultation.slug):
        Solution.objects.filter(consultation=consultation).delete()
        consultation.delete()


def run(
    *,
    solutions: int,
    criteria: int,
    sizes: Sequence[int],
    repeat: int,
    keep: bool = False,
    seed: int = 0,
    progress: Progress = quiet,
) -> Report:
    """Run the whole benchmark: set up, grow and measure at each size, explain at the largest, clean up."""
    sizes = sorted(set(sizes))
    if not sizes or sizes[0] < 1:
        raise ValueError("Give at least one revision count, all of them 1 or more.")
    if solutions < 1 or criteria < 1:
        raise ValueError("Give at least one solution and one criterion.")
    rng = random.Random(seed)  # noqa: S311 - picks sample cells, not secrets
    consultation = create_consultation(solutions, criteria)
    report = Report(solutions=solutions, criteria=criteria, repeat=repeat, slug=consultation.slug, kept=keep)
    progress(
        f"Consultation {consultation.slug}: {solutions} solutions × {criteria} criteria = {solutions * criteria} cells"
    )
    try:
        history = start_history(consultation, sizes[-1])
        for size in sizes:
            progress(f"Growing the history to {size:,} revisions ...")
            fill_seconds = grow_history(history, size)
            progress(f"  filled and analyzed in {fill_seconds:.1f} s; timing {repeat} runs each ...")
            result = SizeResult(
                revisions=size,
                middle=time_build_matrix(consultation, history.middle, repeat),
                before_last=time_build_matrix(consultation, history.just_before_last, repeat),
                now=time_build_matrix(consultation, None, repeat),
                fill_seconds=fill_seconds,
            )
            result.checked, result.mismatches = check_sample(
                history, [history.middle, history.just_before_last, None], rng
            )
            report.sizes.append(result)
        report.plan = explain_as_of(consultation, history.middle)
    finally:
        if keep:
            progress(f"Kept the consultation {consultation.slug}.")
        else:
            progress(f"Deleting the consultation {consultation.slug} ...")
            delete_consultation(consultation)
    return report


def format_report(report: Report) -> str:
    """The table of figures, the ratios between the largest and the smallest size, the check and the plan."""
    lines = [
        f"build_matrix as of a time: {report.solutions} solutions × {report.criteria} criteria "
        f"= {report.solutions * report.criteria} cells, {report.repeat} timed run(s) per figure (median / min, ms)",
        "",
        f"{'revisions':>10} | {'as of middle':>15} | {'just before last':>16} | {'now (current)':>15} | "
        "queries (each column)",
        f"{'-' * 10}-+-{'-' * 15}-+-{'-' * 16}-+-{'-' * 15}-+-{'-' * 21}",
    ]
    for s in report.sizes:
        lines.append(
            f"{s.revisions:>10,} | {_ms(s.middle):>15} | {_ms(s.before_last):>16} | {_ms(s.now):>15} | "
            + "/".join(str(q) for q in _queries(s))
        )
    if len(report.sizes) > 1:
        small, large = report.sizes[0], report.sizes[-1]
        lines.append("")
        lines.append(
            f"ratio {large.revisions:,} / {small.revisions:,} revisions (medians): "
            f"as of middle ×{_ratio(large.middle, small.middle)}, "
            f"just before last ×{_ratio(large.before_last, small.before_last)}, "
            f"now ×{_ratio(large.now, small.now)}; queries "
            + ("constant" if _queries(large) == _queries(small) else f"{_queries(small)} -> {_queries(large)}")
        )
    checked = sum(s.checked for s in report.sizes)
    lines.append("")
    if report.mismatches:
        lines.append(f"Correctness check FAILED: {len(report.mismatches)} of {checked} sampled cell reads differ:")
        lines.extend(f"  {m}" for m in report.mismatches)
    else:
        lines.append(
            f"Correctness check passed: {checked} sampled cell reads ({SAMPLE_CELLS} random cells and the last "
            "revised one, as of the middle, just before the last revision and now, at each size) equal the "
            "latest revision with created_at <= that time, read by a query of their own."
        )
    if report.plan:
        lines += ["", f"EXPLAIN (ANALYZE, BUFFERS) of the as-of cells query at {report.sizes[-1].revisions:,}:"]
        lines += ["  " + line for line in report.plan.splitlines()]
    lines += [
        "",
        f"Kept the consultation {report.slug}." if report.kept else f"Deleted the consultation {report.slug}.",
    ]
    return "\n".join(lines)


def _ms(t: Timing) -> str:
    return f"{t.median_ms:.1f} / {t.min_ms:.1f}"


def _ratio(large: Timing, small: Timing) -> str:
    return f"{large.median_ms / small.median_ms:.2f}" if small.median_ms else "n/a"


def _queries(s: SizeResult) -> tuple[int, int, int]:
    return (s.middle.queries, s.before_last.queries, s.now.queries)
