"""Does the churn campaign treat customer groups fairly? (lesson 06)

The retention offer is a *benefit* (a discount): a churner the campaign misses
is a customer denied it, and a contact wasted on a loyal customer costs money
and annoys them. So, per customer group, this module measures (the same numbers
as fairlearn's ``MetricFrame``, which the lesson shows first):

- **selection rate**: the share of the group we contact;
- **recall** (equal opportunity): the share of the group's churners we reach;
- **precision**: the share of the group's contacts who really are churners
  (1 − precision of them are wasted contacts);
- **churn rate** (the base rate) and the **average score**, side by side: a
  calibrated model's average score matches the churn rate in every group.

A gap is "group minus everyone else" (1 minus 0), with a 95 % interval from
statsmodels' Newcombe method for a difference of two proportions: a formula,
so it needs no random seed and takes a millisecond (fairlearn's ``MetricFrame``
can bootstrap such intervals too, with ``n_boot``, ``ci_quantiles`` and
``random_state``). When the interval includes 0, the data cannot tell the gap
from noise.

The review is recorded as one MLflow run (tags ``REVIEW_TAGS``, the group
table as the artifact ``REVIEW_TABLE``); ``churnlab.records.latest_fairness_review()`` reads the
newest one back, for the launch review and lesson 09's brief.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep

from churnlab import validate
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics
from churnlab.errors import CourseError
from churnlab.explain import _words_for
from churnlab.uncertainty import CONFIDENCE, N_RESAMPLES, RATE_DIFFERENCE, SEED, Interval, _percentile_interval, _settings
from churnlab.validate import course_function
from churnlab._base.tags import run_tags

__all__ = [
    "GROUPS",
    "GROUP_INPUTS",
    "REVIEW_TABLE",
    "REVIEW_TAGS",
    "calibration_by_group",
    "calibration_misses",
    "customer_groups",
    "describe_calibration",
    "describe_gaps",
    "equal_recall_thresholds",
    "gaps",
    "group_metrics",
    "how_groups_differ",
    "model_without",
    "policy_table",
    "group_sizes",
    "predictability",
    "readable",
    "recall_gap_change",
    "recall_gap_change_between_thresholds",
    "review_metrics",
    "review_params",
    "threshold_for_recall",
    "threshold_for_selection_rate",
]


@dataclass(frozen=True)
class Group:
    """A customer group the data records as a 0/1 column."""

    column: str
    members: str  # customers with 1
    others: str  # customers with 0


# Age, sex (recorded as woman or man only) and family situation: the groups the data records.
GROUPS: dict[str, Group] = {
    group.column: group
    for group in (
        Group("senior_citizen", "seniors (65+)", "under 65"),
        Group("female", "women", "men"),
        Group("partner", "with a partner", "without a partner"),
        Group("dependents", "with dependents", "without dependents"),
    )
}

# The group columns the champion reads as inputs (sex is left out of the model, lesson 02).
GROUP_INPUTS = ("senior_citizen", "partner", "dependents")

REVIEW_TAGS = run_tags("06", "fairness_review")
REVIEW_TABLE = "fairness/by_group.csv"

_MEASURES = ("customers", "churners", "contacted", "churners reached", "selection rate", "recall", "precision",
             "churn rate", "average score")


# --- who is in which group ---------------------------------------------------------------------------


@course_function
def customer_groups(customers, index=None) -> pd.DataFrame:
    """The four group columns (1 = in the group) for the customers in ``index`` (e.g. ``X_test.index``).

    ``customers`` is the full table from ``load_churn()``: it still has
    ``female``, which the model never sees. Without ``index``, every customer.
    Rows are indexed by ``customer_id``, in the order of ``index``.
    """
    customers = validate.dataframe(customers, "customers", needs=("customer_id", *GROUPS),
                                   example="customers = load_churn(), the full table (X_test has no 'female')")
    table = customers.set_index("customer_id")[list(GROUPS)]
    if index is None:
        return table
    if isinstance(index, (pd.DataFrame, pd.Series)):
        raise CourseError("index should be the customer ids, like X_test.index, not the table itself: add .index.")
    wanted = pd.Index(index)
    unknown = wanted.difference(table.index)
    if len(unknown):
        raise CourseError(f"index has customer ids that are not in customers, such as {unknown[0]!r}. "
                          "Use the index of X_train or X_test from split_customers(load_churn()).")
    return table.loc[wanted]


@course_function
def group_sizes(y_true, groups) -> pd.DataFrame:
    """How many customers and churners each side of each group holds: two rows per group column (in, then the others).

    ``groups`` comes from ``customer_groups``. Count the people before reading
    any rate: a rate over a few dozen churners moves by points with one customer.
    """
    outcomes = validate.outcomes(y_true)
    groups = _checked_groups(groups, y_true)
    rows = {}
    for column in groups.columns:
        members = groups[column].to_numpy() == 1
        for member, here in ((1, members), (0, ~members)):
            rows[_member_words(column, member)] = {"customers": int(here.sum()), "churners": int(outcomes[here].sum())}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("who")


def _checked_groups(groups, y_true, name: str = "groups", reference_name: str = "y_true") -> pd.DataFrame:
    groups = validate.dataframe(groups, name, example="fairness.customer_groups(customers, X_test.index)")
    if groups.empty or groups.shape[1] == 0:
        raise CourseError(f"{name} has no group columns. Use fairness.customer_groups(customers, X_test.index).")
    validate.same_customers(y_true, groups, reference_name, name)
    for column in groups.columns:
        values = groups[column]
        if not pd.api.types.is_numeric_dtype(values) or not values.isin((0, 1)).all():
            raise CourseError(f"{name}[{column!r}] should hold 1 (in the group) or 0 (not) for every customer.")
    return groups


def _checked_thresholds(thresholds) -> list[float]:
    if isinstance(thresholds, (int, float, np.floating)) and not isinstance(thresholds, bool):
        thresholds = [thresholds]
    if not isinstance(thresholds, (list, tuple, np.ndarray, pd.Series)) or len(thresholds) == 0:
        raise CourseError(f"thresholds should be a list of churn-score thresholds, like [0.5, 1/6], not {validate.kind_of(thresholds)}.")
    return [validate.fraction(t, "each threshold", example="0.5") for t in thresholds]


# --- per-group metrics ------------------------------------------------------------------------------------


@course_function
def group_metrics(y_true, churn_scores, groups, thresholds=(0.5,)) -> pd.DataFrame:
    """Who the campaign selects, reaches and bothers, per group and threshold.

    One row per group column, threshold and member value (1 = in the group,
    0 = everyone else), with: customers, churners, contacted, churners reached,
    selection rate (share contacted), recall (share of churners reached),
    precision (share of contacts who churn; 0 when nobody is contacted), churn
    rate (the base rate) and the average churn score (compare it with the churn
    rate: calibration). Customers whose score is at or above a threshold are contacted.

    The same numbers as fairlearn's ``MetricFrame`` with ``selection_rate``,
    ``recall_score`` and ``precision_score`` (tested), computed from four counts
    per group so that every group and threshold takes a millisecond.
    """
    outcomes = validate.outcomes(y_true)
    scores = validate.scores(churn_scores)
    validate.same_customers(y_true, churn_scores, "y_true", "churn_scores")
    groups = _checked_groups(groups, y_true)
    cuts = _checked_thresholds(thresholds)
    rows = []
    for column in groups.columns:
        members = groups[column].to_numpy().astype(int)
        for threshold in cuts:
            contacted = scores >= threshold
            for member in (0, 1):
                here = members == member
                if not here.any():
                    continue
                customers, churners = int(here.sum()), int(outcomes[here].sum())
                n_contacted, reached = int(contacted[here].sum()), int((contacted & (outcomes == 1))[here].sum())
                rows.append({
                    "group": column, "threshold": threshold, "member": member,
                    "customers": customers, "churners": churners, "contacted": n_contacted, "churners reached": reached,
                    "selection rate": n_contacted / customers,
                    "recall": reached / churners if churners else 0.0,
                    "precision": reached / n_contacted if n_contacted else 0.0,
                    "churn rate": churners / customers,
                    "average score": float(scores[here].mean()),
                })
    return pd.DataFrame(rows)


_SHOWN = ("customers", "churners", "selection rate", "recall", "precision", "churn rate", "average score")


@course_function
def readable(group_table, threshold: float) -> pd.DataFrame:
    """The rows of ``group_table`` (from ``group_metrics``) at one threshold, labelled in words ("seniors (65+)", "under 65")."""
    table = validate.dataframe(group_table, "group_table", needs=("group", "threshold", "member", *_SHOWN),
                               example="fairness.group_metrics(y_test, churn_scores, groups, [0.5, 1/6])")
    cut = validate.number(threshold, "threshold", example="0.5")
    rows = table[np.isclose(table["threshold"], cut)]
    if rows.empty:
        shown = ", ".join(f"{t:.3g}" for t in table["threshold"].unique())
        raise CourseError(f"group_table has no rows at threshold {cut:.3g}; it has: {shown}.")
    rows = rows.sort_values(["member"], ascending=False, kind="stable").sort_values("group", key=_group_order, kind="stable")
    names = [_member_words(column, member) for column, member in zip(rows["group"], rows["member"])]
    return rows[list(_SHOWN)].set_axis(pd.Index(names, name=f"at threshold {cut:.3g}"), axis=0)


def _group_order(columns: pd.Series) -> pd.Series:
    order = {column: position for position, column in enumerate(GROUPS)}
    return columns.map(lambda c: order.get(c, len(order)))


def _member_words(column: str, member: int) -> str:
    group = GROUPS.get(column)
    if group is None:
        return f"{column} = {member}"
    return group.members if member == 1 else group.others


# --- gaps and their noise -------------------------------------------------------------------------------


def _difference_interval(count_1: int, total_1: int, count_0: int, total_0: int) -> tuple[float, float]:
    if total_1 == 0 or total_0 == 0:
        return math.nan, math.nan
    low, high = confint_proportions_2indep(count_1, total_1, count_0, total_0, method="newcomb", compare="diff", alpha=0.05)
    return float(low), float(high)


_GAPS = {  # gap name: (the count, the total it is a share of)
    "recall": ("churners reached", "churners"),
    "selection": ("contacted", "customers"),
    "precision": ("churners reached", "contacted"),
}


@course_function
def gaps(group_table, economics: CampaignEconomics = DEFAULT_ECONOMICS) -> pd.DataFrame:
    """One row per group and threshold: each gap (group minus others), its 95 % interval, and what it means.

    ``group_table`` comes from ``group_metrics``. For recall, selection rate and
    precision: the gap, and ``… low`` / ``… high``, the 95 % interval of the
    difference of two proportions (statsmodels, Newcombe's method).
    ``beyond noise`` is True when the recall gap's interval excludes 0.
    In customers and dollars: ``worse off`` names the group whose churners are
    reached less; ``churners behind`` is how many more of its churners the
    campaign would reach at the other group's recall; ``their offers ($)`` is
    what those offers are worth (churners × acceptance × value), before the
    cost of the extra contacts needed to reach them.
    """
    table = validate.dataframe(group_table, "group_table", needs=("group", "threshold", "member", *_MEASURES[:4]),
                               example="fairness.group_metrics(y_test, churn_scores, groups, [0.5, 1/6])")
    if not isinstance(economics, CampaignEconomics):
        raise CourseError(f"economics should be a CampaignEconomics(...), not {validate.kind_of(economics)}.")
    rows = []
    for (column, threshold), pair in table.groupby(["group", "threshold"], sort=False):
        by_member = pair.set_index("member")
        if set(by_member.index) != {0, 1}:
            continue  # everyone is in the group (or nobody): there is no gap to measure
        one, zero = by_member.loc[1], by_member.loc[0]
        row = {"group": column, "threshold": threshold}
        for name, (part, whole) in _GAPS.items():
            share_1 = one[part] / one[whole] if one[whole] else math.nan
            share_0 = zero[part] / zero[whole] if zero[whole] else math.nan
            low, high = _difference_interval(int(one[part]), int(one[whole]), int(zero[part]), int(zero[whole]))
            row.update({f"{name} (group)": share_1, f"{name} (others)": share_0, f"{name} gap": share_1 - share_0,
                        f"{name} gap low": low, f"{name} gap high": high})
        row["beyond noise"] = bool(row["recall gap low"] > 0 or row["recall gap high"] < 0)
        group = GROUPS.get(column)
        worse_is_group = row["recall gap"] < 0
        worse = one if worse_is_group else zero
        row["worse off"] = (group.members if worse_is_group else group.others) if group else ("group" if worse_is_group else "others")
        row["churners behind"] = abs(row["recall gap"]) * worse["churners"]
        row["their offers ($)"] = row["churners behind"] * economics.saving_per_churner_contacted
        rows.append(row)
    if not rows:
        raise CourseError("group_table has no group with both members (1) and others (0). Make it with fairness.group_metrics.")
    return pd.DataFrame(rows)


@course_function
def describe_gaps(gap_table) -> str:
    """One line per group and threshold: the recall gap read as customers and dollars (``gap_table`` from ``gaps``)."""
    table = validate.dataframe(gap_table, "gap_table", needs=("group", "threshold", "recall (group)", "recall (others)",
                                                              "worse off", "churners behind", "their offers ($)"),
                               example="fairness.gaps(by_group)")
    from churnlab.economics import dollars

    lines = []
    for _, row in table.iterrows():
        pair = f"{_member_words(row['group'], 1)} {row['recall (group)']:.0%} vs {_member_words(row['group'], 0)} {row['recall (others)']:.0%}"
        lines.append(f"threshold {row['threshold']:.3f} · recall {pair}: {row['worse off']} are "
                     f"{row['churners behind']:.0f} churners behind ({dollars(row['their offers ($)'])} of offers)")
    return "\n".join(lines)


# --- calibration within groups ------------------------------------------------------------------------


@course_function
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


# --- mitigation: thresholds per group -----------------------------------------------------------------------


@course_function
def threshold_for_recall(y_true, churn_scores, recall: float) -> float:
    """The highest threshold that reaches at least ``recall`` of the churners in ``y_true``.

    Contacting customers whose score is at or above it reaches at least that
    share of the churners, with as few contacts as possible.
    """
    outcomes = validate.outcomes(y_true)
    scores = validate.scores(churn_scores)
    validate.same_customers(y_true, churn_scores, "y_true", "churn_scores")
    target = validate.fraction(recall, "recall", example="0.9")
    churner_scores = np.sort(scores[outcomes == 1])[::-1]
    if churner_scores.size == 0:
        raise CourseError("y_true has no churners, so no threshold can reach any: check that you passed the right customers.")
    needed = max(1, math.ceil(target * churner_scores.size - 1e-9))
    return float(churner_scores[needed - 1])


@course_function
def threshold_for_selection_rate(churn_scores, selection_rate: float) -> float:
    """The threshold that contacts (about) ``selection_rate`` of the customers: the riskiest first.

    Contacting customers whose score is at or above it contacts at most that share (ties aside).
    """
    scores = np.sort(validate.scores(churn_scores))[::-1]
    rate = validate.fraction(selection_rate, "selection_rate", example="0.5")
    if scores.size == 0:
        raise CourseError("churn_scores is empty: pass the scores of the customers to contact.")
    wanted = max(1, int(math.floor(rate * scores.size + 1e-9)))
    return float(scores[wanted - 1])


def _recall(outcomes: np.ndarray, contacted: np.ndarray) -> float:
    churners = outcomes.sum()
    return float((outcomes * contacted).sum() / churners) if churners else math.nan


def _checked_members(in_group, reference, name: str = "in_group", reference_name: str = "y_true") -> np.ndarray:
    example = "groups['dependents'] == 1"
    if isinstance(in_group, str):
        raise CourseError(f"{name} should hold one value per customer, True for those in the group, like {example}; "
                          f"not the text {in_group!r}.")
    values = np.asarray(in_group) if not isinstance(in_group, (pd.Series, pd.DataFrame)) else in_group
    if getattr(values, "dtype", None) is not None and values.dtype.kind not in "biuf":
        raise CourseError(f"{name} should be True/False per customer (True for those in the group), like {example}.")
    members = validate.flags(in_group, name)
    validate.same_customers(reference, in_group, reference_name, name)
    return members


@course_function
def equal_recall_thresholds(y_true, churn_scores, in_group, threshold: float) -> dict[str, tuple[float, float]]:
    """Two ways to close a recall gap with a second threshold, chosen on the customers given (use the training customers).

    Starting from one ``threshold`` for everyone, returns policies as
    ``name: (threshold for the group, threshold for the others)``:

    - "one threshold": ``threshold`` for both;
    - "level up": a lower threshold for the group whose recall is lower, until it reaches the other's recall;
    - "level down": a higher threshold for the group whose recall is higher, until it falls to the other's.

    ``in_group``: True/1 for customers in the group (e.g. ``groups_train["dependents"] == 1``).
    """
    outcomes = validate.outcomes(y_true)
    scores = validate.scores(churn_scores)
    validate.same_customers(y_true, churn_scores, "y_true", "churn_scores")
    members = _checked_members(in_group, y_true)
    cut = validate.fraction(threshold, "threshold", example="1/6")
    if members.all() or not members.any():
        raise CourseError("in_group should mark some customers (True) and not others (False): compare a group with the rest.")
    contacted = scores >= cut
    recall_group, recall_others = _recall(outcomes[members], contacted[members]), _recall(outcomes[~members], contacted[~members])
    policies = {"one threshold": (cut, cut)}
    if recall_group < recall_others:
        policies["level up"] = (threshold_for_recall(outcomes[members], scores[members], recall_others), cut)
        policies["level down"] = (cut, threshold_for_recall(outcomes[~members], scores[~members], recall_group))
    else:
        policies["level up"] = (cut, threshold_for_recall(outcomes[~members], scores[~members], recall_group))
        policies["level down"] = (threshold_for_recall(outcomes[members], scores[members], recall_others), cut)
    return policies


@course_function
def policy_table(y_true, churn_scores, in_group, policies: dict,
                 economics: CampaignEconomics = DEFAULT_ECONOMICS) -> pd.DataFrame:
    """Each policy's campaign, judged on the customers given (use the test customers).

    ``policies``: name -> (threshold for the group, threshold for the others),
    as from ``equal_recall_thresholds``. One row per policy: both thresholds,
    recall in the group and among the others, the recall gap (group minus
    others), customers contacted and expected profit in dollars.
    """
    from churnlab.economics import expected_campaign_profit

    outcomes = validate.outcomes(y_true)
    scores = validate.scores(churn_scores)
    validate.same_customers(y_true, churn_scores, "y_true", "churn_scores")
    members = _checked_members(in_group, y_true)
    if not isinstance(policies, dict) or not policies:
        raise CourseError("policies should be a dictionary: name -> (threshold for the group, threshold for the others), "
                          "like fairness.equal_recall_thresholds(...) returns.")
    if not isinstance(economics, CampaignEconomics):
        raise CourseError(f"economics should be a CampaignEconomics(...), not {validate.kind_of(economics)}.")
    rows = []
    for name, pair in policies.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise CourseError(f"policies[{name!r}] should be two thresholds: (for the group, for the others).")
        for_group = validate.fraction(pair[0], f"policies[{name!r}][0]", example="0.1")
        for_others = validate.fraction(pair[1], f"policies[{name!r}][1]", example="0.2")
        contacted = np.where(members, scores >= for_group, scores >= for_others)
        recall_group, recall_others = _recall(outcomes[members], contacted[members]), _recall(outcomes[~members], contacted[~members])
        rows.append({"policy": name, "threshold (group)": for_group, "threshold (others)": for_others,
                     "recall (group)": recall_group, "recall (others)": recall_others,
                     "recall gap": recall_group - recall_others, "customers contacted": int(contacted.sum()),
                     "expected profit ($)": expected_campaign_profit(outcomes, contacted, economics)})
    return pd.DataFrame(rows).set_index("policy")


# --- leaving a column out ------------------------------------------------------------------------------


@course_function
def model_without(X_train, y_train, columns, C: float | None = None):
    """The champion's recipe trained without ``columns`` (one name or a list): the same recipe, fewer inputs.

    For two questions: "if we leave the group's column out, is the model blind
    to the group?" (score the test customers and compare the groups again), and
    "what does using the group columns earn us?" (compare its campaign with the
    champion's). ``C`` defaults to the champion's setting (``model.CHAMPION_C``).
    """
    from churnlab.model import CHAMPION_C, make_churn_model

    X_train = validate.dataframe(X_train, "X_train", example="X_train (from split_customers)")
    names = [columns] if isinstance(columns, str) else columns
    if not isinstance(names, (list, tuple, pd.Index)) or not names:
        raise CourseError(f"columns should be a column's name or a list of names, like ['senior_citizen', 'partner'], "
                          f"not {validate.kind_of(columns)}.")
    if "female" in names and "female" not in X_train.columns:
        raise CourseError("The model never sees 'female' (lesson 02 left it out), so there is nothing to remove. "
                          "Compare women and men with fairness.group_metrics instead.")
    names = [validate.column(X_train, name, "column", "X_train") for name in names]
    outcomes = validate.outcomes(y_train, "y_train")
    validate.same_customers(X_train, y_train, "X_train", "y_train")
    recipe = make_churn_model(C=CHAMPION_C if C is None else C)
    prepare = recipe[0]
    prepare.transformers = [(name, step, [c for c in used if c not in names]) for name, step, used in prepare.transformers]
    return recipe.fit(X_train, outcomes)


def _auc_interval(auc: float, positives: int, negatives: int) -> tuple[float, float]:
    """95 % interval of a ROC-AUC by Hanley and McNeil's (1982) standard error: a formula, no random numbers."""
    q1, q2 = auc / (2 - auc), 2 * auc ** 2 / (1 + auc)
    variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc ** 2) + (negatives - 1) * (q2 - auc ** 2)) / (positives * negatives)
    half = 1.96 * math.sqrt(max(variance, 0.0))
    return max(0.0, auc - half), min(1.0, auc + half)


@course_function
def predictability(X_train, train_groups, X_test, test_groups, inputs=None) -> pd.DataFrame:
    """How well the model's inputs pick out each group: the strength of the proxies, in one number per group.

    For each group column of ``train_groups``, a logistic regression (the
    course's recipe) learns to tell the group's members from the others using
    ``inputs`` (default: every input of the model except the group columns it
    reads, ``GROUP_INPUTS``), on the training customers; its ROC-AUC on the test
    customers says how well those inputs stand in for the group: 0.5 = not at
    all (a coin), 1.0 = perfectly. ``low``/``high``: its 95 % interval (Hanley
    and McNeil's formula).
    """
    from sklearn.base import clone
    from sklearn.metrics import roc_auc_score

    from churnlab.model import make_churn_model

    X_train = validate.dataframe(X_train, "X_train", example="X_train (from split_customers)")
    X_test = validate.dataframe(X_test, "X_test", example="X_test (from split_customers)")
    train_groups = _checked_groups(train_groups, X_train.index.to_series(), "train_groups", "X_train")
    test_groups = _checked_groups(test_groups, X_test.index.to_series(), "test_groups", "X_test")
    if list(train_groups.columns) != list(test_groups.columns):
        raise CourseError("train_groups and test_groups should have the same group columns: make both with "
                          "fairness.customer_groups(customers, X_train.index) and (customers, X_test.index).")
    kept = [c for c in X_train.columns if c not in GROUP_INPUTS and c not in GROUPS] if inputs is None else list(inputs)
    recipe = make_churn_model()
    prepare = recipe[0]
    prepare.transformers = [(name, step, [c for c in used if c in kept]) for name, step, used in prepare.transformers]
    # the inputs are prepared once (the slow part); one logistic regression per group learns from them
    prepared_train, prepared_test = prepare.fit_transform(X_train), prepare.transform(X_test)
    rows = []
    for column in train_groups.columns:
        learner = clone(recipe[-1]).fit(prepared_train, train_groups[column].to_numpy())
        truth = test_groups[column].to_numpy()
        auc = float(roc_auc_score(truth, learner.predict_proba(prepared_test)[:, 1]))
        low, high = _auc_interval(auc, int(truth.sum()), int((1 - truth).sum()))
        rows.append({"group": column, "who": _member_words(column, 1), "ROC-AUC": auc, "low": low, "high": high})
    return pd.DataFrame(rows).set_index("group")


@course_function
def how_groups_differ(X, in_group, top: int = 4) -> pd.DataFrame:
    """The traits whose share differs most between a group and everyone else: candidate stand-ins (proxies).

    For every category of the text columns and every 0/1 column of ``X`` (the
    group's own column aside), the share of the group and of the others that
    has it; the ``top`` largest differences first, described in plain words.
    A model that never sees the group can still pick it out through these.
    """
    X = validate.dataframe(X, "X", example="X_train (from split_customers)")
    members = _checked_members(in_group, X.index.to_series(), "in_group", "X")
    top = validate.whole_number(top, "top", low=1, example="4")
    if members.all() or not members.any():
        raise CourseError("in_group should mark some customers (True) and not others (False): compare a group with the rest.")
    rows = []
    for column in X.columns:
        values = X[column]
        is_flag = pd.api.types.is_numeric_dtype(values) and values.isin((0, 1)).all()
        if pd.api.types.is_numeric_dtype(values) and not is_flag:
            continue  # numbers with a range (tenure, charges) have no share
        if is_flag and np.array_equal(values.to_numpy().astype(bool), members):
            continue  # the group's own column
        for level in ([1] if is_flag else sorted(values.dropna().unique())):
            has = (values == level).to_numpy()
            rows.append({"trait": _words_for(column, pd.Series([level])).iloc[0], "column": column,
                         "group": float(has[members].mean()), "others": float(has[~members].mean())})
    table = pd.DataFrame(rows, columns=["trait", "column", "group", "others"])
    table["difference"] = table["group"] - table["others"]
    order = table["difference"].abs().sort_values(ascending=False, kind="stable").index
    return table.loc[order].head(top).reset_index(drop=True)


# --- the review's record in MLflow --------------------------------------------------------------------------


def _metric_key(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_-./" else "_" for ch in text)


@course_function
def review_params(model, groups, campaign_threshold: float, thresholds_reviewed=(0.5,)) -> dict[str, object]:
    """What the review looked at, as MLflow parameters: the model's setting, the thresholds, the groups (add ``tracking.data_params()`` for the data).

    ``model`` is the model reviewed (the champion: its ``C`` is logged),
    ``groups`` the table from ``customer_groups``; ``thresholds_reviewed`` are
    the thresholds reviewed besides the campaign's own.
    """
    model = validate.fitted_model(model)
    groups = validate.dataframe(groups, "groups", example="fairness.customer_groups(customers, X_test.index)")
    campaign = validate.fraction(campaign_threshold, "campaign_threshold", example="1/6")
    others = _checked_thresholds(thresholds_reviewed)
    setting = getattr(model[-1], "C", None) if hasattr(model, "steps") else getattr(model, "C", None)
    return {"C": setting, "model": "champion", "threshold": campaign,
            "thresholds_reviewed": ", ".join([*(f"{t:g}" for t in others), f"{campaign:.3f}"]),
            "groups_reviewed": ", ".join(groups.columns)}


@course_function
def review_metrics(gap_table, campaign_threshold: float, profit_change: Interval | None = None) -> dict[str, float]:
    """The gaps as MLflow metrics, one per group (``gap_table`` from ``gaps``).

    At the campaign threshold: ``recall_gap__<group>`` with its interval
    ``recall_gap_low__<group>`` and ``recall_gap_high__<group>``,
    ``selection_gap__<group>``, ``precision_gap__<group>`` and
    ``churners_behind__<group>``; at every other threshold reviewed, the
    same names with ``_at_<threshold>`` after the measure (``recall_gap_at_0.5__dependents``).
    Finally ``largest_recall_gap`` (its size, at the campaign threshold), and, when
    ``profit_change`` is given (the ``uncertainty.profit_difference`` of the model
    without the group inputs minus the champion), ``profit_change_without_group_inputs``
    with its ``_low`` and ``_high``.
    """
    table = validate.dataframe(gap_table, "gap_table", needs=("group", "threshold", "recall gap"),
                               example="fairness.gaps(fairness.group_metrics(...))")
    campaign = validate.fraction(campaign_threshold, "campaign_threshold", example="1/6")
    if not np.isclose(table["threshold"], campaign).any():
        shown = ", ".join(f"{t:.3g}" for t in table["threshold"].unique())
        raise CourseError(f"campaign_threshold {campaign:.3g} is not one of the thresholds reviewed ({shown}).")
    measures = {"recall_gap": "recall gap", "recall_gap_low": "recall gap low", "recall_gap_high": "recall gap high",
                "selection_gap": "selection gap", "precision_gap": "precision gap", "churners_behind": "churners behind"}
    metrics = {}
    for _, row in table.iterrows():
        at = "" if np.isclose(row["threshold"], campaign) else f"_at_{row['threshold']:.3g}"
        for key, name in measures.items():
            if name in row and pd.notna(row[name]):
                metrics[_metric_key(f"{key}{at}__{row['group']}")] = float(row[name])
    at_campaign = table[np.isclose(table["threshold"], campaign)]
    metrics["largest_recall_gap"] = float(at_campaign["recall gap"].abs().max())
    if profit_change is not None:
        if not isinstance(profit_change, Interval):
            raise CourseError("profit_change should be the interval from uncertainty.profit_difference(...) "
                              f"(model without the group inputs minus the champion), not {validate.kind_of(profit_change)}.")
        metrics.update({"profit_change_without_group_inputs": profit_change.estimate,
                        "profit_change_without_group_inputs_low": profit_change.low,
                        "profit_change_without_group_inputs_high": profit_change.high})
    return metrics


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
