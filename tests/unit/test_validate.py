"""churnlab.validate: the helpers every public function checks its arguments with, and the decorator."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from churnlab import validate
from churnlab.errors import CourseBug, CourseError
from churnlab.validate import Blank, course_function


def _message(call) -> str:
    with pytest.raises(CourseError) as raised:
        call()
    return str(raised.value)


def test_kind_of_names_values_in_plain_words():
    assert validate.kind_of(None) == "None (empty)"
    assert validate.kind_of("abc") == "the text 'abc'"
    assert validate.kind_of(pd.DataFrame({"a": [1]})) == "a table (DataFrame) of 1 rows"
    assert validate.kind_of([1]) == "a list"


def test_numbers_fractions_and_whole_numbers():
    assert validate.number(3, "x") == 3.0
    assert "Remove the quotes" in _message(lambda: validate.number("10", "cost"))
    assert "finite" in _message(lambda: validate.number(float("nan"), "cost"))
    assert "at least 0" in _message(lambda: validate.number(-1, "cost", low=0))
    assert validate.fraction(0.3, "rate") == 0.3
    assert "looks like a percentage" in _message(lambda: validate.fraction(30, "rate"))
    assert "between 0 and 1" in _message(lambda: validate.fraction(-0.5, "rate"))
    assert validate.whole_number(200.0, "k") == 200
    assert "whole number" in _message(lambda: validate.whole_number(2.5, "k"))


def test_one_of_suggests_a_near_miss():
    assert validate.one_of("equal_recall", "rule", ["equal_recall", "one_threshold"]) == "equal_recall"
    assert "did you mean 'equal_recall'" in _message(lambda: validate.one_of("equal recall", "rule", ["equal_recall", "one_threshold"]))


def test_tables_and_columns():
    table = pd.DataFrame({"contract": ["Month-to-month"], "tenure": [3]})
    assert validate.dataframe(table, "customers", needs=("contract",)) is table
    assert "one column (a Series)" in _message(lambda: validate.dataframe(table["contract"], "customers"))
    assert "no column 'churn'" in _message(lambda: validate.dataframe(table, "customers", needs=("churn",)))
    assert validate.column(table, "tenure") == "tenure"
    assert "case-sensitive: did you mean 'contract'" in _message(lambda: validate.column(table, "Contract"))
    assert "did you mean 'tenure'" in _message(lambda: validate.column(table, "tenur"))
    assert "in quotes" in _message(lambda: validate.column(table, 3))


def test_outcomes_scores_and_flags():
    assert validate.outcomes([1, 0, True]).tolist() == [1, 0, 1]
    assert "churn_label" in _message(lambda: validate.outcomes(["Yes", "No"]))
    assert "outcomes come first" in _message(lambda: validate.outcomes([0.2, 0.9]))
    assert validate.scores([0.1, 0.9]).dtype == np.float64
    assert "predict_proba(X_test)[:, 1]" in _message(lambda: validate.scores(np.zeros((3, 2))))
    assert "empty (NaN)" in _message(lambda: validate.scores([0.1, float("nan")]))
    assert "it is a model" in _message(lambda: validate.scores(_Model()))
    assert validate.flags([1, 0]).tolist() == [True, False]
    assert "compare them with a threshold" in _message(lambda: validate.flags([0.3, 0.7]))


def test_same_customers():
    first = pd.Series([1, 0], index=["C1", "C2"])
    validate.same_customers(first, pd.Series([0.1, 0.2], index=["C1", "C2"]), "y_true", "churn_scores")
    assert "has 2 customers but churn_scores has 3" in _message(
        lambda: validate.same_customers(first, [0.1, 0.2, 0.3], "y_true", "churn_scores"))
    assert "different customers" in _message(
        lambda: validate.same_customers(first, pd.Series([0.1, 0.2], index=["C2", "C1"]), "y_true", "churn_scores"))


class _Model:
    def predict_proba(self, X):
        return np.zeros((len(X), 2))

    def fit(self, X, y):
        return self


def test_fitted_model():
    from churnlab.model import make_churn_model

    assert "None (empty)" in _message(lambda: validate.fitted_model(None))
    assert "its scores, perhaps" in _message(lambda: validate.fitted_model(np.zeros(3)))
    assert "not trained yet" in _message(lambda: validate.fitted_model(make_churn_model()))
    assert "trained churn model" in _message(lambda: validate.fitted_model("model"))


@course_function
def _campaign(customers, threshold, economics=None):
    """A stand-in public function."""
    return threshold * 2


@course_function
def _broken(value):
    return {}["missing"]


def test_course_function_rewords_a_wrong_call():
    assert _campaign.course_function
    assert "it needs 'threshold' too" in _message(lambda: _campaign("customers"))
    assert "(customers, threshold, economics=None)" in _message(lambda: _campaign("customers"))
    assert "no argument called 'treshold' (did you mean 'threshold'?)" in _message(lambda: _campaign("c", treshold=1))
    assert "more values than it takes" in _message(lambda: _campaign(1, 2, 3, 4))
    assert _campaign("customers", 0.5) == 1.0


def test_course_function_reports_an_unforeseen_error_as_the_course_bug_it_is():
    with pytest.raises(CourseBug) as raised:
        _broken(1)
    message = str(raised.value)
    assert not isinstance(raised.value, CourseError), "a bug in the package is not the learner's mistake"
    assert "_broken stopped with KeyError" in message and "help(" in message
    assert "bug in the course's package" in message and "/issues" in message
    assert isinstance(raised.value.__cause__, KeyError), "the original error and its traceback are kept"


def test_course_function_gives_a_blank_back_for_a_blank():
    assert isinstance(_campaign(Blank(), 0.5), Blank)
    assert isinstance(_campaign("customers", threshold=Blank()), Blank)


def test_a_blank_propagates_through_what_is_computed_from_it():
    blank = Blank()
    assert isinstance(blank.info.run_id, Blank)
    assert isinstance(blank(3)[1] * 100 + 1, Blank)
    assert f"{blank:.2f}" == "____" and repr(blank) == "____"
