"""Exercise questions for lesson 01: frame the churn problem and explore the data.

In the notebook: ``from churnlab.exercises.lesson01 import *`` gives
``q1`` ... ``q4`` and the blank ``____``.
"""
from __future__ import annotations

from functools import cache

import pandas as pd

from churnlab.data import load_churn, with_made_up_exit_survey
from churnlab.exercises.core import Mistake, Question, ____, as_fraction_or_number, close, reject_if_rounded

__all__ = ["q1", "q2", "q3", "q4", "____"]


@cache
def _customers() -> pd.DataFrame:
    return load_churn()


def _is_churner(customers: pd.DataFrame) -> pd.Series:
    return customers["churn"].eq("Yes")


class ChurnRate(Question):
    variables = ("churn_rate",)
    hints = (
        "The churn rate is the share of all customers whose `churn` column says 'Yes'.",
        "`customers['churn'].eq('Yes')` gives True/False per customer; the mean of True/False is the share of True.",
    )
    solution_code = "churn_rate = customers['churn'].eq('Yes').mean()"
    solution_why = "The mean of a True/False column is the share of True values: churners ÷ all customers."

    def grade(self, churn_rate):
        customers = _customers()
        expected = _is_churner(customers).mean()
        value = as_fraction_or_number(churn_rate, "churn_rate")
        if close(value, expected):
            return f"{expected:.1%} of customers left: about {round(expected * 100)} in every 100."
        if close(value, expected * 100, 1):
            raise Mistake("That looks like a percentage. Give the rate as a fraction between 0 and 1 (divide by 100).")
        if value == _is_churner(customers).sum():
            raise Mistake("That is the number of churners. Divide it by the number of customers to get a rate.")
        if close(value, 1 - expected):
            raise Mistake("That is the share of customers who stayed. The churn rate counts those who left.")
        reject_if_rounded(value, expected, "churn_rate")
        raise Mistake(f"churn_rate is {value:.4g}. It should be the share of customers who churned, between 0 and 1.")


class MonthToMonthChurnRate(Question):
    variables = ("month_to_month_churn_rate",)
    hints = (
        "First keep only the customers whose `contract` is 'Month-to-month', then compute their churn rate.",
        "`customers[customers['contract'].eq('Month-to-month')]` keeps those customers; then use the same recipe as q1.",
    )
    solution_code = (
        "month_to_month = customers[customers['contract'].eq('Month-to-month')]\n"
        "month_to_month_churn_rate = month_to_month['churn'].eq('Yes').mean()"
    )
    solution_why = (
        "We ask: of the customers on a month-to-month contract, what share left? "
        "So we filter to those customers first, then take the share of churners among them."
    )

    def grade(self, month_to_month_churn_rate):
        customers = _customers()
        month_to_month = customers["contract"].eq("Month-to-month")
        churned = _is_churner(customers)
        expected = churned[month_to_month].mean()
        value = as_fraction_or_number(month_to_month_churn_rate, "month_to_month_churn_rate")
        if close(value, expected):
            return (
                f"{expected:.1%} of month-to-month customers left, against {churned.mean():.1%} overall: "
                "the contract type is a strong churn signal."
            )
        if close(value, expected * 100, 1):
            raise Mistake("That looks like a percentage. Give the rate as a fraction between 0 and 1.")
        if close(value, month_to_month[churned].mean()):
            raise Mistake(
                "You computed the share of churners who are on a month-to-month contract. "
                "The question is the other way round: the share of month-to-month customers who churned."
            )
        if close(value, churned.mean()):
            raise Mistake("That is the churn rate of all customers. Keep only the month-to-month customers first.")
        if close(value, month_to_month.mean()):
            raise Mistake("That is the share of customers on a month-to-month contract, not their churn rate.")
        reject_if_rounded(value, expected, "month_to_month_churn_rate")
        raise Mistake(f"month_to_month_churn_rate is {value:.4g}, not the share of month-to-month customers who churned.")


class UnbilledCustomers(Question):
    variables = ("n_unbilled",)
    hints = (
        "Customers not billed yet have an empty `total_charges`; pandas shows empty numbers as NaN.",
        "`customers['total_charges'].isna()` is True for an empty value; `.sum()` counts the True values.",
    )
    solution_code = "n_unbilled = customers['total_charges'].isna().sum()"
    solution_why = "isna() marks each empty value as True, and the sum of True values is how many there are."

    def grade(self, n_unbilled):
        customers = _customers()
        empty = customers["total_charges"].isna()
        expected = int(empty.sum())
        if isinstance(n_unbilled, (pd.DataFrame, pd.Series)) and len(n_unbilled) == expected:
            raise Mistake("You have the rows themselves. Count them: wrap your answer in len(...).")
        value = as_fraction_or_number(n_unbilled, "n_unbilled")
        if value == expected:
            tenure = customers.loc[empty, "tenure"].unique()
            return (
                f"{expected} customers have no total yet, and all of them have tenure {int(tenure[0])}: "
                "they are brand new and have not received a bill. Their true total is $0, not 'unknown'."
            )
        if value == len(customers) - expected:
            raise Mistake("That counts the customers who *have* a total. Count the empty ones instead (isna()).")
        if value == len(customers):
            raise Mistake("That is every customer. Count only those with an empty total_charges.")
        raise Mistake(f"n_unbilled is {value:g}. Count the customers whose total_charges is empty (NaN).")


class LeakyColumn(Question):
    variables = ("leaky_column",)
    hints = (
        "Ask of each column: would we know this value on the day we decide whom to contact, before anyone leaves?",
        "Look at the churn rate when the column is 1: a column that only churners can have is a warning sign.",
    )
    solution_code = "leaky_column = 'exit_survey_done'"
    solution_why = (
        "The exit survey is sent when a customer cancels, so it is only filled in after they left. "
        "A model trained with it looks far better in testing than it can ever be: on prediction day nobody has answered it yet."
    )

    def grade(self, leaky_column):
        table = with_made_up_exit_survey(_customers())
        if not isinstance(leaky_column, str):
            raise Mistake("leaky_column should be a column name in quotes, like 'tenure'.")
        name = leaky_column.strip()
        if name == "exit_survey_done":
            return "A column that is only known after the outcome is leakage. Always ask: would we have this on prediction day?"
        if name == "churn":
            raise Mistake("churn is the label itself, the thing we predict. Which *other* column gives the answer away?")
        if name == "contract":
            raise Mistake(
                "contract is a strong churn signal, but we know a customer's contract before they leave. "
                "Look for a column we could only know afterwards."
            )
        if name in ("tenure", "total_charges", "monthly_charges"):
            raise Mistake(f"{name} is on file for every current customer, so we know it on prediction day. Look again.")
        if name not in table.columns:
            raise Mistake(f"There is no column {name!r} in the table. Check the spelling against crm_export.columns.")
        raise Mistake(f"{name} is known for current customers too. Look for a column only churners can have.")


q1 = ChurnRate("q1")
q2 = MonthToMonthChurnRate("q2")
q3 = UnbilledCustomers("q3")
q4 = LeakyColumn("q4")
