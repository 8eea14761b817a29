"""The truth: who really leaves (frozen weights fitted on the real customers), the real customers it reads, and the
functions that read it (``truth_weights``, ``truth_probability``)."""
from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.data import DATA_DICTIONARY, load_churn
from churnlab.world.constants import NEW_CUSTOMER_MAX_TENURE

# The truth: a logistic regression of the course model's shape fitted on all 7,043 real customers
# (make_churn_model().fit on features_and_label(load_churn())), written in natural units: log-odds per
# unit of each number (per month of tenure, per dollar) and per category. tests/unit/test_world.py refits
# it and checks these numbers. p = 1 / (1 + exp(-(intercept + sum of weights))).
TRUTH_INTERCEPT = 0.96143
TRUTH_NUMBER_WEIGHTS = {
    "senior_citizen": 0.21469,
    "partner": -0.0033482,
    "dependents": -0.15365,
    "tenure": -0.058003,
    "phone_service": -0.079511,
    "paperless_billing": 0.34343,
    "monthly_charges": -0.011407,
    "total_charges": 0.00030171,
}
TRUTH_CATEGORY_WEIGHTS = {
    "multiple_lines": {"No": -0.3460, "No phone service": -0.0338, "Yes": -0.0413},
    "internet_service": {"DSL": -0.5852, "Fiber optic": 0.4478, "No": -0.2837},
    "online_security": {"No": 0.1043, "No internet service": -0.2837, "Yes": -0.2418},
    "online_backup": {"No": -0.0114, "No internet service": -0.2837, "Yes": -0.1261},
    "device_protection": {"No": -0.0708, "No internet service": -0.2837, "Yes": -0.0667},
    "tech_support": {"No": 0.0933, "No internet service": -0.2837, "Yes": -0.2308},
    "streaming_tv": {"No": -0.2215, "No internet service": -0.2837, "Yes": 0.0840},
    "streaming_movies": {"No": -0.2277, "No internet service": -0.2837, "Yes": 0.0902},
    "contract": {"Month-to-month": 0.5362, "One year": -0.1268, "Two year": -0.8306},
    "payment_method": {"Bank transfer (automatic)": -0.1476, "Credit card (automatic)": -0.2358,
                       "Electronic check": 0.1598, "Mailed check": -0.1976},
}
_DYNAMIC = ("tenure", "monthly_charges", "total_charges")  # the numbers that change month to month
_UNITS = {"tenure": "per month", "monthly_charges": "per dollar a month", "total_charges": "per dollar"}

# --- the real data, prepared once ----------------------------------------------------------------------


@cache
def _real():
    """The real customers, their profile columns, static truth log-odds and the promotion pool."""
    customers = load_churn()
    columns = [c.name for c in DATA_DICTIONARY if c.name not in ("customer_id", "churn")]
    static = np.full(len(customers), TRUTH_INTERCEPT)
    for name, weight in TRUTH_NUMBER_WEIGHTS.items():
        if name not in _DYNAMIC:
            static = static + weight * customers[name].to_numpy(dtype=float)
    for name, weights in TRUTH_CATEGORY_WEIGHTS.items():
        static = static + customers[name].map(weights).to_numpy(dtype=float)
    new_month_to_month = np.flatnonzero(
        customers["contract"].eq("Month-to-month").to_numpy()
        & customers["tenure"].between(1, NEW_CUSTOMER_MAX_TENURE).to_numpy()
    )
    return {
        "ids": customers["customer_id"].to_numpy(dtype=object),
        "profiles": customers[columns].reset_index(drop=True),
        "columns": columns,
        "static": static,
        "monthly": customers["monthly_charges"].to_numpy(dtype=float),
        "tenure": customers["tenure"].to_numpy(dtype=np.int64),
        "total": customers["total_charges"].fillna(0.0).to_numpy(dtype=float),
        "fiber": customers["internet_service"].eq("Fiber optic").to_numpy(),
        "promotion_pool": new_month_to_month,
    }


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def _truth_logit(static, tenure, monthly, total):
    return (static + TRUTH_NUMBER_WEIGHTS["tenure"] * tenure + TRUTH_NUMBER_WEIGHTS["monthly_charges"] * monthly
            + TRUTH_NUMBER_WEIGHTS["total_charges"] * total)


# --- reading the truth --------------------------------------------------------------------------------------


@course_function
def truth_weights() -> pd.DataFrame:
    """The truth's weights: log-odds of leaving within the horizon, per unit of each input (a fixed, documented table).

    Columns: ``input``, ``value`` (the category, or the unit for a number), ``weight``.
    A positive weight raises the chance of leaving. These are associations fitted on the
    real data, not causes: the simulator's price response is ``PRICE_SENSITIVITY``, not
    the weight on ``monthly_charges``.
    """
    rows = [("intercept", "", TRUTH_INTERCEPT)]
    rows += [(name, _UNITS.get(name, "per yes (0/1)"), weight) for name, weight in TRUTH_NUMBER_WEIGHTS.items()]
    rows += [(name, value, weight) for name, weights in TRUTH_CATEGORY_WEIGHTS.items() for value, weight in weights.items()]
    return pd.DataFrame(rows, columns=["input", "value", "weight"])


@course_function
def truth_probability(customers: pd.DataFrame) -> pd.Series:
    """The truth's chance that each customer leaves within the horizon, without any offer or knob.

    ``customers``: a table with the data dictionary's columns, like ``load_churn()`` or
    ``year.customers``. An empty ``total_charges`` counts as $0. Knobs (a price rise, a
    competitor) are not applied here: ``year.truth_by_customer`` has the probabilities
    with them.
    """
    needed = list(TRUTH_NUMBER_WEIGHTS) + list(TRUTH_CATEGORY_WEIGHTS)
    table = validate.dataframe(customers, "customers", needs=needed, example="year.customers or load_churn()")
    logit = np.full(len(table), TRUTH_INTERCEPT)
    for name, weight in TRUTH_NUMBER_WEIGHTS.items():
        values = pd.to_numeric(table[name], errors="coerce")
        if name != "total_charges" and values.isna().any():
            raise CourseError(f"customers has empty or non-number values in {name!r}; the truth needs a number for every customer.")
        logit = logit + weight * values.fillna(0.0).to_numpy(dtype=float)
    for name, weights in TRUTH_CATEGORY_WEIGHTS.items():
        mapped = table[name].map(weights)
        if mapped.isna().any():
            odd = table.loc[mapped.isna(), name].iloc[0]
            raise CourseError(f"customers has the value {odd!r} in {name!r}, which the data dictionary does not allow "
                              f"({', '.join(map(repr, weights))}).")
        logit = logit + mapped.to_numpy(dtype=float)
    return pd.Series(_expit(logit), index=table.index, name="true_churn_probability")
