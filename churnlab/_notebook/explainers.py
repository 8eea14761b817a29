"""How a notebook shows errors to a learner: the friendly explainers and the IPython hook.

In a notebook (once ``churnlab`` is imported):

- a ``CourseError`` prints as "🛑 <message>" instead of a long traceback
  through the course package: the message already says what to fix (and the
  error behind it, if any, follows on one line);
- a ``CourseBug`` (an unexpected error inside the package) prints its message,
  which says it is the course's bug and how to report it, then its traceback;
- a mistake a learner commonly makes in their own cell, through pandas,
  scikit-learn or MLflow (a misspelled name, swapped arguments to
  ``roc_auc_score``, a filter that MLflow cannot read, the alias
  ``Champion`` for ``champion``, a variable's name typed in quotes...), prints
  as "🛑 <what it means and what to fix>" followed by Python's own one-line
  message;
- a line Python cannot read because of a spreadsheet habit (``1,035``,
  ``73.5%``, ``$2,820``, curly quotes, a quote left open, words without quotes)
  prints as "🛑 <the habit>: <the line, fixed>";
- any other error shows Python's usual traceback.
"""
from __future__ import annotations

import ast
import builtins
import difflib
import inspect
import keyword
import linecache
import numbers
import re
from typing import Callable

from churnlab._base.blank import BLANK_NAME, Blank
from churnlab._base.errors import CourseBug, CourseError


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


# Names the lessons give their variables. A learner who types one in an exercise that calls it otherwise
# (y where the exercise has churned) means a variable, not a text: never advise quotes for these.
LESSON_VARIABLES = frozenset({
    "X", "y", "X_train", "X_test", "y_train", "y_test", "customers", "traits", "churned", "model", "churn_scores",
    "scores", "threshold", "break_even", "economics", "runs", "run", "champion", "model_address", "split",
})


def _variables(namespace: dict) -> dict:
    """The learner's own variables: no IPython bookkeeping (_, _i3, In, Out), no blanks."""
    return {name: value for name, value in namespace.items() if isinstance(name, str) and not name.startswith("_")
            and name not in ("In", "Out", "exit", "quit") and not isinstance(value, Blank)}


def _is_table(value) -> bool:
    return hasattr(value, "columns") and hasattr(value, "iloc")


def _columns(namespace: dict) -> set[str]:
    """The column names of every table in the notebook, and of the tables its objects hold (``year.customers``)."""
    tables = []
    for value in _variables(namespace).values():
        if _is_table(value):
            tables.append(value)
        elif not inspect.ismodule(value) and not isinstance(value, type):
            held = getattr(value, "__dict__", None)
            tables += [item for item in (held.values() if isinstance(held, dict) else ()) if _is_table(item)]
    return {column for table in tables for column in table.columns if isinstance(column, str)}


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
    if name == BLANK_NAME:
        return "This line still has a blank (____): replace it with your answer, then run the cell again."
    start = f"Python does not know {name!r} yet: a typo, or a cell above that has not run in this session."
    run_above = " To run every cell above this one: Run ▸ Run All Above Selected Cell."
    if name in _columns(namespace):  # year.customers.loc[month == 1, tenure]: before any look-alike variable
        return f"{name!r} is a column's name, not a variable: a column's name is a text, so put it in quotes: {name!r}."
    suggestion = _close_name(name, namespace)
    if suggestion:
        return start + suggestion + run_above
    if name in LESSON_VARIABLES:  # the lesson's name for something this notebook may call otherwise
        return (f"Python does not know {name!r}: no cell of this notebook has set it (a cell above has not run, or the "
                "lesson's name for something this notebook calls otherwise). Use the variable the question names, "
                "without quotes." + run_above)
    # 'Yes' for "Yes", exit_survey_done for "exit_survey_done": a text without its quotes
    return start + f" If you meant the text {name!r} (a value or a column name), put it in quotes: {name!r}." + run_above


def _cell_frame(error: BaseException, namespace: dict):
    """The frame of the learner's cell in the error's traceback (its globals are the notebook's), or None."""
    traceback, found = error.__traceback__, None
    while traceback is not None:
        if traceback.tb_frame.f_globals is namespace:
            found = traceback
        traceback = traceback.tb_next
    return found


def _names_read_by_the_failing_statement(error: BaseException, namespace: dict) -> set[str] | None:
    """The variables the cell's failing statement reads (not those it sets), or None if its source is unknown."""
    innermost, _ = _failing_statement(error, namespace)
    if innermost is None:
        return None
    if isinstance(innermost, (ast.With, ast.For, ast.If, ast.While, ast.Try)):  # the header failed: read it alone
        parts = [getattr(innermost, field) for field in ("items", "iter", "test") if hasattr(innermost, field)]
        nodes = [node for part in parts for item in (part if isinstance(part, list) else [part]) for node in ast.walk(item)]
    else:
        nodes = list(ast.walk(innermost))
    return {node.id for node in nodes if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _explain_blank_variable(error: BaseException, namespace: dict) -> str | None:
    """A line that uses a variable whose own line still holds a blank (filled in out of order)."""
    if not namespace:
        return None
    cell = _cell_frame(error, namespace)
    if cell is None:
        return None
    blanks = [name for name in cell.tb_frame.f_code.co_names if isinstance(namespace.get(name), Blank)]
    if not blanks:
        return None
    used = _names_read_by_the_failing_statement(error, namespace)
    on_the_line = blanks if used is None else [name for name in blanks if name in used]
    if not on_the_line:  # the failing statement reads no blank: another mistake, explained (or not) by the others
        return None
    names = " and ".join(f"`{name}`" for name in on_the_line[:2])
    verb = "are" if len(on_the_line[:2]) > 1 else "is"
    return (f"{names} {verb} still a blank (____): a line above still has a ____ (or its cell has not run since you filled "
            "it in). Fill in the lines from top to bottom, then run the cell again.")


def _explain_key_error(error: BaseException, namespace: dict) -> str | None:
    key = error.args[0] if type(error) is KeyError and error.args else None
    if isinstance(key, list) or type(key).__name__ == "Index":  # drop_duplicates("customer"): pandas lists the labels
        labels = [label for label in list(key) if isinstance(label, str)]
        key = labels[0] if len(labels) == 1 else None
    if not isinstance(key, str):
        return None
    if key.startswith(("metrics.", "params.", "tags.")):
        return (f"The table has no column {key!r}. If it came from mlflow.search_runs, no run matched: an empty result has "
                "no metrics, params or tags columns. Check the filter's run name exactly (spaces, capitals, quotes), "
                "or search without a filter to see the names.")
    tables = [value for value in namespace.values()
              if not isinstance(value, Blank) and hasattr(value, "columns") and hasattr(value, "iloc")]
    columns = {column for table in tables for column in getattr(table, "columns", []) if isinstance(column, str)}
    return (f"There is no column (or row label) {key!r} in that table.{_close_name(key, columns)} Copy the column's "
            "name exactly as the table above prints it, in quotes (print table.columns to list a table's columns).")


def _explain_invalid_setting(error: BaseException, namespace: dict) -> str | None:
    """scikit-learn refusing a setting: test_size='0.2', C='0.3', random_state=42.0..."""
    if type(error).__name__ != "InvalidParameterError":
        return None
    match = re.search(r"The '(\w+)' parameter of (\w+) must be (.+?)\. Got (.+) instead", str(error), re.DOTALL)
    if not match:
        return None
    setting, owner, wanted, got = match.groups()
    if re.fullmatch(r"'[^']*'", got.strip()):
        text = got.strip()[1:-1]
        if text in _variables(namespace):
            return f"The setting {setting} got the text {text!r}, not the variable {text}: write it without quotes: {setting}={text}."
        if re.fullmatch(r"\s*-?[\d.]+\s*", text):
            return f"The setting {setting} got the text {text!r}: write numbers without quotes: {setting}={text.strip()}."
        return (f"The setting {setting} got the text {text!r}: {setting} must be {wanted}. If it needs data, write the "
                "name of the variable the question names, without quotes.")
    return f"{owner} does not accept {setting}={got.strip()}: {setting} must be {wanted}."


def _failing_statement(error: BaseException, namespace: dict):
    """The innermost statement of the learner's cell that raised ``error`` (an ast node) and the cell's source."""
    cell = _cell_frame(error, namespace)
    if cell is None:
        return None, ""
    source = "".join(linecache.getlines(cell.tb_frame.f_code.co_filename))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None, source
    failing = [node for node in ast.walk(tree) if isinstance(node, ast.stmt)
               and node.lineno <= cell.tb_lineno <= (node.end_lineno or node.lineno)]
    if not failing:
        return None, source
    return min(failing, key=lambda node: (node.end_lineno or node.lineno) - node.lineno), source


def _explain_quoted_variable(error: BaseException, namespace: dict) -> str | None:
    """A variable's name typed in quotes ("X_test" for X_test), which a library then refused as a text."""
    if isinstance(error, KeyError):  # table["tenure"]: a quoted column name is right, whatever variables exist
        return None
    statement, source = _failing_statement(error, namespace)
    if statement is None:
        return None
    variables = {name: value for name, value in _variables(namespace).items() if not isinstance(value, str)}
    texts = [node for node in ast.walk(statement) if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and node.value not in _columns(namespace)]
    for text in texts:  # model.predict_proba("X_test"): the library's message names the text it got
        if text.value in variables and text.value in str(error):
            typed = ast.get_source_segment(source, text) or repr(text.value)
            return (f"{typed} in quotes is a text, not the variable {text.value}: write the variable's name without "
                    f"quotes, {text.value}.")
    if isinstance(error, TypeError):  # proportion_effectsize(p, "churn_b"): numpy's message ("ufunc 'sqrt'...") names no text
        quoted_numbers = [text for text in texts if _is_a_number(variables.get(text.value))]
        if len(quoted_numbers) == 1:
            text = quoted_numbers[0]
            typed = ast.get_source_segment(source, text) or repr(text.value)
            return (f"{typed} in quotes is a text, not the number the variable {text.value} holds: write the variable's "
                    f"name without quotes, {text.value}.")
    for node in ast.walk(statement):  # customers_to_judge = "X_test" on a line above, then customers_to_judge[...]
        value = namespace.get(node.id) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) else None
        if isinstance(value, str) and value in variables:
            return (f"{node.id} holds the text {value!r}, not the variable {value}: on the line that sets {node.id}, "
                    f"write {value} without quotes.")
    return None


def _is_a_number(value) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _explain_not_a_table(error: BaseException, namespace: dict) -> str | None:
    """A function used as a table: split_customers["tenure"] gives "'function' object is not subscriptable"."""
    if not isinstance(error, TypeError) or "object is not subscriptable" not in str(error):
        return None
    statement, _ = _failing_statement(error, namespace)
    for node in ast.walk(statement) if statement is not None else []:
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            value = namespace.get(node.value.id)
            if callable(value) or inspect.ismodule(value):
                what = "a module (a box of commands)" if inspect.ismodule(value) else "a function (a command that computes something)"
                return (f"{node.value.id} is {what}, not a table, so it has no columns or rows to pick with [...]. "
                        "Use the table the question names.")
    return None


def _explain_value_error(error: BaseException, namespace: dict) -> str | None:
    message = str(error)
    if "continuous format is not supported" in message or "mix of binary and continuous" in message:
        return SCORES_FIRST
    if "got an array of shape" in message and ", 2)" in message:
        return ("That holds two columns (the chance of staying and the chance of churning). Keep the churn column: "
                "model.predict_proba(X_test)[:, 1].")
    scalar = re.search(r"Expected 2D array, got scalar array instead:\s*array=(.*?)\.?\s*Reshape", message, re.DOTALL)
    if scalar:  # model.predict_proba(0.3) ("X_test" in quotes is explained before, as a quoted variable)
        return (f"The model needs a table of customers, not {scalar.group(1).strip()!r} (one text or number): give it the "
                "table's variable, without quotes, e.g. model.predict_proba(X_test).")
    if "passed as metric function not callable" in message:  # fairlearn's MetricFrame(metrics="recall", ...)
        return ("MetricFrame's metrics= takes the metric itself: a function's name, typed without quotes, like "
                "metrics=recall_score (from sklearn.metrics import recall_score), not the text \"recall\".")
    if "inconsistent numbers of samples" in message:
        return ("The two lists describe different numbers of customers. Use the same customers for both, "
                "e.g. y_test with the scores of X_test (not X_train).")
    return None


def _explain_mlflow_error(error: BaseException, namespace: dict) -> str | None:
    if type(error).__name__ != "MlflowException" and not type(error).__module__.startswith("mlflow"):
        return None
    message = str(error)
    bare = re.search(r"No such artifact: '([^':/]*)'", message)
    if bare:  # load_model("champion"): a word, not an address
        word = bare.group(1)
        if word in namespace and isinstance(namespace[word], str):  # load_model("model_address"): the variable in quotes
            return (f"\"{word}\" in quotes is the text {word!r}, not your variable: remove the quotes, "
                    f"as in load_model({word}), so the address the variable holds ({namespace[word]}) is used.")
        return (f"{word!r} is not a model's address: an address starts with models:/, then the registered "
                "model's name, @ and the alias, as in models:/churn-model@champion.")
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


def _explain_arithmetic_with_text(error: BaseException, namespace: dict) -> str | None:
    """Sums with a text: numbers["best_rule"] (a rule's name) where numbers["best_rule_profit"] was meant."""
    if not isinstance(error, TypeError):
        return None
    match = re.search(r"unsupported operand type\(s\) for ([^:]+): '(\w+)' and '(\w+)'", str(error))
    if not match or "str" not in match.group(2, 3):
        return None
    return (f"This line computes with a text (words in quotes), not a number ({match.group(1).strip()} needs two numbers). "
            "Check each value it uses: a key or column that holds a name (like \"best_rule\") instead of the amount "
            "(like \"best_rule_profit\"), or a number typed in quotes (write 0.5, not \"0.5\").")


def _explain_missing_module(error: BaseException, namespace: dict) -> str | None:
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return None
    return (f"This notebook needs the package {error.name!r}, which is not installed in this Python. On your computer, run "
            "the README's install command again; in Colab, run the notebook's first cell, which adds what Colab lacks.")


# --- lines Python cannot read: spreadsheet habits ------------------------------------------------------

AMOUNT = r"(\d[\d,]*(?:\.\d+)?)"
PERCENT = r"(?<![\w.])(\d+(?:\.\d+)?)\s*%(?=\s*(?:$|[,)\]}]))"  # 73.5% ending a value: not a % b (a remainder)


def _code_and_comment(line: str) -> tuple[str, str]:
    """A line's code and its trailing comment (a # outside quotes starts it)."""
    quote = None
    for position, character in enumerate(line):
        if quote:
            quote = None if character == quote else quote
        elif character in "\"'":
            quote = character
        elif character == "#":
            return line[:position].rstrip(), line[position:]
    return line.rstrip(), ""


def _readable(code: str) -> bool:
    """True when Python can read the line: alone, as a block's first line, or as a line inside brackets."""
    for candidate in (code, code + "\n    pass", "f(\n" + code + "\n)", "[\n" + code + "\n]"):
        try:
            compile(candidate, "<line>", "exec")
            return True
        except (SyntaxError, ValueError):
            continue
    return False


def _value_around(code: str, index: int) -> tuple[int, int]:
    """Where the value around ``index`` starts and ends: after an = (not ==), a bracket or a comma, up to the next."""
    starts = [match.end() for match in re.finditer(r"(?<![=!<>])=(?!=)\s*|[(\[{,]\s*", code[:index])]
    start = starts[-1] if starts else len(code[:index]) - len(code[:index].lstrip())
    end = re.search(r"[,)\]}]|$", code[index:]).start() + index
    return start, end


def _quote_the_words(code: str, offset: int, namespace: dict) -> str | None:
    """``run_name = model C=0.3`` → ``run_name = "model C=0.3"``: words typed without their quotes, or None."""
    start, end = _value_around(code, max(offset - 1, 0))
    value = code[start:end].rstrip()
    words = [word.split(".")[0] for word in re.findall(r"[A-Za-z_][\w.]*", value)]
    if not re.search(r"\S\s+\S", value) or value[0] in "\"'" or not words:
        return None
    if all(word in namespace or hasattr(builtins, word) or keyword.iskeyword(word) for word in words):
        return None  # names Python knows: a missing comma or operator, not a text
    return code[:start] + '"' + value + '"' + code[start + len(value):]


def _close_the_quote(code: str, offset: int) -> str | None:
    """``.eq("Yes).mean()`` → ``.eq("Yes").mean()``: a text whose quote was never closed, or None."""
    opening = offset - 1
    if not 0 <= opening < len(code) or code[opening] not in "\"'":
        return None
    quote, rest = code[opening], code[opening + 1:]
    other = "'" if quote == '"' else '"'
    if other in rest:  # "Yes' : closed with the other kind of quote
        return code[:opening + 1] + rest.replace(other, quote, 1)
    end = re.search(r"[)\]},]|\s#|$", rest).start()
    return code[:opening + 1] + rest[:end].rstrip() + quote + rest[len(rest[:end].rstrip()):]


def _explain_syntax_error(error: BaseException, namespace: dict) -> str | None:
    """A line Python cannot read because of a spreadsheet habit: the habit, and the line fixed."""
    if type(error) is not SyntaxError or not error.text or not error.text.strip():
        return None
    code = _code_and_comment(error.text.splitlines()[0])[0].strip()
    offset = (error.offset or 1) - (len(error.text.splitlines()[0]) - len(error.text.splitlines()[0].lstrip()))
    message, fixed, habits = error.msg or "", code, []
    if re.search("[“”‘’]", fixed):
        fixed = fixed.translate(str.maketrans("“”‘’", "\"\"''"))
        habits.append("type quotes straight (\" or '), not curly")
    if "$" in re.sub(r"'[^']*'|\"[^\"]*\"", "", fixed):  # a $ outside quotes
        fixed = re.sub(rf"\$\s*{AMOUNT}|{AMOUNT}\s*\$", lambda m: (m.group(1) or m.group(2)).replace(",", ""), fixed)
        habits.append("type an amount as a plain number, without the $ sign or commas")
    percent = re.search(PERCENT, fixed)
    if percent:
        fixed = re.sub(PERCENT, lambda m: f"{float(m.group(1)) / 100:.10g}", fixed)
        habits.append(f"type a share as a fraction, without the % sign ({percent.group(1)} % is "
                      f"{float(percent.group(1)) / 100:.10g})")
    if "leading zeros" in message:  # 1,035: Python refuses a number that starts with 0, as 035 does
        thousands = re.sub(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\d.])", lambda m: m.group(0).replace(",", ""), fixed)
        if thousands != fixed:
            fixed, habits = thousands, habits + ["type numbers without commas between the thousands"]
        else:  # 0,05
            fixed, habits = re.sub(r"(?<![\w.,])(\d+),(\d+)(?![\d,])", r"\1.\2", fixed), habits + ["write a decimal with a point, not a comma"]
    if not habits and message.startswith("unterminated string"):
        fixed = _close_the_quote(code, offset) or code
        habits.append("close a text with the quote that opens it")
    if not habits and message.startswith("invalid syntax"):
        fixed = _quote_the_words(code, offset, _variables(namespace)) or code
        habits.append("if this is a text (a name, or words with spaces), put it in quotes")
    if fixed == code or not _readable(fixed):  # only a fix Python can read is worth showing
        return None
    habit = "; ".join(habits)
    return f"{habit[0].upper()}{habit[1:]}: {fixed}"


EXPLAINERS: list[Callable[[BaseException, dict], str | None]] = [
    _explain_syntax_error, _explain_name_error, _explain_blank_variable, _explain_quoted_variable, _explain_key_error,
    _explain_invalid_setting, _explain_value_error, _explain_mlflow_error, _explain_not_fitted, _explain_none,
    _explain_not_a_table, _explain_arithmetic_with_text, _explain_missing_module, _explain_empty_table,
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
    if isinstance(error, SyntaxError):  # its str() adds IPython's cell file name
        return f"{type(error).__name__}: {error.msg}"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")


def _show_error(shell, error_type, error, traceback, tb_offset=None):
    if isinstance(error, CourseError):
        print(f"🛑 {error_type.__name__}: {error}")
        if error.__cause__ is not None:  # what went wrong underneath, for whoever reads a screenshot
            print(f"   (because of {_first_line(error.__cause__)})")
        return None
    if isinstance(error, CourseBug):  # the course's bug: say so, then everything a maintainer needs
        print(f"🐞 {error}")
        shell.showtraceback((error_type, error, traceback), tb_offset=tb_offset)
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
