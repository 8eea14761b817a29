"""Lesson 06 questions: the right answers pass, and each mistake a PM plausibly makes gets its own message.

``RIGHT_ANSWERS`` and ``WRONG_ANSWERS`` are run by tests/exercises/test_exercises_all.py (through the variable and
through ``qN.check(answer)``), with what every question must do alike; this file adds what is lesson 06's own.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, selection_rate
from sklearn.metrics import precision_score, recall_score

from churnlab import explain, fairness
from churnlab.data import load_churn
from churnlab.economics import CampaignEconomics
from churnlab.exercises import lesson06
from churnlab.exercises.core import course_model, course_split
from churnlab.model import CHAMPION_C, champion_model, out_of_fold_scores

customers = load_churn()
X_train, X_test, y_train, y_test = course_split()
model = champion_model()  # the review is of lesson 05's champion (C = 0.1)
first_model = course_model(1.0)  # lessons 02-04's model: reviewing it instead is a mistake the checks name
churn_scores = model.predict_proba(X_test)[:, 1]
train_scores = model.predict_proba(X_train)[:, 1]  # in-sample: too good to choose thresholds on
oof_scores = out_of_fold_scores(X_train, y_train, C=CHAMPION_C)  # as lesson 06, section 6 chooses them
groups = fairness.customer_groups(customers, X_test.index)
train_groups = fairness.customer_groups(customers, X_train.index)
break_even = CampaignEconomics().break_even_probability


def frame_gap(metric, threshold, column="partner", y=y_test, scores=churn_scores, which=groups) -> float:
    frame = MetricFrame(metrics=metric, y_true=y, y_pred=scores >= threshold, sensitive_features=which[column])
    return float(frame.by_group[1] - frame.by_group[0])


def reasons(reference=X_train, customer=lesson06.REASON_CUSTOMER, fitted=model) -> pd.DataFrame:
    return explain.reason_codes(fitted, reference, X_test.loc[[customer]])


def lowest_reason(customer=lesson06.REASON_CUSTOMER) -> str:
    effects = explain.contributions(model, X_train, X_test.loc[[customer]]).iloc[0]
    return explain.in_plain_words(X_test.loc[[customer]]).iloc[0][effects.idxmin()]


def options(choose_y=y_train, choose_scores=oof_scores, choose_groups=train_groups, judge_y=y_test,
            judge_scores=churn_scores, judge_groups=groups, column="partner", base=break_even) -> pd.DataFrame:
    policies = fairness.equal_recall_thresholds(choose_y, choose_scores, choose_groups[column] == 1, base)
    return fairness.policy_table(judge_y, judge_scores, judge_groups[column] == 1, policies)


def change(table: pd.DataFrame, policy: str = "level up") -> float:
    return float(table.loc[policy, "expected profit ($)"] - table.loc["one threshold", "expected profit ($)"])


PARTNER_GAP = frame_gap(recall_score, 0.5)
LEVEL_UP_COST = change(options())

RIGHT_ANSWERS = {
    "q1": [PARTNER_GAP, np.float64(PARTNER_GAP)],
    "q2": [["senior_citizen", "partner", "dependents"], ("dependents", "Seniors", " partner "),
           {"dependents", "partner", "senior_citizen"}],
    "q3": ["B", "b", "equal recall", "Equal opportunity", "(B)", "B."],
    "q4": [list(reasons()["reason"]), reasons()["reason"], ["  Month-to-month  contract ", "fiber optic internet",
                                                            "No online security"], reasons()],
    "q5": [LEVEL_UP_COST, round(LEVEL_UP_COST)],
}

WRONG_ANSWERS = {
    "q1": [
        (-PARTNER_GAP, "sign is flipped"),
        (100 * PARTNER_GAP, "percentage points"),
        (frame_gap(recall_score, break_even), "break-even threshold"),
        (frame_gap(selection_rate, 0.5), "selection rates"),
        (frame_gap(precision_score, 0.5), "precision gap"),
        (frame_gap(recall_score, 0.5, "dependents"), "gap for dependents"),
        (frame_gap(recall_score, 0.5, "senior_citizen"), "gap for senior_citizen"),
        (frame_gap(recall_score, 0.5, y=y_train, scores=train_scores, which=train_groups), "training customers"),
        (-0.2, "rounded"),
        (0.413, "Compute recall per partner group"),  # a group's own recall, not the gap
        (frame_gap(recall_score, 0.5, scores=first_model.predict_proba(X_test)[:, 1]), "first model of lessons 02-04"),
    ],
    "q2": [
        (["senior_citizen", "female", "partner", "dependents"], "female: its interval runs from"),
        (["female"], "female: its interval runs from"),
        (["partner", "dependents"], "senior_citizen is missing"),
        (["senior_citizen", "partner"], "dependents is missing"),
        ([], "list is empty"),
        (["region"], "not one of the four groups"),
        ("senior_citizen, partner, dependents", "list of group names"),
        ([1, 2], "column name in quotes"),
    ],
    "q3": [
        ("A", "ignore need"),
        ("demographic parity", "ignore need"),
        ("C", "wasted contacts"),
        ("equal precision", "wasted contacts"),
        ("D", "proxies"),
        ("leave the column out", "proxies"),
        ("calibration", "Calibration is needed too"),
        ("E", "not one of the options"),
        (2, "a letter"),
    ],
    "q4": [
        (list(reasons(reference=X_test)["reason"]), "measured from the test customers"),  # X_test in the first blank
        (reasons()["reason"].iloc[0], "not one text"),  # the strongest reason alone
        (list(reasons()["reason"])[::-1], "another order"),
        (list(reasons()["reason"])[:2], "missing"),
        (list(reasons()["column"]), "column names"),
        (["contract_Month-to-month", "payment_method_Electronic check"], "one-hot columns"),
        (list(reasons(customer="C3381")["reason"]), "riskiest customer"),
        ([lowest_reason()], "not C2223's reasons"),
        (["pays by mailed check"], "not C2223's reasons"),
        (list(reasons(fitted=first_model)["reason"]), "first model of lessons 02-04"),
        (list(reasons()["strength"]), "strengths in words"),
        (3, "list of reasons"),
    ],
    "q5": [
        (-LEVEL_UP_COST, "wrong sign"),
        (float(options().loc["level up", "expected profit ($)"]), "campaign itself"),
        (change(options(), "level down"), "'level down'"),
        (change(options(column="dependents")), "customers with dependents"),
        (change(options(choose_y=y_test, choose_scores=churn_scores, choose_groups=groups)), "hindsight"),
        (change(options(choose_scores=train_scores)), "own training customers"),
        (change(options(judge_y=y_train, judge_scores=train_scores, judge_groups=train_groups)), "judged on the training"),
        (change(options(base=0.5)), "starts from threshold 0.5"),
        (change(options(choose_scores=out_of_fold_scores(X_train, y_train, C=1.0),
                        judge_scores=first_model.predict_proba(X_test)[:, 1])), "first model of lessons 02-04"),
        (1_000.0, "should be the expected profit of 'level up'"),
    ],
}


def test_the_answers_are_the_lessons_numbers():
    assert round(PARTNER_GAP, 3) == -0.204  # lesson 06: 41 % against 62 % at threshold 0.5
    assert RIGHT_ANSWERS["q4"][0][0] == "month-to-month contract"
    assert round(LEVEL_UP_COST) == -230


def test_measured_from_the_test_customers_c2489s_reasons_change():
    # So the check can tell X_test in the first blank from X_train: the third reason differs.
    assert list(reasons(reference=X_test)["reason"]) != list(reasons()["reason"])
