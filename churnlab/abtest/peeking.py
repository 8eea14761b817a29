"""Peeking (lesson 07): many A/A tests, each checked every day, and how often one "finds a winner"."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.abtest.review import _caption_of, _cohort, _known_labels

# --- peeking: many A/A tests, each checked every day -------------------------------------------------------


@dataclass(frozen=True)
class PeekingResult:
    """What happens when A/A tests are checked every day (``aa_peeking``)."""

    by_day: pd.DataFrame  # day, share significant that day, share that found a "winner" by then, an example's p-value
    tests: int
    customers: int
    days: int
    alpha: float
    example: int = 0  # which split "example p-value" follows (see aa_peeking)

    @property
    def example_found_a_winner(self) -> bool:
        """True when the example split crossed alpha on some day."""
        return bool((self.by_day["example p-value"] < self.alpha).any())

    @property
    def found_a_winner_any_day(self) -> float:
        """Share of A/A tests with p < alpha on at least one day: what stopping at the first "winner" declares."""
        return float(self.by_day["found a winner by then"].iloc[-1])

    @property
    def found_a_winner_at_the_end(self) -> float:
        """Share of A/A tests with p < alpha on the last day only: what a test read once, at its planned end, declares."""
        return float(self.by_day["significant that day"].iloc[-1])


@course_function
def aa_peeking(cohort, tests: int = 1000, seed: int = 7, alpha: float = 0.05) -> PeekingResult:
    """Split one month's customers into two arms ``tests`` times at random and check each A/A test every day.

    Both arms of an A/A test get the same treatment, so any "winner" is chance. Each
    day, for each split, the share of each arm's customers who have left so far is
    compared with the two-proportion z-test (statsmodels' ``test_proportions_2indep``
    with ``method="score", correction=False``: ``proportions_ztest``'s test, for many at
    once). Returns, per day, the share of tests significant that day, the share that
    have been significant on at least one day so far (stop at the first "winner"), and
    the p-values of one example: the first split that crossed ``alpha`` on some day but
    not on the last (a "winner" only a daily reader would have declared).
    ``cohort``: one month of ``customers_under_review(simulation)``, labels known.
    """
    from statsmodels.stats.proportion import test_proportions_2indep

    table = _cohort(cohort, "cohort", needs=("month", "churned", "days_to_churn", "month_start", "label_known_on"))
    months = table["month"].unique()
    if len(months) != 1:
        raise CourseError(f"cohort holds {len(months)} months; peek at one month's customers, e.g. "
                          "cohort[cohort['month'] == 1].")
    churned = _known_labels(table, "cohort")
    tests = validate.whole_number(tests, "tests", low=10, example="1000")
    if tests > 20_000:
        raise CourseError(f"tests is {tests:,}; 1,000 A/A tests already show the rate to about ±1.5 points. Use up to 20,000.")
    seed = validate.whole_number(seed, "seed", low=0, example="7")
    alpha = validate.fraction(alpha, "alpha", example="0.05")
    if not 0 < alpha < 0.5:
        raise CourseError(f"alpha is {alpha:g}; the significance level is a small share, usually 0.05.")
    start, known_on = pd.Timestamp(table["month_start"].iloc[0]), pd.Timestamp(table["label_known_on"].iloc[0])
    days = int((known_on - start).days)
    n = len(table)
    day_of_churn = table["days_to_churn"].to_numpy(dtype=float, na_value=np.nan)
    leavers = np.flatnonzero(churned == 1)
    leaver_days = day_of_churn[leavers]
    if np.isnan(leaver_days).any() or (leaver_days >= days).any():
        raise CourseError("cohort's churn days do not fit its label window; pass customers_under_review(simulation) unchanged.")
    rng = np.random.default_rng(seed)
    in_a = rng.random((tests, n)) < 0.5  # a fresh random split per test, like a new hashing salt
    size_a = in_a.sum(axis=1).astype(float)[:, None]
    size_b = n - size_a
    per_day = np.zeros((len(leavers), days), dtype=np.float32)
    per_day[np.arange(len(leavers)), leaver_days.astype(np.int64)] = 1.0
    left_a = np.cumsum(in_a[:, leavers].astype(np.float32) @ per_day, axis=1)
    left_all = np.cumsum(per_day.sum(axis=0))[None, :]
    left_b = left_all - left_a
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        p_values = test_proportions_2indep(left_a, size_a, left_b, size_b, method="score", correction=False).pvalue
    p_values = np.where(np.isnan(p_values), 1.0, p_values)  # no one has left yet in either arm: nothing to see
    significant = p_values < alpha
    found = np.logical_or.accumulate(significant, axis=1)
    # The example: the first split a daily reader would have stopped as a "winner" that the planned reading (the last
    # day) does not call one; else the first that crossed at all; else the first split.
    for candidates in (found[:, -1] & ~significant[:, -1], found[:, -1], np.ones(tests, dtype=bool)):
        if candidates.any():
            example = int(np.flatnonzero(candidates)[0])
            break
    by_day = pd.DataFrame({
        "day": np.arange(1, days + 1),
        "date": pd.date_range(start, periods=days, freq="D"),
        "significant that day": significant.mean(axis=0),
        "found a winner by then": found.mean(axis=0),
        "example p-value": p_values[example],
    })
    return PeekingResult(_caption_of(by_day, table.attrs.get("caption")), tests, n, days, alpha, example)


