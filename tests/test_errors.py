"""How a notebook shows errors: course errors and common mistakes as short messages, the rest as tracebacks."""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from churnlab.errors import explain


def _error_of(call):
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the point is to look at any error
        return error
    raise AssertionError("no error raised")


def test_a_misspelled_name_is_explained_with_a_suggestion():
    error = _error_of(lambda: eval("X_tset", {}))
    explanation = explain(error, {"X_test": 1})
    assert "Python does not know 'X_tset'" in explanation and "Did you mean 'X_test'" in explanation


def test_swapped_arguments_to_roc_auc_score_are_explained():
    from sklearn.metrics import roc_auc_score

    error = _error_of(lambda: roc_auc_score([0.1, 0.8, 0.3], [0, 1, 0]))
    assert "true outcomes first" in explain(error)


def test_two_column_probabilities_are_explained():
    import numpy as np
    from sklearn.metrics import roc_auc_score

    error = _error_of(lambda: roc_auc_score([0, 1, 0], np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])))
    assert "predict_proba(X_test)[:, 1]" in explain(error)


def test_a_column_in_the_wrong_case_is_explained():
    import pandas as pd

    table = pd.DataFrame({"contract": ["One year"]})
    error = _error_of(lambda: table["Contract"])
    assert "did you mean 'contract'" in explain(error, {"customers": table})


def test_mlflow_mistakes_are_explained():
    from mlflow.exceptions import MlflowException

    assert "case-sensitive" in explain(MlflowException("Registered model alias Champion not found."))
    assert "tags.mlflow.runName" in explain(MlflowException("Invalid attribute key 'name' specified. Valid keys are ..."))
    # Messages as MLflow 3.17 words them (checked against a real store).
    assert "single quotes" in explain(MlflowException(
        "Parameter value is either not quoted or unidentified quote types used for string value x. Use either single or double quotes."))
    assert "without quotes" in explain(MlflowException("Expected numeric value type for metric. Found '3'"))
    assert "no run with that id" in explain(MlflowException("Run with id=0123456789abcdef0123456789abcdef not found"))


def test_an_unknown_error_is_not_explained():
    assert explain(ZeroDivisionError("division by zero")) is None


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A notebook's cells run in a real kernel, each error allowed, outputs kept."""
    notebook = new_notebook(cells=[
        new_code_cell("import churnlab\nfrom churnlab.errors import CourseError"),
        new_code_cell("raise CourseError('Use 0.3, not 30.')"),
        new_code_cell("from sklearn.metrics import roc_auc_score\nroc_auc_score([0.1, 0.8, 0.3], [0, 1, 0])"),
        new_code_cell("1 / 0"),
    ])
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}}).execute()
    return notebook


def _shown(cell) -> str:
    return "".join(o.get("text", "") + "".join(o.get("traceback", [])) for o in cell.outputs)


def test_in_a_notebook_a_course_error_is_one_line(executed):
    assert _shown(executed.cells[1]).strip() == "🛑 CourseError: Use 0.3, not 30."


def test_in_a_notebook_a_known_mistake_is_explained_without_a_traceback(executed):
    shown = _shown(executed.cells[2])
    assert shown.startswith("🛑 scikit-learn's metrics take the true outcomes first")
    assert "(Python's message: ValueError:" in shown and "Traceback" not in shown and "site-packages" not in shown


def test_in_a_notebook_another_error_keeps_its_traceback(executed):
    assert "ZeroDivisionError" in _shown(executed.cells[3]) and "🛑" not in _shown(executed.cells[3])


# --- the mistakes the exercises' scaffolds make likely --------------------------------------------------


def test_a_text_typed_without_quotes_is_explained():
    explanation = explain(_error_of(lambda: eval("Yes", {})), {"customers": 1})
    assert "put it in quotes: 'Yes'" in explanation


def test_a_setting_in_quotes_is_explained():
    from sklearn.model_selection import train_test_split

    error = _error_of(lambda: train_test_split([1, 2, 3, 4, 5], test_size="0.2"))
    assert "got the text '0.2': write numbers and variable names without quotes, e.g. test_size=0.2" in explain(error)


def test_a_setting_out_of_range_is_explained():
    from sklearn.model_selection import train_test_split

    error = _error_of(lambda: train_test_split([1, 2, 3, 4, 5], test_size=20.0))
    assert "train_test_split does not accept test_size=20.0: test_size must be a float in the range (0.0, 1.0)" in explain(error)


@pytest.fixture(scope="module")
def mlflow_store(tmp_path_factory):
    from churnlab import tracking

    import mlflow

    uri = tracking.prepare_store("sqlite:///" + (tmp_path_factory.mktemp("store") / "mlflow.db").as_posix(),
                                 experiment_names=("errors",), model_names=("errors-model",))
    previous = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None
    mlflow.set_tracking_uri(uri)
    yield mlflow
    mlflow.set_tracking_uri(previous)


@pytest.mark.parametrize("call, phrase", [
    (lambda mlflow: mlflow.search_runs(experiment_names=["errors"], order_by=["expected_profit DESC"]), "order_by takes a list"),
    (lambda mlflow: mlflow.search_runs(experiment_names=["errors"], order_by=["metrics.expected_profit DSC"]), "order_by takes a list"),
    (lambda mlflow: mlflow.search_runs(experiment_names=["errors"], order_by="metrics.expected_profit DESC"), "order_by takes a list"),
    (lambda mlflow: mlflow.search_runs(experiment_names=["errors"], filter_string="name = 'x'"), "tags.mlflow.runName"),
    (lambda mlflow: mlflow.search_runs(experiment_names=["errors"], filter_string="tags.mlflow.runName == 'x'"), "a single =, not =="),
    (lambda mlflow: mlflow.search_runs(experiment_names=["errors"], filter_string="tags.mlflow.runName = x"), "goes in single quotes"),
    (lambda mlflow: mlflow.search_runs(experiment_names=["errors"], filter_string="metrics.recall > '0.5'"), "without quotes"),
    (lambda mlflow: mlflow.get_run("model C=0.3"), "That is not a run id"),
    (lambda mlflow: mlflow.sklearn.load_model("models:/errors-model@Champion"), "case-sensitive"),
    (lambda mlflow: mlflow.sklearn.load_model("models:/errors-model@champion"), "No version of this model has the alias 'champion' yet"),
    (lambda mlflow: mlflow.sklearn.load_model("models:/errors-model@best"), "The course's alias for the model to use is 'champion'"),
    (lambda mlflow: mlflow.sklearn.load_model("models:/errors-model@____"), "still has a blank (____)"),
    (lambda mlflow: mlflow.sklearn.load_model("models:/errors-model/7"), "Ask for the model by its alias"),
    (lambda mlflow: mlflow.sklearn.load_model("models:/no-such-model@champion"), "The registry has no model with that name"),
], ids=["order_by column", "order_by direction", "order_by not a list", "filter name", "filter ==", "filter quotes", "metric in quotes",
        "run name as id", "alias case", "alias not set", "other alias", "alias blank", "version", "model name"])
def test_mlflow_mistakes_of_the_exercises_are_explained(mlflow_store, call, phrase):
    explanation = explain(_error_of(lambda: call(mlflow_store)))
    assert explanation and phrase in explanation, explanation


def test_a_metric_column_missing_from_an_empty_search_result_is_explained():
    import pandas as pd

    empty = pd.DataFrame({"run_id": []})
    explanation = explain(_error_of(lambda: empty["metrics.recall"]), {"rule_runs": empty,
                                                                       "runs": pd.DataFrame({"metrics.recall": [0.9]})})
    assert "no run matched" in explanation and "Did you mean" not in explanation


def test_an_empty_search_result_is_explained():
    import pandas as pd

    error = _error_of(lambda: pd.DataFrame({"metrics.recall": []})["metrics.recall"].iloc[0])
    assert "no run matched the filter" in explain(error)


@pytest.fixture(scope="module")
def scaffold_run(tmp_path_factory):
    """An exercise's scaffold run in a real kernel: a line filled before the line above it."""
    notebook = new_notebook(cells=[
        new_code_cell("from churnlab.exercises.lesson02 import *\nfrom sklearn.metrics import roc_auc_score\n"
                      "from churnlab.exercises.core import course_model, course_split\n"
                      "model, (X_train, X_test, y_train, y_test) = course_model(), course_split()"),
        new_code_cell("churn_scores = model.predict_proba(____)[:, 1]\ntest_auc = roc_auc_score(y_test, churn_scores)\nq3.check()"),
        new_code_cell("test_auc = roc_auc_score(y_test, ____)\nq3.check()"),
        new_code_cell("roc_auc_score(y_test, X_test['tenure'] * churn_scores)"),
        new_code_cell("import pandas as pd\ntable = pd.DataFrame({'total_charges': [1.0]})\ncount = table[____].isna().sum()"),
        new_code_cell("count = table['Total_charges'].isna().sum()"),
    ])
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}}).execute()
    return notebook


def test_a_line_that_uses_a_blank_from_the_line_above_is_explained(scaffold_run):
    shown = _shown(scaffold_run.cells[1])
    assert shown.startswith("🛑 `churn_scores` is still a blank (____)"), shown
    assert "Fill in the lines from top to bottom" in shown and "Traceback" not in shown


def test_a_cell_whose_only_line_is_unfilled_runs_and_says_not_attempted(scaffold_run):
    assert _shown(scaffold_run.cells[2]).startswith("✏️ q3: not attempted yet")


def test_a_blank_from_an_earlier_cell_is_explained_too(scaffold_run):
    assert _shown(scaffold_run.cells[3]).startswith("🛑 `churn_scores` is still a blank (____)")


def test_a_variable_the_failing_line_sets_is_not_blamed_and_a_blank_in_the_notebook_breaks_nothing(scaffold_run):
    # `count` is still a blank, but the line only sets it: the mistake is the column's capital letter.
    shown = _shown(scaffold_run.cells[5])
    assert shown.startswith("🛑 There is no column (or row label) 'Total_charges'"), shown
    assert "did you mean 'total_charges'" in shown
