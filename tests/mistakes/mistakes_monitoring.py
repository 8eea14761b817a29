"""Natural mistakes with churnlab.monitoring (lesson 08) and the lesson's health figure (format: tests/mistakes/mistakes.py)."""
from __future__ import annotations

from functools import cache

import pandas as pd
from mistakes import Mistake

from churnlab import monitoring, plots


@cache
def _year():
    from churnlab.exercises.lesson08 import practice_year

    return practice_year()


@cache
def _health():
    return monitoring.health_table(_year())


def _tenure(month):
    customers = _year().customers
    return customers.loc[customers["month"] == month, "tenure"]


MISTAKES = [
    Mistake("monitoring.what_to_watch", "an argument it does not take", lambda course: monitoring.what_to_watch("tenure"),
            "more values than it takes"),
    Mistake("monitoring.psi", "the whole table instead of one column",
            lambda course: monitoring.psi(_year().customers, _year().customers), "not a whole table"),
    Mistake("monitoring.psi", "a column name instead of its values", lambda course: monitoring.psi("tenure", _tenure(12)),
            "a column of values"),
    Mistake("monitoring.psi", "an empty month (a filter that kept nothing)",
            lambda course: monitoring.psi(_tenure(1), _tenure(13)), "is empty"),
    Mistake("monitoring.psi", "numbers against text", lambda course: monitoring.psi(_tenure(1), course.customers["contract"]),
            "different kinds of values"),
    Mistake("monitoring.psi", "bins as text", lambda course: monitoring.psi(_tenure(1), _tenure(2), bins="10"), "Remove the quotes"),
    Mistake("monitoring.psi", "one bin", lambda course: monitoring.psi(_tenure(1), _tenure(2), bins=1), "should be 2 or more"),
    Mistake("monitoring.psi", "one customer's value (loc[12, 'tenure']) instead of a month's column",
            lambda course: monitoring.psi(_tenure(1), _year().customers.loc[12, "tenure"]), "not the number 2 (one customer's value)"),
    Mistake("monitoring.psi", "one customer's value: the message suggests month == 12",
            lambda course: monitoring.psi(_tenure(1), _year().customers.loc[12, "tenure"]), "customers.loc[month == 12, 'tenure']"),
    Mistake("monitoring.psi", "the model instead of values", lambda course: monitoring.psi(course.model, _tenure(2)), "not a model"),
    Mistake("monitoring.psi_verdict", "the PSI as text", lambda course: monitoring.psi_verdict("0.13"), "Remove the quotes"),
    Mistake("monitoring.psi_verdict", "a negative PSI", lambda course: monitoring.psi_verdict(-0.1), "at least 0"),
    Mistake("monitoring.psi_by_month", "one of the logs instead of the simulation",
            lambda course: monitoring.psi_by_month(_year().customers), "not one of its tables"),
    Mistake("monitoring.psi_by_month", "a column with a capital letter",
            lambda course: monitoring.psi_by_month(_year(), ["Tenure"]), "did you mean 'tenure'"),
    Mistake("monitoring.psi_by_month", "a reference month after the last", lambda course: monitoring.psi_by_month(_year(), reference_month=13),
            "the simulation has 12 months"),
    Mistake("monitoring.drift_at_sizes", "text values", lambda course: monitoring.drift_at_sizes(course.customers["contract"]),
            "should be numbers"),
    Mistake("monitoring.drift_at_sizes", "a shift as a percentage", lambda course: monitoring.drift_at_sizes(_tenure(1), shift=2),
            "at most 1"),
    Mistake("monitoring.drift_at_sizes", "one size instead of a list", lambda course: monitoring.drift_at_sizes(_tenure(1), sizes=500),
            "a list of sample sizes"),
    Mistake("monitoring.expected_precision", "the model instead of its scores",
            lambda course: monitoring.expected_precision(course.model), "it is a model"),
    Mistake("monitoring.expected_precision", "a threshold as a percentage",
            lambda course: monitoring.expected_precision(course.scores, 16.7), "looks like a percentage"),
    Mistake("monitoring.expected_precision", "a threshold nobody reaches",
            lambda course: monitoring.expected_precision(course.scores, 1.0), "nobody is flagged"),
    Mistake("monitoring.health_table", "the predictions log instead of the simulation",
            lambda course: monitoring.health_table(_year().predictions), "not one of its tables"),
    Mistake("monitoring.health_table", "a hold-out arm under another name",
            lambda course: monitoring.health_table(_year(), holdout_arm="holdout"), "has no arm 'holdout'"),
    Mistake("monitoring.health_table", "a reference month as text", lambda course: monitoring.health_table(_year(), reference_month="1"),
            "Remove the quotes"),
    Mistake("monitoring.alerts", "the simulation instead of its health table", lambda course: monitoring.alerts(_year()),
            "monitoring.health_table(year)"),
    Mistake("monitoring.alerts", "thresholds as a dictionary", lambda course: monitoring.alerts(_health(), {"psi": 0.2}),
            "monitoring.AlertThresholds"),
    Mistake("monitoring.write_health_page", "a path instead of a file name",
            lambda course: monitoring.write_health_page(_health(), filename="/tmp/page.html"), "without folders"),
    Mistake("monitoring.write_health_page", "a file name without .html",
            lambda course: monitoring.write_health_page(_health(), filename="health"), "ending in .html"),
    Mistake("monitoring.write_health_page", "a table that is not the health table",
            lambda course: monitoring.write_health_page(_year().predictions), "has no column"),
    Mistake("monitoring.write_health_page", "the axes instead of the figure",
            lambda course: monitoring.write_health_page(_health(), figure=plots.model_health(_health())), "plots.model_health(table).figure"),
    Mistake("monitoring.sql", "a query with a missing comma",
            lambda course: monitoring.sql("SELECT month count(*) AS n FROM predictions GROUP BY month", _year()), "missing comma"),
    Mistake("monitoring.sql", "a misspelt column", lambda course: monitoring.sql("SELECT churn_scor FROM predictions", _year()),
            "did you mean 'churn_score'"),
    Mistake("monitoring.sql", "a misspelt table", lambda course: monitoring.sql("SELECT * FROM outcome", _year()),
            "did you mean 'outcomes'"),
    Mistake("monitoring.sql", "no tables to query", lambda course: monitoring.sql("SELECT 1"), "sql(query, year)"),
    Mistake("monitoring.sql", "the query not in quotes (a number)", lambda course: monitoring.sql(42, _year()), "in quotes"),
    Mistake("monitoring.sql", "an empty query", lambda course: monitoring.sql("  ", _year()), "query is empty"),
    Mistake("monitoring.sql", "avg of a yes/no column", lambda course: monitoring.sql("SELECT avg(scoring_failed) FROM predictions", _year()),
            "CAST(scoring_failed AS INTEGER)"),
    Mistake("monitoring.sql", "a named table that is not a table", lambda course: monitoring.sql("SELECT 1", scores=[1, 2]),
            "should be a table"),
    Mistake("monitoring.sql", "a column missing from GROUP BY",
            lambda course: monitoring.sql("SELECT month, churn_score FROM predictions GROUP BY month", _year()), "GROUP BY"),
    Mistake("monitoring.labelled_rows", "months whose labels are not known yet",
            lambda course: monitoring.labelled_rows(_year(), [11, 12]), "not known yet"),
    Mistake("monitoring.labelled_rows", "months as text", lambda course: monitoring.labelled_rows(_year(), "8-10"),
            "a list of months"),
    Mistake("monitoring.labelled_rows", "an arm that does not exist", lambda course: monitoring.labelled_rows(_year(), [8], arm="control"),
            "has no arm"),
    Mistake("monitoring.split_by_seat", "the simulation instead of labelled rows", lambda course: monitoring.split_by_seat(_year()),
            "not a SimulatedMonths"),
    Mistake("monitoring.split_by_seat", "a table without customer ids",
            lambda course: monitoring.split_by_seat(pd.DataFrame({"churned": [0, 1]})), "has no column 'customer_id'"),
    Mistake("monitoring.compare_models", "one model instead of a dictionary",
            lambda course: monitoring.compare_models(course.model, course.customers), "dictionary of name: model"),
    Mistake("monitoring.compare_models", "an untrained challenger",
            lambda course: monitoring.compare_models({"challenger": course.unfitted_model}, monitoring.labelled_rows(_year(), [8])),
            "not trained yet"),
    Mistake("monitoring.compare_models", "rows without labels",
            lambda course: monitoring.compare_models({"champion": course.model}, course.split.X_test), "has no column 'churned'"),
    Mistake("monitoring.ensure_champion", "an argument it does not take", lambda course: monitoring.ensure_champion("churn-model"),
            "more values than it takes"),
    Mistake("monitoring.log_monitoring_plan", "thresholds as a dictionary",
            lambda course: monitoring.log_monitoring_plan({"psi": 0.25}), "monitoring.AlertThresholds"),
    Mistake("monitoring.log_monitoring_plan", "a hold-out share as a percentage",
            lambda course: monitoring.log_monitoring_plan(None, holdout_share=10), "looks like a percentage"),
    Mistake("monitoring.log_retrain", "a comparison without the champion's row",
            lambda course: monitoring.log_retrain(pd.DataFrame({"expected_profit": [1.0], "customers": [5]}, index=["new"]),
                                                  course.model, course.split.X_train, [8]), "has no row 'champion'"),
    Mistake("monitoring.log_retrain", "the challenger's scores instead of the model",
            lambda course: monitoring.log_retrain(pd.DataFrame({"expected_profit": [1.0, 2.0], "customers": [5, 5]},
                                                               index=["champion", "challenger"]),
                                                  course.scores.to_numpy(), course.split.X_train, [8]), "its scores, perhaps"),
    Mistake("monitoring.log_retrain", "a minimum margin as text",
            lambda course: monitoring.log_retrain(pd.DataFrame({"expected_profit": [1.0, 2.0], "customers": [5, 5]},
                                                               index=["champion", "challenger"]),
                                                  course.model, course.split.X_train, [8], min_margin="$500"), "Remove the quotes"),
    Mistake("monitoring.log_retrain", "the threshold as a percentage",
            lambda course: monitoring.log_retrain(pd.DataFrame({"expected_profit": [1.0, 2.0], "customers": [5, 5]},
                                                               index=["champion", "challenger"]),
                                                  course.model, course.split.X_train, [8], threshold=16.7), "looks like a percentage"),
    Mistake("monitoring.latest_monitoring_plan", "an argument it does not take",
            lambda course: monitoring.latest_monitoring_plan("08"), "more values than it takes"),
    Mistake("monitoring.latest_retrain", "an argument it does not take", lambda course: monitoring.latest_retrain("08"),
            "more values than it takes"),
    Mistake("plots.model_health", "the simulation instead of the health table", lambda course: plots.model_health(_year()),
            "monitoring.health_table(year)"),
]
