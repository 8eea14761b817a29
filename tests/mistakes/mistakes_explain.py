"""Natural mistakes with churnlab.explain (lesson 06), each answered by a CourseError that says what to fix."""
from __future__ import annotations

from functools import cache

from churnlab import explain, plots

from mistakes import Mistake


@cache
def _codes(course):
    return explain.reason_codes(course.model, course.split.X_train, course.split.X_test)


@cache
def _importance(course):
    return explain.permutation_importance(course.model, course.split.X_test, course.split.y_test, n_repeats=1)

MISTAKES = [
    # baseline_probability
    Mistake("explain.baseline_probability", "the recipe, not yet trained",
            lambda c: explain.baseline_probability(c.unfitted_model, c.split.X_train), "not trained yet"),
    Mistake("explain.baseline_probability", "the scores where the model goes",
            lambda c: explain.baseline_probability(c.scores, c.split.X_train), "its scores, perhaps"),
    Mistake("explain.baseline_probability", "the training labels instead of the training customers",
            lambda c: explain.baseline_probability(c.model, c.split.y_train), "should be a table of customers"),
    # contributions
    Mistake("explain.contributions", "the recipe, not yet trained",
            lambda c: explain.contributions(c.unfitted_model, c.split.X_train, c.split.X_test), "not trained yet"),
    Mistake("explain.contributions", "the scores where the model goes",
            lambda c: explain.contributions(c.scores, c.split.X_train, c.split.X_test), "its scores, perhaps"),
    Mistake("explain.contributions", "X_train and X swapped with the labels",
            lambda c: explain.contributions(c.model, c.split.y_train, c.split.X_test), "should be a table of customers"),
    Mistake("explain.contributions", "one customer as a row (a Series) instead of a one-row table",
            lambda c: explain.contributions(c.model, c.split.X_train, c.split.X_test.iloc[0]), "double brackets"),
    Mistake("explain.contributions", "the full customers table without the model's columns",
            lambda c: explain.contributions(c.model, c.split.X_train, c.customers[["customer_id", "churn"]]), "has no column"),
    Mistake("explain.contributions", "no customers at all",
            lambda c: explain.contributions(c.model, c.split.X_train, c.split.X_test.iloc[:0]), "no customers"),
    Mistake("explain.contributions", "combine_one_hot as text",
            lambda c: explain.contributions(c.model, c.split.X_train, c.split.X_test, combine_one_hot="yes"), "True or False"),
    Mistake("explain.contributions", "a model that is not the course's pipeline",
            lambda c: explain.contributions(c.model[-1], c.split.X_train, c.split.X_test), "course's churn model"),
    # in_plain_words
    Mistake("explain.in_plain_words", "the model instead of the customers",
            lambda c: explain.in_plain_words(c.model), "should be a table of customers"),
    # reason_codes
    Mistake("explain.reason_codes", "X_train forgotten (the customers given as X_train)",
            lambda c: explain.reason_codes(c.model, c.split.X_test.loc[["C2489"]]), "it needs 'X'"),
    Mistake("explain.reason_codes", "top as text",
            lambda c: explain.reason_codes(c.model, c.split.X_train, c.split.X_test, top="3"), "should be a number"),
    Mistake("explain.reason_codes", "top of zero",
            lambda c: explain.reason_codes(c.model, c.split.X_train, c.split.X_test, top=0), "should be 1 or more"),
    Mistake("explain.reason_codes", "a customer id instead of a table",
            lambda c: explain.reason_codes(c.model, c.split.X_train, "C2489"), "should be a table of customers"),
    Mistake("explain.reason_codes", "a misspelled argument",
            lambda c: explain.reason_codes(c.model, c.split.X_train, c.split.X_test, tops=3), "did you mean 'top'"),
    # permutation_importance
    Mistake("explain.permutation_importance", "scores instead of the true outcomes",
            lambda c: explain.permutation_importance(c.model, c.split.X_test, c.scores), "should only hold 1 (churned) and 0"),
    Mistake("explain.permutation_importance", "training outcomes with test customers",
            lambda c: explain.permutation_importance(c.model, c.split.X_test, c.split.y_train), "1,409 customers but y has 5,634"),
    Mistake("explain.permutation_importance", "an unknown scoring",
            lambda c: explain.permutation_importance(c.model, c.split.X_test, c.split.y_test, scoring="accuracy"), "one of 'roc_auc'"),
    Mistake("explain.permutation_importance", "a misspelled scoring",
            lambda c: explain.permutation_importance(c.model, c.split.X_test, c.split.y_test, scoring="roc-auc"), "did you mean 'roc_auc'"),
    Mistake("explain.permutation_importance", "no repeats",
            lambda c: explain.permutation_importance(c.model, c.split.X_test, c.split.y_test, n_repeats=0), "should be 1 or more"),
    Mistake("explain.permutation_importance", "only churners",
            lambda c: explain.permutation_importance(c.model, c.split.X_test[c.split.y_test == 1],
                                                     c.split.y_test[c.split.y_test == 1]), "both churners and customers who stayed"),
    # partial_dependence
    Mistake("explain.partial_dependence", "a column name with a capital letter",
            lambda c: explain.partial_dependence(c.model, c.split.X_test, "Tenure"), "did you mean 'tenure'"),
    Mistake("explain.partial_dependence", "a text column",
            lambda c: explain.partial_dependence(c.model, c.split.X_test, "contract"), "not a number column"),
    Mistake("explain.partial_dependence", "a 0/1 column",
            lambda c: explain.partial_dependence(c.model, c.split.X_test, "senior_citizen"), "not a number column"),
    Mistake("explain.partial_dependence", "one point",
            lambda c: explain.partial_dependence(c.model, c.split.X_test, "tenure", points=1), "should be 2 or more"),
    # plots.global_explanations and plots.reason_codes (lesson 06's charts)
    Mistake("plots.global_explanations", "the two tables swapped",
            lambda c: plots.global_explanations(explain.partial_dependence(c.model, c.split.X_test), _importance(c)),
            "has no column 'importance'"),
    Mistake("plots.global_explanations", "observed churn as a plain list",
            lambda c: plots.global_explanations(_importance(c), explain.partial_dependence(c.model, c.split.X_test),
                                                observed=[0.5, 0.1]), "a churn rate per value (a Series)"),
    Mistake("plots.global_explanations", "top as text",
            lambda c: plots.global_explanations(_importance(c), explain.partial_dependence(c.model, c.split.X_test), top="8"),
            "should be a number"),
    Mistake("plots.reason_codes", "one customer id instead of a list",
            lambda c: plots.reason_codes(_codes(c), c.scores, "C3381"), "a list of one to four customer ids"),
    Mistake("plots.reason_codes", "the scores as an array without customer ids",
            lambda c: plots.reason_codes(_codes(c), c.scores.to_numpy(), ["C3381"]), "a score per customer id"),
    Mistake("plots.reason_codes", "a customer who is not among the codes",
            lambda c: plots.reason_codes(_codes(c), c.scores, ["C0001"]), "has no reason codes or no score"),
    Mistake("plots.reason_codes", "contributions instead of reason codes",
            lambda c: plots.reason_codes(explain.contributions(c.model, c.split.X_train, c.split.X_test), c.scores, ["C3381"]),
            "has no column 'reason'"),
]

MISTAKES += [
    Mistake("explain.reasons_of", "customers not in the codes",
            lambda course: explain.reasons_of(explain.reason_codes(course.model, course.split.X_train, course.split.X_test),
                                              ["nobody"]), "'nobody'"),
    Mistake("explain.reasons_of", "the scores instead of the codes",
            lambda course: explain.reasons_of(course.scores, ["C3252"]), "codes"),
]
