"""Lesson 08's exercise questions: the right answers pass, the wrong answers a PM plausibly gives get their own message."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from churnlab import monitoring, world
from churnlab.exercises import lesson08
from churnlab.exercises.core import ____
from churnlab.exercises.lesson08 import practice_year, q1, q2, q3, q4, q5, q6
from churnlab.model import FEATURES, make_churn_model

from answers import assert_mistake, assert_right, outcome

QUESTIONS = [q1, q2, q3, q4, q5, q6]
ODD_ANSWERS = {"None": None, "text": "abc", "nan": float("nan"), "list": [1, 2, 3], "DataFrame": pd.DataFrame({"a": [1, 2]}),
               "True": True, "array": np.array([0.1, 0.2]), "dict": {"x": 1}}


def _psi(column, reference, current):
    customers = practice_year().customers
    month = customers["month"]
    return monitoring.psi(customers.loc[month == reference, column], customers.loc[month == current, column])


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.label)
def test_blank_and_missing_answers_are_not_attempted(question):
    assert outcome(question, ____).startswith(f"✏️ {question.label}: not attempted yet")
    assert question.outcome({}).startswith(f"✏️ {question.label}: not attempted yet")


@pytest.mark.parametrize("odd", ODD_ANSWERS.values(), ids=ODD_ANSWERS.keys())
@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.label)
def test_odd_answers_get_a_cross_without_raising(question, odd):
    assert outcome(question, odd).startswith(f"❌ {question.label}: ")


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.label)
def test_two_hints_the_last_gives_the_line_and_a_solution_prints(question, capsys):
    assert len(question.hints) == 2 and question.solution_code and question.solution_why
    question.hint(2)
    question.solution()
    printed = capsys.readouterr().out
    assert "Hint 2 of 2" in printed and "Solution" in printed
    assert "=" in question.hints[-1] or "SELECT" in question.hints[-1]


# --- q1: PSI ---------------------------------------------------------------------------------------


def test_q1_right_answer_gives_the_verdict():
    text = assert_right(q1, _psi("tenure", 1, 12))
    assert "0.24" in text and "moderate change" in text
    q1.check(_psi("tenure", 1, 12))


def test_q1_wrong_answers():
    right = _psi("tenure", 1, 12)
    assert_mistake(q1, right * 100, "percentage")
    assert_mistake(q1, _psi("tenure", 12, 1), "swapped the months")
    assert_mistake(q1, _psi("tenure", 1, 11), "month 11")
    assert_mistake(q1, _psi("contract", 1, 12), "PSI of contract")
    assert_mistake(q1, _psi("monthly_charges", 1, 12), "PSI of monthly_charges")
    assert_mistake(q1, 0.24, "rounded")
    assert_mistake(q1, 0.0, "compare month 1 with itself")
    assert_mistake(q1, "moderate change", "not a verdict in words")


# --- q2: the incident the estimate misses -------------------------------------------------------------


def test_q2_right_answers():
    for answer in ("competitor", "Fibre competitor", " fiber competitor ", "competitor targets fibre (behaviour change)"):
        assert_right(q2, answer)


def test_q2_wrong_answers():
    assert_mistake(q2, "promotion", "stayed calibrated")
    assert_mistake(q2, "price rise", "inputs moved")
    assert_mistake(q2, "data bug", "data quality and PSI caught it")
    assert_mistake(q2, "the weather", "not one of the four incidents")
    assert_mistake(q2, 9, "one of the incidents in quotes")


# --- q3: SQL ---------------------------------------------------------------------------------------

RIGHT_QUERY = ("SELECT month, count(*) AS customers_scored, avg(CAST(churn_score >= 1/6 AS INTEGER)) AS share_flagged "
               "FROM predictions GROUP BY month ORDER BY month")


def test_q3_right_answers():
    text = assert_right(q3, RIGHT_QUERY)
    assert "55.3%" in text and "11,000" in text
    # the share over every prediction, failed calls counted as not flagged, is accepted too
    assert_right(q3, "SELECT month, count(*) AS customers_scored, count(*) FILTER (WHERE churn_score >= 1/6) / count(*) "
                     "AS share_flagged FROM predictions GROUP BY month ORDER BY month")


def test_q3_wrong_answers():
    assert_mistake(q3, "SELECT month count(*) AS customers_scored FROM predictions GROUP BY month", "syntax error")
    assert_mistake(q3, RIGHT_QUERY.replace("churn_score >=", "churn_scor >="), "did you mean 'churn_score'")
    assert_mistake(q3, RIGHT_QUERY.replace("FROM predictions", "FROM prediction"), "did you mean 'predictions'")
    assert_mistake(q3, RIGHT_QUERY.replace("avg(CAST(churn_score >= 1/6 AS INTEGER))", "avg(churn_score >= 1/6)"),
                   "CAST(")
    assert_mistake(q3, RIGHT_QUERY.replace(" AS customers_scored", ""), "the question asks for exactly")
    assert_mistake(q3, "SELECT month, count(*) AS customers_scored FROM predictions GROUP BY month ORDER BY month",
                   "missing share_flagged")
    assert_mistake(q3, RIGHT_QUERY.replace("ORDER BY month", "ORDER BY month DESC"), "ORDER BY month")
    assert_mistake(q3, RIGHT_QUERY.replace("1/6", "0.5"), "at or above 0.5")
    assert_mistake(q3, RIGHT_QUERY.replace("avg(CAST(churn_score >= 1/6 AS INTEGER))",
                                           "100 * avg(CAST(churn_score >= 1/6 AS INTEGER))"), "percentage")
    assert_mistake(q3, RIGHT_QUERY.replace("avg(CAST(churn_score >= 1/6 AS INTEGER))",
                                           "CAST(sum(CAST(churn_score >= 1/6 AS INTEGER)) AS DOUBLE)"), "count of flagged")
    assert_mistake(q3, RIGHT_QUERY.replace("GROUP BY", "WHERE month <= 10 GROUP BY"), "one per month")
    assert_mistake(q3, RIGHT_QUERY.replace("count(*)", "count(DISTINCT customer_id) - 1"), "customers_scored does not match")
    assert_mistake(q3, 42, "SQL text in quotes")


# --- q4: retrain and compare --------------------------------------------------------------------------


def _comparison(C, part="test", months=(8, 9, 10)):
    rows = monitoring.labelled_rows(practice_year(), list(months))
    train, test = monitoring.split_by_seat(rows)
    challenger = make_churn_model(C=C).fit(train[list(FEATURES)], train["churned"])
    if part == "late":
        test = monitoring.split_by_seat(monitoring.labelled_rows(practice_year(), [9, 10]))[1]
    table = monitoring.compare_models({"champion": world.course_model(), "challenger": challenger},
                                      train if part == "train" else test)
    return table["expected_profit"]


def test_q4_right_answer():
    profit = _comparison(0.1)
    text = assert_right(q4, profit["challenger"] - profit["champion"])
    assert "$330" in text and "within the noise" in text


def test_q4_wrong_answers():
    profit = _comparison(0.1)
    assert_mistake(q4, profit["champion"] - profit["challenger"], "sign is reversed")
    on_train = _comparison(0.1, "train")
    assert_mistake(q4, on_train["challenger"] - on_train["champion"], "training half")
    lesson = _comparison(1.0)
    assert_mistake(q4, lesson["challenger"] - lesson["champion"], "C = 1.0")
    assert_mistake(q4, profit["challenger"], "one model's expected profit")
    assert_mistake(q4, profit["champion"], "one model's expected profit")
    late = _comparison(0.1, "late")
    assert_mistake(q4, late["challenger"] - late["champion"], "months 9-10 only")
    assert_mistake(q4, 1_000_000, "Use months [8, 9, 10]")


# --- q5: the decision ----------------------------------------------------------------------------------


def test_q5_right_answers():
    for answer in ("investigate", "Fix the pipeline", " INVESTIGATE "):
        assert_right(q5, answer)


def test_q5_wrong_answers():
    assert_mistake(q5, "retrain", "teach the model the bug")
    assert_mistake(q5, "fall back to the rule", "scores you cannot trust")
    assert_mistake(q5, "do nothing", "does not fix itself")
    assert_mistake(q5, "panic", "not one of the options")


# --- q6: a window function ------------------------------------------------------------------------------


def test_q6_right_answers():
    health = monitoring.health_table(practice_year())
    precision = health["realised_precision"]
    text = assert_right(q6, precision.loc[8:10].mean())
    assert "65.5%" in text
    pooled = (precision * health["holdout_flagged"]).loc[8:10].sum() / health["holdout_flagged"].loc[8:10].sum()
    assert "either reading is fine" in assert_right(q6, pooled)


def test_q6_wrong_answers():
    precision = monitoring.health_table(practice_year())["realised_precision"]
    assert_mistake(q6, precision.loc[10], "month 10 alone")
    assert_mistake(q6, precision.loc[8:10].mean() * 100, "percentage")
    assert_mistake(q6, precision.loc[9:11].mean(), "looks forward")
    assert_mistake(q6, 0.66, "rounded")
    assert_mistake(q6, 0.3, "not the hold-out's rolling precision")
    assert_mistake(q6, 3.0, "a share between 0 and 1")


def test_the_checks_share_one_simulation():
    assert lesson08.practice_year() is lesson08.practice_year()
