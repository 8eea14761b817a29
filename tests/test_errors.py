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
