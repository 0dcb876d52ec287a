"""Measure the table exports with many submissions: CSV rows/s beside PostgreSQL's COPY, XLSX peak memory.

Works in a throwaway consultation ``benchmark-exports-<timestamp>``, deleted at
the end unless ``--keep``. The work is in ``evidence.benchmarks``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from evidence import benchmarks


def _counts(value: str) -> list[int]:
    try:
        counts = [int(part.replace("_", "")) for part in value.split(",") if part.strip()]
    except ValueError:
        raise CommandError(f'"{value}" is not a comma-separated list of row counts (10000,100000).') from None
    if not counts or min(counts) < 1 or counts != sorted(set(counts)):
        raise CommandError("Give at least one row count, all 1 or more, in increasing order.")
    return counts


class Command(BaseCommand):
    help = (
        "Fill a throwaway consultation with submissions (10,000 then 100,000 by default) and print the CSV "
        "export's rows per second beside PostgreSQL's COPY of the same rows, and the XLSX export's peak memory."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rows",
            type=_counts,
            default=[10_000, 100_000],
            metavar="N,N,...",
            help="Submission counts to measure at, grown one after the other. Default 10000,100000.",
        )
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark consultation afterwards.")

    def handle(self, *args, rows, keep, **options):
        verbose = options["verbosity"] >= 1
        report = benchmarks.run(
            sizes=rows,
            keep=keep,
            progress=(lambda message: self.stderr.write(message)) if verbose else benchmarks.quiet,
        )
        self.stdout.write(benchmarks.format_report(report))
