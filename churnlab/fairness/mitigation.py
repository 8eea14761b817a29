"""Mitigation: thresholds per group (equal recall) and what each policy costs and gains."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from churnlab import validate
from churnlab.economics import DEFAULT_ECONOMICS, CampaignEconomics
from churnlab.errors import CourseError
from churnlab.fairness.groups import _checked_members
from churnlab.validate import course_function

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
