"""Consensus figures against examples computed by hand (quartiles by linear interpolation, type 7)."""

import statistics
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultation.consensus import ConsensusRule, figures, figures_by, quantile

DEFAULT = ConsensusRule(min_share=70, max_iqr=Decimal("1"))


def test_odd_number_of_answers():
    # sorted 2 3 3 4 5: median x[2] = 3, Q1 at h=1 -> 3, Q3 at h=3 -> 4; 2, 3, 3, 4 lie within one star of 3.
    f = figures([4, 3, 5, 2, 3], DEFAULT)
    assert (f.n, f.cannot_judge, f.median, f.q1, f.q3, f.iqr) == (5, 0, 3, 3, 4, 1)
    assert f.distribution == {1: 0, 2: 1, 3: 2, 4: 1, 5: 1}
    assert (f.within_one, f.share_within_one) == (4, 80.0)
    assert f.consensus is True


def test_even_number_of_answers_interpolates_median_and_quartiles():
    # sorted 1 2 4 5: median (2 + 4) / 2 = 3; Q1 at h=0.75 -> 1 + 0.75 = 1.75; Q3 at h=2.25 -> 4 + 0.25 = 4.25.
    f = figures([5, 1, 4, 2], DEFAULT)
    assert (f.median, f.q1, f.q3, f.iqr) == (3, 1.75, 4.25, 2.5)
    assert (f.within_one, f.share_within_one) == (2, 50.0)
    assert f.consensus is False


def test_median_between_two_stars_counts_both_neighbours_within_one():
    # sorted 2 3 4 5: median 3.5; only 3 and 4 are within one star of it (2 and 5 are 1.5 away).
    f = figures([2, 3, 4, 5], DEFAULT)
    assert (f.median, f.q1, f.q3) == (3.5, 2.75, 4.25)
    assert f.share_within_one == 50.0
    assert f.consensus is False


def test_two_equal_camps_agree_within_one_star_but_spread_too_wide():
    # 2 2 4 4: median 3, every answer within one star of it, but Q1 2 and Q3 4 give an IQR of 2.
    f = figures([2, 4, 2, 4], DEFAULT)
    assert (f.median, f.q1, f.q3, f.iqr, f.share_within_one) == (3, 2, 4, 2, 100.0)
    assert f.consensus is False


def test_exactly_the_minimum_share_is_consensus_and_one_point_more_is_not():
    # 1 1 3 3 3 3 3 3 3 5: median 3, seven of ten within one star (70%); Q1 (h=2.25) and Q3 (h=6.75) are both 3.
    answers = [3, 1, 3, 5, 3, 3, 1, 3, 3, 3]
    f = figures(answers, DEFAULT)
    assert (f.median, f.q1, f.q3, f.iqr, f.within_one, f.share_within_one) == (3, 3, 3, 0, 7, 70.0)
    assert f.consensus is True
    assert figures(answers, ConsensusRule(min_share=71, max_iqr=Decimal("1"))).consensus is False


def test_iqr_at_the_maximum_is_consensus_and_above_it_is_not():
    # 4 5 5: median 5, Q1 at h=0.5 -> 4.5, Q3 5: IQR 0.5.
    assert figures([5, 4, 5], ConsensusRule(min_share=70, max_iqr=Decimal("0.5"))).consensus is True
    # 3 4 5 5: Q1 at h=0.75 -> 3.75, Q3 at h=2.25 -> 5: IQR 1.25.
    f = figures([5, 3, 5, 4], ConsensusRule(min_share=70, max_iqr=Decimal("1.2")))
    assert (f.q1, f.q3, f.iqr) == (3.75, 5, 1.25)
    assert f.consensus is False


def test_a_single_answer_is_its_own_median_and_quartiles():
    f = figures([4], DEFAULT)
    assert (f.n, f.median, f.q1, f.q3, f.iqr, f.share_within_one) == (1, 4, 4, 4, 0, 100.0)
    assert f.quartiles == (4, 4, 4)
    assert f.consensus is True


def test_cannot_judge_is_counted_but_left_out_of_the_figures():
    # stars 4 5 5 and one "cannot judge": median 5, Q1 4.5, Q3 5.
    f = figures([5, None, 4, 5], DEFAULT)
    assert (f.n, f.cannot_judge, f.answers, f.median, f.q1, f.q3) == (3, 1, 4, 5, 4.5, 5)
    assert f.distribution == {1: 0, 2: 0, 3: 0, 4: 1, 5: 2}
    assert f.consensus is True


def test_all_cannot_judge_gives_no_median_and_no_consensus():
    f = figures([None, None, None], DEFAULT)
    assert (f.n, f.cannot_judge, f.answers) == (0, 3, 3)
    assert (f.median, f.q1, f.q3, f.iqr, f.share_within_one) == (None, None, None, None, None)
    assert f.quartiles is None
    assert f.consensus is False
    assert f.max_count == 3


def test_no_answers_gives_empty_figures():
    f = figures([], DEFAULT)
    assert (f.n, f.cannot_judge, f.median, f.iqr, f.consensus) == (0, 0, None, None, False)
    assert f.distribution == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}


def test_an_answer_outside_one_to_five_stars_is_refused():
    with pytest.raises(ValueError, match="1 to 5"):
        figures([3, 6])


def test_split_by_group_computes_each_group_on_its_own():
    split = figures_by([("industry", 5), ("academia", 2), ("industry", 4), ("academia", None), ("academia", 3)])
    assert list(split) == ["academia", "industry"]
    assert (split["academia"].n, split["academia"].cannot_judge, split["academia"].median) == (2, 1, 2.5)
    assert (split["industry"].n, split["industry"].median, split["industry"].consensus) == (2, 4.5, True)


def test_rule_of_a_consultation_and_its_description(consultation):
    consultation.consensus_min_share = 80
    consultation.consensus_max_iqr = Decimal("1.5")
    rule = ConsensusRule.of(consultation)
    assert rule == ConsensusRule(min_share=80, max_iqr=Decimal("1.5"))
    assert str(rule) == "at least 80% within one star of the median and an IQR of at most 1.5"
    assert str(ConsensusRule(min_share=70, max_iqr=Decimal("1.0"))).endswith("an IQR of at most 1")


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=40))
def test_quartiles_match_the_inclusive_method_of_the_standard_library(values):
    ordered = sorted(values)
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    assert (quantile(ordered, 0.25), quantile(ordered, 0.5), quantile(ordered, 0.75)) == pytest.approx((q1, q2, q3))
    assert quantile(ordered, 0.5) == statistics.median(values)


def test_figures_read_as_a_short_summary():
    assert figures([5, 3, 4, 4, None]).summary == "median 4, IQR 0.5, 4 answers, 1 cannot judge, consensus"
    assert figures([1, 5]).summary == "median 3, IQR 2, 2 answers, no consensus"
    assert figures([4]).summary == "median 4, IQR 0, 1 answer, consensus"
    assert figures([None]).summary == "no star answers, 1 cannot judge"
