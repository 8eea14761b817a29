"""Lesson 04 questions: the right answers pass, and each mistake a PM plausibly makes gets its own message.

``RIGHT_ANSWERS`` and ``WRONG_ANSWERS`` are run by tests/exercises/test_exercises_all.py (through the variable and
through ``qN.check(answer)``), with what every question must do alike; this file adds what is lesson 04's own.
"""
from __future__ import annotations

import pandas as pd
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

from churnlab import rules
from churnlab.data import load_churn
from churnlab.economics import CampaignEconomics, compare_campaigns, expected_campaign_profit
from churnlab.exercises import lesson04
from churnlab.exercises.lesson04 import q1, q2, q3, q4, q5, q6
from churnlab.model import make_churn_model, split_customers

from answers import assert_right, assert_solution_right

split = split_customers(load_churn())
X_test, y_test, X_train, y_train = split.X_test, split.y_test, split.X_train, split.y_train
model = make_churn_model().fit(X_train, y_train)
churn_scores = pd.Series(model.predict_proba(X_test)[:, 1], index=X_test.index)
cheap, expensive = CampaignEconomics(), CampaignEconomics(cost_per_contact=30)


def pays_by(X, method: str) -> pd.Series:
    return X["payment_method"].eq(method).astype(int)


echeck = pays_by(X_test, "Electronic check")
fibre = X_test["internet_service"].eq("Fiber optic")
monthly = X_test["contract"].eq("Month-to-month")
points = rules.risk_points(X_test)

RIGHT_ANSWERS = {
    "q1": [echeck, X_test["payment_method"].eq("Electronic check"), echeck.to_numpy()],
    "q2": [0.551, recall_score(y_test, echeck)],
    "q3": [-1860, -1860.0, expected_campaign_profit(y_test, echeck, expensive)],
    "q4": [roc_auc_score(y_test, points), 0.815],
    "q5": ["likely but not certain", "Likely but not certain", "  likely, not certain ", "likely"],
    "q6": [690, expected_campaign_profit(y_test, fibre & monthly, expensive)],
}

WRONG_ANSWERS = {
    "q1": [
        (pays_by(X_train, "Electronic check"), "*training* customer"),
        (pays_by(load_churn(), "Electronic check"), "all 7,043 customers"),
        (pays_by(X_test, "electronic check"), "The rule flags nobody"),  # the value in the wrong case
        (pays_by(X_test, "Mailed check"), "That flags 'Mailed check'"),
        (1 - echeck, "upside down"),
        (echeck.reset_index(drop=True), "not in X_test's order"),
        (X_test[["payment_method"]], "That is a table"),
        (X_test["payment_method"], "should hold only 1"),
        (echeck.where(echeck.index != echeck.index[0], 1 - echeck.iloc[0]), "flagged wrongly"),
        (1, "not the number 1"),
    ],
    "q2": [
        (precision_score(y_test, echeck), "That is the rule's precision"),
        (0.435, "That is the rule's precision"),
        (f1_score(y_test, echeck), "That is the rule's F1"),
        (0.880, "the recall of 'rule: month-to-month'"),
        (0.898, "the recall of 'model ≥ 0.167'"),
        (55.1, "looks like a percentage"),
        (recall_score(y_train, pays_by(X_train, "Electronic check")), "training customers"),
        (0.55, "looks like a rounded number"),
        (0.5, "echeck_recall is 0.5"),
        (1, "echeck_recall is 1"),
    ],
    "q3": [
        (1860, "wrong sign"),
        (7620, "profit at $10 a contact"),
        (-3450, "the profit of 'rule: month-to-month'"),
        (-240, "the profit of 'scorecard ≥ 3 points'"),
        (3000, "the profit of 'model ≥ 0.500'"),
        (206 * 60, "leaves out the contact cost"),
        (206 * 200 - 474 * 30, "multiply the churners by the acceptance rate"),
        ("-$1,860", "Remove the quotes and the $ sign and the commas"),
        (0, "echeck_profit_30 is 0"),
        (0.5, "echeck_profit_30 is 0"),
    ],
    "q4": [
        (roc_auc_score(y_test, rules.flag_risk_points(X_test, at_least=3)), "You scored a yes/no flag"),
        (roc_auc_score(y_test, echeck), "the electronic-check rule's flags"),
        (roc_auc_score(y_test, y_test), "the true outcomes themselves"),
        (roc_auc_score(y_train, rules.risk_points(X_train)), "training customers"),
        (roc_auc_score(y_test, -points), "upside down"),
        (81.5, "looks like a percentage"),
        (0.82, "looks like a rounded number"),
        (0.5, "scorecard_auc is 0.5"),
    ],
    "q5": [
        ("clear", "whole interval on one side of $0"),
        ("Clearly", "whole interval on one side of $0"),
        ("a tie within noise", "more than the 80 %"),
        ("tie", "more than the 80 %"),
        ("month-to-month", "is not one of 'clear'"),
        ("yes", "is not one of 'clear'"),
        (490, "the verdict in words, in quotes"),
        (0.89, "the verdict in words, in quotes"),
        (True, "the verdict in words, in quotes"),
    ],
    "q6": [
        (-690, "wrong sign"),
        (expected_campaign_profit(y_test, fibre & monthly, cheap), "profit at $10"),
        (expected_campaign_profit(y_test, fibre, expensive), "fibre optic alone"),
        (-3450, "month-to-month alone"),
        (expected_campaign_profit(y_test, fibre | monthly, expensive), "*or*"),
        (expected_campaign_profit(y_train, X_train["internet_service"].eq("Fiber optic")
                                  & X_train["contract"].eq("Month-to-month"), expensive), "training customers"),
        (0, "fibre_rule_profit_30 is 0"),
        (1, "fibre_rule_profit_30 is 1"),
    ],
}


def learner_namespace() -> dict:
    """What the exercise's set-up cells define."""
    return {"X_test": X_test, "y_test": y_test, "rules": rules, "roc_auc_score": roc_auc_score,
            "expected_campaign_profit": expected_campaign_profit, "expensive": expensive}


@pytest.mark.parametrize("question", [q1, q2, q3, q4, q5, q6], ids=lambda q: q.label)
def test_the_solution_code_run_as_a_learner_would_is_right(question):
    assert_solution_right(question, learner_namespace())


def test_exports():
    assert lesson04.__all__ == ["q1", "q2", "q3", "q4", "q5", "q6", "____"]


def test_the_table_in_the_notebook_prints_what_the_checks_want():
    campaigns = lesson04.comparison_rows()
    table = compare_campaigns(y_test, campaigns, economics={"profit, 10-dollar contacts": cheap, "profit, 30-dollar contacts": expensive})
    row = table.loc["rule: electronic check"]
    assert f"{row['recall']:.3f}" == "0.551" and row["profit, 30-dollar contacts"] == -1860
    assert table.loc["model ≥ 0.500", "profit, 30-dollar contacts"] == 3000


def test_q3_says_the_rule_loses_money():
    assert "The rule loses $1,860 at $30 a contact" in assert_right(q3, -1860)


def test_q5_reads_the_interval_the_notebook_prints():
    gap = lesson04.GapVerdict.gap()
    assert str(gap) == "$490 [-$330, $1,320]" and gap.verdict == "likely but not certain"
    assert f"{gap.share_above_zero:.0%}" == "89%"
