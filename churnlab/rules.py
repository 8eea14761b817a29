"""Heuristic churn rules a product manager could write on a whiteboard.

Each rule takes the feature table ``X`` (from ``churnlab.model.split_customers``
or ``features_and_label``; the full ``load_churn()`` table works too) and
returns a pandas Series aligned to ``X.index``: a 1/0 flag (1 = contact this
customer) or an integer score (higher = riskier).

The risk-points scorecard gives one point for each of five risk signals that
lesson 01 showed in the data:

1. a month-to-month contract (no commitment to stay);
2. a new customer: fewer than 12 months with us (tenure < 12);
3. pays by electronic check (not an automatic payment);
4. fiber optic internet (the priciest, most competitive product);
5. no tech support add-on (customers with internet but without support).

So a customer scores 0 (none of the signals) to 5 (all of them).
"""
from __future__ import annotations

import pandas as pd

from churnlab import validate
from churnlab.validate import course_function

__all__ = [
    "RISK_SIGNALS",
    "RULES",
    "RULE_DESCRIPTIONS",
    "campaigns_to_compare",
    "flag_risk_points",
    "month_to_month",
    "month_to_month_and_new",
    "risk_points",
    "risk_signals",
    "whiteboard_rules",
]

# The five risk signals of the scorecard, in words (same order as in risk_points).
RISK_SIGNALS: dict[str, str] = {
    "month_to_month_contract": "contract is month-to-month",
    "new_customer": "fewer than 12 months with us (tenure < 12)",
    "pays_by_electronic_check": "pays by electronic check",
    "fiber_optic_internet": "has fiber optic internet",
    "no_tech_support": "has internet but no tech support add-on",
}
NEW_CUSTOMER_MONTHS = 12


def _checked_table(X, columns: tuple[str, ...]) -> pd.DataFrame:
    return validate.dataframe(X, "X", needs=columns, example="X_test from split_customers(customers), or load_churn()")


def _checked_count(value, name: str, low: int) -> int:
    return validate.whole_number(value, name, low=low, example="12")


def _flag(condition: pd.Series, name: str) -> pd.Series:
    return condition.astype("int64").rename(name)


@course_function
def month_to_month(X: pd.DataFrame) -> pd.Series:
    """1 for customers on a month-to-month contract, 0 for one- and two-year contracts."""
    X = _checked_table(X, ("contract",))
    return _flag(X["contract"].eq("Month-to-month"), "month_to_month")


@course_function
def month_to_month_and_new(X: pd.DataFrame, months: int = NEW_CUSTOMER_MONTHS) -> pd.Series:
    """1 for month-to-month customers who joined fewer than ``months`` months ago (tenure < months)."""
    X = _checked_table(X, ("contract", "tenure"))
    months = _checked_count(months, "months", 0)
    return _flag(X["contract"].eq("Month-to-month") & X["tenure"].lt(months), "month_to_month_and_new")


@course_function
def risk_signals(X: pd.DataFrame) -> pd.DataFrame:
    """One 1/0 column per risk signal of the scorecard (see ``RISK_SIGNALS``)."""
    X = _checked_table(X, ("contract", "tenure", "payment_method", "internet_service", "tech_support"))
    signals = pd.DataFrame(
        {
            "month_to_month_contract": X["contract"].eq("Month-to-month"),
            "new_customer": X["tenure"].lt(NEW_CUSTOMER_MONTHS),
            "pays_by_electronic_check": X["payment_method"].eq("Electronic check"),
            "fiber_optic_internet": X["internet_service"].eq("Fiber optic"),
            # "No internet service" is not a risk signal: only customers with internet can lack support.
            "no_tech_support": X["tech_support"].eq("No"),
        },
        index=X.index,
    )
    return signals.astype("int64")


@course_function
def risk_points(X: pd.DataFrame) -> pd.Series:
    """The scorecard: 0 to 5 points, one per risk signal (see the module docstring)."""
    return risk_signals(X).sum(axis=1).astype("int64").rename("risk_points")


@course_function
def flag_risk_points(X: pd.DataFrame, at_least: int = 3) -> pd.Series:
    """1 for customers with at least ``at_least`` risk points (of 5), else 0."""
    at_least = _checked_count(at_least, "at_least", 0)
    return _flag(risk_points(X).ge(at_least), f"risk_points_at_least_{at_least}")


def _risk_points_at_least_3(X: pd.DataFrame) -> pd.Series:
    return flag_risk_points(X, at_least=3)


# name -> rule(X) giving a 1/0 flag or a score per customer (lesson 05 logs each as a run).
RULES = {
    "month_to_month": month_to_month,
    "month_to_month_and_new": month_to_month_and_new,
    "risk_points": risk_points,
    "risk_points_at_least_3": _risk_points_at_least_3,
}

# name -> the rule in plain words (for tables and logged runs).
RULE_DESCRIPTIONS = {
    "month_to_month": "contact every month-to-month customer",
    "month_to_month_and_new": "contact month-to-month customers with tenure < 12 months",
    "risk_points": "risk points 0–5: month-to-month, tenure < 12, electronic check, fiber optic, no tech support",
    "risk_points_at_least_3": "contact customers with 3 or more of the 5 risk points",
}


@course_function
def whiteboard_rules(X: pd.DataFrame) -> dict[str, pd.Series]:
    """Every yes/no rule lesson 04 weighs, applied to ``X``: name -> 1/0 per customer.

    The month-to-month rule, month-to-month and new, and the scorecard at each
    cut-off from 1 to 5 points. Lesson 04 picks the best of them on the
    training customers, then judges only that one on the test customers.
    """
    points = risk_points(X)
    chosen = {"rule: month-to-month": month_to_month(X), "rule: month-to-month & new": month_to_month_and_new(X)}
    chosen.update({f"scorecard ≥ {cut} points": _flag(points.ge(cut), f"risk_points_at_least_{cut}") for cut in range(1, 6)})
    return chosen


@course_function
def campaigns_to_compare(X: pd.DataFrame, churn_scores, scorecard_cut_offs=(3,), model_thresholds=(0.5,)) -> tuple[dict, dict]:
    """Lesson 04's campaigns, side by side on the customers ``X``: who each one contacts, and what ranks them.

    Returns two dicts for ``economics.compare_campaigns(y, campaigns, ranking_scores, money)``:

    - ``campaigns``, name -> 1/0 per customer: "contact everyone", "rule: month-to-month",
      "rule: month-to-month & new", "scorecard ≥ N points" for each N of ``scorecard_cut_offs``
      and "model ≥ T" (three decimals) for each T of ``model_thresholds``, contacting the
      customers whose ``churn_scores`` (the model's probabilities for ``X``) are at least T;
    - ``ranking_scores``, for the campaigns that rank customers: the scorecard's points for each
      scorecard campaign, ``churn_scores`` for each model campaign (so their ROC-AUC can be read;
      yes/no rules rank nobody and get none).
    """
    X = _checked_table(X, ("contract", "tenure", "payment_method", "internet_service", "tech_support"))
    scores = validate.scores(churn_scores)
    validate.same_customers(X, churn_scores, "X", "churn_scores")
    scores = pd.Series(scores, index=X.index)
    cut_offs = [_checked_count(cut, "each scorecard cut-off", 0) for cut in _as_list(scorecard_cut_offs)]
    thresholds = [validate.threshold(t, name="each model threshold") for t in _as_list(model_thresholds)]
    points = risk_points(X)
    campaigns = {
        "contact everyone": pd.Series(1, index=X.index),
        "rule: month-to-month": month_to_month(X),
        "rule: month-to-month & new": month_to_month_and_new(X),
    }
    ranking_scores = {}
    for cut in cut_offs:
        name = f"scorecard ≥ {cut} points"
        campaigns[name], ranking_scores[name] = _flag(points.ge(cut), f"risk_points_at_least_{cut}"), points
    for threshold in thresholds:
        name = f"model ≥ {threshold:.3f}"
        campaigns[name], ranking_scores[name] = _flag(scores.ge(threshold), "model"), scores
    return campaigns, ranking_scores


def _as_list(values) -> list:
    """One value or several: 3 and (3, 2) both work."""
    return list(values) if isinstance(values, (list, tuple)) else [values]
