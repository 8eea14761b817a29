"""Lesson 01 questions: the right answers pass, and each mistake a PM plausibly makes gets its own message.

``RIGHT_ANSWERS`` and ``WRONG_ANSWERS`` are run by tests/exercises/test_exercises_all.py (through the variable and
through ``qN.check(answer)``), with what every question must do alike; this file adds what is lesson 01's own.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from churnlab import plots  # noqa: E402
from churnlab.data import load_churn, with_made_up_exit_survey  # noqa: E402
from churnlab.exercises import lesson01  # noqa: E402
from churnlab.exercises.lesson01 import q1, q2, q3, q4, q5  # noqa: E402

from answers import assert_mistake, assert_right, assert_solution_right, outcome  # noqa: E402

customers = load_churn()
churned = customers["churn"].eq("Yes")
tenure = customers["tenure"]
empty = customers["total_charges"].isna()


def rate_where(mask) -> float:
    return float(churned[mask].mean())


def payment_rate(method: str) -> float:
    return rate_where(customers["payment_method"].eq(method))


RIGHT_ANSWERS = {
    "q1": [customers["churn"].eq("Yes").mean(), 0.265, 0.2654, churned.sum() / len(customers),
           customers["churn"].value_counts(normalize=True)["Yes"]],
    # Read off the chart, labelled in whole percents: what it shows, give or take one point.
    "q2": [0.45, 0.44, 0.46, payment_rate("Electronic check")],
    "q3": [customers["total_charges"].isna().sum(), 11, 11.0, customers[["total_charges"]].isna().sum()],
    "q4": ["exit_survey_done", "  exit_survey_done "],
    "q5": [rate_where(tenure.lt(6)), rate_where(tenure.between(0, 5)), round(rate_where(tenure.lt(6)), 4)],
}

WRONG_ANSWERS = {
    "q1": [
        (customers["churn"].eq("yes").mean(), "capital Y"),  # eq("yes"): nobody matches
        (customers["churn"].eq("No").mean(), "share of customers who stayed"),
        (churned.mean() * 100, "looks like a percentage"),
        (26.5, "looks like a percentage"),
        (churned.sum(), "number of customers who left"),
        (rate_where(customers["contract"].eq("Month-to-month")), "month-to-month customers only"),
        (0.27, "looks like a rounded number"),
        ("0.265", "Remove the quotes"),
        ("26.5%", "26.5 % is 0.265"),
        (0.5, "churn_rate is 0.5, which is not the base rate"),
        (1, "churn_rate is 1, which is not the base rate"),
    ],
    "q2": [
        (45, "looks like a percentage"),
        (payment_rate("Mailed check"), "the bar for 'Mailed check'"),
        (0.19, "the bar for 'Mailed check'"),
        (0.17, "the bar for 'Bank transfer (automatic)'"),
        (0.15, "the bar for 'Credit card (automatic)'"),
        (0.265, "the base rate of all customers"),
        (0.43, "'Month-to-month' customers, from the contract chart"),
        (0.42, "'Fiber optic' customers, from the internet_service chart"),
        (customers.loc[churned, "payment_method"].eq("Electronic check").mean(), "the other way round"),
        (0.47, "not what the 'Electronic check' bar shows"),  # two points off: another reading, not the chart's
        ("0.45", "Remove the quotes"),
        (0.5, "not what the 'Electronic check' bar shows"),
    ],
    "q3": [
        (customers["tenure"].isna().sum(), "That column has no empty value"),  # a column without empty values
        (customers["total_charges"].notna().sum(), "counts the customers who *have* a total"),
        (customers["total_charges"].count(), "counts the customers who *have* a total"),
        (len(customers), "That is every customer"),
        (customers[empty], "You have the rows themselves"),
        (customers.loc[empty, "total_charges"], "You have the rows themselves"),
        (customers.isna().sum(), "one count per column"),
        ("11", "Remove the quotes"),
        (12, "n_unbilled is 12"),
        (1, "n_unbilled is 1"),
    ],
    "q4": [
        ("churn", "the label itself"),
        ("contract", "we know a customer's contract before they leave"),
        ("tenure", "quiet leak"),
        ("total_charges", "quiet leak"),
        ("monthly_charges", "monthly_charges is on file for every current customer"),
        ("Exit_survey_done", "names are case-sensitive"),
        ("exit survey done", "There is no column 'exit survey done'"),
        ("partner", "partner is known for current customers too"),
        (3, "a column name in quotes"),
        (["exit_survey_done"], "a column name in quotes"),
    ],
    "q5": [
        (rate_where(tenure.le(6)), "includes customers with exactly 6 months"),
        (rate_where(tenure.lt(12)), "fewer than 12 months"),
        (rate_where(tenure.lt(6)) * 100, "looks like a percentage"),
        (tenure[churned].lt(6).mean(), "the other way round"),
        (churned[tenure.lt(6)].sum(), "the number of new customers who left"),
        (churned.mean(), "the churn rate of all customers"),
        (0.54, "looks like a rounded number"),
        (0.5, "new_customer_churn_rate is 0.5, which is not the churn rate of customers with fewer than 6 months"),
        (0.3, "new_customer_churn_rate is 0.3, which is not the churn rate of customers with fewer than 6 months"),
    ],
}


def learner_namespace() -> dict:
    """What the exercise's set-up cells define."""
    return {"customers": customers, "crm_export": with_made_up_exit_survey(customers), "plots": plots, "plt": plt}


@pytest.mark.parametrize("question", [q1, q2, q3, q4, q5], ids=lambda q: q.label)
def test_the_solution_code_run_as_a_learner_would_is_right(question):
    assert_solution_right(question, learner_namespace())


def test_exports():
    assert lesson01.__all__ == ["q1", "q2", "q3", "q4", "q5", "____"]


def test_q1_says_the_base_rate_in_business_words():
    assert "26.5% of customers left: about 1 in 4" in assert_right(q1, churned.mean())


def test_q2_accepts_one_point_either_side_of_the_chart_label_and_no_more():
    true_rate = payment_rate("Electronic check")
    assert f"{true_rate:.0%}" == "45%", "the chart labels the bar 45 %"
    for reading in (0.44, 0.45, 0.46):
        assert_right(q2, reading)
    for reading in (0.43, 0.47, 0.40, 0.50):
        assert outcome(q2, reading).startswith("❌ q2: not quite."), reading


def test_q3_explains_that_the_empty_totals_are_new_customers():
    text = assert_right(q3, 11)
    assert "11 customers have no total yet" in text and "tenure 0" in text and "$0" in text


def test_q4_a_learner_can_find_the_leak_in_the_data():
    crm_export = with_made_up_exit_survey(customers)
    flags = [c for c in crm_export.columns if set(crm_export[c].unique()) <= {0, 1}]
    only_churners = [c for c in flags if crm_export.loc[crm_export[c].eq(1), "churn"].eq("Yes").all()]
    assert only_churners == ["exit_survey_done"]


def test_q5_the_segment_is_new_customers_with_fewer_than_six_months():
    assert rate_where(tenure.lt(6)) > 0.5 > rate_where(tenure.lt(12))
    assert "54.3% of customers in their first six months left" in assert_right(q5, rate_where(tenure.lt(6)))


def test_q1_mistakes_of_the_scaffold_line():
    # What the scaffold gives for a few fillings of its blank.
    for filling, phrase in [("yes", "capital Y"), ("YES", "capital Y"), ("No", "stayed"), ("Churn", "capital Y")]:
        assert_mistake(q1, customers["churn"].eq(filling).mean(), phrase)


def test_table_of_the_chart_matches_what_the_package_draws():
    ax = plots.churn_rate_by(customers, "payment_method")
    labels = sorted(text.get_text() for text in ax.texts)
    plt.close("all")
    assert "45%" in labels, labels


@pytest.fixture(autouse=True)
def _no_open_figures():
    yield
    plt.close("all")


def test_empty_values_are_only_total_charges():
    assert customers.isna().sum()[lambda counts: counts > 0].index.tolist() == ["total_charges"]
