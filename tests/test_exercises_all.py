"""What every question of lessons 01-04 must do alike: a blank says "not attempted yet", odd answers
get a ❌ (never a traceback), and the hints and the solution print.

Lesson 05's questions read an MLflow store, so tests/test_exercises_lesson05.py checks the same
against a temporary one. Each lesson's own file tests its right answers and its mistake messages.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from churnlab.exercises import lesson01, lesson02, lesson03, lesson04
from churnlab.exercises.core import ____

from answers import outcome

QUESTIONS = {f"{module.__name__.rsplit('.', 1)[-1]}.{name}": getattr(module, name)
             for module in (lesson01, lesson02, lesson03, lesson04) for name in ("q1", "q2", "q3", "q4")}
ODD_ANSWERS = {"None": None, "text": "abc", "nan": float("nan"), "list": [1, 2, 3], "DataFrame": pd.DataFrame({"a": [1, 2]}),
               "True": True, "array": np.array([0.1, 0.2]), "dict": {"x": 1}}


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_blank_and_missing_answers_are_not_attempted(question):
    blank = outcome(question, ____)
    assert blank.startswith(f"✏️ {question.label}: not attempted yet"), blank
    assert question.outcome({}).startswith(f"✏️ {question.label}: not attempted yet")


@pytest.mark.parametrize("odd", ODD_ANSWERS.values(), ids=ODD_ANSWERS.keys())
@pytest.mark.parametrize("question", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_odd_answers_get_a_cross_without_raising(question, odd):
    assert outcome(question, odd).startswith(f"❌ {question.label}: ")


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_two_hints_and_a_solution_print(question, capsys):
    assert len(question.hints) == 2 and question.solution_code and question.solution_why
    question.hint()
    question.hint(2)
    question.solution()
    printed = capsys.readouterr().out
    assert "Hint 1 of 2" in printed and "Hint 2 of 2" in printed and "Solution" in printed
