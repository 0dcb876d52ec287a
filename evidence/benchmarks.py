"""Benchmark of the table exports with many submissions (``manage.py benchmark_exports``).

A throwaway consultation ``benchmark-exports-<timestamp>`` gets experts, a few
solutions and criteria, and its submissions grown in steps (10,000 then
100,000 by default) straight in PostgreSQL with ``INSERT ... SELECT FROM
generate_series``, each linked to a solution and a criterion. At each size:

- the CSV export's speed: the submissions table written as the CSV writer
  writes it (``csv_chunks`` into a deflated zip member), in rows per second,
  beside PostgreSQL's own ``COPY (<the same SELECT>) TO STDOUT (FORMAT csv)``
  of the very statement the export runs (``tables.submissions_queryset``);
  the target is at least half of COPY's speed;
- the XLSX export's peak memory: Python's allocations traced by
  ``tracemalloc`` while ``xlsx.write`` writes the whole workbook, and the
  growth of the process's peak resident size (``ru_maxrss``); the target is
  nearly the same at every size (constant memory).

Everything happens in one transaction, rolled back at the end (the
consultation, its submissions and the benchmark's users are gone, and leave no
history events) unless ``keep``.
"""

from __future__ import annotations

import resource
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pghistory
import psycopg
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from consultation.models import Consultation, Criterion, Membership, Role, Solution, SolutionGroup
from evidence.exports import ExportContext, xlsx
from evidence.exports.csv import COMPRESS_LEVEL, csv_chunks
from evidence.exports.tables import SUBMISSION_COLUMNS, submission_rows, submissions_queryset
from evidence.models import Submission

EXPERTS = 20
SOLUTIONS = 10
CRITERIA = 5

Progress = Callable[[str], None]


def quiet(message: str) -> None:
    """The default progress callback: say nothing."""


@dataclass
class Figures:
    rows: int
    csv_seconds: float
    copy_seconds: float
    xlsx_peak_traced: int  # bytes
    xlsx_maxrss_growth: int  # bytes
    xlsx_seconds: float
    xlsx_size: int

    @property
    def csv_rate(self) -> float:
        return self.rows / self.csv_seconds if self.csv_seconds else 0.0

    @property
    def copy_rate(self) -> float:
        return self.rows / self.copy_seconds if self.copy_seconds else 0.0

    @property
    def share_of_copy(self) -> float:
        return self.csv_rate / self.copy_rate if self.copy_rate else 0.0


@dataclass
class Report:
    slug: str
    kept: bool = False
    figures: list[Figures] = field(default_factory=list)


def create_consultation(slug: str) -> tuple[Consultation, object]:
    User = get_user_model()
    with transaction.atomic(), pghistory.context(benchmark=slug):
        consultation = Consultation.objects.create(
            slug=slug, title="exports benchmark (throwaway, deleted by manage.py benchmark_exports)", marking="LIMITE"
        )
        secretariat = User.objects.create(username=f"{slug}-secretariat", first_name="Bench", last_name="Secretariat")
        Membership.objects.create(consultation=consultation, user=secretariat, role=Role.SECRETARIAT)
        for n in range(1, EXPERTS + 1):
            expert = User.objects.create(username=f"{slug}-expert-{n}", first_name="Expert", last_name=f"Number {n}")
            Membership.objects.create(consultation=consultation, user=expert, role=Role.EXPERT)
        group = SolutionGroup.objects.create(consultation=consultation, number=1, name="Benchmark")
        for n in range(1, SOLUTIONS + 1):
            Solution.objects.create(
                consultation=consultation, group=group, code=f"{n}a", title=f"Solution {n}", order=n
            )
        for n in range(1, CRITERIA + 1):
            Criterion.objects.create(consultation=consultation, key=f"criterion-{n}", name=f"Criterion {n}", order=n)
    return consultation, secretariat


def grow(consultation: Consultation, start: int, stop: int) -> None:
    """Add submissions ``start`` .. ``stop - 1`` (0-based), submitted, each linked to one solution and criterion."""
    experts = list(
        Membership.objects.filter(consultation=consultation, role=Role.EXPERT)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    solutions = list(Solution.objects.filter(consultation=consultation).order_by("pk").values_list("pk", flat=True))
    criteria = list(Criterion.objects.filter(consultation=consultation).order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    with transaction.atomic(), pghistory.context(benchmark=consultation.slug), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO evidence_submission (consultation_id, author_id, title, body, status, response, created_at,
                updated_at, submitted_at, current_version, version)
            SELECT %s, (%s::bigint[])[1 + k %% %s], 'Input ' || k,
                'Body of input ' || k || E'. It says something about the ratings, in a sentence or two;\n'
                || 'with a "quote", a comma and a second line.',
                'new', '', %s, %s, %s - make_interval(secs => (%s - k)), 1, 1
            FROM generate_series(%s, %s) AS k
            """,
            [consultation.pk, experts, len(experts), now, now, now, stop, start, stop - 1],
        )
        ids = list(
            Submission.objects.filter(consultation=consultation, solutions__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for table, column, targets in (
            ("evidence_submission_solutions", "solution_id", solutions),
            ("evidence_submission_criteria", "criterion_id", criteria),
        ):
            cursor.execute(
                f"INSERT INTO {table} (submission_id, {column}) "  # noqa: S608 (names are constants above)
                "SELECT s, (%s::bigint[])[1 + s %% %s] FROM unnest(%s::bigint[]) AS s",
                [targets, len(targets), ids],
            )


def time_csv(context: ExportContext) -> tuple[int, float]:
    """Write the submissions table as the CSV export does (into a deflated zip member); rows and seconds."""
    rows = 0

    def counted():
        nonlocal rows
        for row in submission_rows(context):
            rows += 1
            yield row

    started = time.perf_counter()
    with (
        tempfile.TemporaryFile() as sink,
        zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive,
        archive.open("submissions.csv", "w", force_zip64=True) as member,
    ):
        for chunk in csv_chunks(SUBMISSION_COLUMNS, counted()):
            member.write(chunk)
    seconds = time.perf_counter() - started
    return rows, seconds


def copy_sql(context: ExportContext) -> str:
    """The submissions table's SELECT with its parameters bound, as PostgreSQL's COPY needs it."""
    sql, params = submissions_queryset(context).query.sql_with_params()
    raw = connection.connection
    return psycopg.ClientCursor(raw).mogrify(sql, params)


def time_copy(context: ExportContext) -> tuple[int, float]:
    """``COPY (the same SELECT) TO STDOUT (FORMAT csv, HEADER)``, read to the end; rows and seconds."""
    connection.ensure_connection()
    statement = f"COPY ({copy_sql(context)}) TO STDOUT (FORMAT csv, HEADER)"
    size = 0
    started = time.perf_counter()
    with connection.connection.cursor() as cursor:
        with cursor.copy(statement) as copy:
            for data in copy:
                size += len(data)
        rows = cursor.rowcount  # PostgreSQL's "COPY n"
    seconds = time.perf_counter() - started
    return rows, seconds


def measure_xlsx(context: ExportContext) -> tuple[int, int, float, int]:
    """Peak traced allocations, peak-RSS growth, seconds and size of the whole XLSX export."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        started = time.perf_counter()
        try:
            xlsx.write(context, out, lambda percent, step: None)
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        size = out.tell()
    growth = max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024  # KiB on Linux
    return peak, growth, seconds, size


def run(*, sizes: Sequence[int], keep: bool = False, progress: Progress = quiet) -> Report:
    """Grow the submissions to each size in turn and measure; all in one transaction, rolled back unless ``keep``.

    Rolling back is how the benchmark cleans up: deleting 100,000 submissions row by row (with a foreign-key
    check per referencing table and a history event each) takes far longer than the benchmark itself.
    """
    slug = f"benchmark-exports-{timezone.now():%Y%m%d%H%M%S%f}"
    report = Report(slug=slug, kept=keep)
    with transaction.atomic():
        consultation, secretariat = create_consultation(slug)
        done = 0
        for size in sizes:
            progress(f"Adding submissions {done + 1} to {size} ...")
            grow(consultation, done, size)
            done = size
            context = ExportContext(
                consultation=consultation, recipient=secretariat, as_of=timezone.now(), watermark="Benchmark"
            )
            progress(f"Timing the CSV export and COPY at {size} rows ...")
            rows, csv_seconds = time_csv(context)
            copied, copy_seconds = time_copy(context)
            if rows != size or copied != size:
                raise RuntimeError(f"Expected {size} rows, the CSV export gave {rows} and COPY {copied}.")
            progress(f"Measuring the XLSX export's memory at {size} rows ...")
            peak, growth, xlsx_seconds, xlsx_size = measure_xlsx(context)
            report.figures.append(Figures(size, csv_seconds, copy_seconds, peak, growth, xlsx_seconds, xlsx_size))
        if keep:
            progress(f"Kept the consultation {slug}.")
        else:
            transaction.set_rollback(True)
    return report


def mib(value: int) -> str:
    return f"{value / 2**20:.1f} MiB"


def format_report(report: Report) -> str:
    lines = [
        "Exports benchmark: the submissions table as CSV beside PostgreSQL's COPY of the same SELECT; "
        "the XLSX export's peak memory.",
        "",
        f"{'rows':>8} | {'CSV export rows/s':>17} | {'COPY rows/s':>12} | {'CSV/COPY':>8} | "
        f"{'XLSX peak traced':>16} | {'XLSX RSS growth':>15} | {'XLSX time':>9}",
    ]
    for f in report.figures:
        lines.append(
            f"{f.rows:>8} | {f.csv_rate:>17,.0f} | {f.copy_rate:>12,.0f} | {f.share_of_copy:>7.0%} | "
            f"{mib(f.xlsx_peak_traced):>16} | {mib(f.xlsx_maxrss_growth):>15} | {f.xlsx_seconds:>8.1f}s"
        )
    lines.append("")
    for f in report.figures:
        verdict = "met" if f.share_of_copy >= 0.5 else "NOT met"
        lines.append(f"CSV at {f.rows} rows: {f.share_of_copy:.0%} of COPY's speed (target at least 50%: {verdict}).")
    if len(report.figures) >= 2:
        small, large = report.figures[0], report.figures[-1]
        ratio = large.xlsx_peak_traced / small.xlsx_peak_traced if small.xlsx_peak_traced else 0
        lines.append(
            f"XLSX peak memory {large.rows} / {small.rows} rows: ×{ratio:.2f} "
            f"({mib(large.xlsx_peak_traced)} / {mib(small.xlsx_peak_traced)}; constant memory means about ×1)."
        )
    lines.append(
        f"Kept the consultation {report.slug}."
        if report.kept
        else f"Deleted the consultation {report.slug} (rolled back with everything the benchmark added)."
    )
    return "\n".join(lines)
