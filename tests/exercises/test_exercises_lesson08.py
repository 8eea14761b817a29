"""Lesson 08 questions: the right answers pass, and each mistake a PM plausibly makes gets its own message.

``RIGHT_ANSWERS`` and ``WRONG_ANSWERS`` are run by tests/exercises/test_exercises_all.py (through the variable and
through ``qN.check(answer)``), with what every question must do alike (blanks, odd answers, arbitrary values,
hints); this file adds what is lesson 08's own: what the right answers say, and one shared simulation.

The answers are computed here from the lesson's simulated year with the course's public functions (the way a
learner computes them), not read from the checks' own caches.
"""
from __future__ import annotations

import numpy as np

from churnlab import monitoring
from churnlab.exercises import lesson08
from churnlab.exercises.lesson08 import practice_year, q1, q2, q3, q4, q6
from churnlab.model import FEATURES, champion_model, make_churn_model

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

# --- q4: a challenger judged out of time ---------------------------------------------------------------

FIXED = monitoring.repair_total_charges(year.customers)


def interval(C: float = 1.0, test_from: int = 9, repaired: bool = True, by_seat: bool = False, on: str = "test"):
    """The challenger's margin over lesson 05's champion with its interval, computed as a learner would."""
    rows = monitoring.labelled_rows(year, months=list(range(1, 11)), customers=FIXED if repaired else None)
    train, test = monitoring.split_by_seat(rows) if by_seat else monitoring.split_by_time(rows, test_from=test_from)
    challenger = make_churn_model(C=C).fit(train[list(FEATURES)], train["churned"])
    return monitoring.profit_margin(champion_model(), challenger, train if on == "train" else test)


MARGIN = interval()
LOW = float(MARGIN["low"])

# --- q6: a window function on the fibre customers ------------------------------------------------------------

FIBRE_SQL = """
    WITH monthly AS (
        SELECT p.month, avg(o.churned) AS realised_precision, count(*) AS flagged
        FROM predictions AS p
        JOIN outcomes AS o ON o.customer_id = p.customer_id AND o.month = p.month
        JOIN assignments AS a ON a.customer_id = p.customer_id AND a.month = p.month
        JOIN customers AS c ON c.customer_id = p.customer_id AND c.month = p.month
        WHERE a.arm = 'hold-out' AND p.churn_score >= 1/6 AND c.internet_service = '{service}'
        GROUP BY p.month
    )
    SELECT month, realised_precision, flagged,
           avg(realised_precision) OVER (ORDER BY month ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS rolling_3_months
    FROM monthly ORDER BY month
"""


def fibre_table(service: str = "Fiber optic"):
    return monitoring.sql(FIBRE_SQL.format(service=service), year).set_index("month")


FIBRE = fibre_table()
ROLLING = float(FIBRE.loc[10, "rolling_3_months"])
POOLED = float((FIBRE["realised_precision"] * FIBRE["flagged"]).loc[8:10].sum() / FIBRE["flagged"].loc[8:10].sum())
HEALTH = monitoring.health_table(year)
EVERYONE = float(HEALTH["realised_precision"].loc[8:10].mean())  # the lesson's rolling precision, all flagged customers

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
    "q4": [LOW, np.float64(LOW), round(LOW)],
    "q5": ["investigate", "Fix the pipeline", " INVESTIGATE "],
    "q6": [ROLLING, np.float64(ROLLING), POOLED],
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
        (round(TENURE_PSI, 2), "rounded"),
        (0.0, "compare month 1 with itself"),
        ("moderate change", "not a verdict in words"),
    ],
    "q2": [
        ("promotion", "The promotion moved inputs"),
        ("price rise", "jumped off the scale"),
        ("data bug", "data quality caught it"),
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
        # the wrong table names the table that has the column, never "did you mean" the same name
        (RIGHT_QUERY.replace("FROM predictions", "FROM outcomes"), "it is a column of predictions"),
        (RIGHT_QUERY.replace("FROM predictions", "FROM customers"), "it is a column of predictions"),
        (RIGHT_QUERY.replace("GROUP BY month", "GROUP BY customer_id"), "must either be in GROUP BY"),
    ],
    "q4": [
        (float(MARGIN["margin"]), "the margin itself"),
        (float(MARGIN["high"]), "upper end"),
        (-float(MARGIN["high"]), "sign is reversed"),
        (float(interval(repaired=False)["low"]), "broken inputs of months 9-10"),
        (float(interval(test_from=8)["low"]), "months 8-10"),
        (float(interval(test_from=10)["low"]), "month 10 alone"),
        (float(interval(C=0.1)["low"]), "lesson 05's recipe"),
        (float(interval(by_seat=True)["low"]), "Judge out of time"),
        (float(interval(on="train")["low"]), "training months"),
        (1_000_000, "Repair the data"),
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
        (EVERYONE, "every flagged customer's rolling precision"),
        (float(FIBRE.loc[10, "realised_precision"]), "month 10 alone"),
        (ROLLING * 100, "percentage"),
        (float(FIBRE["realised_precision"].loc[9:11].mean()), "looks forward"),
        (float(fibre_table("DSL").loc[10, "rolling_3_months"]), "another internet service"),
        (round(ROLLING, 2), "rounded"),
        (0.05, "not the fibre customers' rolling precision"),
        (3.0, "a share between 0 and 1"),
    ],
}


# --- what lesson 08's right answers say ---------------------------------------------------------------


def test_q1_right_answer_gives_the_verdict():
    text = assert_right(q1, TENURE_PSI)
    assert f"{TENURE_PSI:.2f}" in text and monitoring.psi_verdict(TENURE_PSI) in text


def test_q3_right_answer_reads_the_volume_out():
    text = assert_right(q3, RIGHT_QUERY)
    flagged = (year.predictions.loc[year.predictions["month"] == 1, "churn_score"].dropna() >= 1 / 6).mean()  # scored calls
    assert f"{flagged:.1%}" in text and f"{int((year.predictions['month'] == 12).sum()):,}" in text


def test_q2_right_answer_says_no_input_moved():
    text = assert_right(q2, "competitor")
    # it cites the score's PSI of months 9-10, which the lesson's drift table shows (not an input the lesson never prints)
    assert f"{HEALTH.loc[9:10, 'psi_score'].max():.2f}" in text and "changed behaviour, not inputs" in text
    assert HEALTH.loc[9:10, "psi_score"].max() < 0.10 and "internet service" not in text


def test_q4_right_answer_gives_the_interval_and_the_decision():
    text = assert_right(q4, LOW)
    assert "95 % interval" in text and "champion stays" in text  # the interval crosses 0 on this simulated year
    assert MARGIN["low"] < 0 < MARGIN["high"]


def test_q6_right_answers_give_the_fibre_rolling_precision_either_way():
    text = assert_right(q6, ROLLING)
    assert f"{ROLLING:.1%}" in text and "fibre" in text
    assert "either reading is fine" in assert_right(q6, POOLED)
    assert ROLLING > EVERYONE  # the segment the competitor targets moves most


def test_the_checks_share_one_simulation():
    assert lesson08.practice_year() is lesson08.practice_year()
