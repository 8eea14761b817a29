"""Calibration within groups: does a score mean the same churn rate in every group, and how a recall gap changes between
models or between two thresholds of one model."""
from __future__ import annotations

import numpy as np
import pandas as pd

from churnlab import validate
from churnlab.errors import CourseError
from churnlab.fairness.groups import (
    GROUPS,
    _checked_groups,
    _checked_members,
    _member_words,
)
from churnlab.kept_results import computed_once
from churnlab.uncertainty import (
    CONFIDENCE,
    N_RESAMPLES,
    RATE_DIFFERENCE,
    SEED,
    Interval,
    _percentile_interval,
    _settings,
)
from churnlab.validate import course_function

# --- calibration within groups ------------------------------------------------------------------------


@course_function
@computed_once
def calibration_by_group(y_true, churn_scores, in_group, bands: int = 5) -> pd.DataFrame:
    """A reliability table per side of a group: in each score band, the average score next to the share who churned.

    Each side (the group, 1, and everyone else, 0) is cut into ``bands``
    score bands of about equal size (scikit-learn's ``calibration_curve`` with
    ``strategy="quantile"``, whose numbers these are). A calibrated model's
    average score matches the share who churned in every band ("of customers
    scored about 0.3, about 30 % churn"), in every group. ``low``/``high`` is
    the 95 % interval of that share (Wilson's formula, ``uncertainty.rate_interval``):
    a band's noise, large when the band holds few customers.
    """
    from sklearn.calibration import calibration_curve

    from churnlab.uncertainty import rate_interval

    outcomes = validate.outcomes(y_true)
    scores = validate.scores(churn_scores)
    validate.same_customers(y_true, churn_scores, "y_true", "churn_scores")
    members = _checked_members(in_group, y_true)
    bands = validate.whole_number(bands, "bands", low=2, example="5")
    column = getattr(in_group, "name", None)
    rows = []
    for member in (1, 0):
        here = members == bool(member)
        if not here.any():
            continue
        y_here, s_here = outcomes[here], scores[here]
        churned, average = calibration_curve(y_here, s_here, n_bins=bands, strategy="quantile")
        # the same bands as calibration_curve (its quantile edges), to count each band's customers
        edges = np.percentile(s_here, np.linspace(0, 100, bands + 1))
        band_of = np.searchsorted(edges[1:-1], s_here, side="right")
        used = np.flatnonzero(np.bincount(band_of, minlength=bands))  # calibration_curve skips empty bands too
        for band, (band_id, mean, share) in enumerate(zip(used, average, churned), start=1):
            interval = rate_interval(y_here[band_of == band_id])
            n, low, high = int((band_of == band_id).sum()), interval.low, interval.high
            rows.append({"who": _member_words(column, member) if column in GROUPS else ("group" if member else "others"),
                         "band": band, "customers": int(n), "average score": float(mean), "churned": float(share),
                         "low": low, "high": high})
    return pd.DataFrame(rows)


@course_function
def calibration_misses(calibration) -> pd.DataFrame:
    """The bands of a ``calibration_by_group`` table whose 95 % interval misses their own average score.

    A band "misses" when the share who churned is off its average score by more
    than its noise: the score does not mean its chance there. With many bands,
    a few misses are expected from luck alone (about one band in twenty at
    95 %), so read a lone miss as "watch", a pattern of misses as "broken".
    Returns those rows (empty when every band holds its score).
    """
    table = validate.dataframe(calibration, "calibration", needs=("who", "band", "average score", "low", "high"),
                               example="fairness.calibration_by_group(y_test, churn_scores, groups['senior_citizen'] == 1)")
    missed = (table["average score"] < table["low"]) | (table["average score"] > table["high"])
    return table[missed]


@course_function
@computed_once
def describe_calibration(y_true, scores_by_model: dict, groups, bands: int = 5) -> str:
    """Calibration re-checked band by band, per group and per model: one line each, naming the bands off their score.

    ``scores_by_model`` maps a model's name to its scores of the customers in
    ``y_true`` (``{"champion": churn_scores, "without group inputs": blind_scores}``);
    ``groups`` comes from ``customer_groups``. Each side of each group is cut
    into ``bands`` bands (``calibration_by_group``); a band is "off" when its
    95 % interval misses its average score (``calibration_misses``).
    """
    if not isinstance(scores_by_model, dict) or not scores_by_model:
        raise CourseError("scores_by_model should be a dict: a model's name -> its churn scores, like "
                          "{'champion': churn_scores, 'without group inputs': blind_scores}.")
    groups = _checked_groups(groups, y_true)
    width = max(len(str(name)) for name in scores_by_model)
    lines = []
    for name, scores in scores_by_model.items():
        for column in groups.columns:
            table = calibration_by_group(y_true, scores, groups[column] == 1, bands=bands)
            off = calibration_misses(table)
            found = "; ".join(f"{row['who']} scored {row['average score']:.2f}, {row['churned']:.0%} churned "
                              f"[{row['low']:.0%}, {row['high']:.0%}]" for _, row in off.iterrows())
            lines.append(f"{str(name):<{width}} · {_member_words(column, 1)} / {_member_words(column, 0)}: "
                         f"{len(off)} of {len(table)} bands off their score" + (f" ({found})" if found else ""))
    return "\n".join(lines)


@course_function
def recall_gap_change(y_true, churn_scores, other_scores, in_group, threshold: float, confidence: float = CONFIDENCE,
                      n_resamples: int = N_RESAMPLES, seed: int = SEED) -> Interval:
    """How much a group's recall gap moves from one model to another, with a paired-bootstrap interval of the change.

    The recall gap is the group's recall minus everyone else's, contacting
    scores at or above ``threshold``; the change is the gap with
    ``other_scores`` minus the gap with ``churn_scores`` (in shares; printed in
    points). Both models score the *same* customers, so each redraw (the
    customers drawn again with replacement, ``n_resamples`` times, seeded)
    keeps a customer's outcome, group and both decisions together: what the two
    models share cancels out, and the interval is that of the change, not of
    either gap. Reading the two gaps' own intervals side by side would not
    say whether the change is real. Verdict in the course's words
    (``uncertainty``): clear, likely but not certain, or a tie within noise.
    """
    outcomes = validate.outcomes(y_true)
    first, second = validate.scores(churn_scores), validate.scores(other_scores, "other_scores")
    validate.same_customers(y_true, churn_scores, "y_true", "churn_scores")
    validate.same_customers(y_true, other_scores, "y_true", "other_scores")
    members = _checked_members(in_group, y_true)
    cut = validate.fraction(threshold, "threshold", example="1/6")
    churned = outcomes == 1
    if not (churned & members).any() or not (churned & ~members).any():
        raise CourseError("in_group should leave churners on both sides: a recall gap needs churners in the group "
                          "and outside it. Check the group column (1 = in the group).")
    confidence, n_resamples, seed = _settings(confidence, n_resamples, seed)
    # Only churners count in a recall; redraw the customers and keep each churner's four facts together.
    columns = np.column_stack([churned & members, churned & ~members,
                               churned & members & (first >= cut), churned & ~members & (first >= cut),
                               churned & members & (second >= cut), churned & ~members & (second >= cut)]).astype(float)

    def changes_from_totals(totals: np.ndarray) -> np.ndarray:
        gap_first = totals[..., 2] / totals[..., 0] - totals[..., 3] / totals[..., 1]
        gap_second = totals[..., 4] / totals[..., 0] - totals[..., 5] / totals[..., 1]
        return gap_second - gap_first

    # Customers with the same six facts are interchangeable: redraw how many of each kind are picked (a
    # multinomial count, as uncertainty does for dollars), the same in distribution as redrawing customers.
    kinds, counts = np.unique(columns, axis=0, return_counts=True)
    picked = np.random.default_rng(seed).multinomial(len(outcomes), counts / len(outcomes), size=n_resamples)
    with np.errstate(invalid="ignore", divide="ignore"):
        redraws = changes_from_totals(picked @ kinds)  # each redraw's six totals
    redraws = redraws[np.isfinite(redraws)]  # a redraw without churners on one side has no gap (vanishingly rare)
    estimate = float(changes_from_totals(columns.sum(axis=0)))
    return _percentile_interval(estimate, redraws, RATE_DIFFERENCE, confidence, "paired bootstrap over customers")


# --- one model, two thresholds: the change in a recall gap (lesson 06, section 2) -------------------------------


@course_function
def recall_gap_change_between_thresholds(y_true, churn_scores, in_group, threshold: float, other_threshold: float,
                                         confidence: float = CONFIDENCE, n_resamples: int = N_RESAMPLES,
                                         seed: int = SEED) -> Interval:
    """How much a group's recall gap moves when one model's threshold goes from ``threshold`` to ``other_threshold``.

    The same paired bootstrap as ``recall_gap_change`` (the customers redrawn
    with replacement, each churner's group and both decisions kept together),
    applied to the two yes/no campaigns of one model. The change is the gap at
    ``other_threshold`` minus the gap at ``threshold``, in shares (printed in
    points): positive moves a group that is behind towards the others.
    Example: ``recall_gap_change_between_thresholds(y_test, churn_scores, groups["dependents"] == 1, 0.5, 1/6)``.
    """
    scores = validate.scores(churn_scores)
    first = validate.fraction(threshold, "threshold", example="0.5")
    second = validate.fraction(other_threshold, "other_threshold", example="1/6")
    # Each campaign as 0/1 "scores": contacted (1) is at or above any cut between 0 and 1, such as 0.5.
    return recall_gap_change(y_true, (scores >= first).astype(float), (scores >= second).astype(float), in_group, 0.5,
                             confidence, n_resamples, seed)
