"""The course's own errors, and how a notebook shows errors to a learner.

In a notebook (once ``churnlab`` is imported):

- a ``CourseError`` prints as "🛑 <message>" instead of a long traceback
  through the course package: the message already says what to fix;
- a mistake a learner commonly makes in their own cell, through pandas,
  scikit-learn or MLflow (a misspelled name, swapped arguments to
  ``roc_auc_score``, a filter that MLflow cannot read, the alias
  ``Champion`` for ``champion``...), prints as "🛑 <what it means and what to
  fix>" followed by Python's own one-line message;
- any other error shows Python's usual traceback.
"""
from __future__ import annotations

import difflib
import re
from typing import Callable


class CourseError(Exception):
    """Something the learner can fix; the message says how."""


class ChurnDataError(CourseError, ValueError):
    """A data file that does not match the course's data dictionary."""


class EconomicsError(CourseError, ValueError):
    """Campaign economics that make no sense (a negative cost, a rate above 100 %)."""


# --- explaining a learner's own mistakes ---------------------------------------------------------------

SCORES_FIRST = (
    "scikit-learn's metrics take the true outcomes first, then the scores or decisions: "
    "roc_auc_score(y_test, churn_scores), precision_score(y_test, contacted). Check the order of the two."
)
FILTER_HELP = (
    "MLflow's filter_string names a run's name tags.mlflow.runName, a parameter params.NAME and a metric "
    "metrics.NAME, with text in single quotes: \"tags.mlflow.runName = 'model C=0.3'\", \"params.kind = 'rule'\", "
    "\"metrics.expected_profit > 10000\"."
)


ORDER_BY_HELP = (
    "MLflow's order_by takes a list of texts, each a column and a direction, in quotes: "
    "order_by=[\"metrics.expected_profit DESC\"] (metrics.NAME, params.NAME or attributes.start_time; "
    "DESC puts the highest first, ASC the lowest)."
)


def _close_name(wrong: str, names) -> str:
    names = [n for n in names if isinstance(n, str) and not n.startswith("_")]
    same_but_case = [n for n in names if n.lower() == wrong.lower() and n != wrong]
    if same_but_case:
        return f" Names are case-sensitive: did you mean {same_but_case[0]!r}?"
    close = difflib.get_close_matches(wrong, [n for n in names if n != wrong], n=1, cutoff=0.75)
    return f" Did you mean {close[0]!r}?" if close else ""


def _explain_name_error(error: BaseException, namespace: dict) -> str | None:
    match = re.search(r"name '([^']+)' is not defined", str(error))
    if not match:
        return None
    name = match.group(1)
    if name == "____":
        return "This line still has a blank (____): replace it with your answer, then run the cell again."
    suggestion = _close_name(name, namespace)
    if not suggestion:  # 'Yes' for "Yes", exit_survey_done for "exit_survey_done": a text without its quotes
        suggestion = f" If you meant the text {name!r} (a value or a column name), put it in quotes: {name!r}."
    return (f"Python does not know {name!r} yet: a typo, or a cell above that has not run in this session.{suggestion} "
            "To run every cell above this one: Run ▸ Run All Above Selected Cell.")


def _cell_frame(error: BaseException, namespace: dict):
    """The frame of the learner's cell in the error's traceback (its globals are the notebook's), or None."""
    traceback, found = error.__traceback__, None
    while traceback is not None:
        if traceback.tb_frame.f_globals is namespace:
            found = traceback
        traceback = traceback.tb_next
    return found


def _names_read_by_the_failing_statement(cell) -> set[str] | None:
    """The variables the cell's failing statement reads (not those it sets), or None if its source is unknown."""
    import ast
    import linecache

    source = "".join(linecache.getlines(cell.tb_frame.f_code.co_filename))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    failing = [node for node in ast.walk(tree) if isinstance(node, ast.stmt) and not isinstance(node, ast.Module)
               and node.lineno <= cell.tb_lineno <= (node.end_lineno or node.lineno)]
    if not failing:
        return None
    innermost = min(failing, key=lambda node: (node.end_lineno or node.lineno) - node.lineno)
    if isinstance(innermost, (ast.With, ast.For, ast.If, ast.While, ast.Try)):  # the header failed: read it alone
        parts = [getattr(innermost, field) for field in ("items", "iter", "test") if hasattr(innermost, field)]
        nodes = [node for part in parts for item in (part if isinstance(part, list) else [part]) for node in ast.walk(item)]
    else:
        nodes = list(ast.walk(innermost))
    return {node.id for node in nodes if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _explain_blank_variable(error: BaseException, namespace: dict) -> str | None:
    """A line that uses a variable whose own line still holds a blank (filled in out of order)."""
    from churnlab.validate import Blank

    if not namespace:
        return None
    cell = _cell_frame(error, namespace)
    if cell is None:
        return None
    blanks = [name for name in cell.tb_frame.f_code.co_names if isinstance(namespace.get(name), Blank)]
    if not blanks:
        return None
    used = _names_read_by_the_failing_statement(cell)
    on_the_line = blanks if used is None else [name for name in blanks if name in used]
    if not on_the_line:  # the failing statement reads no blank: another mistake, explained (or not) by the others
        return None
    names = " and ".join(f"`{name}`" for name in on_the_line[:2])
    verb = "are" if len(on_the_line[:2]) > 1 else "is"
    return (f"{names} {verb} still a blank (____): a line above still has a ____ (or its cell has not run since you filled "
            "it in). Fill in the lines from top to bottom, then run the cell again.")


def _explain_key_error(error: BaseException, namespace: dict) -> str | None:
    if type(error) is not KeyError or not error.args or not isinstance(error.args[0], str):
        return None
    from churnlab.validate import Blank

    key = error.args[0]
    if key.startswith(("metrics.", "params.", "tags.")):
        return (f"The table has no column {key!r}. If it came from mlflow.search_runs, no run matched: an empty result has "
                "no metrics, params or tags columns. Check the filter's run name exactly (spaces, capitals, quotes), "
                "or search without a filter to see the names.")
    tables = [value for value in namespace.values()
              if not isinstance(value, Blank) and hasattr(value, "columns") and hasattr(value, "iloc")]
    columns = {column for table in tables for column in getattr(table, "columns", []) if isinstance(column, str)}
    return (f"There is no column (or row label) {key!r} in that table.{_close_name(key, columns)} "
            "Print table.columns to see a table's column names.")


def _explain_invalid_setting(error: BaseException, namespace: dict) -> str | None:
    """scikit-learn refusing a setting: test_size='0.2', C='0.3', random_state=42.0..."""
    if type(error).__name__ != "InvalidParameterError":
        return None
    match = re.search(r"The '(\w+)' parameter of (\w+) must be (.+?)\. Got (.+) instead", str(error), re.DOTALL)
    if not match:
        return None
    setting, owner, wanted, got = match.groups()
    if re.fullmatch(r"'[^']*'", got.strip()):
        return (f"The setting {setting} got the text {got.strip()}: write numbers and variable names without quotes, "
                f"e.g. {setting}={got.strip()[1:-1]}.")
    return f"{owner} does not accept {setting}={got.strip()}: {setting} must be {wanted}."


def _explain_value_error(error: BaseException, namespace: dict) -> str | None:
    message = str(error)
    if "continuous format is not supported" in message or "mix of binary and continuous" in message:
        return SCORES_FIRST
    if "got an array of shape" in message and ", 2)" in message:
        return ("That holds two columns (the chance of staying and the chance of churning). Keep the churn column: "
                "model.predict_proba(X_test)[:, 1].")
    if "inconsistent numbers of samples" in message:
        return ("The two lists describe different numbers of customers. Use the same customers for both, "
                "e.g. y_test with the scores of X_test (not X_train).")
    return None


def _explain_mlflow_error(error: BaseException, namespace: dict) -> str | None:
    if type(error).__name__ != "MlflowException" and not type(error).__module__.startswith("mlflow"):
        return None
    message = str(error)
    if "alias ____ not found" in message:
        return "The model's address still has a blank (____): replace it with the alias's name."
    alias = re.search(r"alias (\S+) not found", message)
    if alias and alias.group(1) == "champion":
        return ("No version of this model has the alias 'champion' yet: a notebook sets it when it registers a champion "
                "(lesson 05 for the lesson's churn-model, the exercise's set-up for tracking.PRACTICE_MODEL_NAME). "
                "Check the model's name in the address, and run the cell that registers the champion.")
    if alias and alias.group(1).lower() == "champion":
        return (f"The registered model has no alias {alias.group(1)!r}. Aliases are case-sensitive: the course's is 'champion', "
                "as in models:/churn-model@champion.")
    if alias:
        return (f"The registered model has no alias {alias.group(1)!r}. The course's alias for the model to use is 'champion', "
                "as in models:/churn-model@champion.")
    if "order_by" in message or _raised_in(error, "order_by"):
        return ORDER_BY_HELP
    if "Invalid comparator '=='" in message:
        return "MLflow's filters compare with a single =, not ==. " + FILTER_HELP
    if "not quoted" in message:
        return "In a filter, a text value goes in single quotes. " + FILTER_HELP
    if "Expected numeric value type for metric" in message:
        return "In filter_string, a metric is compared with a number, without quotes: \"metrics.expected_profit > 10000\"."
    if "filter" in message.lower() or "Invalid attribute key" in message or "Invalid clause" in message:
        return FILTER_HELP
    if "for parameter 'run_id'" in message and "Invalid value" in message:
        return ("That is not a run id (a run id is 32 letters and digits, like run.info.run_id gives). "
                "To find a run by its name, use mlflow.search_runs with filter_string=\"tags.mlflow.runName = '...'\".")
    if "Run with id=" in message and "not found" in message or "RESOURCE_DOES_NOT_EXIST" in message and "Run" in message:
        return "There is no run with that id in this store. Copy the id from run.info.run_id, or search for the run by name."
    if re.search(r"Model Version \(name=.+, version=.+\) not found", message):
        return ("The registry has no such version of this model. Ask for the model by its alias instead, "
                "models:/NAME@champion, which always points at the version to use.")
    if re.search(r"Registered Model with name=.+ not found", message):
        return ("The registry has no model with that name. The exercises' model is tracking.PRACTICE_MODEL_NAME; "
                "the lesson's is tracking.MODEL_NAME.")
    return None


def _raised_in(error: BaseException, word: str) -> bool:
    traceback = error.__traceback__
    while traceback is not None:
        if word in traceback.tb_frame.f_code.co_name:
            return True
        traceback = traceback.tb_next
    return False


def _explain_empty_table(error: BaseException, namespace: dict) -> str | None:
    if isinstance(error, IndexError) and "single positional indexer is out-of-bounds" in str(error):
        return ("The table has no row at that position: it is empty, or shorter than you think. If it came from "
                "mlflow.search_runs, no run matched the filter: check the run's name exactly (spaces, capitals, quotes).")
    return None


def _explain_not_fitted(error: BaseException, namespace: dict) -> str | None:
    if type(error).__name__ != "NotFittedError":
        return None
    return "The model is not trained yet: make_churn_model() only builds the recipe. Train it first with model.fit(X_train, y_train)."


def _explain_none(error: BaseException, namespace: dict) -> str | None:
    if isinstance(error, AttributeError) and "'NoneType' object has no attribute" in str(error):
        return ("A value here is None (empty): the line that should have set it did not give a result "
                "(a print(...) shows a value but returns None), or its cell has not run.")
    return None


def _explain_missing_module(error: BaseException, namespace: dict) -> str | None:
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return None
    return (f"This notebook needs the package {error.name!r}, which is not installed in this Python. On your computer, run "
            "the README's install command again; in Colab, run the notebook's first cell, which adds what Colab lacks.")


EXPLAINERS: list[Callable[[BaseException, dict], str | None]] = [
    _explain_name_error, _explain_blank_variable, _explain_key_error, _explain_invalid_setting, _explain_value_error,
    _explain_mlflow_error, _explain_not_fitted, _explain_none, _explain_missing_module, _explain_empty_table,
]


def explain(error: BaseException, namespace: dict | None = None) -> str | None:
    """What a common mistake means and how to fix it, in a learner's words; None for errors we do not know."""
    for explainer in EXPLAINERS:
        try:
            explanation = explainer(error, namespace or {})
        except Exception:  # explaining must never fail on top of the learner's error
            explanation = None
        if explanation:
            return explanation
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")


def _show_error(shell, error_type, error, traceback, tb_offset=None):
    if isinstance(error, CourseError):
        print(f"🛑 {error_type.__name__}: {error}")
        return None
    explanation = explain(error, getattr(shell, "user_ns", {}))
    if explanation is None:  # not a mistake we know: Python's own traceback is the most useful thing to show
        shell.showtraceback((error_type, error, traceback), tb_offset=tb_offset)
        return None
    print(f"🛑 {explanation}\n   (Python's message: {_first_line(error)})")
    return None


def install_friendly_errors() -> None:
    """In IPython/Jupyter, show course errors and common mistakes as a short message instead of a traceback."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: normal tracebacks are fine there
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((Exception,), _show_error)
