"""Natural mistakes with ``churnlab.plots``: each must raise a CourseError that says what to fix (see tests/mistakes/mistakes.py)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from churnlab import plots  # noqa: E402
from churnlab.economics import CampaignEconomics, compare_campaigns, profit_curve  # noqa: E402
from churnlab.model import feature_weights  # noqa: E402
from mistakes import Mistake  # noqa: E402


def _curve(course):
    return profit_curve(course.split.y_test, course.scores, CampaignEconomics())


def _contacted(course):
    return course.scores.ge(0.5)


def _comparison(course):
    y_test = course.split.y_test
    campaigns = {"model ≥ 0.5": _contacted(course), "everyone": pd.Series(1, index=y_test.index)}
    return compare_campaigns(y_test, campaigns, {"model ≥ 0.5": course.scores}, {"profit at $10 ($)": CampaignEconomics()})


def _run_table():
    return pd.DataFrame({"threshold": [0.167, 1.0], "profit ($)": [12650, 12010]}, index=["model C=0.1", "rule: month-to-month"])


MISTAKES = [
    # describe
    Mistake("plots.describe", "the plt module instead of a chart",
            lambda course: plots.describe(plt, "Line chart of churn by month."), "plots.describe(ax,"),
    Mistake("plots.describe", "an empty sentence", lambda course: plots.describe(plots.new_axes(), ""), "text"),
    Mistake("plots.describe", "a number instead of a sentence", lambda course: plots.describe(plots.new_axes(), 0.84), "text"),
    # new_axes
    Mistake("plots.new_axes", "the plt module instead of axes", lambda course: plots.new_axes(plt), "not the plt module"),
    Mistake("plots.new_axes", "a whole figure instead of its axes",
            lambda course: plots.new_axes(plt.figure()), "figure.axes[0]"),
    Mistake("plots.new_axes", "the function itself, without brackets", lambda course: plots.new_axes(plots.new_axes),
            "add the brackets"),
    # label
    Mistake("plots.label", "no axes (None)", lambda course: plots.label(None, "title", "x", "y"), "plots.new_axes()"),
    Mistake("plots.label", "the title as a number", lambda course: plots.label(plots.new_axes(), 42, "x", "y"),
            "title should be a text in quotes"),
    Mistake("plots.label", "only a title, no axis labels", lambda course: plots.label(plots.new_axes(), "title"),
            "it needs 'xlabel' too"),
    # churn_rate_by
    Mistake("plots.churn_rate_by", "a column name with a capital letter",
            lambda course: plots.churn_rate_by(course.customers, "Contract"), "did you mean 'contract'?"),
    Mistake("plots.churn_rate_by", "one column instead of the table",
            lambda course: plots.churn_rate_by(course.customers["contract"], "contract"), "Pass the whole table"),
    Mistake("plots.churn_rate_by", "the test features, which have no churn column",
            lambda course: plots.churn_rate_by(course.split.X_test, "contract"), "has no column 'churn'"),
    Mistake("plots.churn_rate_by", "the outcome itself as the column",
            lambda course: plots.churn_rate_by(course.customers, "churn"), "pick a column that describes customers"),
    Mistake("plots.churn_rate_by", "a number with many values, such as tenure",
            lambda course: plots.churn_rate_by(course.customers, "tenure"), "plots.churn_rate_by_bins"),
    Mistake("plots.churn_rate_by", "the column names as a list",
            lambda course: plots.churn_rate_by(course.customers, ["contract"]), "column name in quotes"),
    # churn_rate_by_bins
    Mistake("plots.churn_rate_by_bins", "a category column",
            lambda course: plots.churn_rate_by_bins(course.customers, "contract", [0, 1], "months"),
            "plots.churn_rate_by(customers, 'contract')"),
    Mistake("plots.churn_rate_by_bins", "a number of bins instead of their edges",
            lambda course: plots.churn_rate_by_bins(course.customers, "tenure", 5, "months"), "a list of range edges"),
    Mistake("plots.churn_rate_by_bins", "edges that go down",
            lambda course: plots.churn_rate_by_bins(course.customers, "tenure", [73, 12, 0], "months"), "bins should go up"),
    Mistake("plots.churn_rate_by_bins", "edges outside the data",
            lambda course: plots.churn_rate_by_bins(course.customers, "tenure", [100, 200], "months"), "widen the bins"),
    Mistake("plots.churn_rate_by_bins", "no unit", lambda course: plots.churn_rate_by_bins(course.customers, "tenure", [0, 12, 73]),
            "it needs 'unit' too"),
    Mistake("plots.churn_rate_by_bins", "a misspelt column",
            lambda course: plots.churn_rate_by_bins(course.customers, "tenur", [0, 12, 73], "months"), "did you mean 'tenure'?"),
    # feature_weights
    Mistake("plots.feature_weights", "the model instead of its weights",
            lambda course: plots.feature_weights(course.model), "plots.feature_weights(feature_weights(model))"),
    Mistake("plots.feature_weights", "a list of numbers without names",
            lambda course: plots.feature_weights([0.5, -1.2]), "one weight per trait"),
    Mistake("plots.feature_weights", "top as text", lambda course: plots.feature_weights(feature_weights(course.model), top="10"),
            "Remove the quotes"),
    Mistake("plots.feature_weights", "top of zero", lambda course: plots.feature_weights(feature_weights(course.model), top=0),
            "it should be 1 or more"),
    # campaign_confusion_matrix
    Mistake("plots.campaign_confusion_matrix", "scores where the yes/no decisions go",
            lambda course: plots.campaign_confusion_matrix(course.split.y_test, course.scores), "compare them with a threshold"),
    Mistake("plots.campaign_confusion_matrix", "the training outcomes with the test decisions",
            lambda course: plots.campaign_confusion_matrix(course.split.y_train, _contacted(course)), "describe the same customers"),
    Mistake("plots.campaign_confusion_matrix", "the churn column's Yes/No text as outcomes",
            lambda course: plots.campaign_confusion_matrix(course.customers["churn"], course.customers["senior_citizen"]),
            "churnlab.model.churn_label"),
    # confusion_in_customer_words
    Mistake("plots.confusion_in_customer_words", "decisions and outcomes swapped",
            lambda course: plots.confusion_in_customer_words(course.scores, course.split.y_test),
            "Did you pass scores where the true outcomes go?"),
    Mistake("plots.confusion_in_customer_words", "the model where the decisions go",
            lambda course: plots.confusion_in_customer_words(course.split.y_test, course.model), "it is a model"),
    Mistake("plots.confusion_in_customer_words", "a title that is not text",
            lambda course: plots.confusion_in_customer_words(course.split.y_test, _contacted(course), title=0.5),
            "title should be a text in quotes"),
    # confusion_small_multiples
    Mistake("plots.confusion_small_multiples", "one threshold instead of a list",
            lambda course: plots.confusion_small_multiples(course.split.y_test, course.scores, 0.5), "a list of thresholds"),
    Mistake("plots.confusion_small_multiples", "thresholds as percentages",
            lambda course: plots.confusion_small_multiples(course.split.y_test, course.scores, [17, 30, 50]),
            "that looks like a percentage"),
    Mistake("plots.confusion_small_multiples", "too many thresholds",
            lambda course: plots.confusion_small_multiples(course.split.y_test, course.scores, [0.1, 0.2, 0.3, 0.4, 0.5]),
            "at most 4 charts fit side by side"),
    Mistake("plots.confusion_small_multiples", "both probability columns of predict_proba",
            lambda course: plots.confusion_small_multiples(course.split.y_test, course.model.predict_proba(course.split.X_test),
                                                           [0.5]), "model.predict_proba(X_test)[:, 1]"),
    # metrics_by_threshold
    Mistake("plots.metrics_by_threshold", "scores first, outcomes second",
            lambda course: plots.metrics_by_threshold(course.scores, course.split.y_test),
            "Did you pass scores where the true outcomes go?"),
    Mistake("plots.metrics_by_threshold", "marks as a list instead of a dictionary",
            lambda course: plots.metrics_by_threshold(course.split.y_test, course.scores, marks=[0.5]),
            "marks should be a dictionary"),
    Mistake("plots.metrics_by_threshold", "a mark as text",
            lambda course: plots.metrics_by_threshold(course.split.y_test, course.scores, marks={"default": "0.5"}),
            "Remove the quotes"),
    Mistake("plots.metrics_by_threshold", "the training outcomes with the test scores",
            lambda course: plots.metrics_by_threshold(course.split.y_train, course.scores), "describe the same customers"),
    # roc_curve
    Mistake("plots.roc_curve", "scores first, outcomes second",
            lambda course: plots.roc_curve(course.scores, course.split.y_test), "Did you pass scores where the true outcomes go?"),
    Mistake("plots.roc_curve", "the training outcomes with the test scores",
            lambda course: plots.roc_curve(course.split.y_train, course.scores), "describe the same customers"),
    Mistake("plots.roc_curve", "the model instead of its scores",
            lambda course: plots.roc_curve(course.split.y_test, course.model), "churn_scores"),
    # saved_chart
    Mistake("plots.saved_chart", "the chart's address instead of the loaded picture",
            lambda course: plots.saved_chart("runs:/abc/plots/profit_curve.png", "The saved chart."), "load_image"),
    Mistake("plots.saved_chart", "no alt text", lambda course: plots.saved_chart(np.zeros((4, 4, 3)), None), "alt_text"),
    # profit_by_threshold
    Mistake("plots.profit_by_threshold", "the outcomes instead of a profit curve",
            lambda course: plots.profit_by_threshold(course.split.y_test, 0.167), "the table profit_curve"),
    Mistake("plots.profit_by_threshold", "the threshold as text",
            lambda course: plots.profit_by_threshold(_curve(course), "0.167"), "Remove the quotes"),
    Mistake("plots.profit_by_threshold", "a table without the profit column",
            lambda course: plots.profit_by_threshold(course.customers, 0.167), "has no column 'threshold'"),
    # profit_curves_by_threshold
    Mistake("plots.profit_curves_by_threshold", "one curve without a name",
            lambda course: plots.profit_curves_by_threshold(_curve(course)), "a dictionary of names and profit curves"),
    Mistake("plots.profit_curves_by_threshold", "a list of curves",
            lambda course: plots.profit_curves_by_threshold([_curve(course)]), "a dictionary of names and profit curves"),
    Mistake("plots.profit_curves_by_threshold", "a dictionary of economics instead of curves",
            lambda course: plots.profit_curves_by_threshold({"$10": CampaignEconomics()}), "the table profit_curve"),
    # runs_by_profit
    Mistake("plots.runs_by_profit", "the whole run table", lambda course: plots.runs_by_profit(_run_table()),
            "run_table['profit ($)']"),
    Mistake("plots.runs_by_profit", "a list of profits without run names",
            lambda course: plots.runs_by_profit([12650, 12010]), "with the runs' names as its index"),
    Mistake("plots.runs_by_profit", "an empty search result",
            lambda course: plots.runs_by_profit(pd.Series(dtype=float)), "no runs to draw"),
    Mistake("plots.runs_by_profit", "the column of run names", lambda course: plots.runs_by_profit(pd.Series(["a", "b"])),
            "one profit in dollars (a number) per run"),
    # campaign_comparison
    Mistake("plots.campaign_comparison", "a profit column that is not in the table",
            lambda course: plots.campaign_comparison(_comparison(course), ["profit at $10"]), "did you mean 'profit at $10 ($)'?"),
    Mistake("plots.campaign_comparison", "the dictionary of campaigns instead of the comparison table",
            lambda course: plots.campaign_comparison({"everyone": 1}, ["profit at $10 ($)"]), "compare_campaigns"),
    Mistake("plots.campaign_comparison", "no profit columns",
            lambda course: plots.campaign_comparison(_comparison(course), []), "a list of the table's profit columns"),
    Mistake("plots.profit_gaps", "profits instead of intervals",
            lambda course: plots.profit_gaps({"model": 12640}), "interval in dollars"),
    Mistake("plots.profit_gaps", "one interval without a name",
            lambda course: plots.profit_gaps([1, 2]), "dictionary"),
    Mistake("plots.reliability", "the scores instead of the calibration table",
            lambda course: plots.reliability(course.scores), "calibration_table"),
]
