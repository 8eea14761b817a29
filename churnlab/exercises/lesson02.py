"""Exercise questions for lesson 02: a first churn model.

In the notebook: ``from churnlab.exercises.lesson02 import *`` gives
``q1`` ... ``q5`` and the blank ``____``. Questions 1-4 are for everyone (one
blank per line, or a value read off a printed table); question 5 is the
optional "go further" question, answered with a line or two of code.
"""
from __future__ import annotations

from functools import cache

import pandas as pd
from sklearn.metrics import roc_auc_score

from churnlab.exercises.core import (
    Mistake, Question, ____, as_fraction_or_number, close, course_model, course_split, kind_of,
    reject_if_rounded,
)

__all__ = ["q1", "q2", "q3", "q4", "q5", "____"]

# Two scores printed with three decimals each: their difference, typed from the table, is off by at most 0.001.
PRINTED_DIFFERENCE_TOLERANCE = 0.0015
# One score printed with three decimals, typed as printed.
PRINTED_TOLERANCE = 0.0006


def _test_auc(model) -> float:
    split = course_split()
    return float(roc_auc_score(split.y_test, model.predict_proba(split.X_test)[:, 1]))


def _train_auc(model) -> float:
    split = course_split()
    return float(roc_auc_score(split.y_train, model.predict_proba(split.X_train)[:, 1]))


@cache
def cross_validated_auc() -> float:
    """The lesson's cross-validated ROC-AUC: the mean over five stratified folds of the training customers."""
    from churnlab.model import fold_scores, make_churn_model

    split = course_split()
    return float(fold_scores(make_churn_model(), split.X_train, split.y_train, folds=5).mean())


@cache
def _auc_without_tenure() -> float:
    """The lesson's model trained and scored with tenure and total charges blanked out (section 8)."""
    from churnlab.model import make_churn_model

    split = course_split()
    blank = {"tenure": 0, "total_charges": 0}
    model = make_churn_model().fit(split.X_train.assign(**blank), split.y_train)
    return float(roc_auc_score(split.y_test, model.predict_proba(split.X_test.assign(**blank))[:, 1]))


@cache
def deep_tree():
    """The lesson's over-eager model: the course preparation and a decision tree grown without limit."""
    from sklearn.pipeline import make_pipeline
    from sklearn.tree import DecisionTreeClassifier

    from churnlab.model import make_churn_model

    split = course_split()
    return make_pipeline(make_churn_model()[0], DecisionTreeClassifier(random_state=42)).fit(split.X_train, split.y_train)


class StratifiedSplit(Question):
    variables = ("test_churned",)
    hints = (
        "Lesson 02, section 1 (the train/test split) names the three options and their values.",
        "test_size is the share of customers kept for testing, as a fraction (20 % is 0.2); stratify takes the labels, "
        "`churned`, so both parts keep the same churn rate; random_state is the seed, 42.",
    )
    solution_lead = "The cell, filled in:"
    solution_code = (
        "train_traits, test_traits, train_churned, test_churned = train_test_split(\n"
        "    traits, churned,\n"
        "    test_size=0.2,\n"
        "    stratify=churned,\n"
        "    random_state=42,\n"
        ")"
    )
    solution_why = (
        "20 % of the customers are kept aside to judge the model. Stratifying keeps 26.5 % churners in both parts, so the "
        "test customers look like the real base; the fixed seed makes the split, and every number after it, repeatable."
    )

    def grade(self, test_churned):
        split = course_split()
        expected = split.y_test
        if isinstance(test_churned, pd.DataFrame):
            raise Mistake("That is a table of customer traits. test_churned should be the test customers' labels (churned or not).")
        if not isinstance(test_churned, pd.Series):
            raise Mistake(f"test_churned should be the test customers' labels (one column), not {kind_of(test_churned)}.")
        size = len(test_churned)
        if size == len(split.y_train) or size == len(split.y_train) + 1:
            if size == len(split.y_train):
                raise Mistake("Those are the training labels (80 % of customers). The test labels are the fourth part.")
            raise Mistake(
                f"That keeps {size:,} customers (80 %) for testing: test_size is the share kept for *testing*, 20 % is 0.2."
            )
        if size in (20, 80):
            raise Mistake(
                f"test_size={size} keeps {size} customers, not {size} %: a whole number counts customers. "
                "For a share, write a fraction: 20 % is 0.2."
            )
        if size != len(expected):
            raise Mistake(
                f"Your test part has {size:,} customers; 20 % of 7,043 is {len(expected):,}. Use test_size=0.2."
            )
        churners = int(test_churned.isin([1, True]).sum())
        if churners != int(expected.sum()):
            raise Mistake(
                f"Your test part has {churners} churners ({churners / size:.2%}); the whole base has {expected.mean():.2%}. "
                "The split is not stratified: stratify=churned keeps the churn rate equal in both parts."
            )
        if not test_churned.index.equals(expected.index):
            raise Mistake(
                "Right size and stratified, but not the lesson's customers: a different seed shuffles differently. "
                "Use random_state=42 so your numbers match the lesson."
            )
        return (
            f"{len(expected):,} test customers, {int(expected.sum())} of them churners ({expected.mean():.1%}), as in the "
            "whole base: the same test customers as the lesson."
        )


class BaselineAccuracy(Question):
    variables = ("baseline_accuracy",)
    hints = (
        "Lesson 02, section 2 (the baseline that looks good): accuracy is the share of customers whose prediction is right.",
        "The baseline predicts 'stays' for everyone, so it is right exactly for the test customers who stayed. "
        "Divide that count, printed above, by the number of test customers.",
    )
    solution_lead = "Type the division (or its result, with three decimals):"
    solution_code = "baseline_accuracy = 1035 / 1409"
    solution_why = (
        "Predicting 'nobody churns' is right for the 1,035 customers who stayed: 73.5 % accuracy, while it finds "
        "none of the 374 churners. When one outcome is rare, accuracy flatters a useless model."
    )

    def grade(self, baseline_accuracy):
        y_test = course_split().y_test
        expected = float((y_test == 0).mean())
        value = as_fraction_or_number(baseline_accuracy, "baseline_accuracy")
        # The stratified split makes the training share (0.73465) agree with the test one (0.73456) to 1e-4:
        # only an exact match can tell a computation on the training customers from a typed 0.735.
        training = float((course_split().y_train == 0).mean())
        if close(value, training, 1e-9) and not close(value, expected, 1e-9):
            raise Mistake("That was computed on the training customers. Judge every model, the baseline too, on the test customers.")
        if close(value, expected):
            return (
                f"{expected:.1%} accuracy, while catching 0 of {int(y_test.sum())} churners. "
                "High accuracy can hide a useless model when one outcome is rare."
            )
        if close(value, expected * 100, 0.05):
            raise Mistake(f"{value:g} looks like a percentage. Give the accuracy as a fraction between 0 and 1.")
        if close(value, 1 - expected):
            raise Mistake(
                "That is the share of test customers who churned: the accuracy of predicting that *everyone* churns. "
                "The baseline says nobody churns, so it is right for the customers who stayed."
            )
        if value == (y_test == 0).sum():
            raise Mistake("That is the number of customers it gets right. Accuracy is a share: divide by the number of test customers.")
        if value == 0:
            raise Mistake(
                "0 is the share of churners it catches (its recall). Accuracy counts every right prediction, "
                "and 'stays' is right for every customer who stayed."
            )
        reject_if_rounded(value, expected, "baseline_accuracy", "Type the division itself, or three decimals.")
        raise Mistake(
            f"baseline_accuracy is {value:.4g}, which is not the baseline's accuracy. The baseline is right for every test "
            "customer who stayed: divide that count, printed above, by the number of test customers."
        )


class HeldOutRocAuc(Question):
    variables = ("test_auc",)
    hints = (
        "Lesson 02, section 4 (ROC-AUC on the test customers): the model is judged on customers it never saw.",
        "The first blank is the table of the test customers' traits, X_test; the second is the scores the first line "
        "computed, churn_scores.",
    )
    solution_code = "churn_scores = model.predict_proba(X_test)[:, 1]\ntest_auc = roc_auc_score(y_test, churn_scores)"
    solution_why = (
        "ROC-AUC judges how well the churn scores rank churners above stayers, on customers the model never learned "
        "from: the test part. The true outcomes come first, the scores second."
    )

    def grade(self, test_auc):
        split, model = course_split(), course_model()
        expected = _test_auc(model)
        value = as_fraction_or_number(test_auc, "test_auc")
        if close(value, expected):
            return (
                f"ROC-AUC {expected:.3f}: pick a random churner and a random stayer, and the model ranks "
                f"the churner higher {expected:.1%} of the time."
            )
        if close(value, expected * 100, 0.05):
            raise Mistake(f"{value:g} looks like a percentage. ROC-AUC is between 0 and 1.")
        if close(value, _train_auc(model)):
            raise Mistake("That is the score on the training customers, which the model has already seen. Score X_test.")
        if value == 1:
            raise Mistake("1.0 means the scores were the true outcomes themselves (y_test). Give the model's churn_scores.")
        if close(value, float(roc_auc_score(split.y_test, model.predict(split.X_test)))):
            raise Mistake("You scored yes/no predictions (predict). ROC-AUC needs the churn probabilities, churn_scores.")
        if close(value, 1 - expected):
            raise Mistake("That is upside down: column 0 is the probability of *staying*. Column 1 is churning.")
        if close(value, cross_validated_auc(), PRINTED_TOLERANCE):
            raise Mistake(
                "That is the mean ROC-AUC of the five cross-validation folds (lesson 02, section 5), each scored on a part "
                "of the *training* customers. This question asks for the score on the test customers: fill the blanks "
                "and let roc_auc_score compute it."
            )
        if close(value, _auc_without_tenure(), PRINTED_TOLERANCE):
            raise Mistake(
                "That is the model trained without tenure and total charges (lesson 02, section 8). This question asks "
                "for the course model, with every column, on the test customers."
            )
        reject_if_rounded(value, expected, "test_auc")
        raise Mistake(
            f"test_auc is {value:.4g}, which is not the model's ROC-AUC on the test customers. Fill the blanks with the "
            "test customers' traits and the scores, and let the line compute it: roc_auc_score(y_test, churn_scores)."
        )


class OverfittingGap(Question):
    variables = ("tree_gap",)
    hints = (
        "Lesson 02, section 6 (what overfitting looks like): a model that memorises scores far better on the customers it has seen.",
        "In the table above, take the unlimited tree's row: its training ROC-AUC minus its test ROC-AUC.",
    )
    solution_lead = "Type the difference of the two printed numbers:"
    solution_code = "tree_gap = 1.000 - 0.652"
    solution_why = (
        "The tree is perfect on the customers it memorised and much worse on new ones: a gap of about 0.35. "
        "The logistic regression's gap is under 0.01. Always ask for the score on held-out customers."
    )

    def grade(self, tree_gap):
        tree, model = deep_tree(), course_model()
        expected = _train_auc(tree) - _test_auc(tree)
        value = as_fraction_or_number(tree_gap, "tree_gap")
        if close(value, expected, PRINTED_DIFFERENCE_TOLERANCE):
            return (
                f"The tree loses {expected:.3f} of ROC-AUC from the customers it memorised to new ones; the logistic "
                f"regression loses {_train_auc(model) - _test_auc(model):.3f}. A big gap is overfitting."
            )
        if close(value, -expected, PRINTED_DIFFERENCE_TOLERANCE):
            raise Mistake("Right size, wrong sign: subtract the other way, training score minus test score.")
        if close(value, expected * 100, 100 * PRINTED_DIFFERENCE_TOLERANCE):
            raise Mistake(f"{value:g} looks like a percentage. Give the gap in ROC-AUC units, like the table (between 0 and 1).")
        if close(value, _test_auc(tree), PRINTED_DIFFERENCE_TOLERANCE):
            raise Mistake("That is the tree's test score. The gap is its training score minus its test score.")
        if close(value, _train_auc(tree), PRINTED_DIFFERENCE_TOLERANCE):
            raise Mistake("That is the tree's training score. The gap is its training score minus its test score.")
        if close(value, _train_auc(model) - _test_auc(model), PRINTED_DIFFERENCE_TOLERANCE):
            raise Mistake("That is the logistic regression's gap. The question asks about the unlimited decision tree.")
        reject_if_rounded(value, expected, "tree_gap", "Subtract the two numbers as printed, with their three decimals.")
        raise Mistake(
            f"tree_gap is {value:.4g}, which is not the tree's gap. In the table, take the unlimited tree's row: "
            "its training ROC-AUC minus its test ROC-AUC, as printed."
        )


class StrongestRiskTrait(Question):
    """Go further: read the model's weights with code."""

    variables = ("strongest_risk_trait",)
    hints = (
        "Lesson 02, section 7: feature_weights(model) gives one weight per trait; a positive weight pushes churn risk up.",
        "The trait with the largest weight is the index label of the maximum: .idxmax() on the weights.",
    )
    solution_lead = "One line:"
    solution_code = "strongest_risk_trait = feature_weights(model).idxmax()"
    solution_why = (
        "idxmax() gives the name of the largest weight: fibre-optic internet pushes churn risk up more than any other "
        "trait, ahead of a month-to-month contract. A weight shows what the model leans on, not what causes churn."
    )

    def grade(self, strongest_risk_trait):
        from churnlab.model import feature_weights

        weights = feature_weights(course_model()).sort_values(ascending=False)
        expected = weights.index[0]
        if not isinstance(strongest_risk_trait, str):
            raise Mistake(f"strongest_risk_trait should be a trait's name, as text, not {kind_of(strongest_risk_trait)}.")
        name = strongest_risk_trait.strip()
        if name == expected:
            return (
                f"{expected} has the largest weight ({weights.iloc[0]:.2f}), ahead of {weights.index[1]} "
                f"({weights.iloc[1]:.2f}): fibre customers are the ones the model worries about most."
            )
        if name.lower() == expected.lower():
            raise Mistake(f"Right trait, but names are case-sensitive: write it as the weights list it, {expected!r}.")
        if name == weights.index[-1]:
            raise Mistake(f"{name} has the most *negative* weight: it protects most. Look for the largest positive weight.")
        if name in expected and name != expected:
            raise Mistake(f"Give the full name as feature_weights lists it: column_value, like {weights.index[1]!r}.")
        if name in weights.index:
            rank = list(weights.index).index(name) + 1
            raise Mistake(f"{name} is number {rank} by weight. Look for number 1, the largest: .idxmax().")
        raise Mistake(f"{name!r} is not one of the model's traits. Take the name from feature_weights(model).")


q1 = StratifiedSplit("q1")
q2 = BaselineAccuracy("q2")
q3 = HeldOutRocAuc("q3")
q4 = OverfittingGap("q4")
q5 = StrongestRiskTrait("q5")
