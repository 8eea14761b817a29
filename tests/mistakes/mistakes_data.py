"""Natural mistakes with churnlab.data (see tests/mistakes/mistakes.py)."""
from churnlab import data

from mistakes import Mistake

MISTAKES = [
    Mistake("data.load_churn", "the table itself where a path goes",
            lambda course: data.load_churn(course.customers), "call load_churn() with nothing between the brackets"),
    Mistake("data.load_churn", "a path that does not exist", lambda course: data.load_churn("telco.csv"), "No data file at"),
    Mistake("data.load_churn", "a folder instead of the CSV", lambda course: data.load_churn("datasets"), "is a folder"),
    Mistake("data.data_dictionary", "an argument it does not take",
            lambda course: data.data_dictionary("contract"), "it was given more values than it takes"),
    Mistake("data.with_made_up_exit_survey", "the feature table (no churn column)",
            lambda course: data.with_made_up_exit_survey(course.split.X_test), "has no column 'churn'"),
    Mistake("data.with_made_up_exit_survey", "a seed in quotes",
            lambda course: data.with_made_up_exit_survey(course.customers, seed="7"), "Remove the quotes"),
]
