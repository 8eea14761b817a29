"""How a notebook shows errors: course errors and common mistakes as short messages, the rest as tracebacks."""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from churnlab._notebook.explainers import explain


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


def test_a_metric_named_in_quotes_is_explained():
    from fairlearn.metrics import MetricFrame

    error = _error_of(lambda: MetricFrame(metrics="recall", y_true=[0, 1], y_pred=[0, 1], sensitive_features=[0, 1]))
    assert "metrics=recall_score" in explain(error)
    assert "without quotes" in explain(error)


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
    assert "got the text '0.2': write numbers without quotes: test_size=0.2." in explain(error)


def test_a_variable_in_quotes_for_a_setting_is_explained():
    from sklearn.model_selection import train_test_split

    churned = [0, 1] * 5
    error = _error_of(lambda: train_test_split(list(range(10)), churned, stratify="churned"))
    assert explain(error, {"churned": churned}).startswith(
        "The setting stratify got the text 'churned', not the variable churned: write it without quotes: stratify=churned.")
    # A text that is neither a number nor a variable: no made-up fix, the setting's needs and where to look.
    explanation = explain(_error_of(lambda: train_test_split(list(range(10)), churned, stratify="labels")), {})
    assert "must be an array-like or None" in explanation and "the variable the question names, without quotes" in explanation


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
    (lambda mlflow: mlflow.sklearn.load_model("champion"), "'champion' is not a model's address: an address starts with models:/"),
], ids=["order_by column", "order_by direction", "order_by not a list", "filter name", "filter ==", "filter quotes", "metric in quotes",
        "run name as id", "alias case", "alias not set", "other alias", "alias blank", "version", "model name", "a word, not an address"])
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


# --- a learner's own cell: the explanations that read the failing line -----------------------------------


def _explain_cell(source: str, variables: dict) -> str | None:
    """Run ``source`` as a notebook cell runs (its lines readable, the notebook's variables as its globals); explain its error."""
    import linecache

    namespace = dict(variables)
    filename = f"<cell-{abs(hash(source))}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    return explain(_error_of(lambda: exec(compile(source, filename, "exec"), namespace)), namespace)


@pytest.fixture(scope="module")
def notebook_variables():
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    X_test = pd.DataFrame({"tenure": [1.0, 30.0, 2.0, 50.0]})
    y_test = pd.Series([1, 0, 1, 0])

    def split_customers(table):
        return table

    return {"X_test": X_test, "y_test": y_test, "model": LogisticRegression().fit(X_test, y_test),
            "split_customers": split_customers, "pd": pd}


def test_a_table_in_quotes_given_to_the_model_is_explained(notebook_variables):
    assert _explain_cell('churn_scores = model.predict_proba("X_test")[:, 1]', notebook_variables) == (
        '"X_test" in quotes is a text, not the variable X_test: write the variable\'s name without quotes, X_test.')


def test_a_variable_set_to_a_quoted_name_is_explained_where_it_is_used(notebook_variables):
    explanation = _explain_cell('customers_to_judge = "X_test"\ncontacted = customers_to_judge["tenure"] < 12',
                                notebook_variables)
    assert explanation == ("customers_to_judge holds the text 'X_test', not the variable X_test: on the line that sets "
                           "customers_to_judge, write X_test without quotes.")


def test_a_quoted_column_name_is_not_blamed_on_quotes_even_if_a_variable_has_that_name(notebook_variables):
    explanation = _explain_cell('months = X_test["Tenure"]', {**notebook_variables, "Tenure": 5})
    assert explanation.startswith("There is no column (or row label) 'Tenure'") and "without quotes" not in explanation
    explanation = _explain_cell('model.predict_proba("tenure")', {**notebook_variables, "tenure": [1, 2]})
    assert "in quotes is a text" not in explanation


def test_a_missing_column_named_in_a_list_by_pandas_is_explained(notebook_variables):
    # drop_duplicates("customer") raises KeyError(Index(['customer'])), not KeyError('customer') (exercise 07, q2)
    table = notebook_variables["X_test"].assign(customer_id=range(len(notebook_variables["X_test"])))
    explanation = _explain_cell('customers = table.drop_duplicates("customer")', {**notebook_variables, "table": table})
    assert explanation.startswith("There is no column (or row label) 'customer'") and "'customer_id'" in explanation


def test_a_text_that_names_no_variable_is_not_blamed_on_quotes(notebook_variables):
    # "tenure" is a column's name, not a variable: the quotes are right, the mistake is elsewhere (a text is not a table)
    assert _explain_cell('churn_scores = model.predict_proba("tenure")', notebook_variables).startswith(
        "The model needs a table of customers, not 'tenure' (one text or number)")


def test_a_number_given_to_the_model_is_explained(notebook_variables):
    assert _explain_cell("model.predict_proba(0.3)", notebook_variables).startswith(
        "The model needs a table of customers, not '0.3'")


def test_a_function_used_as_a_table_is_explained(notebook_variables):
    assert _explain_cell('short = split_customers["tenure"] < 12', notebook_variables).startswith(
        "split_customers is a function (a command that computes something), not a table")
    assert _explain_cell('short = pd["tenure"]', notebook_variables).startswith("pd is a module (a box of commands), not a table")
    # a text used as a table is another mistake: not called a function
    assert "function" not in (_explain_cell('word = "abc"\nword["tenure"]', notebook_variables) or "")


def test_a_lesson_variable_missing_from_the_exercise_is_not_advised_quotes(notebook_variables):
    explanation = explain(_error_of(lambda: eval("churned", {})), {"X_test": notebook_variables["X_test"]})
    assert "Use the variable the question names, without quotes" in explanation and "put it in quotes" not in explanation


def test_a_column_name_without_quotes_is_explained(notebook_variables):
    explanation = explain(_error_of(lambda: eval("tenure", {})), {"X_test": notebook_variables["X_test"]})
    assert explanation == "'tenure' is a column's name, not a variable: a column's name is a text, so put it in quotes: 'tenure'."


# --- lines Python cannot read: spreadsheet habits ------------------------------------------------------


def _syntax_error_of(line: str) -> SyntaxError:
    try:
        compile(line, "<cell>", "exec")
    except SyntaxError as error:
        return error
    raise AssertionError(f"{line!r} is valid Python")


@pytest.mark.parametrize("line, explanation", [
    ("n_unbilled = 1,035", "Type numbers without commas between the thousands: n_unbilled = 1035"),
    ("profit = 12,010,050", "Type numbers without commas between the thousands: profit = 12010050"),
    ("churn_rate = 26.5%", "Type a share as a fraction, without the % sign (26.5 % is 0.265): churn_rate = 0.265"),
    ("q1.check(26.5 %)", "Type a share as a fraction, without the % sign (26.5 % is 0.265): q1.check(0.265)"),
    ("profit = $2,820", "Type an amount as a plain number, without the $ sign or commas: profit = 2820"),
    ("profit = 2,820$  # the answer", "Type an amount as a plain number, without the $ sign or commas: profit = 2820"),
    ("rate = 0,05", "Write a decimal with a point, not a comma: rate = 0.05"),
    ("answer = “Yes”", "Type quotes straight (\" or '), not curly: answer = \"Yes\""),
    ('left = customers["churn"].eq("Yes).mean()', 'Close a text with the quote that opens it: left = customers["churn"].eq("Yes").mean()'),
    ("answer = 'Yes", "Close a text with the quote that opens it: answer = 'Yes'"),
    ("answer = \"Yes'", "Close a text with the quote that opens it: answer = \"Yes\""),
    ("with mlflow.start_run():\n    run_name = model C=0.3", "If this is a text (a name, or words with spaces), put it in quotes: run_name = \"model C=0.3\""),
    ('mlflow.start_run(run_name=model C=0.3)', 'put it in quotes: mlflow.start_run(run_name="model C=0.3")'),
], ids=["1,035", "12,010,050", "26.5%", "26.5 % in a check", "$2,820", "2,820$", "0,05", "curly quotes", "open quote", "open single quote",
        "mixed quotes", "words", "words in a call"])
def test_a_spreadsheet_habit_is_explained_with_the_line_fixed(line, explanation):
    assert explain(_syntax_error_of(line), {"mlflow": object(), "customers": object()}).endswith(explanation)


@pytest.mark.parametrize("line, namespace", [
    ("if churned", {}),  # a missing colon: not a spreadsheet habit
    ("roc_auc_score(y_test churn_scores)", {"roc_auc_score": 1, "y_test": 1, "churn_scores": 1}),  # a missing comma
    ("profit = 2 820", {}),  # no words to quote: not guessed
    ("x = (1 + ", {}),  # no fix Python could read
    ("print('$10') )", {}),  # a $ inside a text is fine: the mistake is the bracket
])
def test_other_syntax_errors_keep_python_s_message(line, namespace):
    assert explain(_syntax_error_of(line), namespace) is None


@pytest.fixture(scope="module")
def habits_run(tmp_path_factory):
    """Spreadsheet habits typed in a real kernel (whichever IPython this environment has)."""
    notebook = new_notebook(cells=[
        new_code_cell("import churnlab"),
        new_code_cell("churn_rate = 26.5%"),
        new_code_cell("import pandas as pd\nX_test = pd.DataFrame({'tenure': [1, 2]})\ncustomers_to_judge = 'X_test'\n"
                      "short = customers_to_judge['tenure'] < 12"),
        new_code_cell("if churn_rate\n    pass"),
    ])
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}}).execute()
    return notebook


def test_in_a_notebook_a_spreadsheet_habit_is_one_explanation(habits_run):
    assert _shown(habits_run.cells[1]) == (
        "🛑 Type a share as a fraction, without the % sign (26.5 % is 0.265): churn_rate = 0.265\n"
        "   (Python's message: SyntaxError: invalid syntax)\n")


def test_in_a_notebook_a_quoted_variable_is_explained(habits_run):
    assert _shown(habits_run.cells[2]).startswith("🛑 customers_to_judge holds the text 'X_test', not the variable X_test")


def test_in_a_notebook_another_syntax_error_keeps_python_s_display(habits_run):
    shown = _shown(habits_run.cells[3])
    assert "SyntaxError" in shown and "expected ':'" in shown and "🛑" not in shown


def test_arithmetic_with_a_text_names_the_likely_key():
    numbers = {"best_rule": "risk points ≥ 2", "best_rule_profit": 12220.0, "model_profit": 12640.0}
    error = _error_of(lambda: numbers["model_profit"] - numbers["best_rule"])
    explanation = explain(error, {"numbers": numbers})
    assert "computes with a text" in explanation and "best_rule_profit" in explanation
    assert explain(_error_of(lambda: 1 - None), {}) is None  # not a text: left to Python's own message


def test_a_variable_holding_the_address_typed_in_quotes_is_explained(mlflow_store):
    model_address = "models:/errors-model@champion"
    error = _error_of(lambda: mlflow_store.sklearn.load_model("model_address"))
    explanation = explain(error, {"model_address": model_address})
    assert "remove the quotes" in explanation and "load_model(model_address)" in explanation


class _Shell:
    """Just enough of IPython's shell for the notebook hook."""

    user_ns: dict = {}

    def __init__(self):
        self.tracebacks = []

    def showtraceback(self, exc_tuple, tb_offset=None):
        self.tracebacks.append(exc_tuple)


def test_the_notebook_hook_shows_a_course_errors_cause_and_a_course_bugs_traceback(capsys):
    from churnlab._notebook.explainers import _show_error
    from churnlab.errors import CourseBug, CourseError

    shell = _Shell()
    try:
        raise CourseError("threshold is 50; give a share.") from ValueError("could not convert")
    except CourseError as error:
        _show_error(shell, type(error), error, error.__traceback__)
    shown = capsys.readouterr().out
    assert "🛑 CourseError: threshold is 50" in shown and "because of ValueError: could not convert" in shown
    assert shell.tracebacks == [], "a learner's mistake gets no traceback"
    bug = CourseBug("plots.churn_rate_by stopped with KeyError: 'x'. This is a bug in the course's package")
    _show_error(shell, CourseBug, bug, None)
    assert "🐞" in capsys.readouterr().out and len(shell.tracebacks) == 1, "the course's bug keeps its traceback"


def test_a_number_variable_in_quotes_is_explained_when_the_library_does_not_name_it(notebook_variables):
    # exercise 07, q1: statsmodels says "ufunc 'sqrt' not supported for the input types", naming no text
    source = ('from statsmodels.stats.proportion import proportion_effectsize\n'
              'effect = proportion_effectsize(churn_no_campaign, "churn_weaker_offer")')
    variables = {**notebook_variables, "churn_no_campaign": 0.265, "churn_weaker_offer": 0.21}
    assert _explain_cell(source, variables) == (
        '"churn_weaker_offer" in quotes is a text, not the number the variable churn_weaker_offer holds: write the '
        "variable's name without quotes, churn_weaker_offer.")
    # a quoted text that names no number variable is left to the other explainers
    assert "in quotes is a text" not in (_explain_cell(source, {**variables, "churn_weaker_offer": "0.21"}) or "")


def test_a_column_name_without_quotes_is_named_a_column_even_beside_a_look_alike_variable(notebook_variables):
    # exercise 08, q1: year.customers.loc[month == 1, tenure], with tenure_psi set by an earlier run of the cell
    class Year:
        def __init__(self, customers):
            self.customers = customers

    table = notebook_variables["X_test"].assign(month=1)
    variables = {**notebook_variables, "year": Year(table), "month": table["month"], "tenure_psi": 0.01}
    assert _explain_cell('year.customers.loc[month == 1, tenure]', variables) == (
        "'tenure' is a column's name, not a variable: a column's name is a text, so put it in quotes: 'tenure'.")
