"""Natural mistakes with churnlab.rules (see tests/mistakes/mistakes.py)."""
from churnlab import rules

from mistakes import Mistake

MISTAKES = [
    Mistake("rules.month_to_month", "the labels instead of the customers", lambda course: rules.month_to_month(course.split.y_test),
            "one column (a Series)"),
    Mistake("rules.month_to_month", "a table without the contract column",
            lambda course: rules.month_to_month(course.split.X_test.drop(columns="contract")), "has no column 'contract'"),
    Mistake("rules.month_to_month_and_new", "months in quotes",
            lambda course: rules.month_to_month_and_new(course.split.X_test, months="12"), "Remove the quotes"),
    Mistake("rules.month_to_month_and_new", "a negative number of months",
            lambda course: rules.month_to_month_and_new(course.split.X_test, months=-1), "should be 0 or more"),
    Mistake("rules.risk_signals", "a column renamed", lambda course: rules.risk_signals(
        course.split.X_test.rename(columns={"tech_support": "TechSupport"})), "has no column 'tech_support'"),
    Mistake("rules.risk_points", "None from a cell that did not run", lambda course: rules.risk_points(None), "None (empty)"),
    Mistake("rules.flag_risk_points", "a fractional number of points",
            lambda course: rules.flag_risk_points(course.split.X_test, at_least=2.5), "whole number"),
    Mistake("rules.flag_risk_points", "a misspelt argument",
            lambda course: rules.flag_risk_points(course.split.X_test, atleast=3), "did you mean 'at_least'"),
    Mistake("rules.whiteboard_rules", "the outcomes instead of the customers' table",
            lambda course: rules.whiteboard_rules(course.split.y_test), "X_test"),
    Mistake("rules.campaigns_to_compare", "the model instead of its scores",
            lambda course: rules.campaigns_to_compare(course.split.X_test, course.model), "it is a model"),
    Mistake("rules.campaigns_to_compare", "the training customers with the test scores",
            lambda course: rules.campaigns_to_compare(course.split.X_train, course.scores), "X has 5,634 customers"),
    Mistake("rules.campaigns_to_compare", "a threshold as a percentage",
            lambda course: rules.campaigns_to_compare(course.split.X_test, course.scores, model_thresholds=16.7), "16.7 % is 0.167"),
]
