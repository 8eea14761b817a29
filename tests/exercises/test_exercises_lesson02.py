"""Lesson 02 questions: the right answers pass, and each mistake a PM plausibly makes gets its own message.

``RIGHT_ANSWERS`` and ``WRONG_ANSWERS`` are run by tests/exercises/test_exercises_all.py (through the variable and
through ``qN.check(answer)``), with what every question must do alike; this file adds what is lesson 02's own.
"""
from __future__ import annotations

import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from churnlab.data import load_churn
from churnlab.exercises import lesson02
from churnlab.exercises.lesson02 import q1, q2, q3, q4, q5
from churnlab.model import feature_weights, features_and_label, make_churn_model, split_customers

from answers import assert_right, assert_solution_right

customers = load_churn()
traits, churned = features_and_label(customers)
split = split_customers(customers)
model = make_churn_model().fit(split.X_train, split.y_train)
churn_scores = model.predict_proba(split.X_test)[:, 1]
test_auc = roc_auc_score(split.y_test, churn_scores)
tree = lesson02.deep_tree()
tree_train = roc_auc_score(split.y_train, tree.predict_proba(split.X_train)[:, 1])
tree_test = roc_auc_score(split.y_test, tree.predict_proba(split.X_test)[:, 1])
weights = feature_weights(model).sort_values(ascending=False)


def split_labels(**options):
    """The test labels the question 1 scaffold gives with these options."""
    return train_test_split(traits, churned, **options)[3]


RIGHT_ANSWERS = {
    "q1": [split_labels(test_size=0.2, stratify=churned, random_state=42), split.y_test],
    "q2": [1035 / 1409, 0.735, 0.7346, (split.y_test == 0).mean()],
    "q3": [test_auc, 0.842, round(test_auc, 4)],
    # Read off the table: both scores are printed with three decimals.
    "q4": [1.000 - 0.652, 0.348, tree_train - tree_test],
    "q5": ["internet_service_Fiber optic", " internet_service_Fiber optic "],
}

WRONG_ANSWERS = {
    "q1": [
        (split_labels(test_size=0.8, stratify=churned, random_state=42), "share kept for *testing*, 20 % is 0.2"),
        (split_labels(test_size=20, stratify=churned, random_state=42), "test_size=20 keeps 20 customers, not 20 %"),
        (split_labels(test_size=0.25, stratify=churned, random_state=42), "Use test_size=0.2"),
        (split_labels(test_size=0.2, random_state=42), "The split is not stratified"),
        (split_labels(test_size=0.2, stratify=churned, random_state=7), "Use random_state=42"),
        (split_labels(test_size=0.2, stratify=churned), "Use random_state=42"),  # no seed: a new shuffle every run
        (split.y_train, "Those are the training labels"),
        (split.X_test, "That is a table of customer traits"),
        (split.y_test.to_numpy(), "not an array of 1,409 values"),
        (0.2, "not the number 0.2"),
    ],
    "q2": [
        (374 / 1409, "the accuracy of predicting that *everyone* churns"),
        (73.5, "looks like a percentage"),
        (1035, "the number of customers it gets right"),
        (0, "its recall"),
        ((split.y_train == 0).mean(), "computed on the training customers"),
        (0.73, "looks like a rounded number"),
        ("0.735", "Remove the quotes"),
        (0.5, "baseline_accuracy is 0.5, which is not the baseline's accuracy"),
        (1, "baseline_accuracy is 1, which is not the baseline's accuracy"),
    ],
    "q3": [
        (test_auc * 100, "looks like a percentage"),
        (roc_auc_score(split.y_train, model.predict_proba(split.X_train)[:, 1]), "score on the training customers"),
        (roc_auc_score(split.y_test, split.y_test), "the true outcomes themselves"),
        (roc_auc_score(split.y_test, model.predict(split.X_test)), "yes/no predictions"),
        (roc_auc_score(split.y_test, model.predict_proba(split.X_test)[:, 0]), "column 0"),
        (0.84, "looks like a rounded number"),
        (0.846, "mean ROC-AUC of the five cross-validation folds"),  # lesson 02, section 5: not the test score
        (lesson02.cross_validated_auc(), "mean ROC-AUC of the five cross-validation folds"),
        (0.818, "trained without tenure and total charges"),  # lesson 02, section 8
        (0.5, "test_auc is 0.5, which is not the model's ROC-AUC on the test customers"),
    ],
    "q4": [
        (0.652 - 1.000, "wrong sign"),
        (0.652, "the tree's test score"),
        (1.0, "the tree's training score"),
        (0.849 - 0.842, "the logistic regression's gap"),
        (34.8, "looks like a percentage"),
        (0.35, "looks like a rounded number"),
        ("0.348", "Remove the quotes"),
        (0.5, "tree_gap is 0.5, which is not the tree's gap"),
        (0.3, "tree_gap is 0.3, which is not the tree's gap"),
        (0, "tree_gap is 0, which is not the tree's gap"),
    ],
    "q5": [
        ("tenure", "most *negative* weight"),
        ("contract_Month-to-month", "number 2 by weight"),
        ("Fiber optic", "Give the full name"),
        ("internet_service_fiber optic", "names are case-sensitive"),
        ("fibre", "not one of the model's traits"),
        (weights.iloc[0], "should be a trait's name"),
        (weights.head(1), "should be a trait's name"),
    ],
}


def learner_namespace() -> dict:
    """What the exercise's set-up cells define."""
    return {"traits": traits, "churned": churned, "train_test_split": train_test_split, "model": model,
            "X_test": split.X_test, "y_test": split.y_test, "roc_auc_score": roc_auc_score,
            "feature_weights": feature_weights}


@pytest.mark.parametrize("question", [q1, q2, q3, q4, q5], ids=lambda q: q.label)
def test_the_solution_code_run_as_a_learner_would_is_right(question):
    assert_solution_right(question, learner_namespace())


def test_exports():
    assert lesson02.__all__ == ["q1", "q2", "q3", "q4", "q5", "____"]


def test_q1_each_blank_left_at_a_wrong_value_changes_what_the_check_sees():
    # The scaffold's three options: the right ones give the lesson's split, each wrong one something else.
    right = split_labels(test_size=0.2, stratify=churned, random_state=42)
    assert right.index.equals(split.y_test.index)
    assert int(split_labels(test_size=0.2, random_state=42).sum()) != int(right.sum())  # unstratified: 373 churners


def test_q2_the_printed_counts_give_the_answer():
    assert int((split.y_test == 0).sum()) == 1035 and len(split.y_test) == 1409
    assert "73.5% accuracy, while catching 0 of 374 churners" in assert_right(q2, 1035 / 1409)


def test_q3_the_cross_validated_mean_is_the_one_the_lesson_prints():
    assert f"{lesson02.cross_validated_auc():.3f}" == "0.846"


def test_q4_the_printed_table_and_the_check_agree():
    assert f"{tree_train:.3f}" == "1.000" and f"{tree_test:.3f}" == "0.652"
    assert "The tree loses 0.348" in assert_right(q4, 0.348)


def test_q5_the_strongest_risk_trait_is_fibre_optic():
    assert weights.index[:2].tolist() == ["internet_service_Fiber optic", "contract_Month-to-month"]
