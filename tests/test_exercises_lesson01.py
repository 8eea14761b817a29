"""Lesson 01 questions: right answers pass, common mistakes get their own message, odd answers never crash."""
from __future__ import annotations

import pandas as pd
import pytest

from churnlab.data import load_churn, with_made_up_exit_survey
from churnlab.exercises import lesson01
from churnlab.exercises.lesson01 import q1, q2, q3, q4

from answers import assert_mistake, assert_right


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return load_churn()


@pytest.mark.parametrize("question", [q1, q2, q3, q4], ids=["q1", "q2", "q3", "q4"])
def test_every_question_has_two_hints_and_a_solution(question, customers):
    assert len(question.hints) == 2
    assert question.solution_why
    # The solution code, run the way a learner would, is judged right.
    namespace = {"customers": customers, "crm_export": with_made_up_exit_survey(customers)}
    exec(question.solution_code, namespace)
    assert question.outcome(namespace).startswith("✅"), question.outcome(namespace)


def test_exports():
    assert set(lesson01.__all__) == {"q1", "q2", "q3", "q4", "____"}


# --- q1: churn rate --------------------------------------------------------------------------


def test_q1_right_answer(customers):
    churn_rate = (customers["churn"] == "Yes").sum() / len(customers)
    text = assert_right(q1, churn_rate)
    assert "26.5% of customers left" in text
    assert_right(q1, round(churn_rate, 3))
    assert_right(q1, customers["churn"].value_counts(normalize=True)["Yes"])


def test_q1_mistakes(customers):
    churned = customers["churn"].eq("Yes")
    assert_mistake(q1, churned.mean() * 100, "looks like a percentage")
    assert_mistake(q1, churned.sum(), "number of churners")
    assert_mistake(q1, int(churned.sum()), "number of churners")
    assert_mistake(q1, 1 - churned.mean(), "share of customers who stayed")
    assert_mistake(q1, 0.5, "churn_rate is 0.5")
    assert_mistake(q1, 0.27, "looks like a rounded number")  # typed in, not computed


# --- q2: churn rate of month-to-month customers -------------------------------------------------


def test_q2_right_answer(customers):
    month_to_month = customers[customers["contract"] == "Month-to-month"]
    rate = (month_to_month["churn"] == "Yes").mean()
    text = assert_right(q2, rate)
    assert "42.7% of month-to-month customers left, against 26.5% overall" in text
    by_contract = customers.groupby("contract")["churn"].apply(lambda s: s.eq("Yes").mean())
    assert_right(q2, by_contract["Month-to-month"])


def test_q2_mistakes(customers):
    churned = customers["churn"].eq("Yes")
    month_to_month = customers["contract"].eq("Month-to-month")
    assert_mistake(q2, churned[month_to_month].mean() * 100, "looks like a percentage")
    # Reversed conditional: of the churners, what share is month-to-month?
    churners = customers[churned]
    assert_mistake(q2, churners["contract"].eq("Month-to-month").mean(), "the other way round")
    assert_mistake(q2, churned.mean(), "churn rate of all customers")
    assert_mistake(q2, month_to_month.mean(), "share of customers on a month-to-month contract")
    assert_mistake(q2, 0.9, "not the share of month-to-month customers who churned")
    assert_mistake(q2, 0.43, "looks like a rounded number")


# --- q3: customers not billed yet --------------------------------------------------------------


def test_q3_right_answer(customers):
    text = assert_right(q3, customers["total_charges"].isna().sum())
    assert "11 customers have no total yet" in text
    assert "tenure 0" in text
    assert_right(q3, 11)
    assert_right(q3, len(customers[customers["total_charges"].isna()]))


def test_q3_mistakes(customers):
    empty = customers["total_charges"].isna()
    assert_mistake(q3, customers[empty], "You have the rows themselves")
    assert_mistake(q3, customers.loc[empty, "total_charges"], "You have the rows themselves")
    assert_mistake(q3, customers["total_charges"].notna().sum(), "counts the customers who *have* a total")
    assert_mistake(q3, customers["total_charges"].count(), "counts the customers who *have* a total")
    assert_mistake(q3, len(customers), "That is every customer")
    assert_mistake(q3, 12, "n_unbilled is 12")
    # A table of another size is not "the rows themselves": it is a shape problem.
    assert_mistake(q3, customers.head(3), "holds")


# --- q4: the leaky column -----------------------------------------------------------------------


def test_q4_right_answer(customers):
    crm_export = with_made_up_exit_survey(customers)
    # A learner's way to find it: the only column whose 1s are all churners.
    flags = [c for c in crm_export.columns if set(crm_export[c].unique()) <= {0, 1}]
    only_churners = [c for c in flags if crm_export.loc[crm_export[c].eq(1), "churn"].eq("Yes").all()]
    assert only_churners == ["exit_survey_done"]
    assert_right(q4, only_churners[0])
    assert_right(q4, "  exit_survey_done ")


def test_q4_mistakes():
    assert_mistake(q4, "churn", "the label itself")
    assert_mistake(q4, "contract", "we know a customer's contract before they leave")
    for column in ("tenure", "total_charges", "monthly_charges"):
        assert_mistake(q4, column, f"{column} is on file for every current customer")
    assert_mistake(q4, "exit_survey", "There is no column 'exit_survey'")
    assert_mistake(q4, "partner", "partner is known for current customers too")
    assert_mistake(q4, 3, "a column name in quotes")
    assert_mistake(q4, ["exit_survey_done"], "a column name in quotes")
