"""The package's boundary: what every public function checks before it starts.

A learner calls course functions with the natural mistakes of someone new to
Python: a column name with a capital letter, the model where its scores were
expected, ``None`` from a cell that did not run, a percentage where a fraction
belongs. Each public function checks its arguments with the helpers below,
which raise ``CourseError`` with a message that says what to fix; the
notebook shows it as one line, never a traceback from inside pandas,
scikit-learn or MLflow.

``course_function`` is the other half: the decorator every public function
wears. It turns a call with missing or misspelled arguments into a
``CourseError`` that shows the function's arguments. An error the helpers did
not foresee is not the learner's mistake: it leaves as a ``CourseBug`` that
names the function and the original error, says it is the course's bug and how
to report it, and keeps the traceback (``tests/test_mistakes.py`` tries the
natural mistakes on every public function, and fails when one reaches it).
"""
from __future__ import annotations

import difflib
import functools
import inspect
import math
import numbers
from typing import Any, Callable, Iterable, TypeVar

import numpy as np
import pandas as pd

from churnlab._base.blank import Blank, is_blank  # noqa: F401  (Blank: churnlab.validate.Blank is its old address)
from churnlab._base.errors import CourseBug, CourseError, issues_url

F = TypeVar("F", bound=Callable[..., Any])

FALLBACK_WORDS = "stopped with"  # the fallback message: tests assert that the listed mistakes never reach it


# --- describing a value in a learner's words ----------------------------------------------------------


def kind_of(value: Any) -> str:
    """What a value is, in words a learner knows: "a list", "None (empty)", "a table (DataFrame)"."""
    if value is None:
        return "None (empty)"
    if isinstance(value, (bool, np.bool_)):
        return f"{bool(value)} (True/False)"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, numbers.Number):  # np.int64(2) reads "2", as a learner typed it
        return f"the number {value.item() if isinstance(value, np.generic) else value!r}"
    if isinstance(value, pd.DataFrame):
        return f"a table (DataFrame) of {len(value):,} rows"
    if isinstance(value, pd.Series):
        return f"one column (a Series) of {len(value):,} values"
    if isinstance(value, np.ndarray):
        return f"an array of {value.size:,} values"
    kinds = {list: "a list", tuple: "a tuple", dict: "a dictionary", set: "a set"}
    if type(value) in kinds:
        return kinds[type(value)]
    if hasattr(value, "predict_proba") or hasattr(value, "fit"):
        return "a model"
    return f"a {type(value).__name__}"


def _did_you_mean(wrong: str, choices: Iterable[str]) -> str:
    """ " (did you mean 'contract'?)" for a near miss, or ""."""
    choices = [str(c) for c in choices]
    same_but_case = [c for c in choices if c.lower() == wrong.lower()]
    if same_but_case:
        return f" (names are case-sensitive: did you mean {same_but_case[0]!r}?)"
    close = difflib.get_close_matches(wrong, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- numbers ----------------------------------------------------------------------------------------


def number(value: Any, name: str, low: float | None = None, high: float | None = None, example: str = "10") -> float:
    """A real, finite number (optionally within ``low``..``high``), or ``CourseError``."""
    if isinstance(value, str):
        raise CourseError(f"{name} should be a number, like {example}, not {kind_of(value)}. Remove the quotes (and any $ or % sign).")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.size == 1:
            value = value.item()
        else:
            raise CourseError(f"{name} should be one number, like {example}, not {kind_of(value)}.")
    result = float(value)
    if math.isnan(result) or math.isinf(result):
        raise CourseError(f"{name} is {result}; it needs a real, finite number, like {example}.")
    if low is not None and result < low:
        raise CourseError(f"{name} is {result:g}; it should be at least {low:g}.")
    if high is not None and result > high:
        raise CourseError(f"{name} is {result:g}; it should be at most {high:g}.")
    return result


def percentage_hint(value: float) -> str:
    """" That looks like a percentage: 30 % is 0.3." for a share typed as a percentage (above 1, at most 100), else ""."""
    return f" That looks like a percentage: {value:g} % is {value / 100:g}." if 1 < value <= 100 else ""


def fraction(value: Any, name: str, example: str = "0.3") -> float:
    """A share between 0 and 1; a percentage (30 for 30 %) gets its own message."""
    result = number(value, name, example=example)
    if not 0 <= result <= 1:
        raise CourseError(f"{name} is {result:g}; it is a share, so it must be between 0 and 1 (like {example})."
                          + percentage_hint(result))
    return result


def whole_number(value: Any, name: str, low: int = 0, example: str = "200") -> int:
    """A whole number at least ``low``, or ``CourseError``."""
    result = number(value, name, example=example)
    if not result.is_integer():
        raise CourseError(f"{name} should be a whole number, like {example}, not {result:g}.")
    if result < low:
        raise CourseError(f"{name} is {result:g}; it should be {low} or more.")
    return int(result)


def text(value: Any, name: str, example: str = "'contract'") -> str:
    """A non-empty text, or ``CourseError``."""
    if not isinstance(value, str):
        raise CourseError(f"{name} should be a text in quotes, like {example}, not {kind_of(value)}.")
    if not value.strip():
        raise CourseError(f"{name} is empty; write it in quotes, like {example}.")
    return value


def one_of(value: Any, name: str, options: Iterable[str]) -> str:
    """One of ``options`` (texts); a near miss gets a "did you mean".""" 
    options = [str(o) for o in options]
    value = text(value, name, example=repr(options[0]) if options else "'...'")
    if value in options:
        return value
    listed = ", ".join(repr(o) for o in options)
    raise CourseError(f"{name} is {value!r}{_did_you_mean(value, options)}; it should be one of {listed}.")


# --- tables and columns -------------------------------------------------------------------------------


def dataframe(value: Any, name: str, needs: Iterable[str] = (), example: str = "customers = load_churn()") -> pd.DataFrame:
    """A table (DataFrame) that has every column in ``needs``, or ``CourseError`` saying which one is missing."""
    if isinstance(value, pd.Series):
        raise CourseError(f"{name} should be a table of customers (a DataFrame), but it is {kind_of(value)}. "
                          f"Pass the whole table, e.g. {example}.")
    if not isinstance(value, pd.DataFrame):
        raise CourseError(f"{name} should be a table of customers (a DataFrame), like {example}, not {kind_of(value)}.")
    missing = [column for column in needs if column not in value.columns]
    if missing:
        raise CourseError(f"{name} has no column {missing[0]!r}{_did_you_mean(missing[0], value.columns)}, which this needs. "
                          f"Is it the right table? It should be like {example}.")
    return value


def column(table: pd.DataFrame, value: Any, name: str = "column", table_name: str = "the table") -> str:
    """A column name of ``table`` (a near miss, like 'Contract' for 'contract', gets a "did you mean")."""
    if not isinstance(value, str):
        raise CourseError(f"{name} should be a column name in quotes, like 'contract', not {kind_of(value)}.")
    if value not in table.columns:
        suggestion = _did_you_mean(value, table.columns)
        listed = "" if suggestion else f" Its columns: {', '.join(map(str, list(table.columns)[:8]))}, ..."
        raise CourseError(f"{table_name} has no column {value!r}{suggestion}.{listed}")
    return value


# --- one value per customer ---------------------------------------------------------------------------


def _one_value_per_customer(values: Any, name: str) -> np.ndarray:
    if hasattr(values, "predict_proba") or hasattr(values, "fit"):
        raise CourseError(f"{name} should hold one value per customer, but it is a model. For its churn scores use "
                          "model.predict_proba(X_test)[:, 1].")
    if values is None or isinstance(values, (str, bytes, dict)) or np.ndim(values) == 0:
        raise CourseError(f"{name} should hold one value per customer (like y_test), not {kind_of(values)}.")
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise CourseError(f"{name} is a table with {values.shape[1]} columns; it should be one value per customer. "
                              "Pick one column.")
        values = values.iloc[:, 0]
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 2:
        raise CourseError(f"{name} has two columns (the chance of staying and the chance of churning). Keep the churn "
                          "column only: model.predict_proba(X_test)[:, 1].")
    if array.ndim != 1:
        raise CourseError(f"{name} should be a flat list of values, one per customer, but it has shape {array.shape}.")
    return array


def outcomes(values: Any, name: str = "y_true") -> np.ndarray:
    """True outcomes, 1 (churned) or 0 (stayed), one per customer, as an int array."""
    array = _one_value_per_customer(values, name)
    if array.dtype == bool:
        return array.astype(np.int64)
    if array.dtype.kind not in "iuf":
        sample = array[:1].tolist()
        hint = " Turn 'Yes'/'No' into 1/0 with churnlab.model.churn_label(customers)." if sample and sample[0] in ("Yes", "No") else ""
        raise CourseError(f"{name} should be 1 for customers who churned and 0 for those who stayed, but it holds values "
                          f"such as {sample}.{hint} The y_test from split_customers is right.")
    if array.size and not np.isin(array, (0, 1)).all():
        other = array[~np.isin(array, (0, 1))][:1].tolist()
        raise CourseError(f"{name} should only hold 1 (churned) and 0 (stayed); it has other values (for example {other}). "
                          "Did you pass scores where the true outcomes go? The outcomes come first, e.g. (y_test, churn_scores).")
    return array.astype(np.int64)


def scores(values: Any, name: str = "churn_scores") -> np.ndarray:
    """Churn scores (higher = riskier), one finite number per customer, as a float array."""
    array = _one_value_per_customer(values, name)
    if array.dtype == bool:
        array = array.astype(np.int64)
    if array.dtype.kind not in "iuf":
        raise CourseError(f"{name} should be numbers (higher = more likely to churn), not texts or other {array.dtype} "
                          "values. Use model.predict_proba(X_test)[:, 1] or a rule's score.")
    array = array.astype(np.float64)
    if np.isnan(array).any():
        raise CourseError(f"{name} has {int(np.isnan(array).sum())} empty (NaN) values; every customer needs a score.")
    if np.isinf(array).any():
        raise CourseError(f"{name} has infinite values; every customer needs a finite score.")
    return array


def flags(values: Any, name: str = "contacted") -> np.ndarray:
    """A yes/no per customer (True/False or 1/0), as a bool array."""
    array = _one_value_per_customer(values, name)
    if array.dtype == bool:
        return array
    if array.dtype.kind in "iuf" and (array.size == 0 or np.isin(array, (0, 1)).all()):
        return array.astype(bool)
    raise CourseError(f"{name} should be True/False (or 1/0) per customer. For scores, compare them with a threshold "
                      "first, e.g. churn_scores >= 0.5.")


def numbers_per_item(values: Any, name: str) -> np.ndarray:
    """A flat list of numbers (thresholds to try, capacities...), as a float array."""
    array = _one_value_per_customer(values, name)
    if array.dtype.kind not in "iuf" or array.dtype == bool:
        raise CourseError(f"{name} should be a list of numbers, like [0.1, 0.3, 0.5], but it holds "
                          f"{array.dtype.kind == 'b' and 'True/False values' or 'texts or other values'}: remove any quotes.")
    return array.astype(np.float64)


def threshold(value: Any, churn_scores: np.ndarray | None = None, name: str = "threshold") -> float:
    """A threshold for ``churn_scores``: between 0 and 1 when the scores are probabilities.

    For other scores (risk points 0–5, a rule's 1/0) any number works. A
    percentage where a probability belongs (16.7 for 0.167) gets its own message.
    """
    result = number(value, name, example="0.167")
    as_probabilities = churn_scores is None or churn_scores.size == 0 or (churn_scores.min() >= 0 and churn_scores.max() <= 1)
    if as_probabilities and not 0 <= result <= 1:
        raise CourseError(f"{name} is {result:g}, outside 0–1: churn probabilities run from 0 to 1, so a threshold "
                          f"outside that range contacts everyone or no one.{percentage_hint(result)}")
    return result


def same_customers(first: Any, second: Any, first_name: str, second_name: str) -> None:
    """Both hold one value per customer for the same customers, in the same order."""
    first_length, second_length = len(first), len(second)
    if first_length != second_length:
        raise CourseError(f"{first_name} has {first_length:,} customers but {second_name} has {second_length:,}. Both must "
                          "describe the same customers, e.g. y_test and the scores of X_test.")
    first_index, second_index = getattr(first, "index", None), getattr(second, "index", None)
    if isinstance(first_index, pd.Index) and isinstance(second_index, pd.Index) and not first_index.equals(second_index):
        raise CourseError(f"{first_name} and {second_name} list different customers, or the same customers in another order. "
                          f"Score the customers you take the outcomes from (e.g. X_test with y_test), or align them with "
                          f".loc[{first_name}.index].")


# --- models --------------------------------------------------------------------------------------------


def fitted_model(model: Any, name: str = "model") -> Any:
    """A trained model with ``predict_proba``, or ``CourseError`` saying how to get one."""
    if model is None:
        raise CourseError(f"{name} is None (empty). Train a model first: {name} = make_churn_model().fit(X_train, y_train).")
    if isinstance(model, (np.ndarray, pd.Series, list)):
        raise CourseError(f"{name} should be the trained model, but it is {kind_of(model)}: its scores, perhaps? "
                          f"Pass the model itself, e.g. {name} = make_churn_model().fit(X_train, y_train).")
    if not hasattr(model, "predict_proba"):
        raise CourseError(f"{name} should be a trained churn model (make_churn_model().fit(X_train, y_train)), not {kind_of(model)}.")
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(model)
    except NotFittedError:
        raise CourseError(f"{name} is not trained yet: make_churn_model() only builds the recipe. "
                          f"Train it with {name}.fit(X_train, y_train) first.") from None
    except TypeError:  # not a scikit-learn estimator (an MLflow pyfunc model): predict_proba is enough
        pass
    return model


# --- the decorator ---------------------------------------------------------------------------------------


def _plain_signature(signature: inspect.Signature) -> str:
    parts = []
    for parameter in signature.parameters.values():
        if parameter.kind is parameter.VAR_POSITIONAL:
            parts.append(f"*{parameter.name}")
        elif parameter.kind is parameter.VAR_KEYWORD:
            parts.append(f"**{parameter.name}")
        elif parameter.default is parameter.empty:
            parts.append(parameter.name)
        else:
            parts.append(f"{parameter.name}={parameter.default!r}")
    return f"({', '.join(parts)})"


def _reworded(error: TypeError, signature: inspect.Signature) -> str:
    message = str(error)
    names = list(signature.parameters)
    if message.startswith("missing a required argument:"):
        missing = message.split(":", 1)[1].strip().strip("'")
        return f"it needs {missing!r} too"
    if message.startswith("got an unexpected keyword argument"):
        wrong = message.rsplit(" ", 1)[-1].strip("'")
        return f"it has no argument called {wrong!r}{_did_you_mean(wrong, names)}"
    if message.startswith("too many positional arguments"):
        return "it was given more values than it takes"
    if message.startswith("multiple values for argument"):
        twice = message.rsplit(" ", 1)[-1].strip("'")
        return f"{twice!r} was given twice (once by position, once by name)"
    return message


def public_module(module: str) -> str:
    """The learner-facing name of a module: ``monitoring`` for ``churnlab.monitoring.drift``, ``exercises.lesson08``."""
    parts = module.removeprefix("churnlab.").split(".")
    return ".".join(parts[:2]) if parts[0] == "exercises" else parts[0]


def course_function(function: F) -> F:
    """Mark ``function`` as public: wrong arguments become a ``CourseError``, unforeseen errors a ``CourseBug``.

    A call with a missing, extra or misspelled argument gets a message that
    shows the function's arguments. Given an exercise blank (``____``), it
    returns a blank without running, so an unfilled exercise still runs. Inside, the function checks its
    arguments with the helpers of this module, which raise ``CourseError``; anything else that
    goes wrong is the course's bug, reported as a ``CourseBug`` that names the function and the
    original error (its traceback kept) and says how to report it.
    """
    signature = inspect.signature(function)
    module = public_module(function.__module__)
    shown = f"{module}.{function.__qualname__}{_plain_signature(signature)}"

    takes_any_keyword = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())

    @functools.wraps(function)
    def checked(*args, **kwargs):
        unknown = [name for name in kwargs if name not in signature.parameters]
        if unknown and not takes_any_keyword:  # a misspelled name first: it also explains the "missing" one
            raise CourseError(f"{shown}: it has no argument called {unknown[0]!r}{_did_you_mean(unknown[0], signature.parameters)}.")
        try:
            signature.bind(*args, **kwargs)
        except TypeError as error:
            raise CourseError(f"{shown}: {_reworded(error, signature)}.") from None
        if any(is_blank(value) for value in (*args, *kwargs.values())):
            return Blank()  # an exercise line not filled in yet: its result is a blank too
        try:
            return function(*args, **kwargs)
        except (CourseError, CourseBug):
            raise
        except Exception as error:
            raise CourseBug(
                f"{module}.{function.__qualname__} {FALLBACK_WORDS} {type(error).__name__}: {error}. "
                f"This is a bug in the course's package, not your mistake. Please report it at {issues_url()} "
                f"with this message and the traceback. Meanwhile, check what you gave it: {shown} "
                f"(help({module}.{function.__name__}) explains each argument)."
            ) from error

    checked.course_function = True
    return checked  # type: ignore[return-value]
