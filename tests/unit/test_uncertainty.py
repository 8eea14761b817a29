"""Intervals for dollars and rates, checked by hand and against scipy.stats."""
import time

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from churnlab.economics import CampaignEconomics, expected_campaign_profit
from churnlab.errors import CourseError
from churnlab.uncertainty import (
    CLEAR,
    LIKELY,
    SAME_CUSTOMERS,
    TIE,
    Interval,
    paired_bootstrap,
    profit_difference,
    profit_interval,
    profit_per_customer,
    rate_difference,
    rate_interval,
)

RNG = np.random.default_rng(7)
N = 1409
Y = RNG.random(N) < 0.265
# Two campaigns on the same customers: one that finds churners more often than the other.
SHARP = np.where(Y, RNG.random(N) < 0.9, RNG.random(N) < 0.45)
BROAD = np.where(Y, RNG.random(N) < 0.88, RNG.random(N) < 0.50)
WIDER = SHARP | (RNG.random(N) < 0.1)  # the sharp campaign plus a few more customers


def test_profit_per_customer_adds_up_to_the_campaign_profit():
    for economics in (CampaignEconomics(), CampaignEconomics(cost_per_contact=30)):
        amounts = profit_per_customer(Y.astype(int), SHARP, economics)
        assert amounts.sum() == pytest.approx(expected_campaign_profit(Y.astype(int), SHARP, economics))
        assert set(np.unique(amounts)) <= {0.0, 60.0 - economics.cost_per_contact, -economics.cost_per_contact}


def test_by_hand_a_contacted_churner_brings_50_dollars_and_a_loyal_one_costs_10():
    assert profit_per_customer([1, 0, 1, 0], [True, True, False, False]).tolist() == [50.0, -10.0, 0.0, 0.0]


def test_the_estimate_is_the_plain_difference_of_profits():
    gap = profit_difference(Y.astype(int), SHARP, BROAD)
    expected = expected_campaign_profit(Y.astype(int), SHARP) - expected_campaign_profit(Y.astype(int), BROAD)
    assert gap.estimate == pytest.approx(expected)
    assert gap.low <= gap.estimate <= gap.high


def test_the_paired_bootstrap_agrees_with_scipy_stats_bootstrap():
    first = profit_per_customer(Y.astype(int), SHARP)
    second = profit_per_customer(Y.astype(int), BROAD)
    ours = paired_bootstrap(first, second, n_resamples=4000)
    reference = stats.bootstrap((first, second), lambda a, b, axis=-1: (a - b).sum(axis=axis), paired=True,
                                vectorized=True, n_resamples=4000, method="percentile",
                                rng=np.random.default_rng(1)).confidence_interval
    width = reference.high - reference.low
    # Two independent Monte Carlo runs: their endpoints agree to a few percent of the width.
    assert abs(ours.low - reference.low) < 0.06 * width
    assert abs(ours.high - reference.high) < 0.06 * width


def test_pairing_matters_two_nearly_equal_campaigns_have_a_narrow_gap():
    # Unpaired, each profit alone is uncertain by thousands of dollars; paired, what they share cancels out.
    alone = profit_interval(Y.astype(int), SHARP)
    gap = profit_difference(Y.astype(int), WIDER, SHARP)
    assert (gap.high - gap.low) < (alone.high - alone.low) / 2


def test_seeded_same_inputs_same_interval_and_another_seed_differs():
    first = profit_difference(Y.astype(int), SHARP, BROAD)
    assert profit_difference(Y.astype(int), SHARP, BROAD) == first
    assert profit_difference(Y.astype(int), SHARP, BROAD, seed=1) != first


def test_a_wider_confidence_gives_a_wider_interval():
    narrow = profit_difference(Y.astype(int), SHARP, BROAD, confidence=0.8)
    wide = profit_difference(Y.astype(int), SHARP, BROAD, confidence=0.99)
    assert wide.low < narrow.low and wide.high > narrow.high


def test_coverage_of_the_95_percent_interval_is_about_95_percent():
    # Customers drawn from a known world: a contacted churner +$50, a contacted loyal -$10, and a true mean gap.
    rng = np.random.default_rng(3)
    values = np.array([-60.0, -10.0, 0.0, 10.0, 50.0, 60.0])
    shares = np.array([0.05, 0.05, 0.7, 0.1, 0.04, 0.06])
    true_total = 400 * float(values @ shares)
    covered = 0
    for seed in range(200):
        sample = rng.choice(values, size=400, p=shares)
        interval = paired_bootstrap(sample, np.zeros(400), seed=seed)
        covered += interval.low <= true_total <= interval.high
    assert 0.90 <= covered / 200 <= 0.99


def test_verdicts_in_words():
    assert Interval(420, 100, 900, share_above_zero=0.99).verdict == CLEAR
    assert Interval(-420, -900, -100, share_above_zero=0.01).verdict == CLEAR
    assert Interval(420, -120, 920, share_above_zero=0.94).verdict == LIKELY
    assert Interval(-420, -920, 120, share_above_zero=0.06).verdict == LIKELY
    assert Interval(100, -500, 700, share_above_zero=0.62).verdict == TIE
    assert Interval(0, 0, 0, share_above_zero=0.0).verdict == TIE


def test_identical_campaigns_are_a_tie_with_no_width():
    same = profit_difference(Y.astype(int), SHARP, SHARP)
    assert (same.estimate, same.low, same.high, same.verdict) == (0, 0, 0, TIE)


def test_identical_campaigns_are_described_as_contacting_the_same_customers():
    same = profit_difference(Y.astype(int), SHARP, SHARP)
    assert same.identical
    assert same.describe("model alone minus hybrid") == "model alone minus hybrid: no difference, both contact the same customers"
    assert "$0 [$0, $0]" not in same.describe("x") and SAME_CUSTOMERS in same.describe("x")
    # Campaigns that differ, even by one customer whose dollars cancel out over the redraws, keep the interval.
    other = SHARP.copy()
    other[np.argmax(other == 0)] = 1
    differs = profit_difference(Y.astype(int), SHARP, other)
    assert not differs.identical and "[" in differs.describe("x")
    # One campaign's profit is not a comparison, even when it contacts nobody.
    assert not profit_interval(Y.astype(int), np.zeros_like(SHARP)).identical


def test_printed_in_dollars_rounded_to_ten():
    assert str(Interval(420, -123.4, 915.0)) == "$420 [-$120, $920]"
    assert Interval(570, -60, 1204, share_above_zero=0.96).describe("model minus rule at $30") == (
        "model minus rule at $30: $570 [-$60, $1,200], likely but not certain")


def test_rate_interval_is_wilsons():
    # 18 churners of 100 customers: Wilson 95 % interval [0.1170, 0.2668] (by the textbook formula).
    interval = rate_interval([1] * 18 + [0] * 82)
    assert interval.estimate == pytest.approx(0.18)
    z = stats.norm.ppf(0.975)
    centre = (0.18 + z * z / 200) / (1 + z * z / 100)
    half = z / (1 + z * z / 100) * np.sqrt(0.18 * 0.82 / 100 + z * z / 40000)
    assert (interval.low, interval.high) == (pytest.approx(centre - half), pytest.approx(centre + half))
    assert str(interval) == "18.0% [11.7%, 26.7%]"
    with pytest.raises(CourseError, match="rate_difference"):
        _ = interval.verdict


def test_rate_difference_agrees_with_scipy_stats_bootstrap():
    group = (RNG.random(300) < 0.4).astype(int)
    other = (RNG.random(900) < 0.3).astype(int)
    ours = rate_difference(group, other, n_resamples=4000)
    reference = stats.bootstrap((group, other), lambda a, b, axis=-1: a.mean(axis=axis) - b.mean(axis=axis),
                                vectorized=True, n_resamples=4000, method="percentile",
                                rng=np.random.default_rng(1)).confidence_interval
    assert ours.estimate == pytest.approx(group.mean() - other.mean())
    width = reference.high - reference.low
    assert abs(ours.low - reference.low) < 0.06 * width and abs(ours.high - reference.high) < 0.06 * width
    assert str(ours).endswith("points]")


def test_works_with_pandas_series_of_the_same_customers():
    index = pd.Index([f"c{i}" for i in range(N)])
    gap = profit_difference(pd.Series(Y.astype(int), index), pd.Series(SHARP, index), pd.Series(BROAD, index))
    assert gap == profit_difference(Y.astype(int), SHARP, BROAD)


def test_fast_enough_for_many_comparisons_per_lesson():
    profit_difference(Y.astype(int), SHARP, BROAD)
    started = time.perf_counter()
    for _ in range(20):
        profit_difference(Y.astype(int), SHARP, BROAD)
    assert (time.perf_counter() - started) / 20 < 0.02  # about 1 ms on a laptop


@pytest.mark.parametrize("call, phrase", [
    (lambda: profit_difference(Y.astype(int), SHARP, BROAD, confidence=95), "95 % is 0.95"),
    (lambda: profit_difference(Y.astype(int), SHARP, BROAD[:10]), "customers"),
    (lambda: rate_interval(0.2), "one number"),
    (lambda: paired_bootstrap([1.0], [2.0]), "at least 2"),
])
def test_mistakes_get_a_course_error(call, phrase):
    with pytest.raises(CourseError, match=phrase):
        call()


def test_a_redraw_of_exactly_zero_agrees_with_neither_side_whatever_the_sign():
    # One customer in 1,000 differs: about 37 % of the redraws leave them out, a gap of exactly 0.
    gap = np.zeros(1000)
    gap[0] = -50.0
    loss = paired_bootstrap(gap, np.zeros(1000))
    gain = paired_bootstrap(-gap, np.zeros(1000))
    assert loss.high == 0 and gain.low == 0  # neither interval excludes 0
    assert loss.share_below_zero == pytest.approx(gain.share_above_zero) and loss.share_below_zero < 0.8
    assert loss.verdict == gain.verdict == TIE  # the old rule called the loss "likely" (zeros counted as agreeing)


def test_switch_test_counts_switching_churners_by_direction_and_tests_them_exactly():
    from churnlab.uncertainty import switch_test

    y = np.array([1] * 8 + [0] * 4)
    first = np.zeros(12, dtype=bool)
    first[5] = True  # a churner outside the group loses the offer under the second campaign
    second = first.copy()
    second[:4], second[5] = True, False  # four churners in the group gain it
    second[9] = True  # a loyal customer: does not count
    in_group = np.arange(12) < 4
    test = switch_test(y, first, second, in_group)
    assert (test.group_gained, test.group_lost, test.others_gained, test.others_lost) == (4, 0, 0, 1)
    assert (test.towards_group, test.against_group, test.switched) == (5, 0, 5)
    assert test.p_value == pytest.approx(stats.binomtest(5, 5).pvalue) == pytest.approx(0.0625)
    assert test.verdict == LIKELY and "5 of 5 favour the group, exact p = 0.062" in test.describe("x")
    assert switch_test(y, first, first, in_group).verdict == TIE
    many = switch_test(np.ones(40, dtype=int), np.zeros(40, dtype=bool), np.arange(40) < 10, np.arange(40) < 20)
    assert many.p_value < 0.05 and many.verdict == CLEAR
