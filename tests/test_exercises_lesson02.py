"""Lesson 02 questions: right answers pass, common mistakes get their own message, odd answers never crash."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split

from churnlab.data import load_churn
from churnlab.exercises import lesson02
from churnlab.exercises.lesson02 import q1, q2, q3, q4
from churnlab.model import features_and_label, make_churn_model, split_customers

from answers import assert_mistake, assert_right


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return load_churn()


@pytest.fixture(scope="module")
def X_y(customers):
    return features_and_label(customers)


@pytest.fixture(scope="module")
def split(customers):
    return split_customers(customers)


@pytest.fixture(scope="module")
def model(split):
    return make_churn_model().fit(split.X_train, split.y_train)


QUESTIONS = [q1, q2, q3, q4]
LABELS = ["q1", "q2", "q3", "q4"]


@pytest.mark.parametrize("question", QUESTIONS, ids=LABELS)
def test_every_question_has_two_hints_and_a_working_solution(question, split, model, X_y):
    assert len(question.hints) == 2
    assert question.solution_why
    X, y = X_y
    namespace = {
        "X": X, "y": y, "X_test": split.X_test, "y_test": split.y_test, "model": model,
        "train_test_split": train_test_split, "roc_auc_score": roc_auc_score,
    }
    exec(question.solution_code, namespace)
    assert question.outcome(namespace).startswith("✅"), question.outcome(namespace)


def test_exports():
    assert set(lesson02.__all__) == {"q1", "q2", "q3", "q4", "____"}


# --- q1: accuracy of the "nobody churns" baseline ------------------------------------------------


def test_q1_right_answer(split):
    baseline_predictions = np.zeros(len(split.y_test), dtype=int)
    accuracy = accuracy_score(split.y_test, baseline_predictions)
    text = assert_right(q1, accuracy)
    assert "73.5% accuracy while catching 0 of 374 churners" in text
    assert_right(q1, (split.y_test == 0).mean())
    assert_right(q1, round(accuracy, 3))


def test_q1_mistakes(split):
    stay_share = (split.y_test == 0).mean()
    assert_mistake(q1, stay_share * 100, "looks like a percentage")
    assert_mistake(q1, 1 - stay_share, "predicting that *everyone* churns")
    assert_mistake(q1, 0.9, "should be the share of test customers who stayed")
    assert_mistake(q1, 0.73, "looks like a rounded number")


def test_q1_accuracy_on_training_customers_is_a_mistake(split):
    # The stratified split makes the training stayer share (0.73465) agree with the test one (0.73456)
    # to 1e-4: the grader must still tell them apart.
    train_share = (split.y_train == 0).mean()
    assert abs(train_share - (split.y_test == 0).mean()) < 5e-4
    assert_mistake(q1, train_share, "computed on the training customers")
    assert_mistake(q1, accuracy_score(split.y_train, np.zeros(len(split.y_train))), "computed on the training customers")


# --- q2: the stratified split -------------------------------------------------------------------


def test_q2_right_answer(X_y, split):
    X, y = X_y
    X_train, X_test, y_train, my_y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
    text = assert_right(q2, my_y_test)
    assert "1,409 test customers, 374 of them churners (26.5%)" in text
    assert_right(q2, split.y_test)


def test_q2_mistakes(X_y):
    X, y = X_y
    _, X_test, y_train, not_stratified = train_test_split(X, y, test_size=0.2, random_state=42)
    assert_mistake(q2, not_stratified, "The split is not stratified: add stratify=y")
    _, _, _, quarter = train_test_split(X, y, test_size=0.25, stratify=y, random_state=42)
    assert_mistake(q2, quarter, "Use test_size=0.2")
    _, _, _, other_seed = train_test_split(X, y, test_size=0.2, stratify=y, random_state=7)
    assert_mistake(q2, other_seed, "Use random_state=42")
    _, X_test, y_train, _ = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
    assert_mistake(q2, y_train, "Those are the training labels")
    assert_mistake(q2, X_test, "That is a table of features")
    assert_mistake(q2, y_train.to_numpy(), "not an array of 5,634 values")


def test_q2_right_split_with_a_plain_row_index(customers):
    y = customers["churn"].eq("Yes").astype(int)
    X = customers.drop(columns=["churn"])
    *_, my_y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
    assert_right(q2, my_y_test)


# --- q3: ROC-AUC on the test customers ----------------------------------------------------------


def test_q3_right_answer(split, model):
    test_auc = roc_auc_score(split.y_test, model.predict_proba(split.X_test)[:, 1])
    text = assert_right(q3, test_auc)
    assert f"ROC-AUC {test_auc:.3f}" in text
    assert_right(q3, round(test_auc, 3))


def test_q3_mistakes(split, model):
    test_auc = roc_auc_score(split.y_test, model.predict_proba(split.X_test)[:, 1])
    assert_mistake(q3, test_auc * 100, "looks like a percentage")
    train_auc = roc_auc_score(split.y_train, model.predict_proba(split.X_train)[:, 1])
    assert_mistake(q3, train_auc, "score on the training customers")
    labels_auc = roc_auc_score(split.y_test, model.predict(split.X_test))
    assert_mistake(q3, labels_auc, "You scored yes/no predictions (predict)")
    stay_auc = roc_auc_score(split.y_test, model.predict_proba(split.X_test)[:, 0])
    assert_mistake(q3, stay_auc, "You used column 0")
    assert_mistake(q3, 0.5, "test_auc is 0.5")
    assert_mistake(q3, round(test_auc, 2), "looks like a rounded number")


# --- q4: the most protective feature ------------------------------------------------------------


def _weights(model) -> pd.Series:
    return pd.Series(model[-1].coef_[0], index=model[:-1].get_feature_names_out()).sort_values()


def test_q4_right_answer_is_the_most_negative_weight(model):
    weights = _weights(model)
    assert weights.index[0] == "numbers__tenure"
    assert_right(q4, weights.index[0])  # the prefixed name a learner reads off the table
    text = assert_right(q4, "tenure")
    assert "leans on tenure more than on anything else" in text
    assert_right(q4, " tenure ")


def test_q4_mistakes(model):
    weights = _weights(model)
    assert_mistake(q4, weights.index[-1], "large *positive* weight")  # the most positive one
    assert weights.index[-1] == "categories__internet_service_Fiber optic"
    assert_mistake(q4, "contract_Month-to-month", "large *positive* weight")
    second = weights.index[1]
    assert second == "categories__contract_Two year"
    assert_mistake(q4, second, "one feature has an even more negative weight")
    assert_mistake(q4, "monthly_charges", "is not the feature with the most negative weight")
    assert_mistake(q4, 0, "name in quotes")
    assert_mistake(q4, "Tenure", "names are case-sensitive")
