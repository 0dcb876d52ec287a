"""Measure the matrix read as of a time (``build_matrix(consultation, when)``) as the revision history grows.

Works in a throwaway consultation ``benchmark-<timestamp>``, deleted at the end
unless ``--keep``. The work is in ``consultation.benchmarks``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from consultation import benchmarks


def _counts(value: str) -> list[int]:
    try:
        counts = [int(part.replace("_", "")) for part in value.split(",") if part.strip()]
    except ValueError:
        raise CommandError(f'"{value}" is not a comma-separated list of revision counts (10000,1000000).') from None
    if not counts or min(counts) < 1:
        raise CommandError("Give at least one revision count, all of them 1 or more.")
    return counts


class Command(BaseCommand):
    help = (
        "Time build_matrix as of a time in a throwaway consultation whose revision history grows to each "
        "given size (cumulatively), check a sample of cells, and show the query plan at the largest size."
    )

    def add_arguments(self, parser):
        parser.add_argument("--solutions", type=int, default=50, help="Solutions (rows). Default 50.")
        parser.add_argument("--criteria", type=int, default=10, help="Criteria (columns). Default 10.")
        parser.add_argument(
            "--revisions",
            type=_counts,
            default=[10_000, 1_000_000],
            metavar="N,N,...",
            help="Revision counts to measure at, grown one after the other. Default 10000,1000000.",
        )
        parser.add_argument("--repeat", type=int, default=5, help="Timed runs per figure. Default 5.")
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark consultation afterwards.")
        parser.add_argument("--seed", type=int, default=0, help="Seed of the sample of checked cells.")

    def handle(self, *args, solutions, criteria, revisions, repeat, keep, seed, **options):
        if solutions < 1 or criteria < 1 or repeat < 1:
            raise CommandError("--solutions, --criteria and --repeat must be 1 or more.")
        verbose = options["verbosity"] >= 1
        report = benchmarks.run(
            solutions=solutions,
            criteria=criteria,
            sizes=revisions,
            repeat=repeat,
            keep=keep,
            seed=seed,
            progress=(lambda message: self.stderr.write(message)) if verbose else benchmarks.quiet,
        )
        self.stdout.write(benchmarks.format_report(report))
        if report.mismatches:
            raise CommandError("The as-of read disagrees with the revisions it should return; see above.")
