"""Lesson 08 questions: the right answers pass, and each mistake a PM plausibly makes gets its own message.

``RIGHT_ANSWERS`` and ``WRONG_ANSWERS`` are run by tests/exercises/test_exercises_all.py (through the variable and
through ``qN.check(answer)``), with what every question must do alike (blanks, odd answers, arbitrary values,
hints); this file adds what is lesson 08's own: what the right answers say, and one shared simulation.

The answers are computed here from the lesson's simulated year with the course's public functions (the way a
learner computes them), not read from the checks' own caches.
"""
from __future__ import annotations

import numpy as np

from churnlab import monitoring, world
from churnlab.exercises import lesson08
from churnlab.exercises.lesson08 import practice_year, q1, q3, q4, q6
from churnlab.model import FEATURES, make_churn_model

from answers import assert_right

year = practice_year()
month = year.customers["month"]


def psi(column: str, reference: int, current: int) -> float:
    return monitoring.psi(year.customers.loc[month == reference, column], year.customers.loc[month == current, column])


TENURE_PSI = psi("tenure", 1, 12)

# --- q3: SQL -----------------------------------------------------------------------------------------

RIGHT_QUERY = ("SELECT month, count(*) AS customers_scored, avg(CAST(churn_score >= 1/6 AS INTEGER)) AS share_flagged "
               "FROM predictions GROUP BY month ORDER BY month")
SHARE_FLAGGED = "avg(CAST(churn_score >= 1/6 AS INTEGER))"

# --- q4: retrain and compare ----------------------------------------------------------------------------


def expected_profit(C: float, judged_on: str = "test", months=(8, 9, 10)):
    """Each model's expected profit: the challenger (``C``) fitted on the training half of ``months``."""
    train, test = monitoring.split_by_seat(monitoring.labelled_rows(year, list(months)))
    challenger = make_churn_model(C=C).fit(train[list(FEATURES)], train["churned"])
    if judged_on == "late test":  # fitted on months 8-10, judged on months 9-10 only
        test = monitoring.split_by_seat(monitoring.labelled_rows(year, [9, 10]))[1]
    table = monitoring.compare_models({"champion": world.course_model(), "challenger": challenger},
                                      train if judged_on == "train" else test)
    return table["expected_profit"]


PROFIT = expected_profit(0.1)
MARGIN = float(PROFIT["challenger"] - PROFIT["champion"])


def margin(profit) -> float:
    return float(profit["challenger"] - profit["champion"])


# --- q6: a window function --------------------------------------------------------------------------------

HEALTH = monitoring.health_table(year)
PRECISION = HEALTH["realised_precision"]
ROLLING = float(PRECISION.loc[8:10].mean())
POOLED = float((PRECISION * HEALTH["holdout_flagged"]).loc[8:10].sum() / HEALTH["holdout_flagged"].loc[8:10].sum())

RIGHT_ANSWERS = {
    "q1": [TENURE_PSI, np.float64(TENURE_PSI)],
    "q2": ["competitor", "Fibre competitor", " fiber competitor ", "competitor targets fibre (behaviour change)"],
    "q3": [
        RIGHT_QUERY,
        # the solution's layout, over several lines
        "\n    SELECT month,\n           count(*) AS customers_scored,\n"
        "           avg(CAST(churn_score >= 1/6 AS INTEGER)) AS share_flagged\n"
        "    FROM predictions\n    GROUP BY month\n    ORDER BY month\n",
        # the share over every prediction, failed calls counted as not flagged, is accepted too
        "SELECT month, count(*) AS customers_scored, count(*) FILTER (WHERE churn_score >= 1/6) / count(*) "
        "AS share_flagged FROM predictions GROUP BY month ORDER BY month",
    ],
    "q4": [MARGIN, np.float64(MARGIN), round(MARGIN)],
    "q5": ["investigate", "Fix the pipeline", " INVESTIGATE "],
    "q6": [ROLLING, np.float64(ROLLING), POOLED, round(ROLLING, 3)],  # 0.655: the value the lesson's rolling table prints
}

WRONG_ANSWERS = {
    "q1": [
        (TENURE_PSI * 100, "percentage"),
        (psi("tenure", 12, 1), "swapped the months"),
        (psi("tenure", 1, 11), "month 11"),
        (psi("contract", 1, 12), "PSI of contract"),
        (psi("monthly_charges", 1, 12), "PSI of monthly_charges"),
        (psi("total_charges", 1, 12), "PSI of total_charges"),
        (psi("internet_service", 1, 12), "PSI of internet_service"),
        (0.24, "rounded"),
        (0.0, "compare month 1 with itself"),
        ("moderate change", "not a verdict in words"),
    ],
    "q2": [
        ("promotion", "stayed calibrated"),
        ("price rise", "inputs moved"),
        ("data bug", "data quality and PSI caught it"),
        ("the weather", "not one of the four incidents"),
        (9, "one of the incidents in quotes"),
    ],
    "q3": [
        ("SELECT month count(*) AS customers_scored FROM predictions GROUP BY month", "syntax error"),
        (RIGHT_QUERY.replace("churn_score >=", "churn_scor >="), "did you mean 'churn_score'"),
        (RIGHT_QUERY.replace("FROM predictions", "FROM prediction"), "did you mean 'predictions'"),
        (RIGHT_QUERY.replace(SHARE_FLAGGED, "avg(churn_score >= 1/6)"), "CAST("),
        (RIGHT_QUERY.replace(" AS customers_scored", ""), "the question asks for exactly"),
        ("SELECT month, count(*) AS customers_scored FROM predictions GROUP BY month ORDER BY month", "missing share_flagged"),
        (RIGHT_QUERY.replace("ORDER BY month", "ORDER BY month DESC"), "ORDER BY month"),
        (RIGHT_QUERY.replace("1/6", "0.5"), "at or above 0.5"),
        (RIGHT_QUERY.replace(SHARE_FLAGGED, f"100 * {SHARE_FLAGGED}"), "percentage"),
        (RIGHT_QUERY.replace(SHARE_FLAGGED, "CAST(sum(CAST(churn_score >= 1/6 AS INTEGER)) AS DOUBLE)"), "count of flagged"),
        (RIGHT_QUERY.replace("GROUP BY", "WHERE month <= 10 GROUP BY"), "one per month"),
        (RIGHT_QUERY.replace("count(*)", "count(DISTINCT customer_id) - 1"), "customers_scored does not match"),
        (42, "SQL text in quotes"),
        # the scaffold's three blanks, filled wrong
        (RIGHT_QUERY.replace("1/6", "0.167"), "rounded threshold"),
        (RIGHT_QUERY.replace("1/6", "16.7"), "0 in every month"),
        (RIGHT_QUERY.replace("FROM predictions", "FROM outcomes"), "There is no column 'churn_score'"),
        (RIGHT_QUERY.replace("GROUP BY month", "GROUP BY customer_id"), "must either be in GROUP BY"),
    ],
    "q4": [
        (-MARGIN, "sign is reversed"),
        (margin(expected_profit(0.1, "train")), "training half"),
        (margin(expected_profit(1.0)), "C = 1.0"),
        (float(PROFIT["challenger"]), "one model's expected profit"),
        (float(PROFIT["champion"]), "one model's expected profit"),
        (margin(expected_profit(0.1, "late test")), "months 9-10 only"),
        (1_000_000, "Use months [8, 9, 10]"),
    ],
    "q5": [
        ("retrain", "teach the model the bug"),
        ("fall back to the rule", "scores you cannot trust"),
        ("rule", "scores you cannot trust"),
        ("do nothing", "does not fix itself"),
        ("wait", "does not fix itself"),
        ("panic", "not one of the options"),
    ],
    "q6": [
        (float(PRECISION.loc[10]), "month 10 alone"),
        (ROLLING * 100, "percentage"),
        (float(PRECISION.loc[9:11].mean()), "looks forward"),
        (round(float(PRECISION.loc[10]), 3), "month 10 alone"),  # the lesson's table prints 0.649 for month 10 alone
        (0.66, "rounded"),
        (0.3, "not the hold-out's rolling precision"),
        (3.0, "a share between 0 and 1"),
    ],
}


# --- what lesson 08's right answers say ---------------------------------------------------------------


def test_q1_right_answer_gives_the_verdict():
    text = assert_right(q1, TENURE_PSI)
    assert "0.24" in text and "moderate change" in text


def test_q3_right_answer_reads_the_volume_out():
    text = assert_right(q3, RIGHT_QUERY)
    assert "55.3%" in text and "11,000" in text


def test_q4_right_answer_says_the_margin_is_within_the_noise():
    text = assert_right(q4, MARGIN)
    assert "$330" in text and "within the noise" in text


def test_q6_right_answers_give_the_rolling_precision_either_way():
    assert "65.5%" in assert_right(q6, ROLLING)
    assert "either reading is fine" in assert_right(q6, POOLED)


def test_the_checks_share_one_simulation():
    assert lesson08.practice_year() is lesson08.practice_year()
