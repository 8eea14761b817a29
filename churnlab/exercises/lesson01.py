"""Exercise questions for lesson 01: frame the churn problem and explore the data.

In the notebook: ``from churnlab.exercises.lesson01 import *`` gives
``q1`` ... ``q5`` and the blank ``____``. Questions 1-4 are for everyone (one
blank per line, or a value read off a chart); question 5 is the optional
"go further" question, answered with a few lines of pandas.
"""
from __future__ import annotations

from functools import cache

import pandas as pd

from churnlab.data import load_churn, with_made_up_exit_survey
from churnlab.exercises.core import (
    Mistake, Question, ____, as_fraction_or_number, close, kind_of, reject_if_rounded,
)

__all__ = ["q1", "q2", "q3", "q4", "q5", "____"]

# The chart labels each bar in whole percents: a reading within 1.5 points of the true rate is what the chart shows.
CHART_TOLERANCE = 0.015
ASKED_METHOD = "Electronic check"
NEW_CUSTOMER_MONTHS = 6


@cache
def _customers() -> pd.DataFrame:
    return load_churn()


def _churned() -> pd.Series:
    return _customers()["churn"].eq("Yes")


def _rate_where(mask: pd.Series) -> float:
    return float(_churned()[mask].mean())


class BaseRate(Question):
    variables = ("churn_rate",)
    hints = (
        "Lesson 01, section 1 (Frame the problem): the label is the column `churn`. What does it say for a customer who left?",
        "The label's values are the texts \"Yes\" (left) and \"No\" (stayed), with a capital letter. A text goes in quotes. "
        "`.eq(...)` marks the customers whose churn equals it, and `.mean()` turns those True/False marks into a share.",
    )
    solution_lead = "Fill the blank with \"Yes\", in quotes:"
    solution_code = 'churn_rate = customers["churn"].eq("Yes").mean()'
    solution_why = (
        "The label says \"Yes\" for each customer who left. The share of customers marked \"Yes\" is the base rate: "
        "about 1 customer in 4 leaves, the yardstick every segment and every model is compared with."
    )

    def grade(self, churn_rate):
        churned = _churned()
        expected = float(churned.mean())
        value = as_fraction_or_number(churn_rate, "churn_rate")
        if close(value, expected):
            return f"{expected:.1%} of customers left: about 1 in 4. This base rate is the yardstick for every segment."
        if value == 0:
            raise Mistake(
                "churn_rate is 0: no customer matched. The label's value must be written exactly as in the data, "
                "\"Yes\" with a capital Y, in quotes."
            )
        if close(value, 1 - expected):
            raise Mistake("That is the share of customers who stayed (\"No\"). The churn rate is the share who left.")
        if close(value, expected * 100, 0.5):
            raise Mistake(f"{value:g} looks like a percentage. Give the rate as a fraction between 0 and 1 (divide by 100).")
        if value == churned.sum():
            raise Mistake("That is the number of customers who left. The rate divides it by all customers: use .mean().")
        if close(value, _rate_where(_customers()["contract"].eq("Month-to-month")), 1e-3):
            raise Mistake("That is the churn rate of month-to-month customers only (a segment). The base rate counts all customers.")
        reject_if_rounded(value, expected, "churn_rate", "Keep three decimals (or let the code compute it).")
        raise Mistake(
            f"churn_rate is {value:.4g}, which is not the base rate. Fill the blank with the value `churn` holds for a "
            "customer who left, in quotes, and let the line compute the share of all customers who left."
        )


class SegmentRateFromChart(Question):
    variables = ("echeck_churn_rate",)
    hints = (
        "Lesson 01, section 3 (Who leaves?) drew the same chart: `plots.churn_rate_by(customers, ...)` takes the table "
        "and the name of a column, in quotes. The payment method's column is named payment_method.",
        "In the chart, find the bar labelled 'Electronic check' and read the percentage printed at its end. "
        "Type it as a fraction: 30 % is 0.30.",
    )
    solution_lead = "Fill the chart's blank with \"payment_method\", then type the electronic-check bar's rate as a fraction:"
    solution_code = 'plots.churn_rate_by(customers, "payment_method")\necheck_churn_rate = 0.45'
    solution_why = (
        "The chart shows 45 % for customers who pay by electronic check, against 26.5 % for all customers: "
        "nearly one in two of them left. A segment whose rate is far above the base rate is where to look first."
    )

    def grade(self, echeck_churn_rate):
        customers, churned = _customers(), _churned()
        rates = churned.groupby(customers["payment_method"]).mean()
        expected = float(rates[ASKED_METHOD])
        value = as_fraction_or_number(echeck_churn_rate, "echeck_churn_rate")
        if close(value, expected, CHART_TOLERANCE):
            return (
                f"{expected:.0%} of customers who pay by electronic check left, against {churned.mean():.1%} overall: "
                "nearly one in two. (A correlation, not a cause: switching them to autopay would not guarantee they stay.)"
            )
        if close(value, expected * 100, 100 * CHART_TOLERANCE):
            raise Mistake(f"{value:g} looks like a percentage. Type it as a fraction: divide by 100 (30 % is 0.30).")
        for method, rate in rates.drop(ASKED_METHOD).items():
            if close(value, rate, 0.006):
                raise Mistake(f"That is the bar for '{method}'. Read the bar labelled '{ASKED_METHOD}'.")
        if close(value, churned.mean(), 0.006):
            raise Mistake("That is the base rate of all customers (the dashed line). Read the bar labelled 'Electronic check'.")
        for column, segment in (("contract", "Month-to-month"), ("internet_service", "Fiber optic")):
            if close(value, _rate_where(customers[column].eq(segment)), 0.006):
                raise Mistake(
                    f"That is the churn rate of '{segment}' customers, from the {column} chart. "
                    "Draw the chart of payment_method and read the 'Electronic check' bar."
                )
        if close(value, customers.loc[churned, "payment_method"].eq(ASKED_METHOD).mean(), 0.006):
            raise Mistake(
                "That is the share of churners who pay by electronic check. The question is the other way round: "
                "of the customers who pay by electronic check, what share left?"
            )
        raise Mistake(
            f"echeck_churn_rate is {value:.3g}: that is not what the 'Electronic check' bar shows. "
            "Read its percentage and type it as a fraction."
        )


class EmptyValues(Question):
    variables = ("n_unbilled",)
    hints = (
        "Lesson 01, section 4 (Data trap 1: empty values) names the column that is empty for some customers.",
        "The column holds each customer's total billed so far, in dollars; its name is in snake_case (words joined by _), in quotes.",
    )
    solution_lead = "Fill the blank with the column's name, in quotes:"
    solution_code = 'n_unbilled = customers["total_charges"].isna().sum()'
    solution_why = (
        "isna() marks each empty value as True and sum() counts them. All 11 customers joined this month (tenure 0) "
        "and have not been billed yet: their true total is $0, so the right fix is 0, not 'unknown' or an average."
    )

    def grade(self, n_unbilled):
        customers = _customers()
        empty = customers["total_charges"].isna()
        expected = int(empty.sum())
        if isinstance(n_unbilled, (pd.DataFrame, pd.Series)) and len(n_unbilled) == expected:
            raise Mistake("You have the rows themselves. Count them: wrap your answer in len(...).")
        if isinstance(n_unbilled, pd.Series) and len(n_unbilled) > 1 and set(n_unbilled.index) <= set(customers.columns):
            raise Mistake(
                "That is one count per column. Keep the column that is empty for some customers: "
                "customers[\"...\"] with its name."
            )
        value = as_fraction_or_number(n_unbilled, "n_unbilled")
        if value == expected:
            tenure = customers.loc[empty, "tenure"].unique()
            return (
                f"{expected} customers have no total yet, and all of them have tenure {int(tenure[0])}: "
                "they are brand new and have not received a bill. Their true total is $0, not 'unknown'."
            )
        if value == 0:
            raise Mistake(
                "That column has no empty value. Lesson 01, section 4 names the column that is empty for brand-new customers."
            )
        if value == len(customers) - expected:
            raise Mistake("That counts the customers who *have* a total. Count the empty ones instead (isna()).")
        if value == len(customers):
            raise Mistake("That is every customer. Count only those with an empty total_charges.")
        raise Mistake(f"n_unbilled is {value:g}. Count the customers whose total_charges is empty (NaN).")


class LeakyColumn(Question):
    variables = ("leaky_column",)
    hints = (
        "Lesson 01, section 5 (Data trap 2: leakage): ask of each column, would we know this value on the day we decide "
        "whom to call, before anyone leaves?",
        "Look at the last column of the list: it comes from a survey. When is that survey sent?",
    )
    solution_lead = "Type the column's name, in quotes:"
    solution_code = 'leaky_column = "exit_survey_done"'
    solution_why = (
        "The exit survey is sent when a customer cancels, so it is only filled in after they left. "
        "A model trained with it looks far better in testing than it can ever be: on prediction day nobody has answered it yet."
    )

    def grade(self, leaky_column):
        table = with_made_up_exit_survey(_customers())
        if not isinstance(leaky_column, str):
            raise Mistake(f"leaky_column should be a column name in quotes, like \"tenure\", not {kind_of(leaky_column)}.")
        name = leaky_column.strip()
        if name == "exit_survey_done":
            return "A column that is only known after the outcome is leakage. Always ask: would we have this on prediction day?"
        if name.lower() == "exit_survey_done":
            raise Mistake("Right column, but names are case-sensitive: write it exactly as in the list, in lower case.")
        if name == "churn":
            raise Mistake("churn is the label itself, the thing we predict. Which *other* column gives the answer away?")
        if name == "contract":
            raise Mistake(
                "contract is a strong churn signal, but we know a customer's contract before they leave. "
                "Look for a column we could only know afterwards."
            )
        if name in ("tenure", "total_charges"):
            raise Mistake(f"Good eye: lesson 01, section 6 shows {name} is a quiet leak, since a churner's value stopped "
                          "when they left. But we do have a value for every current customer on prediction day. "
                          "This question wants the column we could not have at all until a customer leaves.")
        if name == "monthly_charges":
            raise Mistake("monthly_charges is on file for every current customer, so we know it on prediction day. Look again.")
        if name not in table.columns:
            raise Mistake(f"There is no column {name!r} in the table. Copy the name from the list above (underscores included).")
        raise Mistake(f"{name} is known for current customers too. Look for a column only churners can have.")


class NewCustomerChurnRate(Question):
    """Go further: a segment the charts do not label, computed in pandas."""

    variables = ("new_customer_churn_rate",)
    hints = (
        "Lesson 01, section 3 drew churn by tenure: the first point (0–5 months) is this segment. Here you compute it exactly.",
        "Keep the customers with tenure below 6 (`customers[\"tenure\"].lt(6)`), then take the share of them whose churn is \"Yes\".",
    )
    solution_lead = "Two lines:"
    solution_code = (
        'new_customers = customers[customers["tenure"].lt(6)]\n'
        'new_customer_churn_rate = new_customers["churn"].eq("Yes").mean()'
    )
    solution_why = (
        "Filter first (who is in the segment), then take the share of churners among them. More than half of the "
        "customers in their first six months left: onboarding is where churn starts."
    )

    def grade(self, new_customer_churn_rate):
        customers, churned = _customers(), _churned()
        tenure = customers["tenure"]
        expected = _rate_where(tenure.lt(NEW_CUSTOMER_MONTHS))
        value = as_fraction_or_number(new_customer_churn_rate, "new_customer_churn_rate")
        if close(value, expected):
            return (
                f"{expected:.1%} of customers in their first six months left, twice the base rate of {churned.mean():.1%}: "
                "the first months are where a retention effort pays most."
            )
        if close(value, expected * 100, 0.05):
            raise Mistake("That looks like a percentage. Give the rate as a fraction between 0 and 1.")
        if close(value, _rate_where(tenure.le(NEW_CUSTOMER_MONTHS))):
            raise Mistake("That includes customers with exactly 6 months. 'Fewer than 6 months' is tenure < 6 (.lt(6)).")
        if close(value, _rate_where(tenure.lt(12))):
            raise Mistake("That is for customers with fewer than 12 months. This question asks about fewer than 6.")
        if close(value, tenure[churned].lt(NEW_CUSTOMER_MONTHS).mean()):
            raise Mistake(
                "That is the share of churners who are new. The question is the other way round: of the new customers, "
                "what share left?"
            )
        if value == churned[tenure.lt(NEW_CUSTOMER_MONTHS)].sum():
            raise Mistake("That is the number of new customers who left. Divide by the number of new customers (.mean()).")
        if close(value, churned.mean()):
            raise Mistake("That is the churn rate of all customers. Keep only the customers with tenure below 6 first.")
        reject_if_rounded(value, expected, "new_customer_churn_rate")
        raise Mistake(
            f"new_customer_churn_rate is {value:.4g}, which is not the churn rate of customers with fewer than 6 months. "
            "Keep only the customers with tenure below 6 (`.lt(6)`), then take the share of them whose churn is \"Yes\" "
            "(`.eq(\"Yes\").mean()`)."
        )


q1 = BaseRate("q1")
q2 = SegmentRateFromChart("q2")
q3 = EmptyValues("q3")
q4 = LeakyColumn("q4")
q5 = NewCustomerChurnRate("q5")
