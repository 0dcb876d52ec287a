"""Consensus figures of one cell in one rating round: pure functions over the experts' answers.

An answer is ``1`` to ``5`` stars, or ``None`` for "cannot judge". "Cannot
judge" answers are counted but take no part in the figures: the median,
quartiles, interquartile range and the share within one star are computed over
the star answers only.

Quartiles: linear interpolation between order statistics, the method R and
numpy use by default, Excel's ``QUARTILE.INC`` and Python's
``statistics.quantiles(method="inclusive")`` (Hyndman & Fan type 7). It is the
one most Delphi studies report, since their figures come from spreadsheets or
R. For the sorted answers x[0..n-1] the quartile p sits at position
h = (n - 1) * p, between x[floor(h)] and x[floor(h) + 1]:

    Q(p) = x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)])

so the second quartile is the usual median (the mean of the two middle answers
when n is even), a single answer is its own median and quartiles, and the
quartiles of whole stars are always multiples of 0.25.

Consensus, by the consultation's rule: at least ``min_share`` per cent of the
star answers lie within one star of the median (|stars - median| <= 1), and
the interquartile range is at most ``max_iqr``. No star answers (none at all,
or all "cannot judge") means no median and no consensus. A single answer meets
the rule (it agrees with itself); the number of answers is shown beside the
flag so that readers can weigh it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

STAR_VALUES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class ConsensusRule:
    """The consultation's rule: ``min_share`` per cent within one star of the median and an IQR of at most
    ``max_iqr``."""

    min_share: int = 70
    max_iqr: Decimal = Decimal("1")

    @classmethod
    def of(cls, consultation) -> ConsensusRule:
        return cls(min_share=consultation.consensus_min_share, max_iqr=Decimal(consultation.consensus_max_iqr))

    def __str__(self) -> str:
        iqr = f"{Decimal(self.max_iqr).normalize():f}"  # 1.0 -> "1", 1.5 -> "1.5"
        return f"at least {self.min_share}% within one star of the median and an IQR of at most {iqr}"


@dataclass(frozen=True)
class Figures:
    """What a group of answers says about one cell."""

    n: int  # star answers
    cannot_judge: int
    median: float | None
    q1: float | None
    q3: float | None
    distribution: dict[int, int] = field(default_factory=dict)  # stars (1..5) -> number of answers
    within_one: int = 0  # star answers within one star of the median
    consensus: bool = False

    @property
    def answers(self) -> int:
        """Every answer, "cannot judge" included."""
        return self.n + self.cannot_judge

    @property
    def iqr(self) -> float | None:
        return None if self.q1 is None else self.q3 - self.q1

    @property
    def share_within_one(self) -> float | None:
        """Per cent of the star answers within one star of the median, to one decimal; None without any."""
        return round(100 * self.within_one / self.n, 1) if self.n else None

    @property
    def quartiles(self) -> tuple[float, float, float] | None:
        return None if self.median is None else (self.q1, self.median, self.q3)

    @property
    def max_count(self) -> int:
        return max([*self.distribution.values(), self.cannot_judge, 0])

    @property
    def summary(self) -> str:
        """The figures in a few words: "median 4, IQR 1, 7 answers, 1 cannot judge, consensus"."""
        cannot = f", {self.cannot_judge} cannot judge" if self.cannot_judge else ""
        if not self.n:
            return f"no star answers{cannot}"
        answers = f"{self.n} answer{'s' if self.n != 1 else ''}"
        verdict = "consensus" if self.consensus else "no consensus"
        return f"median {number(self.median)}, IQR {number(self.iqr)}, {answers}{cannot}, {verdict}"


def number(value: float | None) -> str:
    """A figure as people write it: 2.0 -> "2", 2.5 -> "2.5", 1.75 -> "1.75"; "–" for none."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def quantile(ordered: Sequence[float], p: float) -> float:
    """The ``p`` quantile (0 <= p <= 1) of sorted, non-empty values, by linear interpolation (type 7)."""
    if not ordered:
        raise ValueError("No values: the quantile is undefined.")
    h = (len(ordered) - 1) * p
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def figures(answers: Iterable[int | None], rule: ConsensusRule = ConsensusRule()) -> Figures:
    """The figures of one cell from its answers (stars 1..5, or None for "cannot judge")."""
    stars: list[int] = []
    cannot_judge = 0
    for answer in answers:
        if answer is None:
            cannot_judge += 1
        elif answer in STAR_VALUES:
            stars.append(answer)
        else:
            raise ValueError(f"An answer is 1 to 5 stars or None (cannot judge), not {answer!r}.")
    distribution = {value: stars.count(value) for value in STAR_VALUES}
    if not stars:
        return Figures(n=0, cannot_judge=cannot_judge, median=None, q1=None, q3=None, distribution=distribution)
    stars.sort()
    median = quantile(stars, 0.5)
    q1, q3 = quantile(stars, 0.25), quantile(stars, 0.75)
    within_one = sum(1 for value in stars if abs(value - median) <= 1)
    # Compared in whole numbers (and the IQR, a multiple of 0.25, exactly), so 70% of 10 is exactly 7 answers.
    consensus = within_one * 100 >= rule.min_share * len(stars) and Decimal(str(q3 - q1)) <= rule.max_iqr
    return Figures(
        n=len(stars),
        cannot_judge=cannot_judge,
        median=median,
        q1=q1,
        q3=q3,
        distribution=distribution,
        within_one=within_one,
        consensus=consensus,
    )


def figures_by(
    answers: Iterable[tuple[Hashable, int | None]], rule: ConsensusRule = ConsensusRule(), *, order: Callable = str
) -> dict[Hashable, Figures]:
    """Figures per group, from (group, answer) pairs: e.g. split by expert type. Groups with no answer are absent."""
    groups: dict[Hashable, list[int | None]] = {}
    for group, answer in answers:
        groups.setdefault(group, []).append(answer)
    return {group: figures(groups[group], rule) for group in sorted(groups, key=order)}
