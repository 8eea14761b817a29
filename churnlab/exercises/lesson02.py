"""Exercise questions for lesson 02: a first churn model.

In the notebook: ``from churnlab.exercises.lesson02 import *`` gives
``q1`` ... ``q4`` and the blank ``____``.
"""
from __future__ import annotations

import pandas as pd
from sklearn.metrics import roc_auc_score

from churnlab.exercises.core import (
    course_model, course_split, kind_of, Mistake, Question, ____, as_fraction_or_number, close, reject_if_rounded,
)

__all__ = ["q1", "q2", "q3", "q4", "____"]


def _as_pct(value: float) -> str:
    return f"{value:.1%}"


class BaselineAccuracy(Question):
    variables = ("baseline_accuracy",)
    hints = (
        "The baseline predicts 'stays' (0) for every test customer. Its accuracy is the share of test customers it gets right.",
        "It is right exactly for the test customers who stayed (a 0 in y_test): what share of y_test is 0?",
    )
    solution_code = "baseline_accuracy = (y_test == 0).mean()"
    solution_why = (
        "Predicting 'nobody churns' is right for every customer who stayed, so its accuracy is the share of "
        "stayers: high, although it finds no churner at all."
    )

    def grade(self, baseline_accuracy):
        y_test = course_split().y_test
        expected = (y_test == 0).mean()
        value = as_fraction_or_number(baseline_accuracy, "baseline_accuracy")
        if close(value, (course_split().y_train == 0).mean(), 1e-9) and not close(value, expected, 1e-9):
            raise Mistake("That was computed on the training customers. Judge every model, the baseline too, on y_test.")
        if close(value, expected):
            return (
                f"{_as_pct(expected)} accuracy while catching 0 of {int(y_test.sum())} churners. "
                "High accuracy can hide a useless model when one outcome is rare."
            )
        if close(value, expected * 100, 1):
            raise Mistake("That looks like a percentage. Give the accuracy as a fraction between 0 and 1.")
        if close(value, 1 - expected):
            raise Mistake("That is the accuracy of predicting that *everyone* churns. The baseline says nobody churns.")
        reject_if_rounded(value, expected, "baseline_accuracy")
        raise Mistake(f"baseline_accuracy is {value:.4g}: it should be the share of test customers who stayed.")


class StratifiedSplit(Question):
    variables = ("my_y_test",)
    hints = (
        "Use train_test_split(X, y, ...) as in lesson 02. It returns four parts, in this order: "
        "X_train, X_test, y_train, y_test. my_y_test is the fourth.",
        "Three options make it the lesson's split: test_size=0.2 (20 % test), stratify=y (same churn rate in both parts) "
        "and random_state=42 (the same shuffle every time).",
    )
    solution_code = (
        "X_train, X_test, y_train, my_y_test = train_test_split(\n"
        "    X, y, test_size=0.2, stratify=y, random_state=42\n"
        ")"
    )
    solution_why = (
        "A stratified split keeps 26.5 % churners in both parts, so the test customers look like the real "
        "customer base; a fixed random_state makes the split (and every number after it) repeatable."
    )

    def grade(self, my_y_test):
        expected = course_split().y_test
        if isinstance(my_y_test, pd.DataFrame):
            raise Mistake("That is a table of features (an X part). my_y_test should be the labels: the 4th value train_test_split returns.")
        if not isinstance(my_y_test, pd.Series):
            raise Mistake(f"my_y_test should be the test labels (a pandas Series), not {kind_of(my_y_test)}.")
        if len(my_y_test) == len(course_split().y_train):
            raise Mistake("Those are the training labels (y_train, 80 % of customers). Keep the test labels, the 4th value.")
        if len(my_y_test) != len(expected):
            raise Mistake(
                f"The test part has {len(my_y_test):,} customers; 20 % of 7,043 is {len(expected):,}. Use test_size=0.2."
            )
        churners = int(my_y_test.isin([1, True, "Yes"]).sum())
        if churners != int(expected.sum()):
            raise Mistake(
                f"Your test part has {churners} churners ({churners / len(my_y_test):.2%}); the customer base has "
                f"{expected.mean():.2%}. The split is not stratified: add stratify=y."
            )
        # The lesson's labels are indexed by customer_id; labels built straight from `customers` use row numbers.
        expected_rows = [int(customer_id[1:]) - 1 for customer_id in expected.index]
        if not (my_y_test.index.equals(expected.index) or list(my_y_test.index) == expected_rows):
            raise Mistake(
                "Right size and stratified, but different customers from the lesson's split. "
                "Use random_state=42 so your numbers match the lesson."
            )
        return f"{len(expected):,} test customers, {int(expected.sum())} of them churners ({expected.mean():.1%}), as in the whole base."


class HeldOutRocAuc(Question):
    variables = ("test_auc",)
    hints = (
        "roc_auc_score(true labels, scores) needs the model's churn *probabilities* for the test customers.",
        "model.predict_proba(X_test)[:, 1] is each test customer's probability of churning (column 1 = churn).",
    )
    solution_code = "test_auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])"
    solution_why = (
        "ROC-AUC judges how well the scores rank churners above stayers, so it needs scores, not yes/no "
        "predictions, and it must be measured on customers the model never saw (the test part)."
    )

    def grade(self, test_auc):
        split, model = course_split(), course_model()
        churn_scores = model.predict_proba(split.X_test)[:, 1]
        expected = roc_auc_score(split.y_test, churn_scores)
        value = as_fraction_or_number(test_auc, "test_auc")
        if close(value, expected):
            return (
                f"ROC-AUC {expected:.3f}: pick a random churner and a random stayer, and the model ranks "
                f"the churner higher {_as_pct(expected)} of the time."
            )
        if close(value, expected * 100, 1):
            raise Mistake("That looks like a percentage. ROC-AUC is between 0 and 1.")
        if close(value, roc_auc_score(split.y_train, model.predict_proba(split.X_train)[:, 1])):
            raise Mistake("That is the score on the training customers, which the model has already seen. Use X_test and y_test.")
        if close(value, roc_auc_score(split.y_test, model.predict(split.X_test))):
            raise Mistake("You scored yes/no predictions (predict). ROC-AUC needs probabilities: predict_proba(X_test)[:, 1].")
        if close(value, 1 - expected):
            raise Mistake("You used column 0, the probability of *staying*. Column 1 is the probability of churning.")
        reject_if_rounded(value, expected, "test_auc")
        raise Mistake(f"test_auc is {value:.4g}. Use roc_auc_score(y_test, churn probabilities of X_test).")


class ProtectiveFeature(Question):
    variables = ("most_protective_feature",)
    hints = (
        "A negative weight lowers the churn risk. The most protective feature has the most negative weight.",
        "Sort the weights table from most negative to most positive and take the first feature name, in quotes.",
    )
    solution_code = "most_protective_feature = 'tenure'"
    solution_why = (
        "tenure has the most negative weight: the longer a customer has stayed, the less likely they are to "
        "leave. (Weights show what the model leans on, not what causes churn.)"
    )

    def grade(self, most_protective_feature):
        if not isinstance(most_protective_feature, str):
            raise Mistake("Give the feature's name in quotes, like 'contract'.")
        name = most_protective_feature.strip().split("__")[-1]
        if name.lower() == "tenure" and name != "tenure":
            raise Mistake(f"Right feature, but names are case-sensitive: write it exactly as in the table ({name.lower()!r}).")
        if name == "tenure":
            return (
                "The model leans on tenure more than on anything else: long-standing customers rarely leave. "
                "That is a pattern to use for targeting, not proof that time causes loyalty."
            )
        if name.startswith("internet_service_Fiber") or name.startswith("contract_Month"):
            raise Mistake(f"{name} has a large *positive* weight: it pushes risk up. Look for the most negative weight.")
        if name.startswith("contract_Two"):
            raise Mistake(f"{name} lowers risk a lot, but one feature has an even more negative weight.")
        raise Mistake(f"{name!r} is not the feature with the most negative weight. Sort the weights and look at the top.")


q1 = BaselineAccuracy("q1")
q2 = StratifiedSplit("q2")
q3 = HeldOutRocAuc("q3")
q4 = ProtectiveFeature("q4")
