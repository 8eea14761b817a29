"""The fairness review's record in MLflow: its run tags, its group table's artifact, its parameters and metrics."""
from __future__ import annotations

import numpy as np
import pandas as pd

from churnlab import validate
from churnlab._base.tags import run_tags
from churnlab.errors import CourseError
from churnlab.fairness.groups import _checked_thresholds
from churnlab.uncertainty import Interval
from churnlab.validate import course_function

REVIEW_TAGS = run_tags("06", "fairness_review")
REVIEW_TABLE = "fairness/by_group.csv"

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
