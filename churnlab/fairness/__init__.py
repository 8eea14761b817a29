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

# The package gathers its modules' names: a learner sees one module, churnlab.fairness (lesson 06).
from churnlab.fairness.calibration import (  # noqa: F401
    calibration_by_group,
    calibration_misses,
    describe_calibration,
    recall_gap_change,
    recall_gap_change_between_thresholds,
)
from churnlab.fairness.groups import (  # noqa: F401
    GROUP_INPUTS,
    GROUPS,
    Group,
    customer_groups,
    describe_gaps,
    gaps,
    group_metrics,
    group_sizes,
    readable,
)
from churnlab.fairness.mitigation import (  # noqa: F401
    equal_recall_thresholds,
    policy_table,
    threshold_for_recall,
    threshold_for_selection_rate,
)
from churnlab.fairness.proxies import (  # noqa: F401
    _auc_interval,
    how_groups_differ,
    model_without,
    predictability,
)
from churnlab.fairness.review import (  # noqa: F401
    REVIEW_TABLE,
    REVIEW_TAGS,
    review_metrics,
    review_params,
)

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
