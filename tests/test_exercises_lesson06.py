"""Lesson 06 questions: right answers pass, each common mistake gets its own message, odd inputs never crash."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, selection_rate
from sklearn.metrics import precision_score, recall_score

from churnlab import explain, fairness
from churnlab.data import load_churn
from churnlab.economics import CampaignEconomics
from churnlab.exercises import lesson06
from churnlab.exercises.core import ____, course_model, course_split
from churnlab.exercises.lesson06 import q1, q2, q3, q4, q5, q6

from answers import assert_mistake, assert_right, outcome

QUESTIONS = {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5, "q6": q6}
ODD_ANSWERS = {"None": None, "text": "abc", "nan": float("nan"), "list": [1, 2, 3], "DataFrame": pd.DataFrame({"a": [1, 2]}),
               "True": True, "array": np.array([0.1, 0.2]), "dict": {"x": 1}, "number": 0.5}

customers = load_churn()
split = course_split()
X_train, X_test, y_train, y_test = split
model = course_model()
churn_scores = model.predict_proba(X_test)[:, 1]
train_scores = model.predict_proba(X_train)[:, 1]
groups = fairness.customer_groups(customers, X_test.index)
train_groups = fairness.customer_groups(customers, X_train.index)
break_even = CampaignEconomics().break_even_probability


def _frame_gap(metric, threshold, column="partner", y=y_test, scores=churn_scores, which=groups):
    frame = MetricFrame(metrics=metric, y_true=y, y_pred=scores >= threshold, sensitive_features=which[column])
    return frame.by_group[1] - frame.by_group[0]


# --- q1: the partner recall gap at 0.5 -----------------------------------------------------------------------


def test_q1_right_answer_as_the_scaffold_computes_it():
    gap = _frame_gap(recall_score, 0.5)
    assert_right(q1, gap)
    assert_right(q1, float(gap))


@pytest.mark.parametrize("wrong, phrase", [
    (lambda: -_frame_gap(recall_score, 0.5), "sign is flipped"),
    (lambda: 100 * _frame_gap(recall_score, 0.5), "percentage points"),
    (lambda: _frame_gap(recall_score, break_even), "break-even threshold"),
    (lambda: _frame_gap(selection_rate, 0.5), "selection rates"),
    (lambda: _frame_gap(precision_score, 0.5), "precision gap"),
    (lambda: _frame_gap(recall_score, 0.5, "dependents"), "gap for dependents"),
    (lambda: _frame_gap(recall_score, 0.5, "senior_citizen"), "gap for senior_citizen"),
    (lambda: _frame_gap(recall_score, 0.5, y=y_train, scores=train_scores, which=train_groups), "training customers"),
    (lambda: -0.21, "rounded"),
    (lambda: 0.42, "Compute recall per partner group"),
], ids=["other way round", "percentage", "break-even", "selection", "precision", "dependents", "seniors", "training",
        "rounded", "a group's recall"])
def test_q1_wrong_answers(wrong, phrase):
    assert_mistake(q1, wrong(), phrase)


# --- q2: which gaps are larger than their noise --------------------------------------------------------------


def test_q2_right_answers_in_any_order_and_spelling():
    assert_right(q2, ["senior_citizen", "partner", "dependents"])
    assert_right(q2, ("dependents", "Seniors", " partner "))
    assert_right(q2, {"dependents", "partner", "senior_citizen"})


@pytest.mark.parametrize("wrong, phrase", [
    (["senior_citizen", "female", "partner", "dependents"], "female: its interval runs from"),
    (["female"], "female: its interval runs from"),
    (["partner", "dependents"], "senior_citizen is missing"),
    (["senior_citizen", "partner"], "dependents is missing"),
    ([], "list is empty"),
    (["region"], "not one of the four groups"),
    ("senior_citizen, partner, dependents", "list of group names"),
    ([1, 2], "column name in quotes"),
], ids=["all four", "only the noise", "seniors missing", "dependents missing", "empty", "unknown group", "one text", "numbers"])
def test_q2_wrong_answers(wrong, phrase):
    assert_mistake(q2, wrong, phrase)


# --- q3: the definition for a benefit ---------------------------------------------------------------------------


@pytest.mark.parametrize("right", ["B", "b", "equal recall", "Equal opportunity", "(B)", "B."])
def test_q3_right_answers(right):
    assert_right(q3, right)


@pytest.mark.parametrize("wrong, phrase", [
    ("A", "ignore need"),
    ("demographic parity", "ignore need"),
    ("C", "wasted contacts"),
    ("equal precision", "wasted contacts"),
    ("D", "proxies"),
    ("leave the column out", "proxies"),
    ("calibration", "Calibration is needed too"),
    ("E", "not one of the options"),
    (2, "a letter"),
], ids=["A", "parity", "C", "precision", "D", "blindness", "calibration", "E", "number"])
def test_q3_wrong_answers(wrong, phrase):
    assert_mistake(q3, wrong, phrase)


# --- q4: the price of levelling up for customers with a partner -------------------------------------------------


def _options(choose_y=y_train, choose_scores=train_scores, choose_groups=train_groups, judge_y=y_test,
             judge_scores=churn_scores, judge_groups=groups, column="partner", base=break_even):
    policies = fairness.equal_recall_thresholds(choose_y, choose_scores, choose_groups[column] == 1, base)
    return fairness.policy_table(judge_y, judge_scores, judge_groups[column] == 1, policies)


def _change(options, policy="level up"):
    return options.loc[policy, "expected profit ($)"] - options.loc["one threshold", "expected profit ($)"]


def test_q4_right_answer():
    cost = _change(_options())
    assert cost < 0
    assert "uses the partner column" in assert_right(q4, cost)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda: -_change(_options()), "wrong sign"),
    (lambda: _options().loc["level up", "expected profit ($)"], "campaign itself"),
    (lambda: _change(_options(), "level down"), "'level down'"),
    (lambda: _change(_options(column="dependents")), "customers with dependents"),
    (lambda: _change(_options(choose_y=y_test, choose_scores=churn_scores, choose_groups=groups)), "hindsight"),
    (lambda: _change(_options(judge_y=y_train, judge_scores=train_scores, judge_groups=train_groups)), "judged on the training"),
    (lambda: _change(_options(base=0.5)), "starts from threshold 0.5"),
    (lambda: 1_000.0, "should be the expected profit of 'level up'"),
], ids=["sign", "profit itself", "level down", "dependents", "chosen on test", "judged on train", "from 0.5", "other"])
def test_q4_wrong_answers(wrong, phrase):
    assert_mistake(q4, wrong(), phrase)


# --- q5: a customer's top reason ----------------------------------------------------------------------------------


def _codes(reference=X_train, customer=lesson06.REASON_CUSTOMER):
    return explain.reason_codes(model, reference, X_test.loc[[customer]])


def test_q5_right_answer():
    top = _codes()["reason"].iloc[0]
    assert top == "month-to-month contract"
    assert "can act on" in assert_right(q5, top)
    assert_right(q5, "  Month-to-month  contract ")
    assert_right(q5, _codes()["reason"].head(1))  # a one-row column is fine


@pytest.mark.parametrize("wrong, phrase", [
    (lambda: _codes()["reason"].iloc[1], "not the strongest"),
    (lambda: _codes()["reason"].iloc[2], "not the strongest"),
    (lambda: "contract", "column name"),
    (lambda: "payment_method", "column name"),
    (lambda: "contract_Month-to-month", "one-hot columns"),
    (lambda: explain.in_plain_words(X_test.loc[[lesson06.REASON_CUSTOMER]]).iloc[0][
        explain.contributions(model, X_train, X_test.loc[[lesson06.REASON_CUSTOMER]]).iloc[0].idxmin()], "*lowers*"),
    (lambda: _codes(customer="C3381")["reason"].iloc[0], "riskiest customer"),
    (lambda: _codes()["reason"], "not one column"),
    (lambda: "pays by mailed check", "not C2489's strongest reason"),
], ids=["second", "third", "column", "other column", "one-hot", "lowers risk", "riskiest's", "whole column", "other"])
def test_q5_wrong_answers(wrong, phrase):
    value = wrong()
    if phrase == "not one column":
        text = outcome(q5, value)
        assert text.startswith("❌ q5: not quite.") and "a text like" in text
        return
    assert_mistake(q5, value, phrase)


def test_q5_reference_mistake_when_it_changes_the_answer():
    # Measured from the test customers instead of the training ones, C2489's reasons keep their order:
    # the check only has a message for it when it would change the top reason.
    assert _codes(reference=X_test)["reason"].iloc[0] == _codes()["reason"].iloc[0]


# --- q6: go further, the champion's gap ---------------------------------------------------------------------------


def _champion_gap(threshold=0.5, measure="recall gap", C=0.1):
    scores = course_model(C).predict_proba(X_test)[:, 1]
    gaps = fairness.gaps(fairness.group_metrics(y_test, scores, groups, [threshold]))
    return gaps.set_index("group").loc["dependents", measure]


def test_q6_right_answer():
    from churnlab.model import make_churn_model

    champion = make_churn_model(C=0.1).fit(X_train, y_train)
    gaps = fairness.gaps(fairness.group_metrics(y_test, champion.predict_proba(X_test)[:, 1], groups, [0.5]))
    assert_right(q6, gaps.set_index("group").loc["dependents", "recall gap"])


@pytest.mark.parametrize("wrong, phrase", [
    (lambda: _champion_gap(C=1.0), "lesson's model (C = 1.0)"),
    (lambda: -_champion_gap(), "sign is flipped"),
    (lambda: 100 * _champion_gap(), "percentage points"),
    (lambda: _champion_gap(threshold=break_even), "break-even threshold"),
    (lambda: _champion_gap(measure="selection gap"), "selection-rate gap"),
    (lambda: -0.31, "rounded"),
    (lambda: 0.2, "C = 0.1 model's recall gap"),
], ids=["lesson model", "sign", "percentage", "break-even", "selection", "rounded", "other"])
def test_q6_wrong_answers(wrong, phrase):
    assert_mistake(q6, wrong(), phrase)


# --- what every question does alike ----------------------------------------------------------------------------


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_blank_and_missing_answers_are_not_attempted(question):
    assert outcome(question, ____).startswith(f"✏️ {question.label}: not attempted yet")
    assert question.outcome({}).startswith(f"✏️ {question.label}: not attempted yet")


@pytest.mark.parametrize("odd", ODD_ANSWERS.values(), ids=ODD_ANSWERS.keys())
@pytest.mark.parametrize("question", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_odd_answers_get_a_cross_without_raising(question, odd):
    assert outcome(question, odd).startswith(f"❌ {question.label}: ")


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_hints_end_with_the_exact_line_and_the_solution_prints(question, capsys):
    assert len(question.hints) >= 2 and question.solution_code and question.solution_why
    question.hint()
    question.hint(2)
    question.solution()
    printed = capsys.readouterr().out
    assert "Hint 1 of 2" in printed and "Hint 2 of 2" in printed and "Solution" in printed
    last_line = question.solution_code.strip().splitlines()[-1].split("  #")[0].replace("'", '"')
    answer_name = question.variables[0]
    assert answer_name in question.hints[-1] or last_line in question.hints[-1].replace("'", '"')


def test_check_takes_the_answer_itself(capsys):
    q3.check("B")
    q2.check(["partner", "dependents", "senior_citizen"])
    printed = capsys.readouterr().out
    assert printed.count("✅") == 2
