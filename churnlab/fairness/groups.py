"""Who is in which group, each group's campaign measures, and the gaps between a group and everyone else (with their noise)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep

from churnlab import validate
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics
from churnlab.errors import CourseError
from churnlab.validate import course_function


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
                     f"about {row['churners behind']:.0f} churners behind ({dollars(row['their offers ($)'])} of offers)")
    return "\n".join(lines)


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
