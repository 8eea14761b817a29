"""churnlab.exercises.core: check(), hint() and solution() never raise and say something useful."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from churnlab.exercises.core import Blank, Mistake, Question, ____, as_fraction_or_number, close


class Double(Question):
    """A toy question: answer must be twice 21."""

    variables = ("answer",)
    hints = ("Think of 21.", "Multiply 21 by 2.")
    solution_code = "answer = 21 * 2"
    solution_why = "Doubling 21 gives 42."

    def grade(self, answer):
        if isinstance(answer, dict):
            return answer["boom"]  # a KeyError: an unexpected crash inside grading
        value = as_fraction_or_number(answer, "answer")
        if value == 21:
            raise Mistake("That is 21 itself: double it.")
        if value == 42:
            return "Forty-two, the answer."
        raise Mistake(f"answer is {value:g}, not twice 21.")


q = Double("q9")


def test_blank_answer_is_not_attempted():
    assert isinstance(____, Blank)
    assert repr(____) == "____"
    outcome = q.outcome({"answer": ____})
    assert outcome.startswith("✏️ q9: not attempted yet")
    assert "Replace each ____ in the cell above" in outcome


def test_a_blank_left_inside_a_text_is_not_attempted():
    # a scaffold's SQL query is one text: the learner's blanks stay inside it
    outcome = q.outcome({"answer": "SELECT month FROM ____ GROUP BY month"})
    assert outcome.startswith("✏️ q9: not attempted yet")


def test_missing_variable_is_not_attempted():
    outcome = q.outcome({"something_else": 1})
    assert outcome.startswith("✏️ q9: not attempted yet")
    assert "Set `answer = ...`" in outcome


def test_right_answer():
    assert q.outcome({"answer": 42}) == "✅ q9: correct! Forty-two, the answer."


def test_mistake_message_is_shown():
    outcome = q.outcome({"answer": 21})
    assert outcome.startswith("❌ q9: not quite. That is 21 itself: double it.")
    assert "q9.hint()" in outcome


def test_a_crash_inside_grade_is_a_cross_not_an_exception():
    outcome = q.outcome({"answer": {"not": "a number"}})
    assert outcome.startswith("❌ q9: I could not check this answer (KeyError)")


@pytest.mark.parametrize(
    "odd", [None, "abc", float("nan"), [1, 2], pd.DataFrame({"a": [1, 2]}), True, object(), np.array([1.0, 2.0])],
    ids=["None", "text", "nan", "list", "DataFrame", "True", "object", "array"],
)
def test_odd_answers_get_a_cross(odd):
    assert q.outcome({"answer": odd}).startswith("❌ q9: ")


def _learner_notebook(answer_source: str) -> dict:
    """Run a cell in its own globals, like a notebook does, and call check() from there."""
    notebook_globals = {"q": q, "____": ____}
    exec(answer_source + "\ndef run_check():\n    q.check()\n", notebook_globals)
    return notebook_globals


def test_check_reads_the_callers_globals(capsys):
    _learner_notebook("answer = 42")["run_check"]()
    assert capsys.readouterr().out == "✅ q9: correct! Forty-two, the answer.\n"
    _learner_notebook("answer = 21")["run_check"]()
    assert "That is 21 itself" in capsys.readouterr().out
    _learner_notebook("answer = ____")["run_check"]()
    assert capsys.readouterr().out.startswith("✏️")


def test_check_called_directly_at_top_level_of_a_cell(capsys):
    # In a notebook, q.check() is called at the top level of a cell, not inside a function.
    exec("answer = 42\nq.check()\n", {"q": q})
    assert capsys.readouterr().out.startswith("✅")


def test_hint_beyond_the_last_says_so(capsys):
    q.hint(4)
    assert capsys.readouterr().out.startswith(f"💡 There are only 3 hints; here is the last one: {q.steps[2]}")


@pytest.mark.parametrize(("step", "shown"), [(1, 1), (2, 2), (3, 3), (0, 1), (-3, 1), ("x", 1), (None, 1), (1.7, 1)])
def test_hint_never_raises(step, shown, capsys):
    q.hint(step)
    out = capsys.readouterr().out
    assert out.startswith(f"💡 Hint {shown} of 3: {q.steps[shown - 1]}")
    assert ("q9.hint(2)" in out) == (shown == 1)


def test_the_last_hint_serves_the_solution_written_once(capsys):
    assert q.steps == (*q.hints, "The line, filled in:\n    answer = 21 * 2")
    q.hint(3)
    assert capsys.readouterr().out == "💡 Hint 3 of 3: The line, filled in:\n    answer = 21 * 2\n"

    class TwoLines(Double):
        solution_code = "half = 21\nanswer = half * 2"
        solution_lead = "Double it:"

    assert TwoLines("q7").steps[-1] == "Double it:\n    half = 21\n    answer = half * 2"

    class LastHintGivesTheLines(Double):  # written before hint() served the solution: not served twice
        hints = ("Think of 21.", "The line:\n    answer = 21 * 2")

    assert LastHintGivesTheLines("q6").steps == LastHintGivesTheLines.hints


def test_hint_without_hints(capsys):
    class NoHints(Double):
        hints = ()
        solution_code = ""

    NoHints("q8").hint()
    assert "no hint for this one" in capsys.readouterr().out

    class OnlyTheSolution(Double):
        hints = ()

    OnlyTheSolution("q8").hint()
    assert capsys.readouterr().out.startswith("💡 Hint 1 of 1: The line, filled in:\n    answer = 21 * 2")


def test_solution_prints_code_and_why(capsys):
    q.solution()
    out = capsys.readouterr().out
    assert out.startswith("📖 Solution to q9:\n    answer = 21 * 2\n")
    assert "Why: Doubling 21 gives 42." in out


def test_repr_tells_what_to_run():
    assert repr(q) == "<q9: run q9.check(), q9.hint() or q9.solution()>"


# --- as_fraction_or_number ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.25, 0.25),
        (3, 3.0),
        (np.float64(0.5), 0.5),
        (np.int64(7), 7.0),
        (pd.Series([0.3]), 0.3),
        (np.array([[0.1]]), 0.1),
    ],
    ids=["float", "int", "numpy float", "numpy int", "Series of 1", "1x1 array"],
)
def test_as_fraction_or_number_accepts_single_numbers(value, expected):
    number = as_fraction_or_number(value, "x")
    assert type(number) is float
    assert number == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (True, "True/False"),
        (np.bool_(False), "True/False"),
        ("0.26", "Remove the quotes"),
        ("$2,820", "Remove the quotes and the $ sign and the commas: churn_rate = 2820."),
        ("-1860", "Remove the quotes: churn_rate = -1860."),
        ("26.5%", "26.5 % is 0.265"),
        ("abc", "not the text 'abc'. Remove the quotes."),
        (np.array([0.1, 0.2]), "holds 2 values"),
        (pd.Series([1, 2, 3]), "holds 3 values. Reduce it to one number"),
        (float("nan"), "NaN"),
        (np.float64("nan"), "NaN"),
        (pd.Series([math.nan]), "NaN"),
        (None, "it is None (empty)"),
        ([1, 2], "it is a list"),
        ({"a": 1}, "it is a dictionary"),
        (pd.DataFrame({"a": [2]}), "it is a table (DataFrame)"),
        ((2, 820), "Python reads the comma in 2,820 as separating numbers. Remove the comma: churn_rate = 2820."),
        ((1, 234, 567), "Remove the comma: churn_rate = 1234567."),
        ((2, 0), "holds 2 values: Python reads a comma as separating numbers. Type one number without commas"),
        ((0, 5), "a decimal with a point: 0.5, not 0,5"),
        ((73, 5), "holds 2 values"),
        ((0.1, 0.2), "holds 2 values"),
        ((True, 200), "holds 2 values"),
    ],
    ids=["bool", "numpy bool", "str", "dollars", "negative", "percent", "word", "array of 2", "Series of 3", "nan", "numpy nan",
         "Series nan", "None", "list", "dict", "1x1 DataFrame", "2,820", "1,234,567", "2,000 (ambiguous)", "0,5", "73,5",
         "pair of decimals", "bool in a pair"],
)
def test_as_fraction_or_number_explains_why_not(value, words):
    with pytest.raises(Mistake) as caught:
        as_fraction_or_number(value, "churn_rate")
    assert str(caught.value).startswith("churn_rate ")
    assert words in str(caught.value)


def test_close_tolerates_three_decimals():
    assert close(0.2654, 0.26537)
    assert not close(0.266, 0.2654)
    assert close(26.54, 26.5369, 0.05)


# --- check(value) ----------------------------------------------------------------------------------


def test_check_takes_the_answer_itself(capsys):
    q.check(42)
    assert capsys.readouterr().out.startswith("✅ q9: correct!")
    q.check(21)
    assert "That is 21 itself" in capsys.readouterr().out


def test_check_with_the_wrong_number_of_answers_says_how(capsys):
    q.check(1, 2)
    printed = capsys.readouterr().out
    assert printed.startswith("❌ q9: q9.check() takes 1 answer(s), for answer; it got 2.")


# --- scaffolds: statements with a blank are skipped -------------------------------------------------

from churnlab.exercises.core import skip_unfilled_statements  # noqa: E402


@pytest.mark.parametrize("source, expected", [
    ("x = 1\ny = f(____)\nq1.check()\n", "x = 1\ny = ____\nq1.check()\n"),
    ("plots.show(____)\n", "pass\n"),
    ("a, b = f(____,\n         2)  # a comment\nprint(a)\n", "a = b = ____\n\nprint(a)\n"),
    ("for c in [1]:\n    t = h(____, c)\n    print(t)\n", "for c in [1]:\n    t = ____\n    print(t)\n"),
    ("with start(name=____) as run:\n    m = 1\nrid = run.info\n", "run = m = ____\n\nrid = run.info\n"),
    ("a = 1; b = ____ + 1\n", "a = 1\nb = ____\n"),
    ("q = '____'\n", "q = '____'\n"),  # a blank in a text is not a blank
    ("a = f\"models:/{name}@____\"\nb = load(a)\n", "a = ____\nb = load(a)\n"),  # ...but in an f-string's text it is
    ("a = f\"models:/{name}@champion\"\n", "a = f\"models:/{name}@champion\"\n"),
    ("x = f(____\n", "x = f(____\n"),  # Python cannot read it: left for Python to report
    ("def f():\n    return ____\n", "def f():\n    return ____\n"),  # runs only when called
])
def test_unfilled_statements_are_replaced_by_their_stand_in(source, expected):
    assert skip_unfilled_statements(source) == expected


def test_an_unfilled_scaffold_runs_in_a_kernel_and_its_check_says_not_attempted(tmp_path):
    import nbformat
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = new_notebook(cells=[
        new_code_cell("from churnlab.exercises.lesson02 import *\nfrom sklearn.metrics import roc_auc_score\n"
                      "from churnlab.exercises.core import course_model, course_split\n"
                      "model, (X_train, X_test, y_train, y_test) = course_model(), course_split()"),
        new_code_cell("churn_scores = model.predict_proba(____)[:, 1]\ntest_auc = roc_auc_score(y_test, ____)\nq3.check()"),
        new_code_cell("churn_scores = model.predict_proba(X_test)[:, 1]\ntest_auc = roc_auc_score(y_test, churn_scores)\nq3.check()"),
        new_code_cell("q3.check(test_auc)"),
    ])
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = ["".join(o.get("text", "") for o in cell.outputs) for cell in notebook.cells]
    assert printed[1].startswith("✏️ q3: not attempted yet")
    assert printed[2].startswith("✅ q3: correct!") and printed[3].startswith("✅ q3: correct!")


def test_a_blank_is_not_a_sequence_so_nothing_iterates_it_for_ever():
    # A blank answers every [] with itself: if Python could iterate it that way, a pandas column compared with a
    # blank (a line filled in before the line above it) would hang the kernel instead of raising at once.
    for attempt in (lambda: list(____), lambda: "x" in ____):
        with pytest.raises(TypeError):
            attempt()
    try:  # pandas 3 refuses it; pandas 2 compares element by element. Either way it finishes.
        pd.Series([0.1, 0.9]) >= ____
    except TypeError:
        pass


def test_chosen_option_reads_any_spelling_and_names_the_choices():
    from churnlab.exercises.core import chosen_option

    options = {"fall back": ("fall back", "fall back to the rule"), "retrain": ("retrain",)}
    assert chosen_option(" Fall_Back  to the RULE ", options, "decision should be an option in quotes", "retrain",
                         "one of the options") == "fall back"
    with pytest.raises(Mistake, match=r"'wait' is not one of the options\."):
        chosen_option("wait", options, "decision should be an option in quotes", "retrain", "one of the options")
    with pytest.raises(Mistake, match=r"decision should be an option in quotes, like 'retrain', not the number 3"):
        chosen_option(3, options, "decision should be an option in quotes", "retrain", "one of the options")
