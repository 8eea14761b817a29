"""What every question of every exercise must do alike.

Each lesson's exercise module ``churnlab/exercises/lessonNN.py`` has its test file
``tests/exercises/test_exercises_lessonNN.py``, which lists ``RIGHT_ANSWERS`` and ``WRONG_ANSWERS``
per question; this file runs them all, and checks that:

- each lesson has questions q1-qN, at least four and the last the optional "go further";
- every right answer listed in the lesson's test file passes, through the variable and through qN.check(answer);
- every wrong answer listed there (at least three per question) gets a ❌ with the phrase that names its mistake,
  both ways too, and so do a few arbitrary values (0, 1, 0.5, the base rate...);
- a blank says "not attempted yet", and odd answers (None, text, NaN, a list, a table...) get a ❌, never a traceback;
- there are at least two hint steps, the last of which holds the solution's lines (hint() serves them from
  solution_code), and hint() and solution() print;
- no hint repeats the solution: the lines are written once, in solution_code (a lead-in goes in solution_lead);
- every lesson with a solution notebook has its exercise module here, so all of the above covers every lesson.

Lesson 05's questions read an MLflow store: they run against the practice store its test file builds.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import importlib
import re
from pathlib import Path

import test_exercises_lesson05
from churnlab.exercises.core import ____

from answers import Several, answers_of, outcome, printed_check, resolve

EXERCISE_MODULES = sorted(path.stem for path in (Path(__file__).resolve().parents[2] / "churnlab" / "exercises").glob("lesson[0-9][0-9].py"))
LESSONS = {name.removeprefix("lesson"): (importlib.import_module(f"churnlab.exercises.{name}"),
                                         importlib.import_module(f"test_exercises_{name}")) for name in EXERCISE_MODULES}


def _labels(module) -> list[str]:
    return [name for name in module.__all__ if re.fullmatch(r"q\d+", name)]


QUESTIONS = {f"{number}.{label}": (getattr(module, label), number) for number, (module, _) in LESSONS.items() for label in _labels(module)}
RIGHT = [(key, i) for key, (question, number) in QUESTIONS.items()
         for i in range(len(getattr(LESSONS[number][1], "RIGHT_ANSWERS", {}).get(question.label, [])))]
WRONG = [(key, i) for key, (question, number) in QUESTIONS.items()
         for i in range(len(getattr(LESSONS[number][1], "WRONG_ANSWERS", {}).get(question.label, [])))]
ODD_ANSWERS = {"None": None, "text": "abc", "nan": float("nan"), "list": [1, 2, 3], "DataFrame": pd.DataFrame({"a": [1, 2]}),
               "True": True, "array": np.array([0.1, 0.2]), "dict": {"x": 1}, "inf": float("inf"), "object": object()}
ARBITRARY = {"0": 0, "1": 1, "0.5": 0.5, "base rate": 0.2654, "minus one": -1, "a million": 1e6}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Lesson 05's practice store; the other lessons need none."""
    with test_exercises_lesson05.practice_store(tmp_path_factory.mktemp("work")) as built:
        yield built


def _context(number: str, request):
    return request.getfixturevalue("store") if number == "05" else None


def _fill(question, value) -> Several:
    """``value`` for every variable of ``question``."""
    return Several(*([value] * len(question.variables)))


def test_every_lesson_with_a_solution_notebook_is_checked_here():
    solutions = Path(__file__).resolve().parents[2] / "solutions"
    assert sorted(LESSONS) == sorted(path.name[:2] for path in solutions.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("number", LESSONS)
def test_every_lesson_has_four_questions_and_a_go_further_question(number):
    module, tests = LESSONS[number]
    labels = _labels(module)
    assert len(labels) >= 5 and labels == [f"q{n}" for n in range(1, len(labels) + 1)], number
    assert hasattr(tests, "RIGHT_ANSWERS") and hasattr(tests, "WRONG_ANSWERS"), \
        f"tests/exercises/test_exercises_lesson{number}.py should list RIGHT_ANSWERS and WRONG_ANSWERS per question"
    assert set(tests.RIGHT_ANSWERS) == set(labels) and set(tests.WRONG_ANSWERS) == set(labels), number


@pytest.mark.parametrize("key", QUESTIONS)
def test_every_question_lists_at_least_three_wrong_answers_and_a_right_one(key):
    question, number = QUESTIONS[key]
    tests = LESSONS[number][1]
    assert len(tests.WRONG_ANSWERS[question.label]) >= 3
    assert len(tests.RIGHT_ANSWERS[question.label]) >= 1


@pytest.mark.parametrize("key, index", RIGHT, ids=[f"{key}-{index}" for key, index in RIGHT])
def test_a_right_answer_passes_in_the_variable_and_given_to_check(key, index, request):
    question, number = QUESTIONS[key]
    value = resolve(LESSONS[number][1].RIGHT_ANSWERS[question.label][index], _context(number, request))
    assert outcome(question, value).startswith(f"✅ {question.label}: correct!"), outcome(question, value)
    assert printed_check(question, value).startswith(f"✅ {question.label}: correct!")


@pytest.mark.parametrize("key, index", WRONG, ids=[f"{key}-{index}" for key, index in WRONG])
def test_a_listed_wrong_answer_gets_its_own_message(key, index, request):
    question, number = QUESTIONS[key]
    value, phrase = LESSONS[number][1].WRONG_ANSWERS[question.label][index]
    value = resolve(value, _context(number, request))
    for shown in (outcome(question, value), printed_check(question, value)):
        assert shown.startswith(f"❌ {question.label}: not quite."), shown
        assert phrase in shown, shown


@pytest.mark.parametrize("arbitrary", ARBITRARY.values(), ids=ARBITRARY.keys())
@pytest.mark.parametrize("key", QUESTIONS)
def test_an_arbitrary_value_never_passes(key, arbitrary, request):
    question, number = QUESTIONS[key]
    _context(number, request)
    rights = LESSONS[number][1].RIGHT_ANSWERS[question.label]
    if any(isinstance(right, (int, float, np.number)) and abs(right - arbitrary) < 1e-3 for right in rights):
        pytest.skip("this value is the question's answer (the base rate is lesson 01's first answer)")
    assert outcome(question, _fill(question, arbitrary)).startswith(f"❌ {question.label}: ")


@pytest.mark.parametrize("key", QUESTIONS)
def test_blank_and_missing_answers_are_not_attempted(key, request):
    question, number = QUESTIONS[key]
    _context(number, request)
    assert outcome(question, _fill(question, ____)).startswith(f"✏️ {question.label}: not attempted yet")
    assert question.outcome({}).startswith(f"✏️ {question.label}: not attempted yet")
    right = resolve(LESSONS[number][1].RIGHT_ANSWERS[question.label][0], _context(number, request))
    for position in range(len(question.variables)):  # one variable still blank: not attempted either
        partly = list(answers_of(question, right))
        partly[position] = ____
        assert outcome(question, Several(*partly)).startswith(f"✏️ {question.label}: not attempted yet")


@pytest.mark.parametrize("odd", ODD_ANSWERS.values(), ids=ODD_ANSWERS.keys())
@pytest.mark.parametrize("key", QUESTIONS)
def test_odd_answers_get_a_cross_without_raising(key, odd, request):
    question, number = QUESTIONS[key]
    _context(number, request)
    assert outcome(question, _fill(question, odd)).startswith(f"❌ {question.label}: ")


@pytest.mark.parametrize("key", QUESTIONS)
def test_the_check_takes_the_answer_itself_and_says_how_many_it_needs(key, request):
    question, _ = QUESTIONS[key]
    too_many = printed_check(question, Several(*([0] * (len(question.variables) + 1))))
    assert too_many.startswith(f"❌ {question.label}: {question.label}.check() takes {len(question.variables)} answer(s)")


@pytest.mark.parametrize("key", QUESTIONS)
def test_hints_go_from_a_nudge_to_the_exact_lines(key, capsys):
    question, number = QUESTIONS[key]
    steps = question.steps  # the hints, then the solution's lines (served by hint() from solution_code)
    assert len(steps) >= 2 and question.solution_code and question.solution_why
    assert "lesson" in steps[0].lower() or question.label == _labels(LESSONS[number][0])[-1], "the first hint points to the lesson"
    last = steps[-1]
    for line in question.solution_code.splitlines():
        assert line.strip() in last, f"the last hint should give the line {line.strip()!r}"
    assert question.solution_code.splitlines()[0].strip() not in steps[0], "the first hint is a nudge, not the answer"
    for step in range(1, len(steps) + 1):
        question.hint(step)
    question.solution()
    printed = capsys.readouterr().out
    assert f"Hint {len(steps)} of {len(steps)}" in printed and "📖 Solution" in printed


@pytest.mark.parametrize("key", QUESTIONS)
def test_no_hint_repeats_the_solution(key):
    """The solution's lines are written once, in solution_code; hint() serves them as its last step."""
    question, _ = QUESTIONS[key]
    lines = [line.strip() for line in question.solution_code.splitlines() if line.strip()]
    for number, hint in enumerate(question.hints, 1):
        assert not all(line in hint for line in lines), (
            f"hint {number} repeats solution_code: delete it (hint() serves the solution as its last step) and move "
            "its lead-in sentence to solution_lead")
        quoted = [line for line in lines if f"\n    {line}" in hint or hint.strip() == line]
        assert not quoted, f"hint {number} quotes the solution's line {quoted[0]!r}: hint() serves it as its last step"
    assert question.steps[:-1] == tuple(question.hints) and question.steps[-1] not in question.hints, \
        "hint() serves the solution's lines after the hints"
